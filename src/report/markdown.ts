// Markdown report: for tickets and chat; same order as the terminal report.
import { SEVERITY_ORDER } from '../engine/run-rules.js';
import { findingsCount, label, severityLabel } from './labels.js';
import { isInconclusive, type DoctorReport } from './model.js';
import { demoteHeadings, mdBlock, mdCode, mdText } from './safe-text.js';
import { pushAll } from '../util/arrays.js';
import { noteText } from '../evidence/read-notes.js';

const ALL = Number.MAX_SAFE_INTEGER;

export function renderMarkdown(r: DoctorReport): string {
  const { lang } = r;
  const out: string[] = [];
  // Every string from the input is escaped (mdText) or put in a code span that it cannot close (mdCode).
  const node = [r.node.hostname, r.node.kernel ? `${label('kernel', lang)} ${r.node.kernel}` : undefined, r.node.os].filter(Boolean).map((x) => mdText(x)).join(', ');
  out.push(`# ${label('title', lang)}: ${node || '?'}`, '');
  out.push(`${label('from', lang)}: ${r.node.origin.kind}${r.node.origin.path ? ` ${mdCode(r.node.origin.path)}` : ''}, ${mdText(r.node.collectedAt)}`, '');
  for (const n of r.notes ?? []) out.push(`> **${label('note', lang)}**: ${mdCode(n.code)}: ${mdText(noteText(n, lang), ALL)}`, '');
  if (!r.node.kubernetesNode) out.push(`> ${label('notK8s', lang)}`, '');
  if (r.findings.length === 0 && r.verdict?.status === 'inconclusive') {
    const v = r.verdict;
    out.push(`**${mdText(label('inconclusive', lang, { judged: v.judged, total: v.total }), ALL)}**`, '');
    for (const w of v.why) out.push(`- ${mdText(label(w.code === 'incompleteRead' ? 'whyIncompleteRead' : w.code === 'noInterfaces' ? 'whyNoInterfaces' : 'whyFewJudged', lang, w.data ?? {}), ALL)}`);
    out.push('');
    if (v.wanted.length > 0) {
      out.push(mdText(label('wanted', lang), ALL), '');
      const cmds = v.wanted.flatMap((w) => [`# ${label('wantedFor', lang)} ${w.rules.join(', ')}`, ...w.commands]);
      pushAll(out, mdBlock('sh', cmds)).push('');
    }
  } else if (r.findings.length === 0) out.push(label(isInconclusive(r) ? 'noFindingsIncomplete' : 'noFindings', lang), '');
  for (const s of SEVERITY_ORDER) {
    const group = r.findings.filter((f) => f.severity === s);
    if (group.length === 0) continue;
    out.push(`## ${severityLabel(s, lang)} (${group.length})`, '');
    for (const f of group) {
      out.push(`### ${mdCode(f.ruleId)}: ${mdText(f.title)}`, '', mdText(f.message, ALL), '');
      out.push(`**${label('evidence', lang)}**`, '');
      for (const e of f.evidence) out.push(`- ${mdCode(e.source)}: ${mdCode(e.text)}`);
      if (f.evidenceOmitted) out.push(`- ${label('moreEvidence', lang, { n: f.evidenceOmitted })}`);
      out.push('');
      for (const step of f.remediation) {
        pushAll(out, [`**${label('fix', lang)}**: ${mdText(step.description, ALL)}`, '', ...mdBlock('sh', step.commands), '', `**${label('undo', lang)}**`, '', ...mdBlock('sh', step.undo), '']);
      }
      if (f.references.length > 0) out.push(`${label('references', lang)}: ${mdText(f.references.join(', '), ALL)}`, '');
    }
  }
  const skipped = r.results.filter((x) => x.status === 'skipped');
  if (skipped.length > 0) {
    out.push(`## ${label('skipped', lang)} (${skipped.length})`, '');
    for (const x of skipped) out.push(`- ${mdCode(x.ruleId)}: ${mdText(x.reason ?? '', ALL)}`);
    out.push('');
  }
  out.push(`${label('passed', lang)}: ${r.summary.passed}/${r.summary.rules} ${label('rules', lang)}; ${findingsCount(r.summary.findings, lang)}`, '');
  if (r.peer) out.push('', `## ${label('peer', lang)} ${mdText(r.peer.address)}`, '', r.peer.report ? demoteHeadings(renderMarkdown(r.peer.report), 2) : `> ${mdText(r.peer.error ?? '?')}`);
  return out.join('\n');
}

