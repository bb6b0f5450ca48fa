// pcapng: a sequence of blocks (type, total length, body, total length again). Each section
// starts with a Section Header Block that sets its byte order; interfaces (IDB) are numbered
// per section. Packets come in EPB, SPB and the obsolete PB; every other block is skipped by its
// length. Checks follow libpcap's sf-pcapng.c, plus the trailing length (as Wireshark checks it).
import { u16, u32, viewOf } from './bytes.js';
import { E_PCAP_BAD_BLOCK, E_PCAP_BAD_LENGTH, E_PCAP_BAD_MAGIC, E_PCAP_NO_INTERFACE, E_PCAP_TRUNCATED, type ReadError } from './codes.js';
import { adjustSnaplen, MAX_PCAPNG_BLOCK } from './limits.js';
import { newFrameRecord, type RecordParser, type RecordSink } from './parser.js';
import { MICROSECONDS, splitTimestampAfter, tsResolution, type TsResolution } from './timestamp.js';

export const PCAPNG_SHB = 0x0a0d0d0a;
const BYTE_ORDER_MAGIC = 0x1a2b3c4d;
const BT_IDB = 1;
const BT_PB = 2;
const BT_SPB = 3;
const BT_EPB = 6;

const OPT_ENDOFOPT = 0;
const OPT_IF_TSRESOL = 9;
const OPT_IF_TSOFFSET = 14;

/** Smallest valid total length per block type (header, fixed fields, trailer). */
const MIN_SHB = 28;
const MIN_IDB = 20;
const MIN_EPB = 32;
const MIN_PB = 32;
const MIN_SPB = 16;
const MIN_BLOCK = 12;

interface Interface {
  linkType: number;
  snaplen: number;
  res: TsResolution;
  tsOffset: number;
  /** Index across the whole file, as reported in ReadSummary.linkTypes. */
  globalId: number;
  /** The previous packet's timestamp split (see splitTimestampAfter); [2] < 0: none yet. */
  lastTs: Float64Array;
}

export class PcapngParser implements RecordParser {
  need = MIN_BLOCK;
  error?: ReadError;
  frames = 0;
  linkTypes: number[] = [];

  private le = true;
  private inSection = false;
  private interfaces: Interface[] = [];
  /** Seconds and nanoseconds of the current packet (see splitTimestamp). */
  private readonly ts = new Float64Array(3);

  private readonly rec = newFrameRecord();

  constructor(private readonly onFrame: RecordSink) {}

  parse(buf: Uint8Array, pos: number, end: number, base: number, eof: boolean): number {
    const dv = viewOf(buf);
    while (!this.error) {
      const avail = end - pos;
      if (avail < MIN_BLOCK) {
        if (eof && avail > 0) this.fail(E_PCAP_TRUNCATED, `truncated block header (${avail} bytes left)`, base + pos);
        this.need = MIN_BLOCK;
        return pos;
      }
      // The SHB block type reads the same in both byte orders; its byte-order magic decides.
      let le = this.le;
      const isShb = dv.getUint32(pos, true) === PCAPNG_SHB;
      if (isShb) {
        if (u32(buf, pos + 8, true) === BYTE_ORDER_MAGIC) le = true;
        else if (u32(buf, pos + 8, false) === BYTE_ORDER_MAGIC) le = false;
        else {
          this.fail(this.inSection ? E_PCAP_BAD_BLOCK : E_PCAP_BAD_MAGIC, 'section header with an unknown byte-order magic', base + pos);
          return pos;
        }
      } else if (!this.inSection) {
        this.fail(E_PCAP_BAD_MAGIC, 'not a pcapng file (no section header block first)', base + pos);
        return pos;
      }
      const type = dv.getUint32(pos, le);
      const total = dv.getUint32(pos + 4, le);
      const min = isShb ? MIN_SHB : MIN_BLOCK;
      if (total < min) {
        this.fail(E_PCAP_BAD_BLOCK, `block of type 0x${type.toString(16)} has a length of ${total} < ${min}`, base + pos);
        return pos;
      }
      if (total % 4 !== 0) {
        this.fail(E_PCAP_BAD_BLOCK, `block length ${total} is not a multiple of 4`, base + pos);
        return pos;
      }
      if (total > MAX_PCAPNG_BLOCK) {
        this.fail(E_PCAP_BAD_BLOCK, `block length ${total} is beyond the maximum of ${MAX_PCAPNG_BLOCK}`, base + pos);
        return pos;
      }
      if (avail < total) {
        if (eof) this.fail(E_PCAP_TRUNCATED, `truncated block: ${total} bytes announced, ${avail} present`, base + pos);
        this.need = total;
        return pos;
      }
      const trailer = dv.getUint32(pos + total - 4, le);
      if (trailer !== total) {
        this.fail(E_PCAP_BAD_BLOCK, `block length ${total} and trailing length ${trailer} differ`, base + pos);
        return pos;
      }
      if (isShb) this.sectionHeader(buf, pos, le, base);
      else if (type === BT_EPB) this.packet(buf, dv, pos, total, le, base, false);
      else if (type === BT_SPB) this.simplePacket(buf, pos, total, le, base);
      else if (type === BT_IDB) this.interfaceDescription(buf, pos, total, le, base);
      else if (type === BT_PB) this.packet(buf, dv, pos, total, le, base, true);
      if (this.error) return pos;
      pos += total;
    }
    return pos;
  }

  private sectionHeader(buf: Uint8Array, pos: number, le: boolean, base: number): void {
    const major = u16(buf, pos + 12, le);
    if (major !== 1) {
      this.fail(E_PCAP_BAD_BLOCK, `unsupported pcapng version ${major}.${u16(buf, pos + 14, le)}`, base + pos);
      return;
    }
    this.le = le;
    this.inSection = true;
    this.interfaces = [];
  }

  private interfaceDescription(buf: Uint8Array, pos: number, total: number, le: boolean, base: number): void {
    if (total < MIN_IDB) {
      this.fail(E_PCAP_BAD_BLOCK, `interface description block of ${total} bytes (< ${MIN_IDB})`, base + pos);
      return;
    }
    const linkType = u16(buf, pos + 8, le);
    const iface: Interface = {
      linkType,
      snaplen: adjustSnaplen(linkType, u32(buf, pos + 12, le)),
      res: MICROSECONDS,
      tsOffset: 0,
      globalId: this.linkTypes.length,
      lastTs: Float64Array.of(0, 0, -1, 0),
    };
    // Options: code, length, value padded to 4 bytes; a malformed list just ends the scan.
    let p = pos + 16;
    const stop = pos + total - 4;
    while (p + 4 <= stop) {
      const code = u16(buf, p, le);
      const len = u16(buf, p + 2, le);
      if (code === OPT_ENDOFOPT || p + 4 + len > stop) break;
      if (code === OPT_IF_TSRESOL && len >= 1) iface.res = tsResolution(buf[p + 4]);
      else if (code === OPT_IF_TSOFFSET && len >= 8) {
        // Signed 64-bit seconds; the high half is sign-extended by | 0.
        const hi = u32(buf, le ? p + 8 : p + 4, le) | 0;
        const lo = u32(buf, le ? p + 4 : p + 8, le);
        iface.tsOffset = hi * 4294967296 + lo;
      }
      p += 4 + ((len + 3) & ~3);
    }
    this.interfaces.push(iface);
    this.linkTypes.push(linkType);
  }

  /** EPB (or the obsolete PB, whose interface id is 16 bits followed by a drops count). */
  private packet(buf: Uint8Array, dv: DataView, pos: number, total: number, le: boolean, base: number, obsolete: boolean): void {
    const min = obsolete ? MIN_PB : MIN_EPB;
    if (total < min) {
      this.fail(E_PCAP_BAD_BLOCK, `packet block of ${total} bytes (< ${min})`, base + pos);
      return;
    }
    const ifId = obsolete ? dv.getUint16(pos + 8, le) : dv.getUint32(pos + 8, le);
    const iface = this.interfaces[ifId];
    if (iface === undefined) {
      this.fail(E_PCAP_NO_INTERFACE, `packet for interface ${ifId}, but the section describes ${this.interfaces.length}`, base + pos);
      return;
    }
    const caplen = dv.getUint32(pos + 20, le);
    const room = total - min;
    if (caplen > room) {
      this.fail(E_PCAP_BAD_LENGTH, `captured length ${caplen} is beyond the ${room} bytes of the block`, base + pos);
      return;
    }
    const keep = caplen > iface.snaplen ? iface.snaplen : caplen;
    splitTimestampAfter(dv.getUint32(pos + 12, le), dv.getUint32(pos + 16, le), iface.res, iface.tsOffset, this.ts, iface.lastTs);
    this.frames++;
    const rec = this.rec;
    rec.frameNumber = this.frames;
    rec.tsSec = this.ts[0]!;
    rec.tsNsec = this.ts[1]!;
    rec.linkType = iface.linkType;
    rec.interfaceId = ifId;
    rec.capLen = keep;
    rec.origLen = dv.getUint32(pos + 24, le);
    rec.fileOffset = base + pos;
    rec.buf = buf;
    rec.at = pos + 28;
    this.onFrame(rec);
  }

  /** SPB: no interface id (interface 0), no timestamp, captured length = min(len, snaplen, room). */
  private simplePacket(buf: Uint8Array, pos: number, total: number, le: boolean, base: number): void {
    const iface = this.interfaces[0];
    if (iface === undefined) {
      this.fail(E_PCAP_NO_INTERFACE, 'simple packet block before any interface description', base + pos);
      return;
    }
    const len = u32(buf, pos + 8, le);
    const room = total - MIN_SPB;
    const keep = Math.min(len, iface.snaplen, room);
    this.frames++;
    const rec = this.rec;
    rec.frameNumber = this.frames;
    rec.tsSec = 0;
    rec.tsNsec = 0;
    rec.linkType = iface.linkType;
    rec.interfaceId = 0;
    rec.capLen = keep;
    rec.origLen = len;
    rec.fileOffset = base + pos;
    rec.buf = buf;
    rec.at = pos + 12;
    this.onFrame(rec);
  }

  private fail(code: string, message: string, offset: number): void {
    this.error = { code, message, offset };
  }
}
