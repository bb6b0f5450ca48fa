// Every read of a node's text is capped, wherever it comes from (a tarball, a bundle directory,
// --root, the live host): a 500 MiB /proc/net/snmp or a one-line 300 MiB uname must not reach
// the parsers whole. Beyond the cap the part that means something is kept (the start of most
// files, the end of logs: their newest lines) and a note says so; lines longer than the line
// limit are cut before any parser sees them (it also bounds the work of any regular expression).
import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
import type { ReadNote } from '../../evidence/node-facts.js';
import { readNote } from '../../evidence/read-notes.js';
import { LIMITS } from '../../util/limits.js';
import { oneLine } from '../../util/terminal-safe.js';

export type Keep = 'head' | 'tail';

export interface ReadPolicy {
  maxBytes: number;
  keep: Keep;
  /** The note's code when the cap is hit. */
  code: string;
}

/** Logs are read from their end: the newest lines are the ones that explain today's problem. */
const LOG_PATH = /(^|\/)(var\/log\/|sos_commands\/logs\/)|(^|\/)sos_commands\/[^/]+\/(dmesg|journalctl)[^/]*$|\.log(\.\d+|-\d{8})?$/;
const COMMAND_OUTPUT = /(^|\/)sos_commands\//;
const LOG_COMMANDS = new Set(['dmesg', 'journalctl']);

const policy = (limit: { value: number; code: string }, keep: Keep): ReadPolicy => Object.freeze({ maxBytes: limit.value, keep, code: limit.code });
const FILE_HEAD = policy(LIMITS.FILE_BYTES, 'head');
const FILE_TAIL = policy(LIMITS.FILE_BYTES, 'tail');
const OUTPUT_HEAD = policy(LIMITS.OUTPUT_BYTES, 'head');
const OUTPUT_TAIL = policy(LIMITS.OUTPUT_BYTES, 'tail');

/** The cap for a bundle path or a host file path (a path under sos_commands/ is a command's output). */
export function policyForPath(p: string): ReadPolicy {
  const log = LOG_PATH.test(p);
  if (COMMAND_OUTPUT.test(p)) return log ? OUTPUT_TAIL : OUTPUT_HEAD;
  return log ? FILE_TAIL : FILE_HEAD;
}

/** The cap for a command run on the live host. */
export function policyForCommand(argv: readonly string[]): ReadPolicy {
  const exe = (argv[0] ?? '').replace(/^.*\//, '');
  return LOG_COMMANDS.has(exe) ? OUTPUT_TAIL : OUTPUT_HEAD;
}

/** Bytes kept of something bigger (or not): `size` is the whole size when known. */
export interface KeptBytes {
  data: Buffer;
  /** Total size of the original; undefined when it was not read to its end (a command killed at the cap). */
  size?: number;
  cut: boolean;
  keep: Keep;
}

export interface CappedText {
  text: string;
  notes: ReadNote[];
}

const MiB = 1024 * 1024;
function amount(n: number): string {
  return n >= MiB ? `${(n / MiB).toFixed(n % MiB === 0 ? 0 : 1)} MiB` : `${n} bytes`;
}

/**
 * Decodes kept bytes as text: a cut edge loses its partial line (the first one of a tail, the last
 * one of a head), and lines over the line limit are cut. `where` names the evidence in the notes.
 */
export function finishText(kept: KeptBytes, where: string, policy: ReadPolicy, opts: { wholeLines?: boolean } = {}): CappedText {
  const notes: ReadNote[] = [];
  let text = kept.data.toString('utf8');
  if (kept.cut) {
    if (kept.keep === 'tail') {
      const nl = text.indexOf('\n');
      if (nl >= 0) text = text.slice(nl + 1);
    } else {
      const nl = text.lastIndexOf('\n');
      if (nl >= 0) text = text.slice(0, nl + 1);
    }
    const tail = kept.keep === 'tail';
    const data = { where: oneLine(where), kept: amount(policy.maxBytes) };
    notes.push(kept.size === undefined
      ? readNote(policy.code, { code: tail ? 'cutTailOpen' : 'cutHeadOpen', data })
      : readNote(policy.code, { code: tail ? 'cutTail' : 'cutHead', data: { ...data, size: amount(kept.size) } }));
  }
  if (!opts.wholeLines) {
    const cut = cutLongLines(text, LIMITS.LINE_CHARS.value);
    if (cut.lines > 0) {
      text = cut.text;
      notes.push(readNote(LIMITS.LINE_CHARS.code, { code: cut.lines === 1 ? 'lineCut' : 'linesCut', data: { where: oneLine(where), lines: cut.lines, max: LIMITS.LINE_CHARS.value } }));
    }
  }
  return { text, notes };
}

/** Cuts every line longer than `max` characters to `max`; counts the lines cut. */
export function cutLongLines(text: string, max: number): { text: string; lines: number } {
  if (text.length <= max) return { text, lines: 0 };
  let lines = 0;
  const parts: string[] = [];
  let start = 0;
  while (start < text.length) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    if (end - start > max) {
      parts.push(text.slice(start, start + max));
      lines++;
    } else {
      parts.push(text.slice(start, end));
    }
    if (end < text.length) parts.push('\n');
    start = end + 1;
  }
  return lines === 0 ? { text, lines } : { text: parts.join(''), lines };
}

/** A read refused for what the path is, with errno-like codes the callers turn into reasons. */
export class NotRegularError extends Error {
  readonly code: 'EISDIR' | 'ESPECIAL';
  constructor(code: 'EISDIR' | 'ESPECIAL') {
    super(code === 'EISDIR' ? 'is a directory' : 'not a regular file (a device, FIFO or socket)');
    this.code = code;
  }
}

const CHUNK = 256 * 1024;

/**
 * Reads at most policy.maxBytes of a regular file. Opened non-blocking and checked after opening,
 * so a FIFO or a device put in the file's place is refused, never waited on or read forever.
 * /proc and /sys files report size 0: they are read to their end, still within the cap.
 */
export async function readFileCapped(file: string, policy: ReadPolicy): Promise<KeptBytes> {
  const fh = await open(file, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOCTTY);
  try {
    const st = await fh.stat();
    if (st.isDirectory()) throw new NotRegularError('EISDIR');
    if (!st.isFile()) throw new NotRegularError('ESPECIAL');
    const max = policy.maxBytes;
    if (st.size > max) {
      // Known to be too big: read the kept part straight from its place.
      const data = Buffer.allocUnsafe(max);
      const from = policy.keep === 'tail' ? st.size - max : 0;
      const n = await readFully(fh, data, from);
      return { data: data.subarray(0, n), size: st.size, cut: true, keep: policy.keep };
    }
    // Size 0 (/proc) or small: read to the end, but never keep more than the cap.
    const chunks: Buffer[] = [];
    let kept = 0;
    let total = 0;
    for (;;) {
      const buf = Buffer.allocUnsafe(CHUNK);
      const { bytesRead } = await fh.read(buf, 0, CHUNK, null);
      if (bytesRead === 0) break;
      total += bytesRead;
      chunks.push(buf.subarray(0, bytesRead));
      kept += bytesRead;
      if (policy.keep === 'head' && kept > max) break;
      while (policy.keep === 'tail' && kept - chunks[0]!.length >= max) kept -= chunks.shift()!.length;
    }
    const all = Buffer.concat(chunks);
    if (all.length <= max) return { data: all, size: total, cut: false, keep: policy.keep };
    const data = policy.keep === 'tail' ? all.subarray(all.length - max) : all.subarray(0, max);
    return { data, size: policy.keep === 'tail' ? total : undefined, cut: true, keep: policy.keep };
  } finally {
    await fh.close();
  }
}

async function readFully(fh: Awaited<ReturnType<typeof open>>, into: Buffer, position: number): Promise<number> {
  let got = 0;
  while (got < into.length) {
    const { bytesRead } = await fh.read(into, got, into.length - got, position + got);
    if (bytesRead === 0) break;
    got += bytesRead;
  }
  return got;
}

/**
 * Collects a stream's bytes within a cap: the first maxBytes (then `onFull` is called, e.g. to stop
 * the command), or a rolling window of the last maxBytes.
 */
export class CappedCollector {
  private chunks: Buffer[] = [];
  private kept = 0;
  total = 0;
  full = false;

  constructor(private readonly policy: ReadPolicy, private readonly onFull?: () => void) {}

  push(chunk: Buffer): void {
    this.total += chunk.length;
    if (this.policy.keep === 'head') {
      if (this.full) return;
      const room = this.policy.maxBytes - this.kept;
      // One byte over the cap says "there was more" without keeping much more.
      this.chunks.push(chunk.length > room ? chunk.subarray(0, room + 1) : chunk);
      this.kept += Math.min(chunk.length, room + 1);
      if (this.kept > this.policy.maxBytes) {
        this.full = true;
        this.onFull?.();
      }
      return;
    }
    this.chunks.push(chunk);
    this.kept += chunk.length;
    while (this.kept - this.chunks[0]!.length >= this.policy.maxBytes) this.kept -= this.chunks.shift()!.length;
  }

  result(): KeptBytes {
    const all = Buffer.concat(this.chunks);
    const max = this.policy.maxBytes;
    if (all.length <= max) return { data: all, size: this.total, cut: false, keep: this.policy.keep };
    if (this.policy.keep === 'tail') return { data: all.subarray(all.length - max), size: this.total, cut: true, keep: 'tail' };
    return { data: all.subarray(0, max), size: this.full ? undefined : this.total, cut: true, keep: 'head' };
  }
}
