// Outer UDP checksum verdicts of the VXLAN packets in a capture, read with podpath's own pcap reader
// and decoder, and why a sum is bad as `pcap analyze` says it: wire error, offload artefact
// (partial sum), local checksum offload, or an artefact shown by an answer (the capture holds the
// ICMP error, ACK or reply that proves the receiver took the packet: a sum NAT changed after it was
// left for offload).
import { readCapture } from '../pcap/reader/index.js';
import { decodeFrame } from '../pcap/decode/index.js';
import { analyzeCapture } from '../pcap/analyze/run.js';
import type { FrameSetJson } from '../pcap/analyze/frame-set.js';
import { PodpathError } from '../util/errors.js';
import type { OuterUdpVerdicts } from './traffic.js';

export interface OuterUdpFromPcap extends OuterUdpVerdicts {
  /** bad sums by cause: wire, offload, lco, unknown */
  causes: Record<string, number>;
  /** bad sums whose packet was answered in the capture (counted as offload or lco in causes) */
  answered: number;
}

function framesOf(set: FrameSetJson): number[] {
  return set.ranges.flatMap((r) => Array.from({ length: r.to - r.from + 1 }, (_, i) => r.from + i));
}

/** The VXLAN packets to `port` in the capture; with `from`, only those from that outer source address. */
export async function outerUdpFromPcap(file: string, port: number, from?: string): Promise<OuterUdpFromPcap> {
  const v: OuterUdpFromPcap = { packets: 0, ok: 0, zero: 0, bad: 0, badValues: [], sourcePorts: [], causes: {}, answered: 0 };
  const hex = (n: number) => '0x' + n.toString(16).padStart(4, '0');
  const badFrames: number[] = [];
  const summary = await readCapture(file, (frame) => {
    const p = decodeFrame(frame, { vxlanPorts: [port] });
    if (p.l4?.kind !== 'udp' || p.l4.dstPort !== port || !p.tunnel || (from !== undefined && p.ip?.src !== from)) return;
    v.packets++;
    v.sourcePorts.push(p.l4.srcPort ?? 0);
    const c = p.l4.checksum;
    if (!c || c.status === 'none') v.zero++;
    else if (c.status === 'ok') v.ok++;
    else if (c.status === 'bad') {
      v.bad++;
      v.badValues.push(`${hex(c.got)} -> ${c.expected === undefined ? '?' : hex(c.expected)}`);
      badFrames.push(p.frameNumber);
    }
  });
  if (summary.error) throw new PodpathError('E_LAB_CAPTURE', `${file}: ${summary.error.code}: ${summary.error.message}`);
  // The causes as the analyzer gives them: it sees the whole capture, answers included.
  const a = await analyzeCapture(file, file, { vxlanPorts: [port] });
  const causeOf = new Map<number, { cause: string; answered: boolean }>();
  for (const g of a.checksums.badGroups) {
    if (g.layer !== 'outer-udp') continue;
    for (const n of framesOf(g.frames)) causeOf.set(n, { cause: g.cause, answered: g.answered === true });
  }
  for (const n of framesOf(a.checksums.tunnelFfff.frames)) causeOf.set(n, { cause: 'wire', answered: false });
  for (const n of badFrames) {
    const c = causeOf.get(n) ?? { cause: 'unknown', answered: false };
    v.causes[c.cause] = (v.causes[c.cause] ?? 0) + 1;
    if (c.answered) v.answered++;
  }
  return v;
}
