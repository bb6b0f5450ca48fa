// A bundle as a host: a directory or a tarball in sosreport layout (ours or a real sosreport).
// Commands live at sos_commands/<plugin>/<mangled argv>; files at their own path under the root.
import { execFile } from 'node:child_process';
import { lstat, mkdtemp, open, readdir, readFile, realpath, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { x as extractTar } from 'tar';
import { PodpathError } from '../../util/errors.js';
import type { CommandOutput, CommandSpec, FileContent } from '../types.js';
import type { ExplainingHostReader } from './types.js';
import { commandLine, mangleCommand, SOS_ROOT_SYMLINKS } from './sos-names.js';

const execFileP = promisify(execFile);

/** Opens a bundle directory or a .tar, .tar.gz/.tgz, .tar.xz (or .tar.bz2) file. Call close() when done. */
export async function bundleHost(bundlePath: string): Promise<ExplainingHostReader> {
  const abs = path.resolve(bundlePath);
  const st = await stat(abs).catch(() => undefined);
  if (!st) throw new PodpathError('E_BUNDLE_NOT_FOUND', `no such bundle: ${bundlePath}`);
  if (st.isDirectory()) return openDirectory(await requireBundleRoot(abs, bundlePath), abs, undefined);
  if (!st.isFile()) throw new PodpathError('E_BUNDLE_FORMAT', `not a directory or a tarball: ${bundlePath}`);
  const tmp = await mkdtemp(path.join(os.tmpdir(), 'podpath-bundle-'));
  try {
    await extract(abs, tmp, bundlePath);
    return await openDirectory(await requireBundleRoot(tmp, bundlePath), abs, tmp);
  } catch (e) {
    // Retries: an extraction that failed part-way may still be finishing writes (ENOTEMPTY), and
    // a failed clean-up must not hide the error that says what is wrong with the bundle.
    await rm(tmp, { recursive: true, force: true, maxRetries: 3, retryDelay: 50 }).catch(() => undefined);
    throw e;
  }
}

async function extract(file: string, dest: string, shownAs: string): Promise<void> {
  const kind = await sniffArchive(file);
  try {
    if (kind === 'tar' || kind === 'gzip') {
      // Not `strict`: that makes every warning fatal, and node-tar warns (TAR_ENTRY_INFO) on each
      // absolute symlink, which sos keeps as it found it (etc/localtime -> /usr/share/zoneinfo/...).
      // Every other warning (bad archive, an entry it could not write or that escapes) still fails.
      const problems: string[] = [];
      await extractTar({ file, cwd: dest, onwarn: (code, message) => {
        if (code !== 'TAR_ENTRY_INFO') problems.push(`${code}: ${message}`);
      } });
      if (problems.length > 0) throw new Error(problems[0]);
    } else if (kind === 'xz' || kind === 'bzip2') {
      // No xz in the tar package: the system tar has it wherever sosreports are made.
      await execFileP('tar', [kind === 'xz' ? '-xJf' : '-xjf', file, '-C', dest, '--no-same-owner'], { maxBuffer: 16 * 1024 * 1024 });
    } else {
      throw new PodpathError('E_BUNDLE_FORMAT', `not a directory, tar, tar.gz or tar.xz: ${shownAs}`);
    }
  } catch (e) {
    if (e instanceof PodpathError) throw e;
    const detail = e instanceof Error ? e.message.split('\n')[0] : String(e);
    throw new PodpathError('E_BUNDLE_FORMAT', `cannot extract ${shownAs}: ${detail}`, { cause: e });
  }
}

/** Decides by content, not by name: a renamed sosreport still opens. */
async function sniffArchive(file: string): Promise<'tar' | 'gzip' | 'xz' | 'bzip2' | 'unknown'> {
  const fh = await open(file, 'r');
  try {
    const head = Buffer.alloc(512);
    const { bytesRead } = await fh.read(head, 0, 512, 0);
    if (bytesRead >= 2 && head[0] === 0x1f && head[1] === 0x8b) return 'gzip';
    if (bytesRead >= 6 && head.subarray(0, 6).equals(Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]))) return 'xz';
    if (bytesRead >= 3 && head.subarray(0, 3).toString('latin1') === 'BZh') return 'bzip2';
    if (bytesRead >= 262 && head.subarray(257, 262).toString('latin1') === 'ustar') return 'tar';
    return 'unknown';
  } finally {
    await fh.close();
  }
}

const BUNDLE_MARKERS = ['sos_commands', 'podpath.json', 'proc', 'etc', 'var', 'boot', 'run'];

/** The bundle's root, or a clear error when the directory holds nothing a bundle would. */
async function requireBundleRoot(dir: string, shownAs: string): Promise<string> {
  const root = await findBundleRoot(dir);
  const names = await readdir(root);
  if (!names.some((n) => BUNDLE_MARKERS.includes(n))) {
    throw new PodpathError('E_BUNDLE_FORMAT', `${shownAs} is not a bundle or sosreport: no sos_commands/, podpath.json or node files (etc/, proc/, var/) in it`);
  }
  return root;
}

/** A sosreport usually sits one directory down (sosreport-host-date/): descend while that is all there is. */
async function findBundleRoot(dir: string): Promise<string> {
  let current = dir;
  for (let depth = 0; depth < 3; depth++) {
    const entries = await readdir(current, { withFileTypes: true });
    if (entries.some((e) => BUNDLE_MARKERS.includes(e.name))) return current;
    const dirs = entries.filter((e) => e.isDirectory());
    const others = entries.filter((e) => !e.isDirectory() && !/\.(md5|sha256)$/.test(e.name));
    if (dirs.length !== 1 || others.length > 0) return current;
    current = path.join(current, dirs[0]!.name);
  }
  return current;
}

async function openDirectory(root: string, shownPath: string, tmp: string | undefined): Promise<ExplainingHostReader> {
  const realRoot = await realpath(root);
  const reasons = new Map<string, string>();
  let closed = false;
  const rel = (abs: string) => path.relative(realRoot, abs).split(path.sep).join('/');

  /** Resolves a bundle-relative path, refusing symlinks that leave the bundle (sos keeps absolute ones). */
  async function inside(relPath: string): Promise<string | undefined> {
    try {
      const real = await realpath(path.join(realRoot, relPath));
      return real === realRoot || real.startsWith(realRoot + path.sep) ? real : undefined;
    } catch {
      return undefined;
    }
  }

  // The bundle does not change while open: each directory is listed once. Looking a name up in
  // these lists first spares a failing realpath() (a thrown error) for every candidate path that
  // is not there, which was most of the time spent judging a bundle.
  const listings = new Map<string, Promise<string[]>>();
  function namesIn(relDir: string): Promise<string[]> {
    let names = listings.get(relDir);
    if (!names) {
      names = listNames(path.join(realRoot, relDir));
      listings.set(relDir, names);
    }
    return names;
  }

  /** False when the path's directory listing lacks its name; true when it may be there (inside() decides). */
  async function mayExist(relPath: string): Promise<boolean> {
    const norm = path.posix.normalize(relPath).replace(/(?<!\/)\/+$/, '');
    if (norm === '.' || norm === '' || norm.startsWith('../')) return true;
    return (await namesIn(path.posix.dirname(norm))).includes(path.posix.basename(norm));
  }

  async function readInside(relPath: string): Promise<FileContent | undefined> {
    if (!(await mayExist(relPath))) return undefined;
    const real = await inside(relPath);
    if (!real) return undefined;
    const st = await stat(real);
    if (!st.isFile()) return undefined;
    return { text: await readFile(real, 'utf8'), source: rel(path.join(realRoot, relPath)) };
  }

  function pluginDirs(): Promise<string[]> {
    return namesIn('sos_commands');
  }

  return {
    kind: 'bundle',
    origin: { kind: 'bundle', path: shownPath },
    extractedTo: tmp,
    explain: (what) => reasons.get(what),
    async close() {
      if (closed) return;
      closed = true;
      if (tmp) await rm(tmp, { recursive: true, force: true });
    },

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
      reasons.set(p, `${p}: not in the bundle`);
      return undefined;
    },

    async listDir(p: string): Promise<string[]> {
      const real = await inside(p.replace(/^\/+/, ''));
      if (!real) return [];
      return (await listNames(real)).map((n) => path.posix.join(p, n));
    },

    async run(cmd: CommandSpec): Promise<CommandOutput | undefined> {
      const name = mangleCommand(cmd.argv);
      const candidates = [`sos_commands/${cmd.plugin}/${name}`];
      const plugins = await pluginDirs();
      for (const plugin of plugins) if (plugin !== cmd.plugin) candidates.push(`sos_commands/${plugin}/${name}`);
      for (const alias of SOS_ROOT_SYMLINKS[name] ?? []) candidates.push(alias);
      for (const c of candidates) {
        const found = await readInside(c);
        if (found) return { stdout: found.text, source: found.source };
      }
      // sos sometimes adds options or truncates a long name: take the shortest name that extends ours.
      for (const plugin of [cmd.plugin, ...plugins.filter((p) => p !== cmd.plugin)]) {
        const names = (await namesIn(`sos_commands/${plugin}`))
          .filter((n) => n.startsWith(name + '_') || (name.length >= 200 && name.startsWith(n)))
          .sort((a, b) => a.length - b.length);
        for (const n of names) {
          const found = await readInside(`sos_commands/${plugin}/${n}`);
          if (found) return { stdout: found.text, source: found.source };
        }
      }
      reasons.set(commandLine(cmd.argv), `${commandLine(cmd.argv)}: not in the bundle (no sos_commands/${cmd.plugin}/${name})`);
      return undefined;
    },
  };
}

async function listNames(dir: string): Promise<string[]> {
  try {
    const st = await lstat(dir).catch(() => undefined);
    if (!st) return [];
    return (await readdir(dir)).sort();
  } catch {
    return [];
  }
}
