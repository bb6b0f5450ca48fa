// Every catalogue of text podpath says, in one list: what test/catalogue.test.ts checks (both
// languages, the same placeholders in each) and the files a table of `zh:` text may live in.
// A new table of words is added here, or that test fails on the file that holds it.
import type { Localized } from '../util/i18n.js';
import { EVIDENCE_NAMES, PART_NAMES, RULE_KIND_NAMES } from '../evidence/names.js';
import { MISSING_REASONS } from '../evidence/missing-reasons.js';
import { READ_NOTE_TEXTS } from '../evidence/read-notes.js';
import { CLUSTER_TEXTS } from '../evidence/cluster-texts.js';
import { ENGINE_REASONS, REASON_JOINERS } from '../engine/reasons.js';
import { REFUSAL_TEXTS } from '../engine/shell-fill.js';
import type { Rule } from '../engine/types.js';
import { allRules } from '../rules/index.js';
import { LABELS, SEVERITY_LABELS } from './labels.js';
import { TEXT_LABELS } from './text-labels.js';
import { PROBE_TEXTS } from './probe-text.js';
import { HTML_WORDS } from './html/words.js';
import { MESH_WORDS, PLACE_WORDS } from './html/mesh-words.js';
import { CAPTURE_WORDS } from './html/capture-words.js';
import { CATEGORY_WORDS, CLUSTER_HTML_WORDS, NODE_DIFF_WORDS, PROBE_HTML_WORDS, TRACE_WORDS } from './html/view-words.js';
import { CAPTURE_SEVERITY_TAGS, CAPTURE_TEXTS, HANDSHAKE_STATE_NAMES } from './capture-text.js';
import { CAPTURE_DIFF_TEXTS, LOSS_RUN_KIND_NAMES } from './capture-diff-text.js';
import { CLUSTER_DOCTOR_WORDS } from './cluster-doctor.js';
import { MESH_FINDING_WORDS, MESH_TEXTS } from './mesh.js';
import { NODE_DIFF_NOTES } from '../evidence/node-diff-notes.js';
import { NODE_DIFF_TEXTS } from './node-diff-text.js';
import { MESH_QUOTES } from '../rules/shared/mesh-quote.js';
import { PROBE_QUOTES } from '../rules/shared/probe-shared.js';
import { DROP_QUOTES, VERDICT_WORDS } from '../rules/shared/drop-place.js';
import { AGENT_TEXTS } from './agents-text.js';

export interface Catalogue {
  /** The file that holds the table (relative to the repository). */
  file: string;
  name: string;
  entries: Record<string, Localized>;
}

export const CATALOGUES: readonly Catalogue[] = [
  { file: 'src/evidence/names.ts', name: 'evidence names', entries: EVIDENCE_NAMES },
  { file: 'src/evidence/names.ts', name: 'evidence part names', entries: PART_NAMES },
  { file: 'src/evidence/names.ts', name: 'rule kind names', entries: RULE_KIND_NAMES },
  { file: 'src/evidence/missing-reasons.ts', name: 'missing-evidence reasons', entries: MISSING_REASONS },
  { file: 'src/evidence/read-notes.ts', name: 'read notes', entries: READ_NOTE_TEXTS },
  { file: 'src/evidence/cluster-texts.ts', name: 'cluster facts remarks', entries: CLUSTER_TEXTS },
  { file: 'src/engine/reasons.ts', name: 'engine reasons', entries: ENGINE_REASONS },
  { file: 'src/engine/reasons.ts', name: 'reason joiners', entries: REASON_JOINERS },
  { file: 'src/engine/shell-fill.ts', name: 'refused commands', entries: REFUSAL_TEXTS },
  { file: 'src/report/labels.ts', name: 'report labels', entries: LABELS },
  { file: 'src/report/labels.ts', name: 'severity labels', entries: SEVERITY_LABELS },
  { file: 'src/report/text-labels.ts', name: 'command output labels', entries: TEXT_LABELS },
  { file: 'src/report/probe-text.ts', name: 'probe report words', entries: PROBE_TEXTS },
  { file: 'src/report/html/words.ts', name: 'HTML report words', entries: HTML_WORDS },
  { file: 'src/report/html/mesh-words.ts', name: 'HTML mesh view words', entries: MESH_WORDS },
  { file: 'src/report/html/mesh-words.ts', name: 'HTML loss places', entries: PLACE_WORDS },
  { file: 'src/report/html/capture-words.ts', name: 'HTML capture view words', entries: CAPTURE_WORDS },
  { file: 'src/report/html/view-words.ts', name: 'HTML trace view words', entries: TRACE_WORDS },
  { file: 'src/report/html/view-words.ts', name: 'HTML node diff words', entries: NODE_DIFF_WORDS },
  { file: 'src/report/html/view-words.ts', name: 'HTML node diff categories', entries: CATEGORY_WORDS },
  { file: 'src/report/html/view-words.ts', name: 'HTML probe view words', entries: PROBE_HTML_WORDS },
  { file: 'src/report/html/view-words.ts', name: 'HTML cluster view words', entries: CLUSTER_HTML_WORDS },
  { file: 'src/report/capture-text.ts', name: 'pcap analyze severity tags', entries: CAPTURE_SEVERITY_TAGS },
  { file: 'src/report/capture-text.ts', name: 'pcap analyze words', entries: CAPTURE_TEXTS },
  { file: 'src/report/capture-text.ts', name: 'TCP handshake states', entries: HANDSHAKE_STATE_NAMES },
  { file: 'src/report/capture-diff-text.ts', name: 'pcap diff words', entries: CAPTURE_DIFF_TEXTS },
  { file: 'src/report/capture-diff-text.ts', name: 'loss run kinds', entries: LOSS_RUN_KIND_NAMES },
  { file: 'src/report/cluster-doctor.ts', name: 'cluster doctor report words', entries: CLUSTER_DOCTOR_WORDS },
  { file: 'src/report/mesh.ts', name: 'podpath mesh findings words', entries: MESH_FINDING_WORDS },
  { file: 'src/report/mesh.ts', name: 'podpath mesh progress words', entries: MESH_TEXTS },
  { file: 'src/rules/shared/mesh-quote.ts', name: 'mesh rules\' evidence lines', entries: MESH_QUOTES },
  { file: 'src/rules/shared/probe-shared.ts', name: 'probe rules\' evidence lines', entries: PROBE_QUOTES },
  { file: 'src/rules/shared/drop-place.ts', name: 'drops rules\' evidence lines', entries: DROP_QUOTES },
  { file: 'src/rules/shared/drop-place.ts', name: 'packet filter verdicts', entries: VERDICT_WORDS },
  { file: 'src/report/agents-text.ts', name: 'agents found in the cluster and how they are reached', entries: AGENT_TEXTS },
  { file: 'src/evidence/node-diff-notes.ts', name: 'node diff notes', entries: NODE_DIFF_NOTES },
  { file: 'src/report/node-diff-text.ts', name: 'podpath diff words', entries: NODE_DIFF_TEXTS },
];

/** A rule's text as catalogue entries: title, explanation, messages, reasons, fix descriptions, unconfirmed note. */
export function ruleEntries(rule: Rule): Record<string, Localized> {
  const m = rule.meta;
  const out: Record<string, Localized> = { title: m.title, explanation: m.explanation };
  for (const [id, text] of Object.entries(m.messages)) out[`messages.${id}`] = text;
  for (const [code, text] of Object.entries(m.reasons ?? {})) out[`reasons.${code}`] = text;
  m.remediation.forEach((step, i) => {
    out[`remediation[${i}].description`] = step.description;
  });
  if (m.unconfirmed) out.unconfirmed = m.unconfirmed;
  return out;
}

/** Every catalogue, the rules' own included (one catalogue per rule). */
export function allCatalogues(rules: readonly Rule[] = allRules): Catalogue[] {
  return [...CATALOGUES, ...rules.map((r) => ({ file: `src/rules/${r.meta.kind}/${r.meta.id}.ts`, name: `rule ${r.meta.id}`, entries: ruleEntries(r) }))];
}
