// Reads `kubectl get ... -o json|yaml` dumps for users who cannot give podpath API access: one
// object or a List, JSON (several concatenated, as `>>` makes) or YAML (multi-document), plain
// files or a directory (a bundle). kubectl writes a partial List when a later page fails (410)
// and an empty one on 401/403; when its error line is in the file too (`2>&1`), that is said.
import { pushAll } from '../../util/arrays.js';
import { lstat, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import type { PartialList } from '../../evidence/cluster-facts.js';
import { LIMITS } from '../../util/limits.js';
import { PodpathError } from '../../util/errors.js';
import { oneLine, clip } from '../../util/terminal-safe.js';
import { flattenDocument, isRecord, type KubeObject } from './objects.js';
import type { KubeInventory } from './build.js';
import { issue, type Issue } from '../../evidence/cluster-texts.js';

const DUMP_EXT = /\.(json|ya?ml)$/i;
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

async function collectFiles(path: string, depth: number, out: string[], notes: Issue[]): Promise<void> {
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
      if (s.isDirectory() || (s.isFile() && DUMP_EXT.test(e))) await collectFiles(p, depth + 1, out, notes);
      if (out.length > LIMITS.kubeDumpFiles.value) {
        throw new PodpathError(LIMITS.kubeDumpFiles.code, `more than ${LIMITS.kubeDumpFiles.value} dump files under ${oneLine(path)}`);
      }
    }
    return;
  }
  if (st.isFile()) {
    if (st.size > LIMITS.kubeDumpBytes.value) {
      throw new PodpathError(LIMITS.kubeDumpBytes.code, `${oneLine(path)} is ${st.size} bytes, over the ${LIMITS.kubeDumpBytes.value}-byte limit for a dump`);
    }
    out.push(path);
  }
}

/** Reads every dump under the given files and directories into an inventory. */
export async function readKubeDumps(paths: string[]): Promise<KubeInventory> {
  const files: string[] = [];
  const notes: Issue[] = [];
  for (const p of paths) await collectFiles(p, 0, files, notes);
  const inv: KubeInventory = { source: { kind: 'files', files }, objects: [], partial: [], notes };
  for (const f of files) {
    let parsed: ParsedDump;
    try {
      parsed = parseDumpText(await readFile(f, 'utf8'), f);
    } catch (e) {
      // In a directory, a JSON file that is not a dump (a NodeFacts file, a manifest with errors)
      // is noted, not fatal; a file named on the command line must parse.
      if (paths.includes(f)) throw e;
      const message = e instanceof Error ? e.message : String(e);
      const prefix = `${f}: not a JSON or YAML dump of Kubernetes objects: `;
      inv.notes.push(issue('dumpNotParsed', { file: oneLine(f), error: message.startsWith(prefix) ? message.slice(prefix.length) : oneLine(message) }));
      continue;
    }
    pushAll(inv.objects, parsed.objects);
    pushAll(inv.partial, parsed.partial);
    pushAll(inv.notes, parsed.notes);
    if (inv.objects.length > LIMITS.kubeObjects.value) {
      throw new PodpathError(LIMITS.kubeObjects.code, `more than ${LIMITS.kubeObjects.value} objects in the dumps`);
    }
  }
  if (files.length === 0) throw new PodpathError('E_KUBE_DUMP_READ', `no .json or .yaml dump under ${paths.map(oneLine).join(', ')}`);
  return inv;
}
