// The HTML report's own words, in both languages (the findings' words come from the rules' catalogue).
import type { Lang, Localized, Severity } from '../../engine/types.js';
import { label, severityLabel, type LabelKey } from '../labels.js';

export const HTML_WORDS = {
  pageTitle: { en: 'podpath report', zh: 'podpath 报告' },
  generated: { en: 'Generated {at} by podpath {version}', zh: '由 podpath {version} 生成于 {at}' },
  language: { en: 'Language', zh: '语言' },
  summary: { en: 'Summary', zh: '摘要' },
  verdict: { en: 'Verdict', zh: '结论' },
  verdictFindings: { en: 'Problems found', zh: '发现问题' },
  verdictHealthy: { en: 'No problems found', zh: '未发现问题' },
  verdictInconclusive: { en: 'Inconclusive: the evidence is incomplete, this is not a clean bill of health', zh: '无法定论:证据不完整,这并不表示正常' },
  verdictUnreadable: { en: 'Some evidence could not be read', zh: '部分证据无法读取' },
  verdictEmpty: { en: 'Nothing to report', zh: '没有可报告的内容' },
  bySeverity: { en: 'Findings by severity', zh: '按严重程度统计的问题' },
  topFinding: { en: 'Top finding', zh: '最严重的问题' },
  none: { en: 'none', zh: '无' },
  rulesLine: { en: '{passed} of {rules} rules passed, {skipped} skipped, {findings} findings', zh: '{rules} 条规则中 {passed} 条通过,{skipped} 条跳过,{findings} 个问题' },
  judgedLine: { en: '{judged} of {total} rules judged', zh: '{total} 条规则中已判断 {judged} 条' },
  nodesLine: { en: '{n} nodes: {healthy} healthy, {findings} with findings, {incomplete} incomplete, {unreadable} unreadable', zh: '{n} 个节点:{healthy} 个正常,{findings} 个有问题,{incomplete} 个证据不完整,{unreadable} 个无法读取' },
  findingsHeading: { en: 'Findings', zh: '问题' },
  where: { en: 'Where', zh: '位置' },
  line: { en: 'Line', zh: '内容' },
  frames: { en: 'frames', zh: '帧' },
  filter: { en: 'display filter', zh: '显示过滤器' },
  file: { en: 'file', zh: '文件' },
  copy: { en: 'Copy', zh: '复制' },
  copyFix: { en: 'Copy the fix commands', zh: '复制修复命令' },
  copyUndo: { en: 'Copy the undo commands', zh: '复制撤销命令' },
  skippedHeading: { en: 'Skipped rules ({n})', zh: '跳过的规则({n})' },
  rule: { en: 'Rule', zh: '规则' },
  skippedInFleet: { en: 'listed once for all nodes, with their reasons', zh: '已为所有节点统一列出,附原因' },
  fleetSkippedHeading: { en: 'Skipped rules', zh: '跳过的规则' },
  fleetSkippedCaption: { en: 'Rules some nodes could not judge, each reason once with the nodes it applies to', zh: '部分节点无法判断的规则,每个原因只列一次,并列出适用的节点' },
  nodesCol: { en: 'Nodes', zh: '节点' },
  allNodes: { en: 'all nodes', zh: '所有节点' },
  reason: { en: 'Reason', zh: '原因' },
  notes: { en: 'How the evidence was read', zh: '证据读取说明' },
  nodeFrom: { en: 'Evidence from {kind}', zh: '证据来源:{kind}' },
  collectedAt: { en: 'collected {at}', zh: '采集于 {at}' },
  fleetHeading: { en: 'Nodes', zh: '节点' },
  node: { en: 'Node', zh: '节点' },
  nNodes: { en: '{n} nodes', zh: '{n} 个节点' },
  fleetCaption: { en: 'One row per node: findings by severity and the most severe finding', zh: '每个节点一行:按严重程度统计的问题和最严重的问题' },
  status: { en: 'Status', zh: '状态' },
  healthy: { en: 'healthy', zh: '正常' },
  withFindings: { en: 'findings', zh: '有问题' },
  incomplete: { en: 'incomplete', zh: '证据不完整' },
  inconclusive: { en: 'inconclusive', zh: '无法定论' },
  unreadable: { en: 'unreadable', zh: '无法读取' },
  factsHeading: { en: 'Facts side by side', zh: '节点事实对比' },
  factsCaption: { en: 'What each node reported; rows where nodes differ are marked ≠', zh: '各节点报告的事实;节点之间不同的行标为 ≠' },
  fact: { en: 'Fact', zh: '事实' },
  differs: { en: 'differs', zh: '不同' },
  hostname: { en: 'host name', zh: '主机名' },
  kernel: { en: 'kernel', zh: '内核' },
  os: { en: 'operating system', zh: '操作系统' },
  k8sNode: { en: 'Kubernetes node', zh: 'Kubernetes 节点' },
  origin: { en: 'evidence from', zh: '证据来源' },
  collected: { en: 'collected at', zh: '采集时间' },
  readNotes: { en: 'read notes', zh: '读取说明' },
  yes: { en: 'yes', zh: '是' },
  no: { en: 'no', zh: '否' },
  pass: { en: 'pass', zh: '通过' },
  skip: { en: 'skipped', zh: '跳过' },
  fail: { en: 'fail', zh: '失败' },
  notRun: { en: 'not run', zh: '未运行' },
  heatmapTitle: { en: 'Rule results by node', zh: '各节点的规则结果' },
  heatmapDesc: {
    en: 'Rows are nodes, columns are rules; the darker the cell the more severe the finding. Nodes and rules with the most failures come first. Select a cell for its result.',
    zh: '行是节点,列是规则;颜色越深问题越严重。失败最多的节点和规则排在前面。选择一个单元格查看其结果。',
  },
  cellHint: { en: 'Select a cell to see its result here.', zh: '选择一个单元格,在此查看其结果。' },
  goToFinding: { en: 'Go to the finding', zh: '查看该问题' },
  chartNeedsScript: { en: 'This chart is drawn by the page\'s script: open the file with JavaScript on.', zh: '此图由页面脚本绘制:请在启用 JavaScript 的浏览器中打开。' },
  oneLangOnly: {
    en: 'This part exists in one language only: run podpath with --lang en as well and give both JSON files to podpath report.',
    zh: '这部分只有一种语言的版本:再用 --lang zh 运行一次 podpath,把两个 JSON 文件一起交给 podpath report。',
  },
  unreadableBundle: { en: 'This evidence could not be read', zh: '无法读取这些证据' },
  peerNone: { en: 'No report from the peer', zh: '没有对端的报告' },
  skipLink: { en: 'Skip to the summary', zh: '跳到摘要' },
  /** Said by the page's script after a copy button is pressed. */
  copied: { en: 'Copied', zh: '已复制' },
  selectedForCopy: { en: 'Selected: press Ctrl+C', zh: '已选中:请按 Ctrl+C' },
  /** A time axis's title with its unit. */
  inSeconds: { en: '{title} (s)', zh: '{title}(秒)' },
} satisfies Record<string, Localized>;

export type WordKey = keyof typeof HTML_WORDS;

export function w(key: WordKey): Localized {
  return HTML_WORDS[key];
}

/** A label shared with the text and Markdown reports, in both languages. */
export function lbl(key: LabelKey): Localized {
  return { en: label(key, 'en'), zh: label(key, 'zh') };
}

export function sev(s: Severity): Localized {
  return { en: severityLabel(s, 'en'), zh: severityLabel(s, 'zh') };
}

export function inBoth(f: (lang: Lang) => string): Localized {
  return { en: f('en'), zh: f('zh') };
}
