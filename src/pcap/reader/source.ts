// Where capture bytes come from: a file read with positioned reads straight into the parser's
// buffer (no intermediate copies), or any readable stream (standard input, a pipe, a socket).
import { open, type FileHandle } from 'node:fs/promises';

export interface ByteSource {
  /** Reads up to `length` bytes into `buf` at `offset`; 0 means the end of the input. */
  readInto(buf: Uint8Array, offset: number, length: number): Promise<number>;
  close(): Promise<void>;
}

/** The pump's view of the input: bytes buf[start, end), and buf[0] is at input offset `base`. */
export interface Window {
  buf: Uint8Array;
  start: number;
  end: number;
  base: number;
  /** Bytes new in this window (0: the input has ended). */
  n: number;
}

/** Hands the pump its windows: each keeps the unparsed tail of the last one and adds fresh bytes after it. */
export interface WindowSource {
  /** `buf[start, end)` is the tail not parsed yet; `need` how many bytes the parser wants from `start`. */
  refill(buf: Uint8Array, start: number, end: number, base: number, need: number): Promise<Window>;
  close(): Promise<void>;
}

/**
 * Room kept in front of each file chunk for the tail of the chunk before (a record cut by the
 * chunk boundary): libpcap's largest record fits. A longer tail grows the room of that buffer.
 */
const TAIL_ROOM = 256 * 1024 + 64;

interface PoolBuffer {
  bytes: Uint8Array;
  /** Where fresh bytes are read to; the tail of the previous window is copied just before. */
  room: number;
}

/**
 * A file read ahead into two buffers in turn, with no copy of the bytes on this thread: while
 * the parser walks one buffer, the next chunk is read straight into the other one, behind room
 * for the few bytes of a record cut by the boundary. (The reader used to read ahead into a side
 * buffer and copy every byte into its own: 714 MB copied on the main thread for the benchmark
 * capture, ~7% of the time of `pcap analyze`.)
 */
export async function openFileWindows(path: string, chunk: number, allocate: (size: number) => Uint8Array): Promise<WindowSource> {
  const fh: FileHandle = await open(path, 'r');
  let size = chunk;
  try {
    const st = await fh.stat();
    if (st.isFile()) size = Math.max(1, Math.min(chunk, st.size));
  } catch {
    // No size: chunks of the default size will do.
  }
  const room = Math.min(TAIL_ROOM, size);
  const make = (r: number): PoolBuffer => ({ bytes: allocate(r + size), room: r });
  // A position we keep ourselves, as a double: files beyond 2 GiB (or 4 GiB) are fine.
  let position = 0;
  let reading = make(room);
  let spare: PoolBuffer | undefined;
  let pending: Promise<number> | undefined;
  const readInto = (p: PoolBuffer): void => {
    pending = fh.read(p.bytes, p.room, size, position).then(({ bytesRead }) => {
      position += bytesRead;
      return bytesRead;
    });
    // Errors surface at the next refill; never as an unhandled rejection meanwhile.
    pending.catch(() => undefined);
  };
  readInto(reading);
  return {
    async refill(buf, start, end, base) {
      const n = pending === undefined ? 0 : await pending;
      pending = undefined;
      const tail = end - start;
      let target = reading;
      if (tail > target.room) {
        // A record longer than the room: a buffer with twice the room (or more), fresh bytes moved.
        let r = target.room * 2;
        while (r < tail) r *= 2;
        const grown = { bytes: allocate(r + size), room: r };
        grown.bytes.set(target.bytes.subarray(target.room, target.room + n), r);
        target = grown;
      }
      if (tail > 0) target.bytes.set(buf.subarray(start, end), target.room - tail);
      const from = target.room - tail;
      // The buffer that held the tail is free now: the next chunk goes there.
      reading = spare ?? make(room);
      spare = target;
      if (n > 0) readInto(reading);
      return { buf: target.bytes, start: from, end: target.room + n, base: base + start - from, n };
    },
    async close() {
      // Never close the descriptor under a read still in flight.
      if (pending !== undefined) await pending.catch(() => undefined);
      await fh.close();
    },
  };
}

export function streamSource(stream: NodeJS.ReadableStream): ByteSource {
  const it = (stream as AsyncIterable<Uint8Array | string>)[Symbol.asyncIterator]();
  let pending: Uint8Array | undefined;
  let done = false;
  return {
    async readInto(buf, offset, length) {
      while (!pending || pending.length === 0) {
        if (done) return 0;
        const next = await it.next();
        if (next.done) {
          done = true;
          return 0;
        }
        const v = next.value;
        pending = typeof v === 'string' ? Buffer.from(v, 'latin1') : v;
      }
      const n = Math.min(length, pending.length);
      buf.set(n === pending.length ? pending : pending.subarray(0, n), offset);
      pending = n === pending.length ? undefined : pending.subarray(n);
      return n;
    },
    async close() {
      if (!done && typeof it.return === 'function') await it.return();
    },
  };
}
