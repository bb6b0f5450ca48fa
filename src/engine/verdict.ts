// How much of the node could be judged, and whether "no findings" means healthy. A report is
// inconclusive when it has no finding and any of:
//   - the evidence was read cut short, damaged or empty (a bundle note E_BUNDLE_TRUNCATED,
//     E_BUNDLE_DAMAGED, E_BUNDLE_EMPTY, or a transcript cut at its size limit);
//   - the node's interfaces are unknown (no links): which overlay device there is cannot be told;
//   - fewer than INCONCLUSIVE_SHARE of the node rules that ran could be judged.
// Doctor exits EXIT_INCONCLUSIVE (3) then, and lists the commands whose output would judge the rest.
import type { Evidence, NeedKey } from '../evidence/evidence.js';
import { gapsIn } from './run-rules.js';
import type { Rule, RuleResult } from './types.js';

/** Share of the node rules that must be judged (passed or failed) for "no findings" to mean healthy. */
export const INCONCLUSIVE_SHARE = 0.5;

/** Read notes after which no finding means nothing. */
export const INCOMPLETE_NOTES: ReadonlySet<string> = new Set(['E_BUNDLE_TRUNCATED', 'E_BUNDLE_DAMAGED', 'E_BUNDLE_EMPTY', 'E_TRANSCRIPT_CUT', 'E_TRANSCRIPT_EMPTY']);

export interface WantedEvidence {
  evidence: NeedKey;
  commands: string[];
  /** The rules its output would let podpath judge. */
  rules: string[];
}

export interface Verdict {
  status: 'findings' | 'healthy' | 'inconclusive';
  /** Node rules that could be judged (passed or failed), and all node rules run. */
  judged: number;
  total: number;
  /** Why inconclusive: `incompleteRead` {code}, `noInterfaces`, `fewJudged` {judged, total, share}. */
  why: { code: 'incompleteRead' | 'noInterfaces' | 'fewJudged'; data?: Record<string, string | number> }[];
  /** For the node rules not judged: the evidence that would judge them and the commands that give it. */
  wanted: WantedEvidence[];
}

export function judgeVerdict(opts: {
  rules: readonly Rule[];
  results: readonly RuleResult[];
  evidence: Evidence;
  notes?: { code: string }[];
  commandsFor: (key: NeedKey) => string[];
}): Verdict {
  const byId = new Map(opts.rules.map((r) => [r.meta.id, r]));
  const node = opts.results.filter((r) => byId.get(r.ruleId)?.meta.kind === 'node');
  const judged = node.filter((r) => r.status !== 'skipped').length;
  const total = node.length;
  const anyFinding = opts.results.some((r) => r.status === 'fail');
  const why: Verdict['why'] = [];
  for (const n of opts.notes ?? []) if (INCOMPLETE_NOTES.has(n.code) && !why.some((w) => w.data?.code === n.code)) why.push({ code: 'incompleteRead', data: { code: n.code } });
  if (opts.evidence.node && !opts.evidence.node.links) why.push({ code: 'noInterfaces' });
  if (total > 0 && judged < INCONCLUSIVE_SHARE * total) why.push({ code: 'fewJudged', data: { judged, total, share: Math.round(INCONCLUSIVE_SHARE * 100) } });
  // What the skipped node rules lacked, first-needed first: one entry per evidence key.
  const wanted = new Map<NeedKey, WantedEvidence>();
  for (const r of node) {
    if (r.status !== 'skipped') continue;
    const rule = byId.get(r.ruleId)!;
    // Its full needs: a rule that ran on a sufficient set and could not judge wants the rest too.
    const gaps = gapsIn(rule.meta.needs, opts.evidence);
    for (const g of gaps) {
      const key = g.data?.evidence as NeedKey | undefined;
      if (!key) continue;
      const w = wanted.get(key) ?? { evidence: key, commands: opts.commandsFor(key), rules: [] };
      w.rules.push(rule.meta.id);
      wanted.set(key, w);
    }
  }
  const status = anyFinding ? 'findings' : why.length > 0 ? 'inconclusive' : 'healthy';
  return { status, judged, total, why, wanted: [...wanted.values()].filter((w) => w.commands.length > 0).sort((a, b) => b.rules.length - a.rules.length) };
}
