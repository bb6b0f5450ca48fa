// `podpath cluster doctor` (and `doctor --from-dir --cluster-from`) as text, Markdown or JSON: the
// cluster rules' findings first, then one row per node (how its facts were tied to the cluster, its
// findings), then each failing node's findings. Renders only; every string from the cluster or a
// node goes through show()/mdText()/mdCode().
import pc from 'picocolors';
import { SEVERITY_ORDER } from '../engine/run-rules.js';
import type { Finding, Lang } from '../engine/types.js';
import { maxOf, pushAll } from '../util/arrays.js';
import { displayWidth, padEndDisplay } from '../util/display-width.js';
import { clusterRulesVerdict, type ClusterDoctorReport, type ClusterNodeEntry } from './cluster-doctor-model.js';
import { label, severityLabel } from './labels.js';
import { renderMarkdown } from './markdown.js';
import { demoteHeadings, jsonText, mdBlock, mdCell, mdCode, mdText, show } from './safe-text.js';
import { paintSeverity, renderFinding } from './text.js';

const ALL = Number.MAX_SAFE_INTEGER;

/** The cluster report's own words (a catalogue: src/report/catalogue.ts). */
export const CLUSTER_DOCTOR_WORDS = {
  title: { en: 'podpath cluster doctor', zh: 'podpath 集群诊断' },
  clusterFrom: { en: 'cluster facts: {src}; {counts}', zh: '集群数据:{src};{counts}' },
  dumpFiles: { en: '{n} dump file(s)', zh: '{n} 个导出文件' },
  noCluster: { en: 'no cluster facts: only the rules over the nodes\' facts could judge', zh: '没有集群数据:只有基于节点数据的规则能做判断' },
  partial: { en: 'PARTIAL {code}: {resource}: {message} (what is absent there is unknown, not missing)', zh: '不完整 {code}:{resource}:{message}(那里缺少的内容是未知,而非不存在)' },
  clusterFindings: { en: 'Cluster findings', zh: '集群问题' },
  nodes: { en: 'Nodes', zh: '节点' },
  node: { en: 'NODE', zh: '节点' },
  matched: { en: 'MATCHED BY', zh: '匹配方式' },
  from: { en: 'FROM', zh: '来源' },
  status: { en: 'STATUS', zh: '状态' },
  byName: { en: 'name', zh: '名称' },
  byIP: { en: 'InternalIP {ip}', zh: 'InternalIP {ip}' },
  byNone: { en: 'not in the cluster', zh: '不在集群中' },
  ok: { en: 'ok', zh: '正常' },
  nFindings: { en: '{n} finding(s)', zh: '{n} 个问题' },
  unreadable: { en: 'unreadable', zh: '无法读取' },
  withoutFacts: { en: 'Cluster nodes without facts (not judged): {nodes}', zh: '没有数据的集群节点(未判断):{nodes}' },
  nodeFindings: { en: 'Findings on node {node}', zh: '节点 {node} 上的问题' },
  totals: { en: '{nodes} node(s), {failing} with findings, {errors} unreadable; cluster rules: {passed}/{rules} passed, {skipped} skipped; {findings} finding(s) in all', zh: '{nodes} 个节点,{failing} 个有问题,{errors} 个无法读取;集群规则:{passed}/{rules} 通过,{skipped} 跳过;共 {findings} 个问题' },
  noClusterFindings: { en: 'No cluster problems found.', zh: '未发现集群问题。' },
  noClusterFindingsPartly: { en: 'No problems found by the {passed} cluster rule(s) judged; {skipped} could not be judged (below).', zh: '已判断的 {passed} 条集群规则未发现问题;{skipped} 条无法判断(见下)。' },
  noClusterJudged: { en: 'The cluster could not be judged (reasons below): nothing here says it is healthy.', zh: '无法判断集群(原因见下):这里没有任何信息表明集群正常。' },
  detail: { en: 'Next', zh: '下一步' },
} satisfies Record<string, Record<Lang, string>>;

function word(key: keyof typeof CLUSTER_DOCTOR_WORDS, lang: Lang, vars: Record<string, string | number> = {}): string {
  return CLUSTER_DOCTOR_WORDS[key][lang].replace(/\{(\w+)\}/g, (_, k: string) => String(vars[k] ?? ''));
}

export type ClusterReportFormat = 'text' | 'markdown' | 'json';

export function renderClusterDoctor(r: ClusterDoctorReport, format: ClusterReportFormat, opts: { color?: boolean } = {}): string {
  if (format === 'json') return jsonText(r) + '\n';
  return format === 'markdown' ? renderClusterMarkdown(r) : renderClusterText(r, opts);
}

function matchWords(n: ClusterNodeEntry, lang: Lang): string {
  return n.matchedBy === 'name' ? word('byName', lang) : n.matchedBy === 'internalIP' ? word('byIP', lang, { ip: n.matchedAddress ?? '' }) : word('byNone', lang);
}

function statusWords(n: ClusterNodeEntry, lang: Lang): string {
  if (n.error) return `${word('unreadable', lang)}: ${n.error.code}: ${n.error.message}`;
  const k = n.report?.findings.length ?? 0;
  return k === 0 ? word('ok', lang) : word('nFindings', lang, { n: k });
}

function sourceWords(r: ClusterDoctorReport, lang: Lang): string {
  const c = r.cluster!;
  return c.source.kind === 'api' ? `API ${c.source.server ?? ''}${c.source.context ? ` (${c.source.context})` : ''}` : word('dumpFiles', lang, { n: c.source.files?.length ?? 0 });
}

function countsWords(r: ClusterDoctorReport): string {
  return Object.entries(r.cluster?.counts ?? {}).map(([k, n]) => `${n} ${k}`).join(', ') || '-';
}

function grouped(findings: Finding[]): [(typeof SEVERITY_ORDER)[number], Finding[]][] {
  return SEVERITY_ORDER.map((s) => [s, findings.filter((f) => f.severity === s)] as [(typeof SEVERITY_ORDER)[number], Finding[]]).filter(([, g]) => g.length > 0);
}

/** The line said when the cluster rules found nothing: healthy only when every one was judged. */
function noFindingsLine(r: ClusterDoctorReport, c?: ReturnType<typeof pc.createColors>): string {
  const v = clusterRulesVerdict(r);
  const vars = { passed: r.summary.passed, skipped: r.summary.skipped };
  if (v === 'notJudged') return c ? c.yellow(word('noClusterJudged', r.lang)) : word('noClusterJudged', r.lang);
  if (v === 'partlyJudged') return word('noClusterFindingsPartly', r.lang, vars);
  return c ? c.green(word('noClusterFindings', r.lang)) : word('noClusterFindings', r.lang);
}

export function renderClusterText(r: ClusterDoctorReport, opts: { color?: boolean } = {}): string {
  const c = pc.createColors(opts.color ?? false);
  const { lang } = r;
  const out: string[] = [c.bold(word('title', lang))];
  out.push(r.cluster ? show(word('clusterFrom', lang, { src: sourceWords(r, lang), counts: countsWords(r) }), ALL) : c.yellow(word('noCluster', lang)));
  for (const p of r.cluster?.partial ?? []) out.push(c.yellow(show(word('partial', lang, { code: p.code, resource: p.resource, message: p.message }), ALL)));
  out.push('', c.bold(word('clusterFindings', lang)));
  if (r.findings.length === 0) out.push(noFindingsLine(r, c));
  for (const [s, group] of grouped(r.findings)) {
    out.push(paintSeverity(c, s, `${severityLabel(s, lang)} (${group.length})`));
    for (const f of group) {
      const block = renderFinding(f, lang, c);
      // What it means and what to do next, right after the message.
      if (f.detail) block.splice(2, 0, `    ${c.dim(word('detail', lang) + ':')} ${show(f.detail, ALL)}`);
      pushAll(out, block).push('');
    }
  }
  const skipped = r.results.filter((x) => x.status === 'skipped');
  for (const x of skipped) out.push(c.dim(`  - ${label('skipped', lang)} ${show(x.ruleId)}: ${show(x.reason ?? '', ALL)}`));
  if (out.at(-1) !== '') out.push('');
  out.push(c.bold(word('nodes', lang)));
  const rows = [[word('node', lang), word('matched', lang), word('status', lang), word('from', lang)], ...r.nodes.map((n) => [show(n.name, 63), show(matchWords(n, lang), 80), show(statusWords(n, lang), 200), show(n.from, 200)])];
  // Padded by terminal columns: a Chinese header or node name is two columns a character.
  const widths = rows[0]!.map((_, i) => maxOf(rows.map((row) => displayWidth(row[i]!))));
  for (const row of rows) out.push(row.map((cell, i) => (i === row.length - 1 ? cell : padEndDisplay(cell, widths[i]!))).join('  '));
  if (r.withoutFacts.length > 0) out.push(c.yellow(show(word('withoutFacts', lang, { nodes: r.withoutFacts.join(', ') }), 2000)));
  for (const n of r.nodes) {
    if (!n.report || n.report.findings.length === 0) continue;
    out.push('', c.bold(show(word('nodeFindings', lang, { node: n.name }), 200)));
    for (const [s, group] of grouped(n.report.findings)) {
      out.push(paintSeverity(c, s, `${severityLabel(s, lang)} (${group.length})`));
      for (const f of group) pushAll(out, renderFinding(f, lang, c)).push('');
    }
  }
  const sm = r.summary;
  out.push('', word('totals', lang, { nodes: sm.nodes, failing: sm.nodesFailing, errors: sm.nodeErrors, passed: sm.passed, rules: sm.rules, skipped: sm.skipped, findings: sm.findings }));
  return out.join('\n') + '\n';
}

export function renderClusterMarkdown(r: ClusterDoctorReport): string {
  const { lang } = r;
  const out: string[] = [`# ${word('title', lang)}`, ''];
  out.push(r.cluster ? mdText(word('clusterFrom', lang, { src: sourceWords(r, lang), counts: countsWords(r) }), ALL) : word('noCluster', lang), '');
  for (const p of r.cluster?.partial ?? []) out.push(`> ${mdText(word('partial', lang, { code: p.code, resource: p.resource, message: p.message }), ALL)}`, '');
  out.push(`## ${word('clusterFindings', lang)}`, '');
  if (r.findings.length === 0) out.push(noFindingsLine(r), '');
  for (const [s, group] of grouped(r.findings)) {
    for (const f of group) {
      out.push(`### ${severityLabel(s, lang)}: ${mdCode(f.ruleId)}: ${mdText(f.title)}`, '', mdText(f.message, ALL), '');
      if (f.detail) out.push(`*${word('detail', lang)}*: ${mdText(f.detail, ALL)}`, '');
      out.push(`**${label('evidence', lang)}**`, '');
      for (const e of f.evidence) out.push(`- ${mdCode(e.source)}: ${mdCode(e.text)}`);
      if (f.evidenceOmitted) out.push(`- ${label('moreEvidence', lang, { n: f.evidenceOmitted })}`);
      out.push('');
      for (const step of f.remediation) pushAll(out, [`**${label('fix', lang)}**: ${mdText(step.description, ALL)}`, '', ...mdBlock('sh', step.commands), '', `**${label('undo', lang)}**`, '', ...mdBlock('sh', step.undo), '']);
      if (f.references.length > 0) out.push(`${label('references', lang)}: ${mdText(f.references.join(', '), ALL)}`, '');
    }
  }
  const skipped = r.results.filter((x) => x.status === 'skipped');
  if (skipped.length > 0) {
    out.push(`**${label('skipped', lang)}**`, '');
    for (const x of skipped) out.push(`- ${mdCode(x.ruleId)}: ${mdText(x.reason ?? '', ALL)}`);
    out.push('');
  }
  out.push(`## ${word('nodes', lang)}`, '', `| ${word('node', lang)} | ${word('matched', lang)} | ${word('status', lang)} | ${word('from', lang)} |`, '|---|---|---|---|');
  for (const n of r.nodes) out.push(`| ${mdCell(n.name)} | ${mdCell(matchWords(n, lang))} | ${mdCell(statusWords(n, lang))} | ${mdCell(n.from)} |`);
  out.push('');
  if (r.withoutFacts.length > 0) out.push(`> ${mdText(word('withoutFacts', lang, { nodes: r.withoutFacts.join(', ') }), ALL)}`, '');
  for (const n of r.nodes) {
    if (!n.report || n.report.findings.length === 0) continue;
    out.push(`## ${mdText(word('nodeFindings', lang, { node: n.name }))}`, '', demoteHeadings(renderMarkdown(n.report), 2), '');
  }
  const sm = r.summary;
  out.push(word('totals', lang, { nodes: sm.nodes, failing: sm.nodesFailing, errors: sm.nodeErrors, passed: sm.passed, rules: sm.rules, skipped: sm.skipped, findings: sm.findings }), '');
  return out.join('\n');
}
