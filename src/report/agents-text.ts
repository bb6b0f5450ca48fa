// What `mesh` and `cluster doctor` say on stderr about the agents they found in the cluster and how
// they reach them, in the language of --lang (a catalogue: src/report/catalogue.ts).
import { t, type Lang, type Localized, type MessageData } from '../util/i18n.js';
import { oneLine } from '../util/terminal-safe.js';

/** An agent pod not used, and why (said by skippedText in the run's language). */
export interface SkippedAgent {
  pod: string;
  node?: string;
  why: 'unscheduled' | 'notRunning' | 'noAddress' | 'secondAgent';
  phase?: string;
  plane?: string;
}

export const AGENT_TEXTS = {
  notUsed: { en: 'agent pod not used: {why}', zh: '未使用的 agent Pod:{why}' },
  unscheduled: { en: '{pod}: not scheduled on a node', zh: '{pod}:未调度到任何节点' },
  notRunning: { en: '{pod} on {node}: {phase}', zh: '{node} 上的 {pod}:{phase}' },
  noAddress: { en: '{pod} on {node}: {phase}, no address yet', zh: '{node} 上的 {pod}:{phase},尚无地址' },
  secondAgent: { en: '{pod} on {node}: a second {plane}-plane agent on this node', zh: '{node} 上的 {pod}:该节点上的第二个 {plane} 平面 agent' },
  nodesUnread: { en: 'node labels and subnets not read ({code}: {message})', zh: '未能读取节点的标签和子网({code}:{message})' },
  agentsProxy: { en: "{n} nodes' agents from namespace {namespace} ({server}), reached through the API server's pod proxy", zh: '命名空间 {namespace}({server})中 {n} 个节点的 agent,经 API server 的 Pod 代理访问' },
  agentsFallback: { en: "{n} nodes' agents from namespace {namespace} ({server}), reached directly, or through the API server's pod proxy where a direct connection fails", zh: '命名空间 {namespace}({server})中 {n} 个节点的 agent,直接访问,直连失败时经 API server 的 Pod 代理访问' },
  fallback: { en: "{direct} cannot be reached from here ({why}): agent pod {pod} through the API server's pod proxy from now on", zh: '从这里无法访问 {direct}({why}):此后经 API server 的 Pod 代理访问 agent Pod {pod}' },
  listFailed: { en: "{code}: {message}; asking agents at the nodes' InternalIPs", zh: '{code}:{message};改为询问各节点 InternalIP 上的 agent' },
  tlsPinProxy: { en: "an agent reached through the API server's pod proxy is not checked against --tls-fingerprint (the API server talks TLS to the pod, without checking its certificate)", zh: '经 API server 的 Pod 代理访问的 agent 不会按 --tls-fingerprint 校验(API server 与 Pod 之间的 TLS 不校验其证书)' },
} satisfies Record<string, Localized>;

type AgentText = keyof typeof AGENT_TEXTS;

/** One stderr line: `podpath: ` and the entry, every value on one line. */
export function agentLine(k: AgentText, lang: Lang, data: MessageData = {}): string {
  const flat = Object.fromEntries(Object.entries(data).map(([key, v]) => [key, typeof v === 'string' ? oneLine(v) : v]));
  return `podpath: ${t(AGENT_TEXTS[k], lang, flat)}\n`;
}

/** Why an agent pod is not used, in the language. */
export function skippedText(s: SkippedAgent, lang: Lang): string {
  const data = { pod: oneLine(s.pod), node: oneLine(s.node ?? ''), phase: oneLine(s.phase ?? ''), plane: s.plane ?? '' };
  return t(AGENT_TEXTS[s.why], lang, data);
}

/** The line for each agent pod not used. */
export function skippedLines(skipped: readonly SkippedAgent[], lang: Lang): string {
  return skipped.map((s) => agentLine('notUsed', lang, { why: skippedText(s, lang) })).join('');
}
