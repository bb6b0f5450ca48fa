// The summary of a part made of findings (a mesh, a capture, a capture diff): counts by severity and
// the most severe finding, as the doctor's summary shows them; the verdict is the part's to say.
import { SEVERITY_ORDER } from '../../engine/run-rules.js';
import type { Finding, Lang, Severity } from '../../engine/types.js';
import type { SafeHtml } from './html.js';
import type { Judged, SummaryData } from './summary.js';

/** The same finding in the other language, when it is there and is the same finding. */
export function twinOf(f: Finding, i: number, t?: readonly Finding[]): Finding | undefined {
  const g = t?.[i];
  return g && g.ruleId === f.ruleId && g.messageId === f.messageId ? g : undefined;
}

export function findingsSummary(o: {
  findings: readonly Finding[];
  translation?: readonly Finding[];
  lang: Lang;
  /** The element id of finding i. */
  anchor: (i: number) => string;
  /** What the top finding is about (shown after it). */
  about: string;
  verdict?: SummaryData['verdict'];
  extra?: SafeHtml;
  judged?: Judged;
}): SummaryData {
  const bySeverity = Object.fromEntries(SEVERITY_ORDER.map((s) => [s, 0])) as Record<Severity, number>;
  for (const f of o.findings) bySeverity[f.severity]++;
  const rank = (s: Severity) => SEVERITY_ORDER.indexOf(s);
  let top: SummaryData['top'];
  o.findings.forEach((f, i) => {
    if (!top || rank(f.severity) < rank(top.finding.severity)) top = { finding: f, other: twinOf(f, i, o.translation), node: o.about, anchor: o.anchor(i), lang: o.lang };
  });
  return { verdict: o.verdict ?? (o.findings.length > 0 ? 'findings' : 'healthy'), bySeverity, ...(top ? { top } : {}), ...(o.extra ? { extra: o.extra } : {}), ...(o.judged ? { judged: o.judged } : {}) };
}
