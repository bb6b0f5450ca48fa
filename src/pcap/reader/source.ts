// Where capture bytes come from: a file read with positioned reads straight into the reader's
// buffer (no intermediate copies), or any readable stream (standard input, a pipe, a socket).
import { open, type FileHandle } from 'node:fs/promises';

export interface ByteSource {
  /** Reads up to `length` bytes into `buf` at `offset`; 0 means the end of the input. */
  readInto(buf: Uint8Array, offset: number, length: number): Promise<number>;
  close(): Promise<void>;
  /** Size of the input when known (a regular file), to size the first buffer. */
  sizeHint?: number;
}

/** Bytes read ahead from a file while the caller parses the previous chunk. */
const READ_AHEAD = 4 * 1024 * 1024;

/**
 * A file, read ahead into two buffers in turn: while the caller takes the bytes of one, the next
 * chunk is read into the other in the background, so the disk (or page cache) and the parser
 * work at the same time instead of taking turns (with one buffer, the read of the next chunk
 * started only once the last bytes of the current one were taken, and the parser waited for it
 * every other chunk). Costs one memory copy per byte, far less than the wait it saves.
 */
export async function openFileSource(path: string): Promise<ByteSource> {
  const fh: FileHandle = await open(path, 'r');
  let sizeHint: number | undefined;
  try {
    const st = await fh.stat();
    if (st.isFile()) sizeHint = st.size;
  } catch {
    // No size: the default buffer will do.
  }
  // A position we keep ourselves, as a double: files beyond 2 GiB (or 4 GiB) are fine.
  let position = 0;
  const size = sizeHint !== undefined ? Math.max(1, Math.min(READ_AHEAD, sizeHint)) : READ_AHEAD;
  let front = new Uint8Array(size);
  let back = new Uint8Array(size);
  let filled = 0;
  let taken = 0;
  let pending: Promise<number> | undefined;
  /** Starts reading the next chunk into `back` (free: its bytes were all taken). */
  const fetch = () => {
    pending = fh.read(back, 0, back.length, position).then(({ bytesRead }) => {
      position += bytesRead;
      return bytesRead;
    });
    // Errors surface at the next readInto; never as an unhandled rejection meanwhile.
    pending.catch(() => undefined);
  };
  return {
    async readInto(buf, offset, length) {
      if (taken === filled) {
        if (pending === undefined) fetch();
        const n = await (pending as Promise<number>);
        pending = undefined;
        const t = front;
        front = back;
        back = t;
        filled = n;
        taken = 0;
        if (filled === 0) return 0;
        fetch();
      }
      const n = Math.min(length, filled - taken);
      buf.set(front.subarray(taken, taken + n), offset);
      taken += n;
      return n;
    },
    async close() {
      // Never close the descriptor under a read still in flight.
      if (pending !== undefined) await pending.catch(() => undefined);
      await fh.close();
    },
    sizeHint,
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
