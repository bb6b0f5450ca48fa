// Reads `kubectl get ... -o json|yaml` dumps for users who cannot give podpath API access: one
// object or a List, JSON (several concatenated, as `>>` makes) or YAML (multi-document), plain
// files, directories, or tarballs of them (archive-dumps.ts). kubectl writes a partial List when a
// later page fails (410) and an empty one on 401/403; when its error line is in the file too
// (`2>&1`), that is said. Dumps holding no object at all are an error, never an empty cluster.
import { pushAll } from '../../util/arrays.js';
import { lstat, open, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import type { PartialList } from '../../evidence/cluster-facts.js';
import { LIMITS } from '../../util/limits.js';
import { PodpathError } from '../../util/errors.js';
import { oneLine, clip } from '../../util/terminal-safe.js';
import { flattenDocument, isRecord, type KubeObject } from './objects.js';
import type { KubeInventory } from './build.js';
import { issue, type Issue } from '../../evidence/cluster-texts.js';
import { sniffArchive } from '../host/archive.js';
import { ARCHIVE_EXT, DUMP_EXT, readDumpArchive } from './archive-dumps.js';

const KUBECTL_ERROR = /^(Error from server \((\w+)\): .*|error: .*)$/;
const REASON_CODE: Record<string, string> = {
  Expired: 'E_KUBE_EXPIRED',
  Forbidden: 'E_KUBE_FORBIDDEN',
  Unauthorized: 'E_KUBE_UNAUTHORIZED',
  NotFound: 'E_KUBE_NOT_FOUND',
};

export interface ParsedDump {
  objects: KubeObject[];
  partial: PartialList[];
  notes: Issue[];
}

/** Splits concatenated top-level JSON values (`{..}{..}` or `{..}\n{..}`), strings respected. */
export function splitJsonValues(text: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let start = -1;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
      continue;
    }
    if (c === '"') inString = true;
    else if (c === '{' || c === '[') {
      if (depth === 0) start = i;
      depth++;
    } else if (c === '}' || c === ']') {
      depth--;
      if (depth === 0 && start >= 0) {
        out.push(text.slice(start, i + 1));
        start = -1;
      }
      if (depth < 0) throw new Error('unbalanced brackets');
    } else if (depth === 0 && !/\s/.test(c!)) throw new Error(`unexpected ${JSON.stringify(c)} between JSON values`);
  }
  if (depth !== 0) throw new Error('cut short: unbalanced brackets at the end');
  return out;
}

/** Parses one dump's text. `name` is only for messages. Throws PodpathError on unreadable input. */
export function parseDumpText(text: string, name: string): ParsedDump {
  const partial: PartialList[] = [];
  const notes: Issue[] = [];
  // kubectl's own error lines, when stderr went into the same file.
  const kept: string[] = [];
  for (const line of text.split('\n')) {
    const m = KUBECTL_ERROR.exec(line.trimEnd());
    if (m) {
      const reason = m[2] ?? (/Unauthorized/.test(line) ? 'Unauthorized' : 'Error');
      partial.push({ resource: name, code: REASON_CODE[reason] ?? 'E_KUBE_DUMP_ERROR', message: clip(oneLine(line.trim()), 300) });
    } else kept.push(line);
  }
  const body = kept.join('\n');
  let docs: unknown[];
  const trimmed = body.trimStart();
  try {
    if (trimmed.startsWith('{') || trimmed.startsWith('[')) docs = splitJsonValues(body).map((s) => JSON.parse(s) as unknown);
    else {
      const parsed = parseAllDocuments(body, { uniqueKeys: false });
      const list = Array.isArray(parsed) ? parsed : [parsed];
      const bad = list.find((d) => d.errors.length > 0);
      if (bad) throw new Error(bad.errors[0]!.message.split('\n')[0]);
      docs = list.map((d) => d.toJS({ maxAliasCount: 10 }) as unknown);
    }
  } catch (e) {
    throw new PodpathError('E_KUBE_DUMP_PARSE', `${name}: not a JSON or YAML dump of Kubernetes objects: ${clip(oneLine((e as Error).message), 200)}`);
  }
  const objects: KubeObject[] = [];
  let skipped = 0;
  for (const doc of docs) {
    const { objects: got, skipped: s } = flattenDocument(doc);
    skipped += s;
    pushAll(objects, got);
    if (isRecord(doc) && doc.kind === 'List' && Array.isArray(doc.items) && doc.items.length === 0) {
      // kubectl prints an empty List on 401 and 403 as well as for an empty result.
      partial.push({ resource: name, code: 'E_KUBE_DUMP_EMPTY', message: issue('emptyList').text, says: { code: 'emptyList', data: {} } });
    }
  }
  if (skipped) notes.push(issue('itemsSkipped', { file: name, n: skipped }));
  return { objects, partial, notes };
}

/** A file or directory entry to read: a plain dump, or a tarball of dumps. */
type Found = { kind: 'dump' | 'archive'; path: string };

async function isArchive(path: string): Promise<boolean> {
  const fh = await open(path, 'r');
  try {
    const head = Buffer.alloc(512);
    const { bytesRead } = await fh.read(head, 0, 512, 0);
    return sniffArchive(head.subarray(0, bytesRead)) !== undefined;
  } finally {
    await fh.close();
  }
}

async function collectFiles(path: string, depth: number, out: Found[], notes: Issue[]): Promise<void> {
  const st = await lstat(path).catch((e: NodeJS.ErrnoException) => {
    throw new PodpathError('E_KUBE_DUMP_READ', `cannot read ${oneLine(path)}: ${e.code ?? e.message}`);
  });
  // Links are not followed: a hostile bundle could point anywhere on the node.
  if (st.isSymbolicLink()) return;
  if (st.isDirectory()) {
    if (depth > LIMITS.kubeDumpDepth.value) {
      notes.push(issue('dumpTooDeep', { code: LIMITS.kubeDumpDepth.code, path: oneLine(path), max: LIMITS.kubeDumpDepth.value }));
      return;
    }
    const entries = (await readdir(path)).sort();
    for (const e of entries) {
      const p = join(path, e);
      const s = await lstat(p);
      if (s.isDirectory() || (s.isFile() && (DUMP_EXT.test(e) || ARCHIVE_EXT.test(e)))) await collectFiles(p, depth + 1, out, notes);
      if (out.length > LIMITS.kubeDumpFiles.value) {
        throw new PodpathError(LIMITS.kubeDumpFiles.code, `more than ${LIMITS.kubeDumpFiles.value} dump files under ${oneLine(path)}`);
      }
    }
    return;
  }
  if (st.isFile()) {
    // By content, not by name: a tarball named nodes.json is still a tarball.
    if (await isArchive(path)) return void out.push({ kind: 'archive', path });
    if (st.size > LIMITS.kubeDumpBytes.value) {
      throw new PodpathError(LIMITS.kubeDumpBytes.code, `${oneLine(path)} is ${st.size} bytes, over the ${LIMITS.kubeDumpBytes.value}-byte limit for a dump`);
    }
    out.push({ kind: 'dump', path });
    return;
  }
  throw new PodpathError('E_KUBE_DUMP_READ', `${oneLine(path)} is not a regular file or a directory: refused`);
}

/** One dump's text and name, and whether the user named it (then it must parse). */
interface DumpText { name: string; named: boolean; text: () => Promise<string> }

/** Reads every dump under the given files, directories and tarballs into an inventory. */
export async function readKubeDumps(paths: string[]): Promise<KubeInventory> {
  const found: Found[] = [];
  const notes: Issue[] = [];
  for (const p of paths) await collectFiles(p, 0, found, notes);
  const inv: KubeInventory = { source: { kind: 'files', files: [] }, objects: [], partial: [], notes };
  const dumps: DumpText[] = [];
  const bundles: string[] = [];
  for (const f of found) {
    if (f.kind === 'dump') {
      dumps.push({ name: f.path, named: paths.includes(f.path), text: () => readFile(f.path, 'utf8') });
      continue;
    }
    let a: Awaited<ReturnType<typeof readDumpArchive>>;
    try {
      a = await readDumpArchive(f.path);
    } catch (e) {
      // As for a dump: a tarball named on the command line must read; one found in a directory
      // (a sosreport's own archives) is noted with its code, and the rest is read.
      if (paths.includes(f.path) || !(e instanceof PodpathError)) throw e;
      inv.notes.push(issue('dumpNotParsed', { file: oneLine(f.path), error: `${e.code}: ${oneLine(e.message)}` }));
      continue;
    }
    pushAll(inv.partial, a.partial);
    if (a.nodeBundle && a.dumps.length === 0) bundles.push(f.path);
    for (const d of a.dumps) dumps.push({ name: d.name, named: false, text: () => Promise.resolve(d.text) });
  }
  if (dumps.length === 0) {
    throw new PodpathError('E_KUBE_DUMP_READ', `no .json or .yaml dump in ${paths.map(oneLine).join(', ')}${bundles.length ? ` (${bundles.map(oneLine).join(', ')}: a node bundle; give it to --nodes-from)` : ''}`);
  }
  for (const d of dumps) {
    inv.source.files!.push(d.name);
    let parsed: ParsedDump;
    try {
      parsed = parseDumpText(await d.text(), d.name);
    } catch (e) {
      // In a directory or tarball, a JSON file that is not a dump (a NodeFacts file, a manifest with
      // errors) is noted, not fatal; a file named on the command line must parse.
      if (d.named) throw e;
      const message = e instanceof Error ? e.message : String(e);
      const prefix = `${d.name}: not a JSON or YAML dump of Kubernetes objects: `;
      inv.notes.push(issue('dumpNotParsed', { file: oneLine(d.name), error: message.startsWith(prefix) ? message.slice(prefix.length) : oneLine(message) }));
      continue;
    }
    pushAll(inv.objects, parsed.objects);
    pushAll(inv.partial, parsed.partial);
    pushAll(inv.notes, parsed.notes);
    if (inv.objects.length > LIMITS.kubeObjects.value) {
      throw new PodpathError(LIMITS.kubeObjects.code, `more than ${LIMITS.kubeObjects.value} objects in the dumps`);
    }
  }
  if (inv.objects.length === 0) throw noObjects(paths, inv);
  return inv;
}

/**
 * Dumps that hold no Kubernetes object at all (a node bundle's podpath.json, an empty List kubectl
 * wrote on a 403): no cluster to judge, so no rule may pass on it. Said with what each file was.
 */
function noObjects(paths: string[], inv: KubeInventory): PodpathError {
  const why = [...inv.partial.map((p) => `${p.resource}: ${p.message}`), ...inv.notes.map((n) => n.text)];
  const files = inv.source.files ?? [];
  return new PodpathError('E_KUBE_NO_OBJECTS', `no Kubernetes objects in ${paths.map(oneLine).join(', ')} (${files.length} file(s) read${why.length ? `; ${clip(oneLine(why.join('; ')), 400)}` : ''}): nothing to judge the cluster on`);
}
