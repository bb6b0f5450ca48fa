// Outer UDP checksum verdicts of the VXLAN packets in a capture, read with podpath's own pcap reader
// and decoder, which also says why a sum is bad: wire error, offload artefact (partial sum) or
// local checksum offload (outer sum right once the inner one is filled in).
import { readCapture } from '../pcap/reader/index.js';
import { decodeFrame } from '../pcap/decode/index.js';
import { PodpathError } from '../util/errors.js';
import type { OuterUdpVerdicts } from './traffic.js';

export interface OuterUdpFromPcap extends OuterUdpVerdicts {
  /** bad sums by cause: wire, offload, lco, unknown */
  causes: Record<string, number>;
}

export async function outerUdpFromPcap(file: string, port: number): Promise<OuterUdpFromPcap> {
  const v: OuterUdpFromPcap = { packets: 0, ok: 0, zero: 0, bad: 0, badValues: [], sourcePorts: [], causes: {} };
  const hex = (n: number) => '0x' + n.toString(16).padStart(4, '0');
  const summary = await readCapture(file, (frame) => {
    const p = decodeFrame(frame, { vxlanPorts: [port] });
    if (p.l4?.kind !== 'udp' || p.l4.dstPort !== port || !p.tunnel) return;
    v.packets++;
    v.sourcePorts.push(p.l4.srcPort ?? 0);
    const c = p.l4.checksum;
    if (!c || c.status === 'none') v.zero++;
    else if (c.status === 'ok') v.ok++;
    else if (c.status === 'bad') {
      v.bad++;
      v.badValues.push(`${hex(c.got)} -> ${c.expected === undefined ? '?' : hex(c.expected)}`);
      const cause = c.cause ?? 'unknown';
      v.causes[cause] = (v.causes[cause] ?? 0) + 1;
    }
  });
  if (summary.error) throw new PodpathError('E_LAB_CAPTURE', `${file}: ${summary.error.code}: ${summary.error.message}`);
  return v;
}
