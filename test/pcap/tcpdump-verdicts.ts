// Reads tcpdump's printed checksum verdicts out of its -v/-vv text (one frame per `-#` number)
// and podpath's verdicts out of a DecodedPacket, in comparable form.
import type { ChecksumVerdict, DecodedPacket, PacketLayers } from '../../src/pcap/types.js';

export type VerdictKind = 'ip' | 'udp' | 'tcp' | 'icmp' | 'icmpv6';

export interface PrintedVerdict {
  kind: VerdictKind;
  status: ChecksumVerdict['status'];
  got?: number;
  expected?: number;
}

const PATTERNS: [RegExp, (m: RegExpExecArray) => PrintedVerdict][] = [
  [/\[udp sum ok\]/g, () => ({ kind: 'udp', status: 'ok' })],
  [/\[no cksum\]/g, () => ({ kind: 'udp', status: 'none', got: 0 })],
  [/\[bad udp cksum 0x([0-9a-f]+) -> 0x([0-9a-f]+)!\]/g, (m) => ({ kind: 'udp', status: 'bad', got: hex(m[1]), expected: hex(m[2]) })],
  [/Flags \[[^\]]*\], cksum 0x([0-9a-f]+) \(correct\)/g, (m) => ({ kind: 'tcp', status: 'ok', got: hex(m[1]) })],
  [/Flags \[[^\]]*\], cksum 0x([0-9a-f]+) \(incorrect -> 0x([0-9a-f]+)\)/g, (m) => ({ kind: 'tcp', status: 'bad', got: hex(m[1]), expected: hex(m[2]) })],
  [/wrong icmp cksum ([0-9a-f]+) \(->([0-9a-f]+)\)!/g, (m) => ({ kind: 'icmp', status: 'bad', got: hex(m[1]), expected: hex(m[2]) })],
  [/, bad cksum ([0-9a-f]+) \(->([0-9a-f]+)\)!/g, (m) => ({ kind: 'ip', status: 'bad', got: hex(m[1]), expected: hex(m[2]) })],
  [/\[icmp6 sum ok\]/g, () => ({ kind: 'icmpv6', status: 'ok' })],
  [/\[bad icmp6 cksum 0x([0-9a-f]+) -> 0x([0-9a-f]+)!\]/g, (m) => ({ kind: 'icmpv6', status: 'bad', got: hex(m[1]), expected: hex(m[2]) })],
];

function hex(s: string): number {
  return parseInt(s, 16);
}

/** Splits tcpdump `-#` output into frames (numbers must follow each other) and extracts verdicts. */
export function printedVerdicts(text: string): Map<number, PrintedVerdict[]> {
  const frames = new Map<number, string>();
  let current = 0;
  for (const line of text.split('\n')) {
    const m = /^ *(\d+) {2}/.exec(line);
    if (m && Number(m[1]) === current + 1) {
      current++;
      frames.set(current, line);
    } else if (current > 0) frames.set(current, `${frames.get(current)}\n${line}`);
  }
  const out = new Map<number, PrintedVerdict[]>();
  for (const [n, body] of frames) {
    const found: { at: number; v: PrintedVerdict }[] = [];
    for (const [re, make] of PATTERNS) {
      re.lastIndex = 0;
      for (let m = re.exec(body); m; m = re.exec(body)) found.push({ at: m.index, v: make(m) });
    }
    if (found.length) out.set(n, found.sort((a, b) => a.at - b.at).map((f) => f.v));
  }
  return out;
}

/** Last frame number of tcpdump `-#` output. */
export function printedFrameCount(text: string): number {
  let current = 0;
  for (const line of text.split('\n')) {
    const m = /^ *(\d+) {2}/.exec(line);
    if (m && Number(m[1]) === current + 1) current++;
  }
  return current;
}

export interface OurVerdict extends ChecksumVerdict {
  kind: VerdictKind;
}

export function ourVerdicts(p: DecodedPacket): OurVerdict[] {
  const out: OurVerdict[] = [];
  const walk = (l: PacketLayers) => {
    if (l.ip?.headerChecksum) out.push({ kind: 'ip', ...l.ip.headerChecksum });
    const c = l.l4?.checksum;
    if (c && l.l4 && l.l4.kind !== 'other') out.push({ kind: l.l4.kind, ...c });
    if (l.tunnel) walk(l.tunnel.inner);
  };
  walk(p);
  return out;
}

export type Agreement = 'match' | 'mismatch' | 'not-decoded';

/**
 * Pairs each printed verdict with one of ours: `match` when kind, status and the printed values
 * agree; `mismatch` when we verified the same field (same kind, same value in the packet) and
 * disagree; `not-decoded` when we have no verdict for it (a layer podpath does not decode,
 * e.g. GRE or IP-in-IP, or a field tcpdump checked and we left unverifiable).
 */
export function compareVerdicts(printed: PrintedVerdict[], ours: OurVerdict[]): { v: PrintedVerdict; result: Agreement; ours?: OurVerdict }[] {
  const used = new Set<number>();
  return printed.map((v) => {
    const same = (o: OurVerdict) =>
      o.kind === v.kind && o.status === v.status && (v.got === undefined || o.got === v.got) && (v.expected === undefined || o.expected === v.expected);
    let i = ours.findIndex((o, k) => !used.has(k) && same(o));
    if (i >= 0) {
      used.add(i);
      return { v, result: 'match' as const, ours: ours[i] };
    }
    i = ours.findIndex((o, k) => !used.has(k) && o.kind === v.kind && o.status !== 'unverifiable' && (v.got === undefined || o.got === v.got));
    if (i >= 0) {
      used.add(i);
      return { v, result: 'mismatch' as const, ours: ours[i] };
    }
    return { v, result: 'not-decoded' as const };
  });
}
