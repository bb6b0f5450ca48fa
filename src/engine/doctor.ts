// `podpath doctor` without the CLI: gather the evidence the chosen rules need (live, a bundle, or a
// facts file), run the rules, build the report. Exit code: 0 healthy, 1 findings (2: errors, thrown).
import type { EvidenceKey, NodeFacts } from '../evidence/node-facts.js';
import { collectNodeFacts } from '../sources/collect.js';
import { buildReport, type DoctorReport } from '../report/model.js';
import { allRules } from '../rules/index.js';
import { VERSION } from '../util/version.js';
import { loadFactsFile } from './facts.js';
import { evidenceFor, runRules } from './run-rules.js';
import type { Lang, Rule } from './types.js';
import { PodpathError } from '../util/errors.js';

export interface DoctorOptions {
  from?: string;
  root?: string;
  /** A NodeFacts JSON file: no collection at all. */
  facts?: string;
  lang: Lang;
  only?: string[];
  rules?: readonly Rule[];
  /** Replaces collection (tests). */
  collect?: (opts: { from?: string; root?: string; needs: EvidenceKey[] }) => Promise<NodeFacts>;
}

/** What doctor reads besides the rules' needs: enough to tell whether this is a Kubernetes node. */
const ALWAYS: EvidenceKey[] = ['kernel', 'os', 'links', 'cni'];

export async function runDoctor(opts: DoctorOptions): Promise<{ report: DoctorReport; exitCode: number }> {
  const rules = opts.rules ?? allRules;
  if (opts.facts && (opts.from || opts.root)) throw new PodpathError('E_USAGE', '--facts cannot be combined with --from or --root');
  const chosen = opts.only && opts.only.length > 0 ? rules.filter((r) => opts.only?.includes(r.meta.id)) : rules;
  const needs = [...new Set([...evidenceFor(chosen), ...ALWAYS])].sort();
  const collect = opts.collect ?? collectNodeFacts;
  const facts = opts.facts ? loadFactsFile(opts.facts) : await collect({ from: opts.from, root: opts.root, needs });
  const outcome = runRules(rules, facts, { lang: opts.lang, only: opts.only });
  const report = buildReport(facts, outcome, { lang: opts.lang, version: VERSION });
  return { report, exitCode: outcome.findings.length > 0 ? 1 : 0 };
}
