// Reads a tarball (.tar, .tar.gz, .tar.xz, .tar.bz2) as a stream into memory: node-tar's Parser
// over the bytes of the file, gunzip (zlib) or a piped `xz -dc` / `bzip2 -dc`. Nothing is written
// to disk, so an archive's modes (a 0777 directory, a setuid file), devices, FIFOs, owners and
// hard links to outside have nowhere to land, a killed podpath leaves nothing behind, and there is
// nothing to clean up. Every dimension of the archive is limited (src/util/limits.ts); a tar cut
// short or damaged keeps what came before it, with a note saying where it ended.
import { constants } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { Parser, type ReadEntry } from 'tar';
import type { ReadNote } from '../../evidence/node-facts.js';
import { readNote, type ReadNotePart } from '../../evidence/read-notes.js';
import { PodpathError } from '../../util/errors.js';
import { LIMITS } from '../../util/limits.js';
import { oneLine } from '../../util/terminal-safe.js';
import { startDecompressor, stopDecompressor, type Decompressor } from './decompressor.js';
import { getExact, newDir, putNode, splitArchivePath, type MemDir, type MemFile } from './mem-tree.js';
import { policyForPath, type ReadPolicy } from './read-cap.js';
import { sourceMayRead } from './source-paths.js';

export type ArchiveKind = 'tar' | 'gzip' | 'xz' | 'bzip2';

export interface ArchiveLimits {
  unpackedBytes: number;
  ratio: number;
  /** The ratio is judged once this many bytes are unpacked (small archives compress very well). */
  ratioAfterBytes: number;
  entries: number;
  depth: number;
  pathChars: number;
  nameChars: number;
  keptBytes: number;
  seconds: number;
}

export const DEFAULT_ARCHIVE_LIMITS: ArchiveLimits = {
  unpackedBytes: LIMITS.BUNDLE_UNPACKED_BYTES.value,
  ratio: LIMITS.BUNDLE_RATIO.value,
  ratioAfterBytes: 64 * 1024 * 1024,
  entries: LIMITS.BUNDLE_ENTRIES.value,
  depth: LIMITS.BUNDLE_DEPTH.value,
  pathChars: LIMITS.BUNDLE_PATH_CHARS.value,
  nameChars: LIMITS.BUNDLE_NAME_CHARS.value,
  keptBytes: LIMITS.BUNDLE_KEPT_BYTES.value,
  seconds: LIMITS.BUNDLE_SECONDS.value,
};

export interface ArchiveOptions {
  limits?: Partial<ArchiveLimits>;
  /** Which regular files keep their contents (default: those a podpath source may read). */
  keepContent?: (parts: readonly string[]) => boolean;
  /** The cap of each kept file (default: a node file's, read-cap.ts); a reader of bigger files (kube dumps) gives its own. */
  policyFor?: (path: string) => ReadPolicy;
}

export interface Archive {
  kind: ArchiveKind;
  root: MemDir;
  /** E_BUNDLE_TRUNCATED or E_BUNDLE_DAMAGED when the archive ended early or broke. */
  notes: ReadNote[];
}

/** What each memory-held node is charged besides its name (a Map entry and an object). */
const NODE_COST = 96;
const MAX_META_ENTRY = 64 * 1024;
const STDERR_KEPT = 4096;

/** Decides by content, not by name: a renamed sosreport still opens. */
export function sniffArchive(head: Buffer): ArchiveKind | undefined {
  if (head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b) return 'gzip';
  if (head.length >= 6 && head.subarray(0, 6).equals(Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]))) return 'xz';
  if (head.length >= 4 && head.subarray(0, 3).toString('latin1') === 'BZh' && head[3]! >= 0x31 && head[3]! <= 0x39) return 'bzip2';
  if (head.length >= 262 && head.subarray(257, 262).toString('latin1') === 'ustar') return 'tar';
  return undefined;
}

/** Opens a file for reading without ever blocking on it, and refuses anything but a regular file. */
export async function openRegular(file: string, shownAs: string): Promise<FileHandle> {
  const fh = await open(file, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOCTTY);
  const st = await fh.stat().catch(async (e: unknown) => {
    await fh.close();
    throw e;
  });
  if (!st.isFile()) {
    await fh.close();
    throw new PodpathError('E_BUNDLE_SPECIAL_FILE', `${oneLine(shownAs)} is a ${describeType(st)}, not a bundle: refused`);
  }
  return fh;
}

function describeType(st: { isFIFO(): boolean; isSocket(): boolean; isCharacterDevice(): boolean; isBlockDevice(): boolean; isDirectory(): boolean }): string {
  if (st.isFIFO()) return 'FIFO';
  if (st.isSocket()) return 'socket';
  if (st.isCharacterDevice()) return 'character device';
  if (st.isBlockDevice()) return 'block device';
  if (st.isDirectory()) return 'directory';
  return 'special file';
}

export async function readArchive(file: string, shownAs: string, opts: ArchiveOptions = {}): Promise<Archive> {
  const fh = await openRegular(file, shownAs);
  let kind: ArchiveKind | undefined;
  try {
    const head = Buffer.alloc(512);
    const { bytesRead } = await fh.read(head, 0, 512, 0);
    kind = sniffArchive(head.subarray(0, bytesRead));
  } catch (e) {
    await fh.close();
    throw e;
  }
  if (!kind) {
    await fh.close();
    throw new PodpathError('E_BUNDLE_FORMAT', `not a directory, tar, tar.gz or tar.xz: ${oneLine(shownAs)}`);
  }
  return new ArchiveReader(fh, kind, shownAs, { ...DEFAULT_ARCHIVE_LIMITS, ...opts.limits }, opts.keepContent ?? sourceMayRead, opts.policyFor ?? policyForPath).run();
}

type Verdict = { ok: true } | { ok: false; truncated: boolean; detail: string };

/** A file whose contents are being kept, and where its bytes go. */
interface Pending {
  node: MemFile;
  path: string;
  buf: Buffer;
  /** Offset in the file of buf[0] (non-zero when only the end is kept). */
  from: number;
  /** Bytes of the file seen so far. */
  seen: number;
}

class ArchiveReader {
  private readonly root = newDir();
  private readonly pending = new WeakMap<ReadEntry, Pending>();
  private readonly counted = new WeakSet<ReadEntry>();
  private entries = 0;
  private declared = 0;
  private kept = 0;
  private compressedRead = 0;
  private tarBytes = 0;
  private checkedInner = false;
  private sawEof = false;
  private parserEnded = false;
  private verdict: Verdict | undefined;
  /** A limit broken while parsing: the whole read fails with it. */
  private failure: PodpathError | undefined;
  /** The tar stream itself broke (a header that does not check out): stop, keep what came before. */
  private damage: string | undefined;
  /** The entry being written when the input ended: its contents are incomplete. */
  private endedInside: string | undefined;
  private settled = false;
  private input!: Readable;
  private tarStream!: Readable;
  private child: Decompressor | undefined;
  private childStderr = '';
  private timer: NodeJS.Timeout | undefined;
  private resolve!: (a: Archive) => void;
  private reject!: (e: unknown) => void;
  private readonly parser: Parser;

  constructor(
    private readonly fh: FileHandle,
    private readonly kind: ArchiveKind,
    private readonly shownAs: string,
    private readonly limits: ArchiveLimits,
    private readonly keepContent: (parts: readonly string[]) => boolean,
    private readonly policyFor: (path: string) => ReadPolicy,
  ) {
    this.parser = new Parser({
      strict: false,
      maxMetaEntrySize: MAX_META_ENTRY,
      filter: (p: string, entry: unknown) => this.onHeader(p, entry as ReadEntry),
      onReadEntry: (entry: ReadEntry) => this.onEntry(entry),
      onwarn: (code: string, message: string, data: Record<string, unknown>) => this.onWarn(code, message, data.entry as ReadEntry | undefined),
    });
    this.parser.on('ignoredEntry', (entry: ReadEntry) => {
      // Entries of unknown types skip the filter: still counted.
      if (!this.counted.has(entry)) this.count(entry);
    });
    this.parser.on('eof', () => {
      this.sawEof = true;
      this.settle();
    });
    this.parser.on('error', (e: Error) => this.broken(`the tar stream cannot be read: ${e.message}`));
    this.parser.on('end', () => {
      this.parserEnded = true;
      this.settle();
    });
    this.parser.on('drain', () => this.tarStream?.resume());
  }

  run(): Promise<Archive> {
    return new Promise<Archive>((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
      this.timer = setTimeout(() => this.fail(LIMITS.BUNDLE_SECONDS.code, `reading ${oneLine(this.shownAs)} took more than ${this.limits.seconds} s`), this.limits.seconds * 1000);
      this.input = this.fh.createReadStream({ start: 0, highWaterMark: 256 * 1024, autoClose: true });
      this.input.on('data', (c: Buffer) => {
        this.compressedRead += c.length;
      });
      this.input.on('error', (e) => this.fail('E_BUNDLE_READ', `cannot read ${oneLine(this.shownAs)}: ${e.message}`));
      if (this.kind === 'tar') {
        this.tarStream = this.input;
        this.input.on('end', () => this.decompressed({ ok: true }));
      } else if (this.kind === 'gzip') {
        const gunzip = createGunzip();
        this.input.pipe(gunzip);
        this.tarStream = gunzip;
        gunzip.on('end', () => this.decompressed({ ok: true }));
        gunzip.on('error', (e: NodeJS.ErrnoException) => this.decompressed({ ok: false, truncated: e.code === 'Z_BUF_ERROR', detail: `gzip: ${e.message}` }));
      } else {
        this.startChild(this.kind);
      }
      this.tarStream.on('data', (c: Buffer) => this.onTarBytes(c));
    });
  }

  private startChild(tool: 'xz' | 'bzip2'): void {
    const child = startDecompressor(tool);
    this.child = child;
    this.input.pipe(child.stdin);
    // The child stops reading when it fails or when we stop it: its stdin then refuses writes.
    child.stdin.on('error', () => undefined);
    child.stderr.on('data', (c: Buffer) => {
      if (this.childStderr.length < STDERR_KEPT) this.childStderr += c.toString('utf8').slice(0, STDERR_KEPT);
    });
    child.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'ENOENT') this.fail('E_BUNDLE_TOOL', `${tool} is not installed: it is needed to read ${oneLine(this.shownAs)}`);
      else this.fail('E_BUNDLE_TOOL', `${tool} could not run: ${e.message}`);
    });
    child.on('close', (code, signal) => {
      if (code === 0) return this.decompressed({ ok: true });
      const said = this.childStderr.split('\n').map((l) => l.replace(/^\S+: \(stdin\): /, '').replace(/^\S+: /, '').trim()).find((l) => l !== '') ?? (signal ? `killed by ${signal}` : `exit ${code}`);
      this.decompressed({ ok: false, truncated: /unexpected(ly)? end|ends unexpectedly/i.test(said), detail: `${tool}: ${said}` });
    });
    this.tarStream = child.stdout;
  }

  /** The decompressor's last word: the tar stream has ended (or broke) at this point. */
  private decompressed(v: Verdict): void {
    if (this.verdict) return;
    this.verdict = v;
    if (this.settled) return;
    if (!this.parserEnded) this.parser.end();
    this.settle();
  }

  private onTarBytes(c: Buffer): void {
    if (this.settled) return;
    if (!this.checkedInner && c.length >= 2) {
      this.checkedInner = true;
      // node-tar would unpack a gzip or zstd stream found inside, outside these limits: not a tarball.
      if ((c[0] === 0x1f && c[1] === 0x8b) || (c.length >= 4 && c.readUInt32LE(0) === 0xfd2fb528)) {
        return this.fail('E_BUNDLE_FORMAT', `${oneLine(this.shownAs)} holds a compressed stream inside the compressed one, not a tar archive`);
      }
    }
    this.tarBytes += c.length;
    if (this.tarBytes > this.limits.unpackedBytes) return this.tooBig();
    if (this.kind !== 'tar' && this.tarBytes > this.limits.ratioAfterBytes && this.tarBytes / Math.max(1, this.compressedRead) > this.limits.ratio) {
      return this.fail(LIMITS.BUNDLE_RATIO.code, `${oneLine(this.shownAs)} unpacks to more than ${this.limits.ratio} times its compressed size (${this.tarBytes} bytes from ${this.compressedRead}): a decompression bomb, refused`);
    }
    const more = this.parser.write(c);
    if (this.failure) return this.fail(this.failure.code, this.failure.message);
    if (this.damage !== undefined) return this.settle();
    if (!more) this.tarStream.pause();
  }

  private count(entry: ReadEntry): void {
    this.counted.add(entry);
    if (++this.entries > this.limits.entries) {
      this.failure ??= new PodpathError(LIMITS.BUNDLE_ENTRIES.code, `${oneLine(this.shownAs)} holds more than ${this.limits.entries} entries`);
    }
  }

  private charge(bytes: number): boolean {
    this.kept += bytes;
    if (this.kept <= this.limits.keptBytes) return true;
    this.failure ??= new PodpathError(LIMITS.BUNDLE_KEPT_BYTES.code, `${oneLine(this.shownAs)} holds more than ${this.limits.keptBytes} bytes of files and names podpath would keep in memory`);
    return false;
  }

  private tooBig(): void {
    this.fail(LIMITS.BUNDLE_UNPACKED_BYTES.code, `${oneLine(this.shownAs)} unpacks to more than ${this.limits.unpackedBytes} bytes`);
  }

  /** Called by the parser for each entry's header, before its data: the limits and the tree. Returns whether to keep the data. */
  private onHeader(rawPath: string, entry: ReadEntry): boolean {
    // After a limit or a damaged header nothing more is taken in (the rest of the chunk may be garbage).
    if (this.failure || this.settled || this.damage !== undefined) return false;
    this.count(entry);
    if (this.failure) return false;
    const size = entry.size;
    if (!(size >= 0)) {
      this.damage ??= `${oneLine(rawPath)} declares an impossible size (${size})`;
      return false;
    }
    this.declared += size;
    if (this.declared > this.limits.unpackedBytes) {
      this.failure = new PodpathError(LIMITS.BUNDLE_UNPACKED_BYTES.code, `${oneLine(this.shownAs)} unpacks to more than ${this.limits.unpackedBytes} bytes (its entries declare ${this.declared} up to ${oneLine(rawPath)})`);
      return false;
    }
    if (!Number.isSafeInteger(size)) {
      this.damage ??= `${oneLine(rawPath)} declares an impossible size (${size})`;
      return false;
    }
    if (rawPath.length > this.limits.pathChars) {
      this.failure = new PodpathError(LIMITS.BUNDLE_PATH_CHARS.code, `${oneLine(this.shownAs)} has a path longer than ${this.limits.pathChars} characters (${oneLine(rawPath.slice(0, 80))}...)`);
      return false;
    }
    const parts = splitArchivePath(rawPath);
    // A path that climbs out (`..`) is no honest bundle's: left out, as tar does.
    if (!parts || parts.length === 0) return false;
    if (parts.length > this.limits.depth) {
      this.failure = new PodpathError(LIMITS.BUNDLE_DEPTH.code, `${oneLine(this.shownAs)} has a path more than ${this.limits.depth} directories deep (${oneLine(parts.slice(0, 4).join('/'))}/...)`);
      return false;
    }
    const longName = parts.find((n) => n.length > this.limits.nameChars);
    if (longName !== undefined) {
      this.failure = new PodpathError(LIMITS.BUNDLE_NAME_CHARS.code, `${oneLine(this.shownAs)} has a file name longer than ${this.limits.nameChars} characters (${oneLine(longName.slice(0, 80))}...)`);
      return false;
    }
    const nameCost = 2 * rawPath.length;
    switch (entry.type) {
      case 'Directory':
      case 'GNUDumpDir':
        this.charge(NODE_COST * putNode(this.root, parts, newDir()) + nameCost);
        return false;
      case 'SymbolicLink': {
        const target = entry.linkpath ?? '';
        if (target.length > this.limits.pathChars) {
          this.failure = new PodpathError(LIMITS.BUNDLE_PATH_CHARS.code, `${oneLine(this.shownAs)} has a link target longer than ${this.limits.pathChars} characters`);
          return false;
        }
        this.charge(NODE_COST * putNode(this.root, parts, { kind: 'link', target }) + nameCost + 2 * target.length);
        return false;
      }
      case 'Link': {
        // A hard link names an earlier member: the same contents under a second name, or nothing.
        const targetParts = splitArchivePath(entry.linkpath ?? '');
        const target = targetParts && getExact(this.root, targetParts);
        if (target?.kind === 'file') this.charge(NODE_COST * putNode(this.root, parts, target) + nameCost);
        return false;
      }
      case 'File':
      case 'OldFile':
      case 'ContiguousFile':
        return this.addFile(entry, parts, size, nameCost);
      default:
        // Devices, FIFOs and the rest have no place in a bundle: never kept.
        return false;
    }
  }

  private addFile(entry: ReadEntry, parts: string[], size: number, nameCost: number): boolean {
    const path = parts.join('/');
    const policy = this.policyFor(path);
    const keepLen = Math.min(size, policy.maxBytes);
    const node: MemFile = { kind: 'file', size, policy, cut: size > policy.maxBytes };
    const wanted = this.keepContent(parts);
    if (!wanted) node.dropped = 'unwanted';
    if (!this.charge(NODE_COST * putNode(this.root, parts, node) + nameCost + (wanted ? keepLen : 0))) return false;
    if (!wanted) return false;
    if (size === 0) {
      node.data = Buffer.alloc(0);
      return false;
    }
    node.dropped = 'cut';
    this.pending.set(entry, { node, path, buf: Buffer.allocUnsafe(keepLen), from: policy.keep === 'tail' ? size - keepLen : 0, seen: 0 });
    return true;
  }

  private onEntry(entry: ReadEntry): void {
    const p = this.pending.get(entry);
    if (!p) {
      entry.resume();
      return;
    }
    entry.on('data', (c: Buffer) => {
      // Copy the part of this chunk that falls in the kept window [from, from + buf.length).
      const start = Math.max(p.from, p.seen);
      const end = Math.min(p.from + p.buf.length, p.seen + c.length);
      if (end > start) c.copy(p.buf, start - p.from, start - p.seen, end - p.seen);
      p.seen += c.length;
    });
    entry.on('end', () => {
      if (p.seen >= p.node.size) {
        p.node.data = p.buf;
        delete p.node.dropped;
      }
    });
  }

  private onWarn(code: string, text: string, entry: ReadEntry | undefined): void {
    if (this.settled) return;
    if (code === 'TAR_ENTRY_INVALID') {
      // A header that does not check out: before any entry it is not a tarball at all; after, the
      // archive is damaged there (node-tar would skip ahead and read data blocks as headers).
      if (this.entries === 0) this.failure ??= new PodpathError('E_BUNDLE_FORMAT', `${oneLine(this.shownAs)} is not a tar archive (${oneLine(text)})`);
      else this.damage ??= `a header does not check out (${oneLine(text)})`;
    } else if (code === 'TAR_BAD_ARCHIVE' && entry) {
      // "Truncated input": the stream ended inside this entry.
      this.endedInside = entry.path;
    }
    // Others (unsupported entry types, not a tar at all) are judged at the end.
  }

  private broken(detail: string): void {
    this.damage ??= detail;
    this.settle();
  }

  private stopInput(): void {
    clearTimeout(this.timer);
    this.input?.destroy();
    if (this.tarStream && this.tarStream !== this.input) this.tarStream.destroy();
    if (this.child) stopDecompressor(this.child);
  }

  private fail(code: string, message: string): void {
    if (this.settled) return;
    this.settled = true;
    this.stopInput();
    this.reject(new PodpathError(code, message));
  }

  /** Ends the read when the archive's end, its breaking point or the end of input is reached. */
  private settle(): void {
    if (this.settled) return;
    if (this.failure) return this.fail(this.failure.code, this.failure.message);
    const done = this.sawEof || this.damage !== undefined || (this.parserEnded && this.verdict !== undefined);
    if (!done) return;
    this.settled = true;
    this.stopInput();
    if (this.sawEof && this.damage === undefined) return this.resolve({ kind: this.kind, root: this.root, notes: [] });
    const v = this.verdict;
    const damaged = this.damage ?? (v && !v.ok && !v.truncated ? v.detail : undefined);
    const where: ReadNotePart[] = this.endedInside !== undefined ? [{ code: 'entryLeftOut', data: { entry: oneLine(this.endedInside) } }] : [];
    const compressed: ReadNotePart[] = this.kind === 'tar' ? [] : [{ code: 'compressedRead', data: { read: this.compressedRead, kind: this.kind } }, ...(v && !v.ok ? [{ code: 'decompressor' as const, data: { detail: oneLine(v.detail) } }] : [])];
    if (this.entries === 0) {
      // Nothing of a tar came out: whatever the reason (random bytes, a stream cut before its first
      // header), this is not an archive podpath can read.
      const why = damaged ?? (v && !v.ok ? v.detail : `${this.tarBytes} bytes and no file in them`);
      this.reject(new PodpathError('E_BUNDLE_FORMAT', `${oneLine(this.shownAs)} is not a tar archive (${oneLine(why)})`));
      return;
    }
    const bundle = oneLine(this.shownAs);
    const note: ReadNote = damaged !== undefined
      ? readNote('E_BUNDLE_DAMAGED', { code: 'bundleDamaged', data: { bundle, at: this.tarBytes, detail: oneLine(damaged) } }, ...where, { code: 'onlyBefore' })
      : readNote('E_BUNDLE_TRUNCATED', { code: 'bundleCut', data: { bundle, at: this.tarBytes } }, ...where, ...compressed, { code: 'onlyBefore' });
    this.resolve({ kind: this.kind, root: this.root, notes: [note] });
  }
}
