// Terminal report: findings grouped by severity (most severe first), each with what is wrong, the
// evidence lines and where each came from, the fix and its undo, references; then skipped rules
// with their reasons, then the count of rules that passed.
import pc from 'picocolors';
import { SEVERITY_ORDER } from '../engine/run-rules.js';
import type { Finding, Severity } from '../engine/types.js';
import { label, severityLabel } from './labels.js';
import type { DoctorReport } from './model.js';
import { skipReasonZh } from './skip-reason-zh.js';
import { pushAll } from '../util/arrays.js';

type Colors = ReturnType<typeof pc.createColors>;

function paintSeverity(c: Colors, s: Severity, text: string): string {
  return s === 'critical' ? c.bold(c.red(text)) : s === 'error' ? c.red(text) : s === 'warning' ? c.yellow(text) : c.cyan(text);
}

function renderFinding(f: Finding, r: DoctorReport, c: Colors): string[] {
  const { lang } = r;
  const out: string[] = [];
  out.push(`  ${paintSeverity(c, f.severity, '●')} ${c.bold(f.ruleId)}  ${f.title}`);
  out.push(`    ${f.message}`);
  if (f.evidence.length > 0) {
    out.push(`    ${c.dim(label('evidence', lang) + ':')}`);
    for (const e of f.evidence) out.push(`      ${c.dim(e.source + ':')} ${e.text}`);
  }
  for (const step of f.remediation) {
    out.push(`    ${c.green(label('fix', lang) + ':')} ${step.description}`);
    for (const cmd of step.commands) out.push(`      $ ${cmd}`);
    out.push(`    ${c.dim(label('undo', lang) + ':')}`);
    for (const cmd of step.undo) out.push(`      $ ${cmd}`);
  }
  if (f.references.length > 0) out.push(`    ${c.dim(label('references', lang) + ': ' + f.references.join(', '))}`);
  return out;
}

export function renderText(r: DoctorReport, opts: { color?: boolean } = {}): string {
  const c = pc.createColors(opts.color ?? false);
  const { lang } = r;
  const lines: string[] = [];
  const node = [r.node.hostname, r.node.kernel ? `${label('kernel', lang)} ${r.node.kernel}` : undefined, r.node.os].filter(Boolean).join(', ');
  const origin = r.node.origin.path ? `${r.node.origin.kind} ${r.node.origin.path}` : r.node.origin.kind;
  lines.push(c.bold(`${label('title', lang)}: ${node || '?'} (${label('from', lang)} ${origin})`));
  if (!r.node.kubernetesNode) lines.push(c.yellow(label('notK8s', lang)));
  lines.push('');
  if (r.findings.length === 0) lines.push(c.green(label('noFindings', lang)), '');
  for (const s of SEVERITY_ORDER) {
    const group = r.findings.filter((f) => f.severity === s);
    if (group.length === 0) continue;
    lines.push(paintSeverity(c, s, `${severityLabel(s, lang)} (${group.length})`));
    for (const f of group) pushAll(lines, renderFinding(f, r, c)).push('');
  }
  const skipped = r.results.filter((x) => x.status === 'skipped');
  if (skipped.length > 0) {
    lines.push(c.dim(`${label('skipped', lang)} (${skipped.length}):`));
    for (const x of skipped) lines.push(c.dim(`  - ${x.ruleId}: ${lang === 'zh' ? skipReasonZh(x.reason ?? '') : (x.reason ?? '')}`));
  }
  lines.push(`${label('passed', lang)}: ${r.summary.passed}/${r.summary.rules} ${label('rules', lang)}; ${r.summary.findings} ${label('findings', lang)}`);
  if (r.peer) {
    lines.push('', c.bold(`${label('peer', lang)} ${r.peer.address}`));
    lines.push(r.peer.report ? renderText(r.peer.report, opts).trimEnd() : c.yellow(r.peer.error ?? '?'));
  }
  return lines.join('\n') + '\n';
}
