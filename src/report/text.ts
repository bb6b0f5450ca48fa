// Terminal report: findings grouped by severity (most severe first), each with what is wrong, the
// evidence lines and where each came from, the fix and its undo, references; then skipped rules
// with their reasons, then the count of rules that passed.
import pc from 'picocolors';
import { SEVERITY_ORDER } from '../engine/run-rules.js';
import type { Finding, Lang, Severity } from '../engine/types.js';
import { findingsCount, label, severityLabel } from './labels.js';
import { isInconclusive, type DoctorReport } from './model.js';
import { show } from './safe-text.js';
import { noteText } from '../evidence/read-notes.js';
import { pushAll } from '../util/arrays.js';

type Colors = ReturnType<typeof pc.createColors>;

export function paintSeverity(c: Colors, s: Severity, text: string): string {
  return s === 'critical' ? c.bold(c.red(text)) : s === 'error' ? c.red(text) : s === 'warning' ? c.yellow(text) : c.cyan(text);
}

/** One finding as a block of lines (also used by `podpath probe`'s report). */
export function renderFinding(f: Finding, lang: Lang, c: Colors): string[] {
  const out: string[] = [];
  // Titles, messages and evidence carry bundle data: every such string goes through show().
  out.push(`  ${paintSeverity(c, f.severity, '●')} ${c.bold(show(f.ruleId))}  ${show(f.title)}`);
  out.push(`    ${show(f.message, Number.MAX_SAFE_INTEGER)}`);
  if (f.evidence.length > 0) {
    out.push(`    ${c.dim(label('evidence', lang) + ':')}`);
    for (const e of f.evidence) out.push(`      ${c.dim(show(e.source) + ':')} ${show(e.text)}`);
    if (f.evidenceOmitted) out.push(`      ${c.dim(label('moreEvidence', lang, { n: f.evidenceOmitted }))}`);
  }
  for (const step of f.remediation) {
    out.push(`    ${c.green(label('fix', lang) + ':')} ${show(step.description, Number.MAX_SAFE_INTEGER)}`);
    for (const cmd of step.commands) out.push(`      $ ${show(cmd, Number.MAX_SAFE_INTEGER)}`);
    out.push(`    ${c.dim(label('undo', lang) + ':')}`);
    for (const cmd of step.undo) out.push(`      $ ${show(cmd, Number.MAX_SAFE_INTEGER)}`);
  }
  if (f.references.length > 0) out.push(`    ${c.dim(label('references', lang) + ': ' + show(f.references.join(', '), Number.MAX_SAFE_INTEGER))}`);
  return out;
}

/** "Inconclusive: N of M rules could be judged", why, and the commands whose output would judge the rest. */
export function verdictLines(r: DoctorReport): string[] {
  const v = r.verdict;
  if (!v) return [];
  const { lang } = r;
  const out = [label('inconclusive', lang, { judged: v.judged, total: v.total })];
  for (const w of v.why) {
    const key = w.code === 'incompleteRead' ? 'whyIncompleteRead' : w.code === 'noInterfaces' ? 'whyNoInterfaces' : 'whyFewJudged';
    out.push(`  - ${show(label(key, lang, w.data ?? {}))}`);
  }
  if (v.wanted.length > 0) {
    out.push(label('wanted', lang));
    for (const w of v.wanted) {
      out.push(`  # ${label('wantedFor', lang)} ${show(w.rules.join(', '), Number.MAX_SAFE_INTEGER)}`);
      for (const cmd of w.commands) out.push(`  $ ${show(cmd, Number.MAX_SAFE_INTEGER)}`);
    }
  }
  return out;
}

export function renderText(r: DoctorReport, opts: { color?: boolean } = {}): string {
  const c = pc.createColors(opts.color ?? false);
  const { lang } = r;
  const lines: string[] = [];
  const node = [r.node.hostname, r.node.kernel ? `${label('kernel', lang)} ${r.node.kernel}` : undefined, r.node.os].filter(Boolean).map((x) => show(x)).join(', ');
  const origin = r.node.origin.path ? `${r.node.origin.kind} ${show(r.node.origin.path)}` : r.node.origin.kind;
  lines.push(c.bold(`${label('title', lang)}: ${node || '?'} (${label('from', lang)} ${origin})`));
  for (const n of r.notes ?? []) lines.push(c.yellow(`${label('note', lang)}: ${n.code}: ${show(noteText(n, lang))}`));
  if (!r.node.kubernetesNode) lines.push(c.yellow(label('notK8s', lang)));
  lines.push('');
  if (r.findings.length === 0 && r.verdict?.status === 'inconclusive') pushAll(lines, verdictLines(r).map((l, i) => (i === 0 ? c.yellow(l) : l))).push('');
  else if (r.findings.length === 0) lines.push(isInconclusive(r) ? c.yellow(label('noFindingsIncomplete', lang)) : c.green(label('noFindings', lang)), '');
  for (const s of SEVERITY_ORDER) {
    const group = r.findings.filter((f) => f.severity === s);
    if (group.length === 0) continue;
    lines.push(paintSeverity(c, s, `${severityLabel(s, lang)} (${group.length})`));
    for (const f of group) pushAll(lines, renderFinding(f, lang, c)).push('');
  }
  const skipped = r.results.filter((x) => x.status === 'skipped');
  if (skipped.length > 0) {
    lines.push(c.dim(`${label('skipped', lang)} (${skipped.length}):`));
    for (const x of skipped) lines.push(c.dim(`  - ${show(x.ruleId)}: ${show(x.reason ?? '', Number.MAX_SAFE_INTEGER)}`));
  }
  lines.push(`${label('passed', lang)}: ${r.summary.passed}/${r.summary.rules} ${label('rules', lang)}; ${findingsCount(r.summary.findings, lang)}`);
  if (r.peer) {
    lines.push('', c.bold(`${label('peer', lang)} ${show(r.peer.address)}`));
    lines.push(r.peer.report ? renderText(r.peer.report, opts).trimEnd() : c.yellow(show(r.peer.error ?? '?')));
  }
  return lines.join('\n') + '\n';
}
