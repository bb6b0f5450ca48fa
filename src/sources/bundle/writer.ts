// Writes a bundle in sosreport layout: command output at sos_commands/<plugin>/<mangled argv>,
// files at their own path, plus podpath.json (the parsed NodeFacts) and version.txt. A directory,
// or a .tar.gz/.tgz/.tar (tar package) or .tar.xz (system tar) holding one top-level directory.
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { c as createTar } from 'tar';
import type { NodeFacts } from '../../evidence/node-facts.js';
import { PodpathError } from '../../util/errors.js';
import { VERSION } from '../../util/version.js';
import type { RecordedRaw } from '../host/recording.js';
import { mangleCommand } from '../host/sos-names.js';

const execFileP = promisify(execFile);

export type BundleFormat = 'dir' | 'tar' | 'tar.gz' | 'tar.xz';

export function bundleFormatOf(output: string): BundleFormat {
  if (/\.(tar\.gz|tgz)$/i.test(output)) return 'tar.gz';
  if (/\.tar\.xz$/i.test(output)) return 'tar.xz';
  if (/\.tar$/i.test(output)) return 'tar';
  return 'dir';
}

export interface WrittenBundle {
  path: string;
  commands: number;
  files: number;
}

export async function writeBundle(output: string, raw: RecordedRaw, facts: NodeFacts): Promise<WrittenBundle> {
  const format = bundleFormatOf(output);
  if (format === 'dir') {
    await ensureEmptyDir(output);
    return { path: output, ...(await writeTree(output, raw, facts)) };
  }
  if (await stat(output).catch(() => undefined)) throw new PodpathError('E_OUTPUT_EXISTS', `${output} already exists`);
  const tmp = await mkdtemp(path.join(os.tmpdir(), 'podpath-write-'));
  try {
    const top = `podpath-${safeName(facts.kernel?.hostname ?? 'node')}-${facts.collectedAt.replace(/[:.]/g, '-')}`;
    const counts = await writeTree(path.join(tmp, top), raw, facts);
    if (format === 'tar.xz') {
      await execFileP('tar', ['-cJf', path.resolve(output), '-C', tmp, top]);
    } else {
      await createTar({ file: output, cwd: tmp, gzip: format === 'tar.gz', portable: true }, [top]);
    }
    return { path: output, ...counts };
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

async function writeTree(dir: string, raw: RecordedRaw, facts: NodeFacts): Promise<{ commands: number; files: number }> {
  await mkdir(dir, { recursive: true });
  const written = new Set<string>();
  let commands = 0;
  for (const { spec, stdout } of raw.commands) {
    const rel = `sos_commands/${spec.plugin}/${mangleCommand(spec.argv)}`;
    if (written.has(rel)) continue;
    written.add(rel);
    await put(dir, rel, stdout);
    commands++;
  }
  let files = 0;
  for (const [p, text] of raw.files) {
    const rel = p.replace(/^\/+/, '');
    if (written.has(rel) || rel === '' || rel.split('/').includes('..')) continue;
    written.add(rel);
    await put(dir, rel, text);
    files++;
  }
  await put(dir, 'version.txt', `podpath: ${VERSION}\n`);
  await put(dir, 'podpath.json', JSON.stringify(facts, null, 2) + '\n');
  return { commands, files };
}

async function put(dir: string, rel: string, text: string): Promise<void> {
  const file = path.join(dir, rel);
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, text);
}

async function ensureEmptyDir(dir: string): Promise<void> {
  const st = await stat(dir).catch(() => undefined);
  if (!st) return;
  if (!st.isDirectory()) throw new PodpathError('E_OUTPUT_EXISTS', `${dir} exists and is not a directory`);
  if ((await readdir(dir)).length > 0) throw new PodpathError('E_OUTPUT_EXISTS', `${dir} is not empty; choose a new directory`);
}

function safeName(s: string): string {
  return s.replace(/[^\w.-]+/g, '_').slice(0, 64) || 'node';
}
