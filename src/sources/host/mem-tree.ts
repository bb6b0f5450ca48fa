// A tarball's files held in memory: directories, regular files and symbolic links only (modes,
// owners, devices, FIFOs and hard links to outside never exist here). Links are resolved inside
// the tree, a bounded number of hops, and never leave the directory resolution starts from.
import type { ReadPolicy } from './read-cap.js';
import { LIMITS } from '../../util/limits.js';

export interface MemDir {
  kind: 'dir';
  children: Map<string, MemNode>;
}

export interface MemFile {
  kind: 'file';
  /** Size the archive declared for it. */
  size: number;
  /** What was kept of it; absent when no podpath source reads this path (or it was cut short). */
  data?: Buffer;
  /** The cap applied to it (head or tail, how many bytes). */
  policy: ReadPolicy;
  /** Fewer bytes kept than the file has. */
  cut: boolean;
  /** Why there is no data, when a reader asks for it: no source reads it, or the archive ended inside it. */
  dropped?: 'unwanted' | 'cut';
}

export interface MemLink {
  kind: 'link';
  target: string;
}

export type MemNode = MemDir | MemFile | MemLink;

export function newDir(): MemDir {
  return { kind: 'dir', children: new Map() };
}

/** Path components of an archive path; undefined when it climbs out (`..`), which no honest archive does. */
export function splitArchivePath(p: string): string[] | undefined {
  const parts: string[] = [];
  for (const c of p.split('/')) {
    if (c === '' || c === '.') continue;
    if (c === '..') return undefined;
    parts.push(c);
  }
  return parts;
}

/**
 * Puts a node at `parts`, making the directories on the way (a file or link in the way is replaced
 * by a directory: links are never followed while building, so an entry cannot be written through one).
 * Returns how many nodes were created, for the caller's accounting.
 */
export function putNode(root: MemDir, parts: readonly string[], node: MemNode): number {
  let dir = root;
  let created = 0;
  for (let i = 0; i < parts.length - 1; i++) {
    const name = parts[i]!;
    let next = dir.children.get(name);
    if (!next || next.kind !== 'dir') {
      next = newDir();
      dir.children.set(name, next);
      created++;
    }
    dir = next;
  }
  const last = parts[parts.length - 1];
  if (last === undefined) return created;
  const existing = dir.children.get(last);
  // A directory entry for a directory already made (by a deeper entry) keeps what is in it.
  if (existing?.kind === 'dir' && node.kind === 'dir') return created;
  dir.children.set(last, node);
  return created + 1;
}

/** The node at `parts` without following any link (hard links name their target this way). */
export function getExact(root: MemDir, parts: readonly string[]): MemNode | undefined {
  let node: MemNode = root;
  for (const name of parts) {
    if (node.kind !== 'dir') return undefined;
    const next = node.children.get(name);
    if (!next) return undefined;
    node = next;
  }
  return node;
}

export type Resolved = { node: MemDir | MemFile } | { error: 'absent' | 'outside' | 'loop' };

/**
 * Resolves a path relative to `base`, following links as a kernel would, but an absolute target or
 * a `..` above `base` is outside (sos keeps absolute links as it found them: they point at the
 * machine the report came from, not into the report).
 */
export function resolvePath(base: MemDir, path: string, maxHops: number = LIMITS.SYMLINK_HOPS.value): Resolved {
  const stack: MemDir[] = [];
  let cur: MemDir = base;
  const todo = path.split('/').reverse();
  let hops = 0;
  while (todo.length > 0) {
    const name = todo.pop()!;
    if (name === '' || name === '.') continue;
    if (name === '..') {
      if (stack.length === 0) return { error: 'outside' };
      cur = stack.pop()!;
      continue;
    }
    const child = cur.children.get(name);
    if (!child) return { error: 'absent' };
    if (child.kind === 'link') {
      if (++hops > maxHops) return { error: 'loop' };
      if (child.target.startsWith('/')) return { error: 'outside' };
      // The target is relative to the link's directory (cur): push its components, then go on.
      for (const c of child.target.split('/').reverse()) todo.push(c);
      continue;
    }
    if (child.kind === 'file') {
      if (todo.some((c) => c !== '' && c !== '.')) return { error: 'absent' };
      return { node: child };
    }
    stack.push(cur);
    cur = child;
  }
  return { node: cur };
}
