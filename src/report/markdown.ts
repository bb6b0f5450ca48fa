// Markdown report: for tickets and chat; same order as the terminal report.
import { SEVERITY_ORDER } from '../engine/run-rules.js';
import { label, severityLabel } from './labels.js';
import type { DoctorReport } from './model.js';
import { skipReasonZh } from './skip-reason-zh.js';
import { pushAll } from '../util/arrays.js';

/** Keeps a line of evidence from breaking out of its code span. */
function code(text: string): string {
  const fence = text.includes('`') ? '``' : '`';
  return `${fence}${text.includes('`') ? ` ${text} ` : text}${fence}`;
}

export function renderMarkdown(r: DoctorReport): string {
  const { lang } = r;
  const out: string[] = [];
  const node = [r.node.hostname, r.node.kernel ? `${label('kernel', lang)} ${r.node.kernel}` : undefined, r.node.os].filter(Boolean).join(', ');
  out.push(`# ${label('title', lang)}: ${node || '?'}`, '');
  out.push(`${label('from', lang)}: ${r.node.origin.kind}${r.node.origin.path ? ` \`${r.node.origin.path}\`` : ''}, ${r.node.collectedAt}`, '');
  if (!r.node.kubernetesNode) out.push(`> ${label('notK8s', lang)}`, '');
  if (r.findings.length === 0) out.push(label('noFindings', lang), '');
  for (const s of SEVERITY_ORDER) {
    const group = r.findings.filter((f) => f.severity === s);
    if (group.length === 0) continue;
    out.push(`## ${severityLabel(s, lang)} (${group.length})`, '');
    for (const f of group) {
      out.push(`### \`${f.ruleId}\`: ${f.title}`, '', f.message, '');
      out.push(`**${label('evidence', lang)}**`, '');
      for (const e of f.evidence) out.push(`- ${code(e.source)}: ${code(e.text)}`);
      out.push('');
      for (const step of f.remediation) {
        pushAll(out, [`**${label('fix', lang)}**: ${step.description}`, '', '```sh', ...step.commands, '```', '', `**${label('undo', lang)}**`, '', '```sh', ...step.undo, '```', '']);
      }
      if (f.references.length > 0) out.push(`${label('references', lang)}: ${f.references.join(', ')}`, '');
    }
  }
  const skipped = r.results.filter((x) => x.status === 'skipped');
  if (skipped.length > 0) {
    out.push(`## ${label('skipped', lang)} (${skipped.length})`, '');
    for (const x of skipped) out.push(`- \`${x.ruleId}\`: ${lang === 'zh' ? skipReasonZh(x.reason ?? '') : (x.reason ?? '')}`);
    out.push('');
  }
  out.push(`${label('passed', lang)}: ${r.summary.passed}/${r.summary.rules} ${label('rules', lang)}; ${r.summary.findings} ${label('findings', lang)}`, '');
  if (r.peer) out.push('', `## ${label('peer', lang)} ${r.peer.address}`, '', r.peer.report ? renderMarkdown(r.peer.report).replace(/^# /gm, '### ') : `> ${r.peer.error ?? '?'}`);
  return out.join('\n');
}
