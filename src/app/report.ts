// `podpath report RESULT.json...`: joins the JSON results of podpath commands into one HTML report.
// Every file is hostile: read only up to a limit, parsed, validated against its schema, and only
// then drawn. Each kind of result is recognised by INPUTS (doctor reports, one node or a fleet's
// array with its error entries; cluster doctor; a mesh; probes; captures; node diffs; traces): a
// new kind adds an entry there (recognise + load to a report part) and a view in report/html/render.ts.
import { z } from 'zod';
import type { Finding } from '../engine/types.js';
import { MeshMatrix } from '../evidence/mesh-matrix.js';
import { judgeMatrixRun } from './mesh.js';
import { captureDiffFindings, captureFindings, capturesJudged } from './pcap.js';
import type { CaptureSummary } from '../evidence/capture-summary.js';
import type { CaptureDiff } from '../evidence/capture-diff.js';
import { analyzeJsonSchema } from '../report/capture-json.js';
import { diffJsonSchema } from '../report/capture-diff-json.js';
import type { ClusterPart, MeshPart, NodeDiffPart, ProbePart } from '../report/html/model.js';
import { CATEGORIES } from '../evidence/node-diff.js';
import { NODE_DIFF_NOTES, type NodeDiffNoteCode } from '../evidence/node-diff-notes.js';
import { DropTrace } from '../evidence/drop-trace.js';
import { DropsEvidence } from '../evidence/drop-evidence.js';
import { PROBE_REPORT_SCHEMA } from '../report/probe-json.js';
import { judgeProbeReport } from './probe.js';
import type { PeerProbeReport } from '../probe/peer.js';
import type { Lang } from '../engine/types.js';
import { DoctorReportSchema, FindingSchema, FleetErrorSchema } from '../report/doctor-schema.js';
import { DOCTOR_REPORT_SCHEMA, type DoctorReport } from '../report/model.js';
import { FLEET_ERROR_SCHEMA } from '../report/fleet.js';
import type { HtmlReportInput, NodeEntry, ReportPart } from '../report/html/model.js';
import { isUnreadable } from '../report/html/model.js';
import { PodpathError } from '../util/errors.js';
import { judgedOf } from '../engine/run-rules.js';
import { CLUSTER_DOCTOR_SCHEMA, type ClusterDoctorReport } from '../report/cluster-doctor-model.js';
import { ClusterDoctorReportSchema } from '../report/cluster-doctor-schema.js';
import { ProbeDirectionsSchema } from '../report/probe-directions-schema.js';
import { LIMITS } from '../util/limits.js';
import { readRegularFileCapped } from '../util/read-capped.js';
import { oneLine } from '../util/terminal-safe.js';
import { VERSION } from '../util/version.js';
import { pushAll } from '../util/arrays.js';

/** One input as read: where it came from and its text. */
export interface ReportSource {
  /** The path as given, or `-` for standard input. */
  from: string;
  text: string;
}

/** What one input contributes. */
type Loaded = { kind: 'doctor'; nodes: NodeEntry[] } | MeshLoaded
  | { kind: 'capture'; from: string; files: { summary: CaptureSummary; findings: Finding[] }[] }
  | { kind: 'capture-diff'; from: string; result: CaptureDiff; findings: Finding[] }
  | NodeDiffPart
  | { kind: 'trace'; from: string; trace: DropTrace }
  | ProbePart
  | { kind: 'cluster'; from: string; report: ClusterDoctorReport };

interface MeshLoaded {
  kind: 'mesh';
  from: string;
  matrix: MeshMatrix;
  /** The findings the document carries (the language they were written in is not recorded). */
  findings?: Finding[];
}

interface InputKind {
  /** For messages: what this kind of result is. */
  name: string;
  recognize(doc: unknown): boolean;
  load(doc: unknown, from: string): Loaded;
}

function describe(err: z.ZodError): string {
  return err.issues.slice(0, 3).map((i) => `${i.path.join('.') || '(top)'}: ${i.message}`).join('; ');
}

function schemaOf(doc: unknown): unknown {
  return doc !== null && typeof doc === 'object' && !Array.isArray(doc) ? (doc as Record<string, unknown>).schema : undefined;
}

function parseDoctorDoc(doc: unknown, from: string, where: string): NodeEntry {
  if (schemaOf(doc) === FLEET_ERROR_SCHEMA) {
    const e = FleetErrorSchema.safeParse(doc);
    if (!e.success) throw new PodpathError('E_REPORT_INPUT', `${oneLine(from)}${where}: not a valid podpath.doctor.error entry: ${oneLine(describe(e.error))}`);
    return { from: e.data.from, error: e.data.error };
  }
  const r = DoctorReportSchema.safeParse(doc);
  if (!r.success) throw new PodpathError('E_REPORT_INPUT', `${oneLine(from)}${where}: not a valid podpath.doctor report: ${oneLine(describe(r.error))}`);
  return { from, report: r.data };
}

const isDoctorDoc = (d: unknown) => schemaOf(d) === DOCTOR_REPORT_SCHEMA || schemaOf(d) === FLEET_ERROR_SCHEMA;

export const INPUTS: InputKind[] = [
  {
    name: 'doctor report (doctor -o json)',
    recognize: (doc) => schemaOf(doc) === DOCTOR_REPORT_SCHEMA,
    load: (doc, from) => ({ kind: 'doctor', nodes: [parseDoctorDoc(doc, from, '')] }),
  },
  {
    name: 'fleet of doctor reports (doctor --from A --from B -o json)',
    recognize: (doc) => Array.isArray(doc) && doc.length > 0 && doc.every(isDoctorDoc),
    load: (doc, from) => ({ kind: 'doctor', nodes: (doc as unknown[]).map((d, i) => parseDoctorDoc(d, from, `[${i}]`)) }),
  },
  {
    name: 'mesh matrix (podpath mesh -o FILE or --json)',
    recognize: (doc) => doc !== null && typeof doc === 'object' && !Array.isArray(doc) && (doc as Record<string, unknown>).kind === 'mesh-matrix',
    load: (doc, from) => loadMesh(doc, from),
  },
  {
    name: 'node diff (podpath diff --json)',
    recognize: (doc) => { const d = schemaFree(doc); return d !== undefined && 'differences' in d && 'relevantCount' in d; },
    load: (doc, from) => {
      const r = NodeDiffDocument.safeParse(doc);
      if (!r.success) throw new PodpathError('E_REPORT_INPUT', `${oneLine(from)}: not a valid podpath diff --json document: ${oneLine(describe(r.error))}`);
      return { kind: 'node-diff', labelA: r.data.a, labelB: r.data.b, diff: { differences: r.data.differences, notCompared: r.data.notCompared, relevantCount: r.data.relevantCount } };
    },
  },
  {
    name: 'kernel drop trace (podpath trace -o json)',
    recognize: (doc) => { const d = schemaFree(doc); return d !== undefined && Array.isArray(d.windows) && d.kernel !== undefined && 'filter' in d; },
    load: (doc, from) => {
      const r = DropTrace.safeParse(doc);
      if (!r.success) throw new PodpathError('E_REPORT_INPUT', `${oneLine(from)}: not a valid podpath trace -o json document: ${oneLine(describe(r.error))}`);
      return { kind: 'trace', from, trace: r.data };
    },
  },
  {
    name: 'probe report (podpath probe -o json)',
    recognize: (doc) => schemaOf(doc) === PROBE_REPORT_SCHEMA,
    load: (doc, from) => {
      const r = ProbeDocument.safeParse(doc);
      if (!r.success) throw new PodpathError('E_REPORT_INPUT', `${oneLine(from)}: not a valid podpath.probe report: ${oneLine(describe(r.error))}`);
      const d = r.data;
      const raw = doc as { schemaVersion?: unknown; startedAt?: unknown; directions: unknown[] };
      // Judged again in both languages from the measurements as written (the probe rules are pure);
      // a document they cannot judge (another version's, or made by hand) keeps its own findings.
      const judge = (lang: Lang): Finding[] => judgeProbeReport({ schemaVersion: raw.schemaVersion, peer: d.peer, startedAt: raw.startedAt, directions: raw.directions, errors: d.errors } as unknown as PeerProbeReport, lang, d.drops).outcome.findings;
      let paired: { lang: Lang; findings: Finding[]; translation?: Finding[] };
      try {
        paired = pairFindings(d.findings as Finding[], judge, d.lang);
      } catch {
        paired = { lang: d.lang, findings: d.findings as Finding[] };
      }
      return { kind: 'probe', from, peer: d.peer, directions: d.directions, errors: d.errors, ...paired, ...(d.drops ? { drops: d.drops } : {}), ...(d.results ? { judged: judgedOf(d.results) } : {}) };
    },
  },
  {
    name: 'cluster doctor report (cluster doctor -o json, doctor --cluster-from -o json)',
    recognize: (doc) => schemaOf(doc) === CLUSTER_DOCTOR_SCHEMA,
    load: (doc, from) => {
      const r = ClusterDoctorReportSchema.safeParse(doc);
      if (!r.success) throw new PodpathError('E_REPORT_INPUT', `${oneLine(from)}: not a valid podpath.cluster-doctor report: ${oneLine(describe(r.error))}`);
      return { kind: 'cluster', from, report: r.data };
    },
  },
  {
    name: 'capture analysis (pcap analyze --json)',
    recognize: (doc) => schemaFree(doc)?.command === 'pcap analyze',
    load: (doc, from) => {
      const r = analyzeJsonSchema.safeParse(doc);
      if (!r.success) throw new PodpathError('E_REPORT_INPUT', `${oneLine(from)}: not a valid pcap analyze --json document: ${oneLine(describe(r.error))}`);
      return { kind: 'capture', from, files: r.data.files.map(({ findings, ...summary }) => ({ summary: summary as CaptureSummary, findings: findings as Finding[] })) };
    },
  },
  {
    name: 'capture diff (pcap diff --json)',
    recognize: (doc) => schemaFree(doc)?.command === 'pcap diff',
    load: (doc, from) => {
      const r = diffJsonSchema.safeParse(doc);
      if (!r.success) throw new PodpathError('E_REPORT_INPUT', `${oneLine(from)}: not a valid pcap diff --json document: ${oneLine(describe(r.error))}`);
      return { kind: 'capture-diff', from, result: r.data.result, findings: r.data.findings as Finding[] };
    },
  },
];

const Line = z.object({ source: z.string().max(4096), text: z.string().max(65536) });
/** A value of a node diff in podpath's words: a code of node-diff-notes.ts and what it quotes. */
const WordedValue = z.object({
  code: z.string().refine((c): c is NodeDiffNoteCode => Object.hasOwn(NODE_DIFF_NOTES, c), 'not a node diff code of this version'),
  data: z.record(z.string().max(200), z.union([z.string().max(65536), z.number()])).optional(),
}).transform((w) => ({ code: w.code as NodeDiffNoteCode, ...(w.data ? { data: w.data } : {}) }));
/** `podpath diff --json` (renderNodeDiffJson): no schema name of its own; known by its keys. */
const NodeDiffDocument = z.object({
  schemaVersion: z.literal(1),
  a: z.string().max(4096),
  b: z.string().max(4096),
  relevantCount: z.number().int().nonnegative(),
  differences: z.array(z.object({
    category: z.enum(CATEGORIES),
    key: z.string().max(4096),
    a: z.string().max(65536).optional(),
    b: z.string().max(65536).optional(),
    relevance: z.enum(['high', 'medium', 'low']),
    note: z.string().max(4096).optional(),
    // Values in podpath's words (documents of this version): said in both languages again.
    words: z.object({ a: WordedValue.optional(), b: WordedValue.optional() }).optional(),
    evidence: z.object({ a: z.array(Line).max(1000), b: z.array(Line).max(1000) }),
  })).max(100_000),
  notCompared: z.array(z.object({ section: z.string().max(200), missingOn: z.array(z.enum(['a', 'b'])).max(2) })).max(1000),
});

/** What the HTML report draws of `podpath probe -o json` (the rest of the document is not read). */
const ProbeDocument = z.object({
  schema: z.literal(PROBE_REPORT_SCHEMA),
  lang: z.enum(['en', 'zh']),
  peer: z.string().max(4096),
  directions: ProbeDirectionsSchema,
  errors: z.array(z.string().max(4096)).max(256),
  drops: DropsEvidence.optional(),
  findings: z.array(FindingSchema).max(1000),
  results: z.array(z.object({ ruleId: z.string().max(200), status: z.enum(['pass', 'fail', 'skipped']) })).max(1000).optional(),
});

function schemaFree(doc: unknown): Record<string, unknown> | undefined {
  return doc !== null && typeof doc === 'object' && !Array.isArray(doc) ? (doc as Record<string, unknown>) : undefined;
}

/** Whether a list of findings is written in Chinese (a document does not say its language). */
function langOfFindings(findings: readonly Finding[], fallback: Lang): Lang {
  if (findings.length === 0) return fallback;
  return findings.some((f) => /[\u4e00-\u9fff]/.test(f.title + f.message)) ? 'zh' : 'en';
}

/**
 * Findings of a document paired with the same rules' findings judged again now in both languages
 * (the rules are pure functions of what the document holds). When they are not the same findings
 * (another version's rules), the document's are shown as they are, in their one language.
 */
function pairFindings(doc: readonly Finding[], judge: (lang: Lang) => Finding[], lang: Lang): { lang: Lang; findings: Finding[]; translation?: Finding[] } {
  const main = judge(lang);
  const same = (a: readonly Finding[], b: readonly Finding[]) => a.length === b.length && a.every((f, i) => f.ruleId === b[i]!.ruleId && f.messageId === b[i]!.messageId);
  if (!same(doc, main)) return { lang: langOfFindings(doc, lang), findings: [...doc] };
  return { lang, findings: main, translation: judge(lang === 'en' ? 'zh' : 'en') };
}

const MeshDocument = MeshMatrix.extend({ findings: z.array(FindingSchema).max(1000).optional() });

function loadMesh(doc: unknown, from: string): MeshLoaded {
  const r = MeshDocument.safeParse(doc);
  if (!r.success) throw new PodpathError('E_REPORT_INPUT', `${oneLine(from)}: not a valid mesh matrix: ${oneLine(describe(r.error))}`);
  const { findings, ...matrix } = r.data;
  const names = new Set([...matrix.nodes.map((n) => n.name), ...matrix.cells.flatMap((c) => [c.from, c.to])]);
  const limit = LIMITS.htmlMeshNodes;
  if (names.size > limit.value) throw new PodpathError(limit.code, `${oneLine(from)}: a mesh of ${names.size} nodes; the HTML report draws at most ${limit.value} (draw a --sample run or a part of the cluster)`);
  return { kind: 'mesh', from, matrix, ...(findings ? { findings } : {}) };
}

/**
 * The mesh part: the matrix judged again by this podpath's mesh rules, in both languages (the rules
 * are pure functions of the matrix; the document does not say its findings' language). When the
 * document's findings are not the ones judged now (another version's rules), they are shown as
 * they are, in one language; a matrix too large for the rules shows the document's findings, if any.
 */
export function meshPartOf(l: MeshLoaded, lang: Lang): MeshPart {
  const base = { kind: 'mesh' as const, from: l.from, matrix: l.matrix, lang };
  if (l.matrix.nodes.length > LIMITS.meshRuleNodes.value) return { ...base, ...(l.findings ? { findings: l.findings } : {}) };
  const { findings: main, judged } = judgeMatrixRun(l.matrix, lang);
  const other = judgeMatrixRun(l.matrix, lang === 'en' ? 'zh' : 'en').findings;
  const same = (a: readonly Finding[], b: readonly Finding[]) => a.length === b.length && a.every((f, i) => f.ruleId === b[i]!.ruleId && f.messageId === b[i]!.messageId && f.evidence.length === b[i]!.evidence.length);
  if (l.findings && !same(l.findings, main)) return { ...base, lang: langOfFindings(l.findings, lang), findings: l.findings };
  return { ...base, findings: main, translation: other, judged };
}

const isObj = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/**
 * Results podpath writes that the HTML report does not draw: said plainly (E_REPORT_UNSUPPORTED)
 * rather than "not a podpath result". Known by the keys each command writes.
 */
const NOT_DRAWN: { test: (doc: unknown) => boolean; what: string }[] = [
  { what: 'node facts (collect --json)', test: (d) => isObj(d) && typeof d.schemaVersion === 'number' && isObj(d.origin) && typeof d.collectedAt === 'string' && Array.isArray(d.missing) },
  { what: 'cluster facts (cluster facts -o json)', test: (d) => isObj(d) && isObj(d.source) && isObj(d.counts) && Array.isArray(d.partial) && Array.isArray(d.nodes) },
  { what: 'agent status (cluster status -o json)', test: (d) => isObj(d) && Array.isArray(d.daemonSets) && Array.isArray(d.pods) },
  { what: 'rule list (rules --json)', test: (d) => Array.isArray(d) && d.length > 0 && d.every((r) => isObj(r) && typeof r.id === 'string' && typeof r.severity === 'string' && Array.isArray(r.needs)) },
];

/** Parses and validates one input: which kind it is and what it contributes. */
export function loadReportSource(src: ReportSource): Loaded {
  let doc: unknown;
  try {
    doc = JSON.parse(src.text);
  } catch (e) {
    throw new PodpathError('E_REPORT_JSON', `${oneLine(src.from)} is not JSON: ${oneLine((e as Error).message)}`);
  }
  const kind = INPUTS.find((k) => k.recognize(doc));
  if (kind) return kind.load(doc, src.from);
  const obj = isObj(doc) ? doc : undefined;
  const other = NOT_DRAWN.find((n) => n.test(doc));
  if (other) throw new PodpathError('E_REPORT_UNSUPPORTED', `${oneLine(src.from)}: ${other.what} is not drawn by podpath report; it reads ${INPUTS.map((k) => k.name).join(', ')}`);
  const schema = obj && typeof obj.schema === 'string' ? ` (schema "${oneLine(obj.schema.slice(0, 80))}")` : '';
  throw new PodpathError('E_REPORT_UNKNOWN', `${oneLine(src.from)}${schema} is not a result podpath report reads: ${INPUTS.map((k) => k.name).join(', ')}`);
}

/**
 * The same judgement of the same node in two languages: the same node and evidence source, the same
 * findings (rule and message) and the same result for every rule. The collection time may differ
 * (`doctor --from` stamps when it read the bundle): the words are what is paired, not the clock.
 */
function sameJudgement(a: DoctorReport, b: DoctorReport): boolean {
  return a.lang !== b.lang && a.node.hostname === b.node.hostname && a.node.kernel === b.node.kernel && a.node.origin.kind === b.node.origin.kind && a.node.origin.path === b.node.origin.path
    && a.findings.length === b.findings.length && a.findings.every((f, i) => f.ruleId === b.findings[i]?.ruleId && f.messageId === b.findings[i]?.messageId)
    && a.results.length === b.results.length && a.results.every((r, i) => r.ruleId === b.results[i]?.ruleId && r.status === b.results[i]?.status);
}

/**
 * Joins the nodes of every input: a report given in both languages (`--lang en` and `--lang zh`
 * over the same evidence) becomes one node with its translation, the one in the document's language first.
 */
export function joinNodes(nodes: readonly NodeEntry[], lang: Lang): NodeEntry[] {
  const out: NodeEntry[] = [];
  for (const e of nodes) {
    if (isUnreadable(e)) {
      out.push(e);
      continue;
    }
    const i = out.findIndex((o) => !isUnreadable(o) && o.translation === undefined && sameJudgement(o.report, e.report));
    if (i < 0) {
      out.push({ ...e });
      continue;
    }
    const o = out[i] as Extract<NodeEntry, { report: unknown }>;
    out[i] = o.report.lang === lang ? { from: o.from, report: o.report, translation: e.report } : { from: e.from, report: e.report, translation: o.report };
  }
  return out;
}

/** The same cluster judgement in two languages: the same nodes, and the same findings and results of every rule. */
function sameClusterJudgement(a: ClusterDoctorReport, b: ClusterDoctorReport): boolean {
  const sameFindings = (x: readonly Finding[], y: readonly Finding[]) => x.length === y.length && x.every((f, i) => f.ruleId === y[i]!.ruleId && f.messageId === y[i]!.messageId);
  return a.lang !== b.lang && sameFindings(a.findings, b.findings)
    && a.results.length === b.results.length && a.results.every((r, i) => r.ruleId === b.results[i]!.ruleId && r.status === b.results[i]!.status)
    && a.nodes.length === b.nodes.length && a.nodes.every((n, i) => n.name === b.nodes[i]!.name && n.from === b.nodes[i]!.from && sameFindings(n.report?.findings ?? [], b.nodes[i]!.report?.findings ?? []));
}

/** Cluster reports, one given in both languages paired into one part (the one in the document's language first). */
export function joinClusters(loaded: readonly { from: string; report: ClusterDoctorReport }[], lang: Lang): ClusterPart[] {
  const out: ClusterPart[] = [];
  for (const l of loaded) {
    const i = out.findIndex((o) => o.translation === undefined && sameClusterJudgement(o.report, l.report));
    if (i < 0) {
      out.push({ kind: 'cluster', from: l.from, report: l.report });
      continue;
    }
    const o = out[i]!;
    out[i] = o.report.lang === lang ? { ...o, translation: l.report } : { kind: 'cluster', from: l.from, report: l.report, translation: o.report };
  }
  return out;
}

export function buildHtmlReportInput(sources: readonly ReportSource[], opts: { lang?: Lang; now?: Date } = {}): HtmlReportInput {
  const loaded = sources.map(loadReportSource);
  const doctorNodes = loaded.flatMap((l) => (l.kind === 'doctor' ? l.nodes : []));
  const first = doctorNodes.find((n): n is Extract<NodeEntry, { report: unknown }> => !isUnreadable(n));
  const lang = opts.lang ?? first?.report.lang ?? loaded.map((l) => (l.kind === 'probe' ? l.lang : l.kind === 'cluster' ? l.report.lang : undefined)).find((x) => x !== undefined) ?? 'en';
  const parts: ReportPart[] = doctorNodes.length > 0 ? [{ kind: 'doctor', nodes: joinNodes(doctorNodes, lang) }] : [];
  pushAll(parts, joinClusters(loaded.flatMap((l) => (l.kind === 'cluster' ? [l] : [])), lang));
  for (const l of loaded) {
    if (l.kind === 'mesh') parts.push(meshPartOf(l, lang));
    if (l.kind === 'capture') {
      const files = l.files.map((f) => ({ summary: f.summary, ...pairFindings(f.findings, (x) => captureFindings(f.summary, x), lang) }));
      const judged = l.files.reduce((j, f) => { const k = capturesJudged({ captures: [f.summary] }); return { judged: j.judged + k.judged, total: j.total + k.total }; }, { judged: 0, total: 0 });
      parts.push({ kind: 'capture', from: l.from, lang: files[0]?.lang ?? lang, files, judged });
    }
    if (l.kind === 'node-diff') parts.push(l);
    if (l.kind === 'probe') parts.push(l);
    if (l.kind === 'trace') parts.push({ kind: 'trace', from: l.from, lang, trace: l.trace });
    if (l.kind === 'capture-diff') parts.push({ kind: 'capture-diff', from: l.from, result: l.result, ...pairFindings(l.findings, (x) => captureDiffFindings(l.result, x), lang), judged: capturesJudged({ captureDiffs: [l.result] }) });
  }
  return { lang, parts, generatedAt: (opts.now ?? new Date()).toISOString(), version: VERSION };
}

/** Reads the inputs (`-` is standard input), each and all together within LIMITS.reportInputBytes. */
export async function readReportSources(paths: readonly string[], stdin: () => Promise<Buffer> = () => readStdin(LIMITS.reportInputBytes.value)): Promise<ReportSource[]> {
  const limit = LIMITS.reportInputBytes;
  let total = 0;
  const out: ReportSource[] = [];
  for (const p of paths) {
    const buf = p === '-'
      ? await stdin()
      : readRegularFileCapped(p, { code: limit.code, value: limit.value - total }, {
        cannotOpen: (errno) => new PodpathError('E_REPORT_READ', `cannot read ${oneLine(p)}: ${errno}`),
        specialCode: 'E_REPORT_SPECIAL_FILE',
        what: `what is left of the ${limit.value} bytes podpath report reads in all`,
      });
    total += buf.length;
    if (total > limit.value) throw new PodpathError(limit.code, `the inputs are more than ${limit.value} bytes together: give fewer files`);
    out.push({ from: p, text: buf.toString('utf8') });
  }
  return out;
}

async function readStdin(max: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of process.stdin as AsyncIterable<Buffer>) {
    size += c.length;
    if (size > max) {
      process.stdin.destroy();
      throw new PodpathError(LIMITS.reportInputBytes.code, `standard input is more than ${max} bytes: podpath report reads at most that`);
    }
    chunks.push(c);
  }
  return Buffer.concat(chunks);
}
