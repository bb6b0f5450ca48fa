// One capture, measured in one pass: every decoded packet goes to each accumulator, and finish()
// turns their state into the capture's summary (evidence/capture-summary.ts). Judging it is the
// capture rules' job (src/rules/capture/), through the one engine.
import type { DecodedPacket, ReadSummary } from '../types.js';
import { ChecksumAccumulator } from './checksums.js';
import { HandshakeAccumulator } from './handshakes.js';
import { SizeAccumulator } from './sizes.js';
import { IcmpAccumulator } from './icmp.js';
import { FlatPacket, fromDecoded, L4_ICMP, L4_ICMPV6 } from '../decode/flat.js';
import { AddressTable } from './addresses.js';
import type { CaptureSummary, PacketCounts } from '../../evidence/capture-summary.js';

export type { CaptureSummary };

export class CaptureAnalyzer {
  /** Address ids shared by the accumulators: each address is looked up once per packet. */
  private readonly addrs = new AddressTable();
  private readonly checksums = new ChecksumAccumulator(this.addrs);
  private readonly handshakes = new HandshakeAccumulator(this.addrs);
  private readonly sizes = new SizeAccumulator(this.addrs);
  private readonly icmp = new IcmpAccumulator();
  private readonly counts: PacketCounts = { frames: 0, ip: 0, tunnel: 0, truncated: 0, notes: {} };
  /** First and last frame times (a typed array: no heap number per frame, see handshakes.ts). */
  private readonly span = Float64Array.of(Infinity, -Infinity);
  private scratch: FlatPacket | undefined;

  /** A packet in the documented object form (slower: converted to the flat form first). */
  add(pkt: DecodedPacket): void {
    this.addFlat(fromDecoded(pkt, (this.scratch ??= new FlatPacket())));
  }

  /** A packet as decodeFlat left it, while its frame's bytes are still valid. */
  addFlat(f: FlatPacket): void {
    this.counts.frames++;
    const span = this.span;
    const ts = f.tsSec + f.tsNsec / 1e9;
    if (ts < span[0]!) span[0] = ts;
    if (ts > span[1]!) span[1] = ts;
    if (f.truncated) this.counts.truncated++;
    const note = f.note;
    if (note !== undefined) {
      const notes = this.counts.notes;
      if (notes[note] !== undefined || Object.keys(notes).length < 20) notes[note] = (notes[note] ?? 0) + 1;
    }
    if (f.ipVersion[0] === 0) return;
    this.counts.ip++;
    const tunnel = f.tunnelKind[0] !== 0;
    if (tunnel) this.counts.tunnel++;
    const src = this.addrs.idAt(f, 0, false);
    const dst = this.addrs.idAt(f, 0, true);
    const innerSrc = tunnel && f.ipVersion[1] !== 0 ? this.addrs.idAt(f, 1, false) : -1;
    this.checksums.add(f, src, innerSrc);
    this.handshakes.time[0] = ts; // the frame's time, computed once
    this.handshakes.addTimed(f);
    this.sizes.add(f, src, dst);
    if (innerSrc >= 0) this.sizes.add(f, innerSrc, this.addrs.idAt(f, 1, true), 1);
    // ICMP is rare: tell by the L4 kinds here, without a call per packet.
    const k0 = f.l4Kind[0];
    const k1 = tunnel ? f.l4Kind[1] : 0;
    if (k0 === L4_ICMP || k0 === L4_ICMPV6 || k1 === L4_ICMP || k1 === L4_ICMPV6) this.icmp.add(f);
  }

  finish(file: string, read: ReadSummary): CaptureSummary {
    const checksums = this.checksums.finish();
    const handshakes = this.handshakes.finish();
    const sizes = this.sizes.finish();
    const icmp = this.icmp.finish();
    const window =
      this.counts.frames === 0 || !Number.isFinite(this.span[0])
        ? undefined
        : { first: this.span[0]!, last: this.span[1]!, seconds: Math.round((this.span[1]! - this.span[0]!) * 1e6) / 1e6 };
    return { file, read: { ...read }, packets: this.counts, window, checksums, handshakes, sizes, icmp };
  }
}
