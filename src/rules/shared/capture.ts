// What the capture rules share: where a finding points in a capture (the file, its frames and a
// Wireshark display filter that shows exactly them), the layer names of a checksum verdict, and
// evidence lines quoting a capture's numbers.
import type { FindingLocation, Phrase } from '../../engine/types.js';
import type { EvidenceLine } from '../../evidence/node-facts.js';
import type { FrameSetJson } from '../../evidence/frame-set.js';
import type { CaptureSummary } from '../../evidence/capture-summary.js';
import { fragment, type CommandValue } from '../../engine/shell-fill.js';

/**
 * The capture as the word a printed command reads (`podpath pcap diff {file} receiver.pcap`): its
 * path, or, when it is no file podpath can open again (tcpdump text in a transcript is cited as
 * `notes.txt:12`; standard input as `<stdin>`), a pcap the user supplies: without it the paste stops
 * with the shell's message instead of running on a name that is not a path.
 */
export function captureFileArg(sum: Pick<CaptureSummary, 'file' | 'frameLines'>): CommandValue {
  if (sum.frameLines === undefined && sum.file !== '<stdin>' && sum.file !== '-') return sum.file;
  return fragment('"${CAPTURE:?set CAPTURE to a pcap file (tcpdump -w) of this traffic, taken where this capture was}"');
}

/**
 * A Wireshark (>= 4.0) display filter that shows exactly these frames:
 * `frame.number in {12..14, 18}`. Undefined when the set was truncated (it would not be exact).
 */
export function frameFilter(set: FrameSetJson, maxRanges = 200): string | undefined {
  if (set.truncated || set.ranges.length === 0 || set.ranges.length > maxRanges) return undefined;
  const parts = set.ranges.map((r) => (r.from === r.to ? `${r.from}` : `${r.from}..${r.to}`));
  return `frame.number in {${parts.join(', ')}}`;
}

/**
 * Where a finding points: the capture, its frames, and a filter (the one given, else the exact
 * frame list, else the fallback field filter for when the list is too long to spell out).
 */
export function captureLocation(file: string, frames?: FrameSetJson, filter?: string, fallbackFilter?: string): FindingLocation {
  const f = filter ?? (frames ? frameFilter(frames) : undefined) ?? fallbackFilter;
  return { file, ...(frames !== undefined ? { frames } : {}), ...(f !== undefined ? { filter: f } : {}) };
}

/** Wireshark field prefix for an address family. */
export function ipField(addr: string): 'ip' | 'ipv6' {
  return addr.includes(':') ? 'ipv6' : 'ip';
}

/** `0x7a0d -> 0x4acd` (the value in the packet and the right one). */
export function sumValue(got: number, expected?: number): string {
  const hex = (n: number) => `0x${n.toString(16).padStart(4, '0')}`;
  return `${hex(got)}${expected !== undefined ? ` -> ${hex(expected)}` : ''}`;
}

/** At most `n` items joined with `, `, and `, ...` when there were more. */
export function listed(items: readonly (string | number)[], n: number): string {
  return items.slice(0, n).join(', ') + (items.length > n ? ', ...' : '');
}

const PROTO_LABEL: Record<string, string> = { udp: 'UDP', tcp: 'TCP', icmp: 'ICMP', icmpv6: 'ICMPv6' };

/** The phrases naming a checksum layer (`outer UDP`, `inner IPv4 header`), for meta.messages. */
export const LAYER_PHRASES = {
  outerIpv4: { en: 'outer IPv4 header', zh: '外层 IPv4 头' },
  innerIpv4: { en: 'inner IPv4 header', zh: '内层 IPv4 头' },
  outerL4: { en: 'outer {proto}', zh: '外层 {proto}' },
  innerL4: { en: 'inner {proto}', zh: '内层 {proto}' },
};

/** The phrase for a layer of the summary (`outer-udp`, `inner-ipv4`). */
export function layerPhrase(layer: string): Phrase {
  const [scope, proto] = layer.split('-', 2);
  const inner = scope === 'inner';
  if (proto === 'ipv4') return { id: inner ? 'innerIpv4' : 'outerIpv4' };
  return { id: inner ? 'innerL4' : 'outerL4', data: { proto: PROTO_LABEL[proto ?? ''] ?? (proto ?? '').toUpperCase() } };
}

/** A line of evidence from a capture: the file is where it came from. */
export function captureLine(file: string, text: string): EvidenceLine {
  return { source: file, text };
}

/**
 * Lines for the first `max` items, and one saying how many more there were (only the lines shown
 * are built: a capture may have thousands of groups).
 */
export function capped<T>(items: readonly T[], max: number, file: string, line: (item: T) => string): EvidenceLine[] {
  const lines = items.slice(0, max).map((x) => captureLine(file, line(x)));
  if (items.length > max) lines.push(captureLine(file, `... and ${items.length - max} more`));
  return lines;
}
