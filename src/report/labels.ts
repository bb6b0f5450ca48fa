// The reporters' own words: catalogue entries in both languages, said through t() like every
// other text (test/catalogue checks each has both languages and the same placeholders).
import { t, type Lang, type Localized, type MessageData } from '../util/i18n.js';
import type { Severity } from '../engine/types.js';

export const LABELS = {
  title: { en: 'podpath doctor', zh: 'podpath 诊断' },
  node: { en: 'node', zh: '节点' },
  kernel: { en: 'kernel', zh: '内核' },
  from: { en: 'evidence from', zh: '证据来源' },
  notK8s: {
    en: 'This host does not look like a Kubernetes node (no CNI config, no flannel/calico device): only the host rules can find anything.',
    zh: '本主机看起来不是 Kubernetes 节点(没有 CNI 配置,也没有 flannel/calico 设备):只有主机层面的规则可能发现问题。',
  },
  evidence: { en: 'Evidence', zh: '证据' },
  moreEvidence: { en: '… and {n} more lines', zh: '… 另有 {n} 行' },
  fix: { en: 'Fix', zh: '修复' },
  undo: { en: 'Undo', zh: '撤销' },
  references: { en: 'References', zh: '参考' },
  skipped: { en: 'Skipped', zh: '已跳过' },
  peer: { en: 'Peer (its own evidence, from its agent):', zh: '对端(其自身证据,来自其 agent):' },
  noFindings: { en: 'No problems found.', zh: '未发现问题。' },
  noFindingsIncomplete: {
    en: 'No problems found in what could be read, but the evidence is incomplete (see the note above): this is not a clean bill of health.',
    zh: '在可读取的内容中未发现问题,但证据不完整(见上方说明):这并不表示节点正常。',
  },
  inconclusive: {
    en: 'Inconclusive: {judged} of {total} rules could be judged. No problem was found in that part, but this is not a clean bill of health.',
    zh: '无法下结论:{total} 条规则中只有 {judged} 条可以判断。这部分未发现问题,但这并不表示节点正常。',
  },
  whyIncompleteRead: { en: 'the evidence was read incomplete ({code}, see the note above)', zh: '证据读取不完整({code},见上方说明)' },
  whyNoInterfaces: { en: "the node's interfaces are not in the evidence, so its overlay device is unknown", zh: '证据中没有节点的网络接口,无法确定其 overlay 设备' },
  whyFewJudged: { en: 'fewer than {share}% of the node rules could be judged', zh: '可判断的节点规则不足 {share}%' },
  wanted: {
    en: 'To judge the rest, run these on the node (as root) and give podpath their output (a bundle, or the pasted output: podpath doctor --from FILE.txt):',
    zh: '要判断其余规则,请在节点上(以 root)运行以下命令,并把输出交给 podpath(采集包,或粘贴的输出:podpath doctor --from FILE.txt):',
  },
  wantedFor: { en: 'for', zh: '用于' },
  note: { en: 'Note', zh: '说明' },
  passed: { en: 'passed', zh: '通过' },
  finding: { en: 'finding', zh: '个问题' },
  findings: { en: 'findings', zh: '个问题' },
  rules: { en: 'rules', zh: '条规则' },
  missing: { en: 'Evidence not collected', zh: '未能采集的证据' },
  severity: { en: 'severity', zh: '严重程度' },
  needs: { en: 'needs', zh: '需要' },
  uses: { en: 'uses', zh: '可选' },
  explanation: { en: 'Explanation', zh: '说明' },
  messages: { en: 'Messages', zh: '消息' },
  unconfirmed: { en: 'Unconfirmed', zh: '未确认' },
  // Over many nodes (report/fleet.ts).
  fleetHeading: { en: 'podpath doctor: {n} nodes', zh: 'podpath 诊断:{n} 个节点' },
  fleetHeadingOne: { en: 'podpath doctor: 1 node', zh: 'podpath 诊断:1 个节点' },
  fleetNode: { en: 'NODE', zh: '节点' },
  fleetFrom: { en: 'FROM', zh: '来源' },
  fleetKernel: { en: 'KERNEL', zh: '内核' },
  fleetTop: { en: 'TOP FINDING', zh: '最严重的问题' },
  fleetUnreadable: { en: 'unreadable', zh: '无法读取' },
  fleetTotals: { en: '{healthy} healthy, {findings} with findings, {unreadable} unreadable', zh: '{healthy} 个正常,{findings} 个有问题,{unreadable} 个无法读取' },
  fleetInconclusive: { en: '{n} inconclusive (evidence cut short, empty, or too little to judge: not healthy)', zh: '{n} 个无法下结论(证据被截断、为空或太少:不算正常)' },
} satisfies Record<string, Localized>;

export type LabelKey = keyof typeof LABELS;

export function label(key: LabelKey, lang: Lang, data?: MessageData): string {
  return t(LABELS[key], lang, data);
}

/** "1 finding", "2 findings" (the summary line's count and word). */
export function findingsCount(n: number, lang: Lang): string {
  return `${n} ${label(n === 1 ? 'finding' : 'findings', lang)}`;
}

export const SEVERITY_LABELS: Record<Severity, Localized> = {
  critical: { en: 'CRITICAL', zh: '严重' },
  error: { en: 'ERROR', zh: '错误' },
  warning: { en: 'WARNING', zh: '警告' },
  info: { en: 'INFO', zh: '提示' },
};

export function severityLabel(s: Severity, lang: Lang): string {
  return t(SEVERITY_LABELS[s], lang);
}
