// A bundle as a host: a directory or a tarball in sosreport layout (ours or a real sosreport).
// Commands live at sos_commands/<plugin>/<mangled argv>; files at their own path under the root.
// A tarball is read into memory (archive.ts), never unpacked to disk; a directory is read in place.
// Either way every read is capped (read-cap.ts) and symlinks never lead out of the bundle.
import { readdir, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import type { ReadNote } from '../../evidence/node-facts.js';
import { because, type MissingCode } from '../../evidence/missing-reasons.js';
import type { ReasonRef } from '../../util/i18n.js';
import { PodpathError } from '../../util/errors.js';
import { oneLine } from '../../util/terminal-safe.js';
import type { CommandOutput, CommandSpec, FileContent } from '../types.js';
import { readArchive } from './archive.js';
import { resolvePath, type MemDir } from './mem-tree.js';
import { finishText, NotRegularError, policyForPath, readFileCapped, type CappedText } from './read-cap.js';
import { ROOT_DEPTH } from './source-paths.js';
import type { ExplainingHostReader } from './types.js';
import { commandLine, mangleCommand, SOS_ROOT_SYMLINKS } from './sos-names.js';

/** Why a bundle path has no text: a code of evidence/missing-reasons.ts (the path is added by the caller). */
interface Unread { missing: MissingCode; error?: string }
/** A read of a bundle path: its (capped) text, or why there is none. */
type Outcome = CappedText | Unread;

/** The two ways a bundle is held: a directory on disk, or a tarball's tree in memory. */
interface BundleFs {
  /** Names in a directory inside the bundle, sorted; [] when it is not one. */
  list(rel: string): Promise<string[]>;
  /** Entries of a directory without following links: for finding the bundle's root. */
  entries(rel: string): Promise<{ name: string; dir: boolean }[]>;
  read(rel: string, opts: { wholeLines: boolean }): Promise<Outcome>;
  /** The same bundle, rooted at a directory below. */
  sub(rel: string): Promise<BundleFs>;
}

/** Opens a bundle directory or a .tar, .tar.gz/.tgz, .tar.xz or .tar.bz2 file. Call close() when done. */
export async function bundleHost(bundlePath: string): Promise<ExplainingHostReader> {
  const abs = path.resolve(bundlePath);
  const st = await stat(abs).catch(() => undefined);
  if (!st) throw new PodpathError('E_BUNDLE_NOT_FOUND', `no such bundle: ${oneLine(bundlePath)}`);
  if (st.isDirectory()) {
    const fs = await diskFs(abs);
    return openBundle(await requireBundleRoot(fs, bundlePath), abs, []);
  }
  if (!st.isFile()) throw new PodpathError('E_BUNDLE_SPECIAL_FILE', `${oneLine(bundlePath)} is not a directory or a regular file (a FIFO, socket or device): refused`);
  const archive = await readArchive(abs, bundlePath);
  try {
    return openBundle(await requireBundleRoot(memFs(archive.root), bundlePath), abs, archive.notes);
  } catch (e) {
    // A tarball cut short before its bundle files says so, rather than "not a bundle".
    const cut = archive.notes.find((n) => n.code === 'E_BUNDLE_TRUNCATED' || n.code === 'E_BUNDLE_DAMAGED');
    if (cut && e instanceof PodpathError && e.code === 'E_BUNDLE_FORMAT') throw new PodpathError(cut.code, `${cut.message}; nothing of a bundle came before it`);
    throw e;
  }
}

const BUNDLE_MARKERS = ['sos_commands', 'podpath.json', 'proc', 'etc', 'var', 'boot', 'run'];

/** The bundle's root, or a clear error when the directory holds nothing a bundle would. */
async function requireBundleRoot(fs: BundleFs, shownAs: string): Promise<BundleFs> {
  const root = await findBundleRoot(fs);
  const names = await root.list('.');
  if (!names.some((n) => BUNDLE_MARKERS.includes(n))) {
    throw new PodpathError('E_BUNDLE_FORMAT', `${oneLine(shownAs)} is not a bundle or sosreport: no sos_commands/, podpath.json or node files (etc/, proc/, var/) in it`);
  }
  return root;
}

/** A sosreport usually sits one directory down (sosreport-host-date/): descend while that is all there is. */
async function findBundleRoot(fs: BundleFs): Promise<BundleFs> {
  let current = fs;
  for (let depth = 0; depth < ROOT_DEPTH; depth++) {
    const entries = await current.entries('.');
    if (entries.some((e) => BUNDLE_MARKERS.includes(e.name))) return current;
    const dirs = entries.filter((e) => e.dir);
    const others = entries.filter((e) => !e.dir && !/\.(md5|sha256)$/.test(e.name));
    if (dirs.length !== 1 || others.length > 0) return current;
    current = await current.sub(dirs[0]!.name);
  }
  return current;
}

/** A bundle directory on disk: symlinks are resolved by the kernel, and refused when they leave it. */
async function diskFs(root: string): Promise<BundleFs> {
  const realRoot = await realpath(root);
  async function resolved(rel: string): Promise<{ real: string } | Unread> {
    try {
      const real = await realpath(path.join(realRoot, rel));
      return real === realRoot || real.startsWith(realRoot + path.sep) ? { real } : { missing: 'linkLeavesBundle' };
    } catch (e) {
      return { missing: (e as NodeJS.ErrnoException).code === 'ELOOP' ? 'linkLoop' : 'fileNotInBundle' };
    }
  }
  async function inside(rel: string): Promise<string | undefined> {
    const r = await resolved(rel);
    return 'real' in r ? r.real : undefined;
  }
  return {
    async list(rel) {
      const real = await inside(rel);
      if (!real) return [];
      try {
        return (await readdir(real)).sort();
      } catch {
        return [];
      }
    },
    async entries(rel) {
      const real = await inside(rel);
      if (!real) return [];
      const found = await readdir(real, { withFileTypes: true }).catch(() => []);
      return found.map((e) => ({ name: e.name, dir: e.isDirectory() }));
    },
    async read(rel, opts) {
      const r = await resolved(rel);
      if (!('real' in r)) return r;
      const real = r.real;
      const policy = policyForPath(path.relative(realRoot, real).split(path.sep).join('/'));
      try {
        return finishText(await readFileCapped(real, policy), rel, policy, opts);
      } catch (e) {
        if (e instanceof NotRegularError) return { missing: e.code === 'EISDIR' ? 'isDirectory' : 'notRegularFile' };
        return { missing: 'fileUnreadable', error: (e as NodeJS.ErrnoException).code ?? String(e) };
      }
    },
    async sub(rel) {
      return diskFs(path.join(realRoot, rel));
    },
  };
}

/** A tarball's tree in memory: contents were capped while reading it; links resolve inside the bundle root. */
function memFs(root: MemDir): BundleFs {
  return {
    async list(rel) {
      const r = resolvePath(root, rel);
      return 'node' in r && r.node.kind === 'dir' ? [...r.node.children.keys()].sort() : [];
    },
    async entries(rel) {
      const r = resolvePath(root, rel);
      if (!('node' in r) || r.node.kind !== 'dir') return [];
      return [...r.node.children].map(([name, node]) => ({ name, dir: node.kind === 'dir' }));
    },
    async read(rel, opts) {
      const r = resolvePath(root, rel);
      if ('error' in r) {
        return { missing: r.error === 'outside' ? 'linkLeavesBundle' : r.error === 'loop' ? 'linkLoop' : 'fileNotInBundle' };
      }
      const node = r.node;
      if (node.kind === 'dir') return { missing: 'isDirectory' };
      if (!node.data) return { missing: node.dropped === 'cut' ? 'archiveEndsInside' : 'contentsNotKept' };
      return finishText({ data: node.data, size: node.size, cut: node.cut, keep: node.policy.keep }, rel, node.policy, opts);
    },
    async sub(rel) {
      const r = resolvePath(root, rel);
      return memFs('node' in r && r.node.kind === 'dir' ? r.node : { kind: 'dir', children: new Map() });
    },
  };
}

function openBundle(fs: BundleFs, shownPath: string, archiveNotes: ReadNote[]): ExplainingHostReader {
  const reasons = new Map<string, ReasonRef>();
  const notes = new Map<string, ReadNote>();
  for (const n of archiveNotes) notes.set(n.message, n);

  // The bundle does not change while open: each directory is listed once. Looking a name up in
  // these lists first spares a failing lookup for every candidate path that is not there, which
  // was most of the time spent judging a bundle.
  const listings = new Map<string, Promise<string[]>>();
  function namesIn(relDir: string): Promise<string[]> {
    let names = listings.get(relDir);
    if (!names) {
      names = fs.list(relDir);
      listings.set(relDir, names);
    }
    return names;
  }

  /** False when the path's directory listing lacks its name; true when it may be there (read() decides). */
  async function mayExist(relPath: string): Promise<boolean> {
    const norm = path.posix.normalize(relPath).replace(/(?<!\/)\/+$/, '');
    if (norm === '.' || norm === '' || norm.startsWith('../')) return true;
    return (await namesIn(path.posix.dirname(norm))).includes(path.posix.basename(norm));
  }

  /** Last reason a path could not be read, when it was there in some form. */
  const unreadable = new Map<string, Unread>();

  async function readInside(relPath: string, wholeLines = false): Promise<FileContent | undefined> {
    if (!(await mayExist(relPath))) return undefined;
    const source = path.posix.normalize(relPath);
    const got = await fs.read(relPath, { wholeLines });
    if ('missing' in got) {
      unreadable.set(source, got);
      return undefined;
    }
    for (const n of got.notes) notes.set(n.message, n);
    return { text: got.text, source };
  }

  return {
    kind: 'bundle',
    origin: { kind: 'bundle', path: shownPath },
    explain: (what) => reasons.get(what),
    notes: () => [...notes.values()],
    // Nothing to release: a tarball's tree goes with the last reference to it.
    async close() {},

    async readFile(p: string): Promise<FileContent | undefined> {
      const relPath = p.replace(/^\/+/, '');
      const direct = await readInside(relPath);
      if (direct) return direct;
      // sos 4.0 copies /proc/net (a symlink to self/net) as proc/<pid>/net/.
      const procNet = /^proc\/net\/(.+)$/.exec(relPath);
      if (procNet) {
        for (const pid of await namesIn('proc')) {
          if (!/^\d+$/.test(pid)) continue;
          const found = await readInside(`proc/${pid}/net/${procNet[1]}`);
          if (found) return found;
        }
      }
      const why = unreadable.get(path.posix.normalize(relPath));
      reasons.set(p, because(why?.missing ?? 'fileNotInBundle', { path: oneLine(p), ...(why?.error !== undefined ? { error: oneLine(why.error) } : {}) }));
      return undefined;
    },

    async listDir(p: string): Promise<string[]> {
      return (await fs.list(p.replace(/^\/+/, '') || '.')).map((n) => path.posix.join(p, n));
    },

    async run(cmd: CommandSpec): Promise<CommandOutput | undefined> {
      const name = mangleCommand(cmd.argv);
      const wholeLines = cmd.json === true;
      const candidates = [`sos_commands/${cmd.plugin}/${name}`];
      const plugins = await namesIn('sos_commands');
      for (const plugin of plugins) if (plugin !== cmd.plugin) candidates.push(`sos_commands/${plugin}/${name}`);
      for (const alias of SOS_ROOT_SYMLINKS[name] ?? []) candidates.push(alias);
      for (const c of candidates) {
        const found = await readInside(c, wholeLines);
        if (found) return { stdout: found.text, source: found.source };
      }
      // sos sometimes adds options or truncates a long name: take the shortest name that extends ours.
      for (const plugin of [cmd.plugin, ...plugins.filter((p) => p !== cmd.plugin)]) {
        const names = (await namesIn(`sos_commands/${plugin}`))
          .filter((n) => n.startsWith(name + '_') || (name.length >= 200 && name.startsWith(n)))
          .sort((a, b) => a.length - b.length);
        for (const n of names) {
          const found = await readInside(`sos_commands/${plugin}/${n}`, wholeLines);
          if (found) return { stdout: found.text, source: found.source };
        }
      }
      reasons.set(commandLine(cmd.argv), because('commandNotInBundle', { command: commandLine(cmd.argv), where: `sos_commands/${oneLine(cmd.plugin)}/${oneLine(name)}` }));
      return undefined;
    },
  };
}
