// Classic libpcap files: a 24-byte file header, then records of a 16-byte header (24 for
// Kuznetzov's "modified" format) and the captured bytes. Both byte orders, microsecond and
// nanosecond magics, as libpcap's sf-pcap.c reads them.
import { u16, u32, viewOf } from './bytes.js';
import { E_PCAP_BAD_LENGTH, E_PCAP_BAD_MAGIC, E_PCAP_TRUNCATED, type ReadError } from './codes.js';
import { adjustSnaplen, linkTypeOf, maxSnaplenFor } from './limits.js';
import { newFrameRecord, type RecordParser, type RecordSink } from './parser.js';

const MAGIC_USEC = 0xa1b2c3d4;
const MAGIC_NSEC = 0xa1b23c4d;
const MAGIC_KUZNETZOV = 0xa1b2cd34;
const FILE_HEADER = 24;

/** Which classic pcap magic the first four bytes hold, if any. */
export function classicMagic(b: Uint8Array, p: number): { le: boolean; nano: boolean; kuznetzov: boolean } | undefined {
  for (const le of [true, false]) {
    const m = u32(b, p, le);
    if (m === MAGIC_USEC) return { le, nano: false, kuznetzov: false };
    if (m === MAGIC_NSEC) return { le, nano: true, kuznetzov: false };
    if (m === MAGIC_KUZNETZOV) return { le, nano: false, kuznetzov: true };
  }
  return undefined;
}

export class ClassicPcapParser implements RecordParser {
  need = FILE_HEADER;
  error?: ReadError;
  frames = 0;
  linkTypes: number[] = [];

  private headerDone = false;
  private le = true;
  private nano = false;
  private recordHeader = 16;
  private linkType = 0;
  private snaplen = 0;
  private maxCaplen = 0;
  /** Files up to version 2.3 may have caplen and len swapped; libpcap swaps them back. */
  private maybeSwapped = false;

  private readonly rec = newFrameRecord();

  constructor(private readonly onFrame: RecordSink) {}

  parse(buf: Uint8Array, pos: number, end: number, base: number, eof: boolean): number {
    if (!this.headerDone) {
      if (end - pos < FILE_HEADER) {
        if (eof) this.fail(E_PCAP_TRUNCATED, `truncated pcap file header (${end - pos} of ${FILE_HEADER} bytes)`, base + pos);
        this.need = FILE_HEADER;
        return pos;
      }
      if (!this.readHeader(buf, pos, base)) return pos;
      pos += FILE_HEADER;
    }
    const le = this.le;
    const hl = this.recordHeader;
    const nsecFactor = this.nano ? 1 : 1000;
    const linkType = this.linkType;
    const snaplen = this.snaplen;
    const maxCaplen = this.maxCaplen;
    const onFrame = this.onFrame;
    const rec = this.rec;
    const dv = viewOf(buf);
    while (true) {
      const avail = end - pos;
      if (avail < hl) {
        if (eof && avail > 0) this.fail(E_PCAP_TRUNCATED, `truncated record header (${avail} of ${hl} bytes)`, base + pos);
        this.need = hl;
        return pos;
      }
      let caplen = dv.getUint32(pos + 8, le);
      let len = dv.getUint32(pos + 12, le);
      if (this.maybeSwapped && caplen > len) {
        const t = caplen;
        caplen = len;
        len = t;
      }
      if (caplen > maxCaplen) {
        this.fail(
          E_PCAP_BAD_LENGTH,
          caplen > snaplen
            ? `invalid packet capture length ${caplen}, bigger than snaplen of ${snaplen}`
            : `invalid packet capture length ${caplen}, bigger than maximum of ${maxCaplen}`,
          base + pos,
        );
        return pos;
      }
      const total = hl + caplen;
      if (avail < total) {
        if (eof) this.fail(E_PCAP_TRUNCATED, `truncated packet: ${caplen} captured bytes announced, ${avail - hl} present`, base + pos);
        this.need = total;
        return pos;
      }
      // Beyond the file's snaplen but within the maximum: libpcap keeps the first snaplen bytes.
      const keep = caplen > snaplen ? snaplen : caplen;
      this.frames++;
      rec.frameNumber = this.frames;
      rec.tsSec = dv.getUint32(pos, le);
      rec.tsNsec = dv.getUint32(pos + 4, le) * nsecFactor;
      rec.linkType = linkType;
      rec.interfaceId = 0;
      rec.capLen = keep;
      rec.origLen = len;
      rec.fileOffset = base + pos;
      rec.buf = buf;
      rec.at = pos + hl;
      onFrame(rec);
      pos += total;
    }
  }

  private readHeader(buf: Uint8Array, pos: number, base: number): boolean {
    const magic = classicMagic(buf, pos);
    if (!magic) {
      this.fail(E_PCAP_BAD_MAGIC, 'not a pcap file (unknown magic number)', base + pos);
      return false;
    }
    const le = magic.le;
    const major = u16(buf, pos + 4, le);
    const minor = u16(buf, pos + 6, le);
    if (major !== 2) {
      this.fail(E_PCAP_BAD_MAGIC, `unsupported pcap version ${major}.${minor}`, base + pos);
      return false;
    }
    this.le = le;
    this.nano = magic.nano;
    this.recordHeader = magic.kuznetzov ? 24 : 16;
    this.maybeSwapped = minor <= 3;
    this.linkType = linkTypeOf(u32(buf, pos + 20, le));
    this.maxCaplen = maxSnaplenFor(this.linkType);
    this.snaplen = adjustSnaplen(this.linkType, u32(buf, pos + 16, le));
    this.linkTypes = [this.linkType];
    this.headerDone = true;
    return true;
  }

  private fail(code: string, message: string, offset: number): void {
    this.error = { code, message, offset };
  }
}
