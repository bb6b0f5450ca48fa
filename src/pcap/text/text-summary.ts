// tcpdump text measured like a pcap file: the records parseTcpdumpText decoded go through the same
// analyzer, and the summary gains what only text has (the transcript line of each frame, that line)
// and the per-flow VXLAN outer sums (a tally over the decoded packets, as few as a paste holds).
import type { CaptureSummary, VxlanSender } from '../../evidence/capture-summary.js';
import { CaptureAnalyzer } from '../analyze/capture-analysis.js';
import type { DecodedPacket } from '../types.js';
import { parseTcpdumpText } from './tcpdump-text.js';

/** One tcpdump output as a capture summary: `file` names it (`transcript.txt:130`); at most `maxPackets` records. */
export function summarizeTcpdumpText(lines: { no: number; text: string }[], file: string, maxPackets: number): { summary: CaptureSummary; records: number } | undefined {
  const cap = parseTcpdumpText(lines);
  if (cap.packets.length === 0) return undefined;
  const packets = cap.packets.slice(0, Math.max(0, maxPackets));
  const analyzer = new CaptureAnalyzer();
  for (const p of packets) analyzer.add(p);
  const summary = analyzer.finish(file, { format: 'pcap', frames: packets.length, bytesRead: 0, linkTypes: [cap.linkType] });
  const texts = new Map<number, string>();
  for (const l of lines) if (!texts.has(l.no)) texts.set(l.no, l.text.trim());
  const frameLines = cap.lines.slice(0, packets.length);
  return {
    summary: { ...summary, vxlanSenders: vxlanSenders(packets), frameLines, frameTexts: frameLines.map((no) => texts.get(no) ?? '') },
    records: cap.packets.length,
  };
}

/** Outer UDP checksums of VXLAN packets per sender, destination and port (what rules judge per flow). */
export function vxlanSenders(packets: readonly DecodedPacket[]): VxlanSender[] {
  const by = new Map<string, VxlanSender>();
  for (const p of packets) {
    if (!p.tunnel || !p.ip || p.l4?.kind !== 'udp' || p.l4.dstPort === undefined) continue;
    const key = `${p.ip.src} ${p.ip.dst} ${p.l4.dstPort}`;
    const e = by.get(key) ?? { src: p.ip.src, dst: p.ip.dst, dstPort: p.l4.dstPort, ok: 0, none: 0, bad: 0, ffff: 0 };
    const ck = p.l4.checksum;
    if (ck?.status === 'bad') {
      e.bad++;
      if (ck.got === 0xffff) e.ffff++;
      e.firstBad ??= { frame: p.frameNumber, got: ck.got, ...(ck.expected !== undefined ? { expected: ck.expected } : {}) };
    } else if (ck?.status === 'ok') e.ok++;
    else if (ck?.status === 'none') e.none++;
    by.set(key, e);
  }
  return [...by.values()];
}
