// readCapture: streams a pcap or pcapng capture and hands each frame to a callback. A file is
// read in large chunks straight into two buffers in turn (source.ts: the next chunk is read while
// the parser walks the current one, and a record cut by the boundary is completed in front of
// the next chunk); a stream into one buffer whose unparsed tail moves to the front. Memory stays
// at two chunks (or one maximal record) whatever the file size. The buffers are WebAssembly
// memory when available, so checksums are summed in place (checksum/wasm.ts). Bad input never
// throws: the summary carries an error with a stable code and the byte offset, after every good
// frame before it was delivered.
import type { RawFrame, ReadSummary } from '../types.js';
import { E_ABORTED, E_INPUT, E_PCAP_BAD_MAGIC, E_PCAP_EMPTY, E_PCAP_TRUNCATED, type ReadError } from './codes.js';
import { ClassicPcapParser, classicMagic } from './pcap-classic.js';
import { PcapngParser, PCAPNG_SHB } from './pcapng.js';
import type { RecordParser, RecordSink } from './parser.js';
import { openFileWindows, streamSource, type ByteSource, type Window, type WindowSource } from './source.js';
import { u32 } from './bytes.js';
import { allocateSummable } from '../checksum/wasm.js';

export type { FrameRecord, RecordSink } from './parser.js';
export * from './codes.js';
export { MAXIMUM_SNAPLEN, maxSnaplenFor } from './limits.js';

export interface ReadOptions {
  signal?: AbortSignal;
  /** Read size in bytes (default 4 MiB). */
  chunkSize?: number;
}

const DEFAULT_CHUNK = 4 * 1024 * 1024;

export async function readCapture(
  input: string | NodeJS.ReadableStream,
  onFrame: (frame: RawFrame) => void,
  opts: ReadOptions = {},
): Promise<ReadSummary> {
  return readRecords(
    input,
    (r) =>
      onFrame({
        frameNumber: r.frameNumber,
        tsSec: r.tsSec,
        tsNsec: r.tsNsec,
        linkType: r.linkType,
        interfaceId: r.interfaceId,
        capLen: r.capLen,
        origLen: r.origLen,
        fileOffset: r.fileOffset,
        data: r.buf.subarray(r.at, r.at + r.capLen),
      }),
    opts,
  );
}

/**
 * readCapture without an object per frame: `onRecord` gets one reused record whose bytes are
 * rec.buf[rec.at, rec.at + rec.capLen), valid only during the call (the analyzers' fast path).
 */
export async function readRecords(input: string | NodeJS.ReadableStream, onRecord: RecordSink, opts: ReadOptions = {}): Promise<ReadSummary> {
  const summary: ReadSummary = { format: 'pcap', frames: 0, bytesRead: 0, linkTypes: [] };
  const chunk = Math.max(64 * 1024, opts.chunkSize ?? DEFAULT_CHUNK);
  let source: WindowSource;
  try {
    source =
      typeof input === 'string' && input !== '-'
        ? await openFileWindows(input, chunk, allocate)
        : streamWindows(streamSource(input === '-' ? process.stdin : (input as NodeJS.ReadableStream)), chunk);
  } catch (e) {
    summary.error = inputError(e, 0);
    return summary;
  }
  try {
    await pump(source, onRecord, opts, summary);
  } finally {
    await source.close().catch(() => undefined);
  }
  return summary;
}

/**
 * A stream read into one buffer: the unparsed tail moves to the front, more is read after it.
 * The buffer starts small and grows to the chunk size while the stream keeps it full, and beyond
 * only for a record larger than that, once its bytes are really there (a lying length on a short
 * input cannot make us allocate what it claims).
 */
function streamWindows(source: ByteSource, chunk: number): WindowSource {
  let buf = allocate(64 * 1024);
  return {
    async refill(_from, start, end, base, need) {
      if (start > 0) {
        if (end > start) buf.copyWithin(0, start, end);
        base += start;
        end -= start;
        start = 0;
      }
      if (end === buf.length && (need > buf.length || buf.length < chunk)) {
        const bigger = allocate(Math.max(Math.min(need, buf.length * 2), Math.min(chunk, buf.length * 2)));
        bigger.set(buf.subarray(0, end));
        buf = bigger;
      }
      const n = await source.readInto(buf, end, buf.length - end);
      return { buf, start, end: end + n, base, n };
    },
    close: () => source.close(),
  };
}

async function pump(source: WindowSource, onFrame: RecordSink, opts: ReadOptions, summary: ReadSummary): Promise<void> {
  let buf: Uint8Array = new Uint8Array(0);
  let start = 0;
  let end = 0;
  /** Input offset of buf[0]. */
  let base = 0;
  let eof = false;
  let parser: RecordParser | undefined;
  let error: ReadError | undefined;
  let need = 4;

  while (true) {
    if (opts.signal?.aborted) {
      error = { code: E_ABORTED, message: 'reading was aborted', offset: base + start };
      break;
    }
    let w: Window;
    try {
      w = await source.refill(buf, start, end, base, need);
    } catch (e) {
      error = inputError(e, base + end);
      break;
    }
    ({ buf, start, end, base } = w);
    if (w.n === 0) eof = true;
    summary.bytesRead += w.n;

    if (parser === undefined && (end - start >= 4 || eof)) {
      if (end - start < 4) {
        error =
          end - start === 0
            ? { code: E_PCAP_EMPTY, message: 'the capture is empty', offset: 0 }
            : { code: E_PCAP_TRUNCATED, message: 'the capture is shorter than a file header', offset: 0 };
        break;
      }
      if (u32(buf, start, true) === PCAPNG_SHB) {
        summary.format = 'pcapng';
        parser = new PcapngParser(onFrame);
      } else if (classicMagic(buf, start)) {
        parser = new ClassicPcapParser(onFrame);
      } else {
        error = { code: E_PCAP_BAD_MAGIC, message: 'not a pcap or pcapng capture (unknown magic number)', offset: 0 };
        break;
      }
    }
    need = 4;
    if (parser !== undefined) {
      start = parser.parse(buf, start, end, base, eof);
      if (parser.error) {
        error = parser.error;
        break;
      }
      if (eof) break;
      need = parser.need;
    } else if (eof) break;
  }
  if (parser) {
    summary.frames = parser.frames;
    summary.linkTypes = parser.linkTypes;
  }
  if (error) summary.error = error;
}

/**
 * Memory for the reader: WebAssembly memory, so checksums are summed in place (checksum/wasm.ts),
 * else uninitialised memory (every byte is read in before it is parsed). Either way a plain
 * Uint8Array: subarray on a Buffer goes through Buffer's constructor, several times slower per frame.
 */
function allocate(size: number): Uint8Array {
  const summable = allocateSummable(size);
  if (summable !== undefined) return summable;
  const b = Buffer.allocUnsafeSlow(size);
  return new Uint8Array(b.buffer, b.byteOffset, b.length);
}

function inputError(e: unknown, offset: number): ReadError {
  const err = e as NodeJS.ErrnoException;
  const text = err instanceof Error ? err.message : String(e);
  // Node's messages already start with the code ("ENOENT: no such file..."): do not say it twice.
  const what = err && typeof err.code === 'string' && !text.startsWith(err.code) ? `${err.code}: ` : '';
  return { code: E_INPUT, message: `cannot read the capture: ${what}${text}`, offset };
}
