// One capture, analyzed in one pass: every decoded packet goes to each accumulator, and
// finish() turns their state into the summary and the findings.
import type { DecodedPacket, ReadSummary } from '../types.js';
import { ChecksumAccumulator, checksumFindings, type ChecksumSummary } from './checksums.js';
import { HandshakeAccumulator, handshakeFindings, type HandshakeSummary } from './handshakes.js';
import { SizeAccumulator, sizeFindings, type SizeSummary } from './sizes.js';
import { sortFindings, type Finding } from './findings.js';
import { tsOf } from './layers.js';

export interface PacketCounts {
  frames: number;
  ip: number;
  tunnel: number;
  truncated: number;
  /** Frames the decoder stopped on early, by its note (capped at 20 distinct notes). */
  notes: Record<string, number>;
}

export interface FileAnalysis {
  file: string;
  read: Omit<ReadSummary, 'error'> & { error?: ReadSummary['error'] };
  packets: PacketCounts;
  /** First and last timestamps (seconds since the epoch) and the span. */
  window?: { first: number; last: number; seconds: number };
  checksums: ChecksumSummary;
  handshakes: HandshakeSummary;
  sizes: SizeSummary;
  findings: Finding[];
}

export class CaptureAnalyzer {
  private readonly checksums = new ChecksumAccumulator();
  private readonly handshakes = new HandshakeAccumulator();
  private readonly sizes = new SizeAccumulator();
  private readonly counts: PacketCounts = { frames: 0, ip: 0, tunnel: 0, truncated: 0, notes: {} };
  private first?: number;
  private last?: number;

  add(pkt: DecodedPacket): void {
    this.counts.frames++;
    const ts = tsOf(pkt);
    if (this.first === undefined || ts < this.first) this.first = ts;
    if (this.last === undefined || ts > this.last) this.last = ts;
    if (pkt.truncated) this.counts.truncated++;
    if (pkt.note) {
      const notes = this.counts.notes;
      if (notes[pkt.note] !== undefined || Object.keys(notes).length < 20) notes[pkt.note] = (notes[pkt.note] ?? 0) + 1;
    }
    if (!pkt.ip) return;
    this.counts.ip++;
    if (pkt.tunnel) this.counts.tunnel++;
    this.checksums.add(pkt);
    this.handshakes.add(pkt);
    this.sizes.add(pkt);
  }

  finish(file: string, read: ReadSummary): FileAnalysis {
    const checksums = this.checksums.finish();
    const handshakes = this.handshakes.finish();
    const sizes = this.sizes.finish();
    const findings = sortFindings([
      ...checksumFindings(checksums, this.checksums, file),
      ...handshakeFindings(handshakes, file),
      ...sizeFindings(sizes, file),
    ]);
    const window =
      this.first === undefined || this.last === undefined
        ? undefined
        : { first: this.first, last: this.last, seconds: Math.round((this.last - this.first) * 1e6) / 1e6 };
    return { file, read: { ...read }, packets: this.counts, window, checksums, handshakes, sizes, findings };
  }
}
