// Collects one node's facts: from the live host (optionally under a root prefix) or from a bundle,
// running only the sources that provide the evidence asked for, and validating every section.
import { NODE_FACTS_SCHEMA_VERSION, NodeFacts, upgradeNodeFacts, type EvidenceKey } from '../evidence/node-facts.js';
import { because, missingBecause, recordMissing, type MissingEvidence, type MissingRef } from '../evidence/missing-reasons.js';
import { readFactsText } from '../util/facts-file.js';
import { PodpathError } from '../util/errors.js';
import { oneLine } from '../util/terminal-safe.js';
import { pushAll } from '../util/arrays.js';
import { readNote } from '../evidence/read-notes.js';
import type { EvidenceSource, FactsPart } from './types.js';
import type { ExplainingHostReader } from './host/types.js';
import { bundleHost } from './host/bundle.js';
import { liveHost } from './host/live.js';
import { allSources } from './registry.js';

export interface CollectOptions {
  /** A bundle directory or tarball, a sosreport, or a NodeFacts .json file. Absent: the live host. */
  from?: string;
  /** Live only: prefix for file paths (a lab node's root directory). */
  root?: string;
  /** Only the sources providing these sections run. Absent: all of them. */
  needs?: EvidenceKey[];
}

export async function collectNodeFacts(opts: CollectOptions = {}): Promise<NodeFacts> {
  if (opts.from && /\.json$/i.test(opts.from)) return readFactsFile(opts.from);
  const host = opts.from ? await bundleHost(opts.from) : liveHost({ root: opts.root });
  try {
    return await collectFromHost(host, { needs: opts.needs });
  } finally {
    await host.close();
  }
}

/** Runs the chosen sources over a host (live, bundle, or a recording wrapper of either). */
export async function collectFromHost(
  host: ExplainingHostReader,
  opts: { needs?: EvidenceKey[]; sources?: EvidenceSource[] } = {},
): Promise<NodeFacts> {
  const sources = selectSources(opts.sources ?? allSources(), opts.needs);
  const part: FactsPart = {};
  const missing: MissingRef[] = [];
  for (const source of sources) {
    let got: FactsPart;
    // Only what the source declared it reads: an undeclared read finds nothing (and fails its tests).
    const reads = Object.fromEntries(source.reads.map((k) => [k, part[k]])) as FactsPart;
    try {
      got = await source.read(host, reads);
    } catch (e) {
      const reason = because('sourceFailed', { source: source.id, error: oneLine(e instanceof Error ? (e.message.split('\n')[0] ?? '') : String(e)) });
      for (const key of source.provides) pushAll(missing, missingBecause(key, reason));
      continue;
    }
    for (const m of got.missing ?? []) missing.push(m);
    for (const [key, value] of Object.entries(got)) {
      if (key === 'missing' || value === undefined) continue;
      const k = key as EvidenceKey;
      if (part[k] !== undefined) continue;
      const schema = NodeFacts.shape[k];
      const checked = schema.safeParse(value);
      if (!checked.success) {
        const issue = checked.error.issues[0];
        pushAll(missing, missingBecause(k, because('invalidSection', { source: source.id, section: k, error: oneLine(`${issue?.path.join('.')} ${issue?.message}`) })));
        continue;
      }
      (part as Record<string, unknown>)[k] = checked.data;
    }
  }
  const gaps = [...missing];
  for (const key of opts.needs ?? []) {
    if ((part as Record<string, unknown>)[key] === undefined && !gaps.some((m) => m.evidence === key)) {
      pushAll(gaps, missingBecause(key, because(sources.some((s) => s.provides.includes(key)) ? 'notFound' : 'noSourceCollects')));
    }
  }
  const { missing: _ignored, ...sections } = part;
  const notes = [...(host.notes?.() ?? [])];
  // A bundle that gave no evidence at all must not read as a healthy node.
  if (host.kind === 'bundle' && Object.values(sections).every((v) => v === undefined)) {
    notes.push(readNote('E_BUNDLE_EMPTY', { code: 'bundleEmpty', data: { bundle: oneLine(host.origin.path ?? '?') } }));
  }
  return NodeFacts.parse({
    schemaVersion: NODE_FACTS_SCHEMA_VERSION,
    collectedAt: new Date().toISOString(),
    origin: host.origin,
    missing: dedupe(gaps.map(recordMissing)),
    ...(notes.length > 0 ? { notes } : {}),
    ...sections,
  });
}

/**
 * The sources to run, in an order where each runs after the sources of the sections it reads.
 * With `needs`, only the sources providing those sections and, transitively, what they read.
 */
export function selectSources(sources: EvidenceSource[], needs: EvidenceKey[] | undefined): EvidenceSource[] {
  const ordered = orderSources(sources);
  if (!needs || needs.length === 0) return ordered;
  const providerOf = new Map(ordered.flatMap((s) => s.provides.map((k) => [k, s] as const)));
  const wanted = new Set<EvidenceKey>();
  const want = (k: EvidenceKey) => {
    if (wanted.has(k)) return;
    wanted.add(k);
    for (const dep of providerOf.get(k)?.reads ?? []) want(dep);
  };
  for (const k of needs) want(k);
  return ordered.filter((s) => s.provides.some((k) => wanted.has(k)));
}

/**
 * Orders sources by what they read (`reads`): a source after the providers of its sections, the
 * list's own order otherwise. A section read that no source (of `known`) provides, two providers of one section
 * or sources reading each other in a cycle is a programming error: E_SOURCE_ORDER, naming them.
 */
export function orderSources(sources: EvidenceSource[], known: EvidenceSource[] = allSources()): EvidenceSource[] {
  const providerOf = new Map<EvidenceKey, EvidenceSource>();
  for (const s of sources) {
    for (const k of s.provides) {
      const other = providerOf.get(k);
      if (other && other !== s) throw new PodpathError('E_SOURCE_ORDER', `sources ${other.id} and ${s.id} both provide ${k}`);
      providerOf.set(k, s);
    }
  }
  const depsOf = (s: EvidenceSource): EvidenceSource[] => s.reads.flatMap((k) => {
    const p = providerOf.get(k);
    // A provider left out of a chosen subset (a test's sources): the section is simply absent.
    if (!p && !known.some((x) => x.provides.includes(k))) throw new PodpathError('E_SOURCE_ORDER', `source ${s.id} reads ${k}, which no source provides`);
    return !p || p === s ? [] : [p];
  });
  const out: EvidenceSource[] = [];
  const done = new Set<EvidenceSource>();
  const path: EvidenceSource[] = [];
  const visit = (s: EvidenceSource) => {
    if (done.has(s)) return;
    const at = path.indexOf(s);
    if (at >= 0) throw new PodpathError('E_SOURCE_ORDER', `sources read each other in a cycle: ${[...path.slice(at), s].map((x) => x.id).join(' -> ')}`);
    path.push(s);
    for (const d of depsOf(s)) visit(d);
    path.pop();
    done.add(s);
    out.push(s);
  };
  for (const s of sources) visit(s);
  return out;
}

async function readFactsFile(file: string): Promise<NodeFacts> {
  const text = readFactsText(file, (errno) => new PodpathError('E_BUNDLE_NOT_FOUND', errno === 'ENOENT' ? `no such facts file: ${oneLine(file)}` : `cannot read ${oneLine(file)}: ${errno}`));
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new PodpathError('E_FACTS_INVALID', `${oneLine(file)} is not JSON: ${oneLine((e as Error).message)}`);
  }
  const parsed = NodeFacts.safeParse(upgradeNodeFacts(doc));
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new PodpathError('E_FACTS_INVALID', `${oneLine(file)} is not podpath node facts: ${oneLine(issue?.path.join('.') || '(root)')}: ${oneLine(issue?.message ?? '')}`);
  }
  return { ...parsed.data, origin: { kind: 'fixture', path: file } };
}

function dedupe(items: MissingEvidence[]): MissingEvidence[] {
  const seen = new Set<string>();
  return items.filter((m) => {
    const k = `${m.evidence}\u0000${m.code}\u0000${JSON.stringify(m.data)}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
