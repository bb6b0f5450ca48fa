// `podpath doctor` over many bundles in one process: each bundle is judged as `doctor --from` judges
// one, a few at a time (bounded, so memory holds a few extracted bundles' facts, not a hundred).
// A bundle that cannot be read is kept as an error entry; the others are still judged.
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { EXIT_INCONCLUSIVE, isInconclusive, type DoctorReport, type FleetEntry, type FleetError } from '../report/model.js';

export type { FleetEntry, FleetError };
import { isPodpathError, PodpathError } from '../util/errors.js';
import { runDoctor, type DoctorOptions } from './doctor.js';

/** How many bundles are read at once by default: enough to overlap file I/O and extraction with rule work. */
export const DEFAULT_FLEET_CONCURRENCY = 4;



export interface FleetOptions extends Pick<DoctorOptions, 'lang' | 'only' | 'rules' | 'collect' | 'alsoIn'> {
  /** Bundle directories, tarballs or facts .json files. */
  sources: string[];
  concurrency?: number;
  /** Judges one source instead of runDoctor (the CLI routes transcripts to their own use case). */
  judge?: (from: string) => Promise<{ report: DoctorReport; translation?: DoctorReport }>;
}

export interface FleetOutcome {
  entries: FleetEntry[];
  /** 2 when any bundle could not be read, else 1 when any has findings, else 3 when any is incomplete, else 0. */
  exitCode: number;
}

export async function runFleet(opts: FleetOptions): Promise<FleetOutcome> {
  const limit = Math.max(1, Math.floor(opts.concurrency ?? DEFAULT_FLEET_CONCURRENCY));
  const entries = await mapBounded(opts.sources, limit, async (from): Promise<FleetEntry> => {
    try {
      const one = { from, lang: opts.lang, only: opts.only, rules: opts.rules, collect: opts.collect, alsoIn: opts.alsoIn };
      const { report, translation } = opts.judge ? await opts.judge(from) : await runDoctor(one);
      return translation ? { from, report, translation } : { from, report };
    } catch (e) {
      // A usage error (an unknown --only id) is the same for every bundle: stop, do not repeat it 100 times.
      if (isPodpathError(e) && (e.code === 'E_USAGE' || e.code === 'E_UNKNOWN_RULE')) throw e;
      return { from, error: describeError(e) };
    }
  });
  return { entries, exitCode: fleetExitCode(entries) };
}

export function fleetExitCode(entries: FleetEntry[]): number {
  if (entries.some((e) => 'error' in e)) return 2;
  if (entries.some((e) => 'report' in e && e.report.findings.length > 0)) return 1;
  return entries.some((e) => 'report' in e && isInconclusive(e.report)) ? EXIT_INCONCLUSIVE : 0;
}

/** The code and one-line message the CLI would print for this error. */
export function describeError(e: unknown): FleetError {
  const firstLine = (s: string) => s.split('\n')[0] ?? '';
  if (isPodpathError(e)) return { code: e.code, message: firstLine(e.message) };
  const err = e as NodeJS.ErrnoException | undefined;
  if (err && typeof err === 'object' && typeof err.code === 'string') {
    // Node's messages usually start with the errno code already: say it once.
    return { code: 'E_SYSTEM', message: firstLine(err.message.startsWith(`${err.code}:`) ? err.message : `${err.code}: ${err.message}`) };
  }
  return { code: 'E_INTERNAL', message: firstLine(e instanceof Error ? e.message : String(e)) };
}

/** Runs fn over items with at most `limit` in flight; results keep the items' order. */
export async function mapBounded<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  async function worker(): Promise<void> {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i] as T, i);
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, () => worker()));
  return results;
}

/** What `--from-dir` takes as one node: a directory, a tarball, or a facts file. */
const BUNDLE_FILE = /\.(tar|tar\.gz|tgz|tar\.xz|txz|tar\.bz2|tbz2|json)$/i;
/** Files that show the directory is itself one bundle, not a directory of bundles. */
const BUNDLE_MARKERS = ['sos_commands', 'podpath.json'];

/**
 * The bundles in a directory, sorted by name: every subdirectory and every .tar/.tar.gz/.tgz/.tar.xz/
 * .tar.bz2/.json file (hidden entries and others, such as a sosreport's .md5, are left out).
 */
export async function listBundleDir(dir: string): Promise<string[]> {
  const st = await stat(dir).catch(() => undefined);
  if (!st) throw new PodpathError('E_BUNDLE_NOT_FOUND', `no such directory: ${dir}`);
  if (!st.isDirectory()) throw new PodpathError('E_USAGE', `--from-dir takes a directory of bundles: ${dir} is a file (use --from)`);
  const entries = await readdir(dir, { withFileTypes: true });
  if (entries.some((e) => BUNDLE_MARKERS.includes(e.name))) {
    throw new PodpathError('E_USAGE', `${dir} is itself a bundle (it holds ${entries.find((e) => BUNDLE_MARKERS.includes(e.name))?.name}): use --from`);
  }
  const found: string[] = [];
  for (const e of entries) {
    if (e.name.startsWith('.')) continue;
    const full = path.join(dir, e.name);
    // Follow symlinks: a directory of links to bundles elsewhere is a fine way to pick a fleet.
    const isDir = e.isDirectory() || (e.isSymbolicLink() && (await stat(full).catch(() => undefined))?.isDirectory() === true);
    if (isDir || BUNDLE_FILE.test(e.name)) found.push(full);
  }
  if (found.length === 0) throw new PodpathError('E_NO_BUNDLES', `no bundles in ${dir} (subdirectories, .tar, .tar.gz, .tgz, .tar.xz or .json files)`);
  return found.sort();
}
