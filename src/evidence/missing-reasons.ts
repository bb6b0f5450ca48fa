// Why a piece of evidence could not be had, as codes with data: the sources and host readers say
// `{ evidence: 'links', code: 'commandNotInBundle', data: { command: 'ip -s -d link', where } }`,
// and this catalogue says it in either language. NodeFacts.missing keeps the code, the data and the
// English rendering (`reason`, for JSON readers); reports render the code in the run's language.
import { z } from 'zod';
import { t, type Lang, type Localized, type MessageData, type ReasonRef } from '../util/i18n.js';

/** Commands are shown in backquotes, paths as they are; text quoted from the node (stderr) in backquotes too. */
export const MISSING_REASONS = {
  // A bundle (a sosreport, a podpath bundle) lacks it, or holds it in a form that cannot be read.
  commandNotInBundle: { en: '`{command}` is not in the bundle ({where})', zh: '包中没有 `{command}`({where})' },
  commandNotCollected: { en: '`{command}` is not in the bundle', zh: '包中没有 `{command}`' },
  fileNotInBundle: { en: '{path} is not in the bundle', zh: '包中没有 {path}' },
  linkLeavesBundle: { en: '{path} is a link leading out of the bundle', zh: '{path} 是指向包外的链接' },
  linkLoop: { en: '{path} is a loop of links', zh: '{path} 是循环链接' },
  isDirectory: { en: '{path} is a directory', zh: '{path} 是目录' },
  notRegularFile: { en: '{path} is not a regular file (a FIFO, socket or device): not read', zh: '{path} 不是普通文件(FIFO、套接字或设备):未读取' },
  fileUnreadable: { en: '{path} cannot be read ({error})', zh: '无法读取 {path}({error})' },
  contentsNotKept: { en: '{path} is in the bundle, but no podpath source reads it, so its contents were not kept', zh: '{path} 在包中,但没有 podpath 数据源读取它,因此未保留其内容' },
  archiveEndsInside: { en: '{path} is in the bundle, but the archive ends inside it', zh: '{path} 在包中,但归档在它中间就结束了' },
  // A pasted transcript (doctor --from FILE.txt) lacks it.
  commandNotInTranscript: { en: '`{command}` is not in the transcript', zh: '文字记录中没有 `{command}`' },
  fileNotInTranscript: { en: '{path} is not in the transcript', zh: '文字记录中没有 {path}' },
  // The live host.
  fileAbsent: { en: '{path} does not exist', zh: '{path} 不存在' },
  filePermissionDenied: { en: '{path}: permission denied', zh: '{path}:权限不足' },
  fileNeedsRoot: { en: '{path}: permission denied (podpath is not running as root)', zh: '{path}:权限不足(podpath 未以 root 身份运行)' },
  fileUnavailable: { en: '{path} could not be read', zh: '无法读取 {path}' },
  commandNotFound: { en: '`{command}` is not installed', zh: '未安装 `{command}`' },
  commandNotExecutable: { en: '`{command}` cannot be run: permission denied', zh: '无法运行 `{command}`:权限不足' },
  commandNeedsRoot: { en: '`{command}` needs root (podpath is not running as root): `{error}`', zh: '`{command}` 需要 root 权限(podpath 未以 root 身份运行):`{error}`' },
  commandTimedOut: { en: '`{command}` timed out', zh: '`{command}` 超时' },
  commandFailed: { en: '`{command}` failed (exit {status}): `{error}`', zh: '`{command}` 执行失败(退出码 {status}):`{error}`' },
  commandExitStatus: { en: '`{command}` failed (exit {status})', zh: '`{command}` 执行失败(退出码 {status})' },
  emptyOutput: { en: '`{command}` printed nothing', zh: '`{command}` 没有输出' },
  commandUnavailable: { en: '`{command}` gave no output', zh: '`{command}` 没有给出输出' },
  // What was read, but said nothing usable.
  unparsable: { en: '{source} is not `{format}` output', zh: '{source} 不是 `{format}` 的输出' },
  noCounters: { en: '{source} holds no counters', zh: '{source} 中没有计数' },
  noRoutes: { en: '{source} holds no routes', zh: '{source} 中没有路由' },
  unreadableAnswer: { en: '`{command}` gave an answer podpath cannot read', zh: '`{command}` 的结果无法解读' },
  noOffloadFeatures: { en: '`ethtool -k {device}` listed no offload features', zh: '`ethtool -k {device}` 没有列出卸载特性' },
  // What a source could not even ask, or could not find anywhere.
  conntrackAbsent: { en: 'no nf_conntrack count, maximum or statistics: the module is not loaded, or they were not collected', zh: '没有 nf_conntrack 计数、上限或统计:模块未加载,或未采集' },
  noConntrackStats: { en: 'neither `conntrack -S` nor /proc/net/stat/nf_conntrack gave insert_failed/drop counters', zh: '`conntrack -S` 和 /proc/net/stat/nf_conntrack 都没有给出 insert_failed/drop 计数' },
  noLinksForNics: { en: 'the links are not known: cannot tell which NICs to ask ethtool about', zh: '不知道有哪些接口:无法确定要用 ethtool 查询哪些网卡' },
  noNicsAmongLinks: { en: 'no physical NIC or VXLAN device among the links', zh: '接口中没有物理网卡或 VXLAN 设备' },
  noLinksForOverlay: { en: 'the links are not known: cannot tell the overlay addresses', zh: '不知道有哪些接口:无法确定 overlay 地址' },
  noVxlanToAsk: { en: 'no VXLAN device with an IPv4 address or route: nothing to ask `ip route get` about', zh: '没有带 IPv4 地址或路由的 VXLAN 设备:无从用 `ip route get` 查询' },
  noNetworkdState: { en: 'no networkctl output and no .network/.link files', zh: '没有 networkctl 输出,也没有 .network/.link 文件' },
  maybeNoModules: { en: 'the kernel may be built without loadable modules', zh: '内核可能不支持可加载模块' },
  // The collector and doctor.
  sourceFailed: { en: 'the {source} source failed: `{error}`', zh: '{source} 数据源出错:`{error}`' },
  invalidSection: { en: 'the {source} source produced an invalid {section}: `{error}`', zh: '{source} 数据源产生了无效的 {section}:`{error}`' },
  notFound: { en: 'its source found nothing', zh: '数据源没有找到它' },
  noSourceCollects: { en: 'no source collects it', zh: '没有数据源采集它' },
  notCollected: { en: 'not collected', zh: '未采集' },
  noPeerProbed: { en: 'no peer was probed: run `podpath doctor --peer NODE_IP` with `podpath agent` running there', zh: '未探测对端:在对端运行 `podpath agent`,再执行 `podpath doctor --peer NODE_IP`' },
  probesOnOtherNode: { en: 'the probes ran from the other node: see its report', zh: '探测是从另一节点发起的:见其报告' },
  // Facts written by podpath before reasons were codes (NodeFacts schemaVersion 1): their English text, quoted.
  recordedText: { en: '{text}', zh: '`{text}`(旧版 podpath 记录的英文原因)' },
} satisfies Record<string, Localized>;

export type MissingCode = keyof typeof MISSING_REASONS;

/** A reason for missing evidence; the code is checked against the catalogue at compile time. */
export function because(code: MissingCode, data?: MessageData): ReasonRef {
  return data === undefined ? { code } : { code, data };
}

/** A missing-evidence entry as the sources give it: what is missing, and one reason why. */
export interface MissingRef { evidence: string; code: string; data?: MessageData }

/** `missing` entries for one piece of evidence, one per reason. */
export function missingBecause(evidence: string, ...reasons: ReasonRef[]): MissingRef[] {
  return reasons.map((r) => (r.data === undefined ? { evidence, code: r.code } : { evidence, code: r.code, data: r.data }));
}

/** One reason in a language; a code this build does not know (a newer podpath's facts) shows as the code and its data. */
export function missingReasonText(ref: Pick<ReasonRef, 'code' | 'data'>, lang: Lang): string {
  const entry = (MISSING_REASONS as Record<string, Localized>)[ref.code];
  if (entry) return t(entry, lang, ref.data);
  const data = Object.entries(ref.data ?? {}).map(([k, v]) => `${k}=${String(v)}`).join(', ');
  return data ? `${ref.code} (${data})` : ref.code;
}

/**
 * The commands and files whose output would have given what the reasons say is missing (every
 * `command` and `path` in them and in what they rest on): what to collect to judge the rest.
 */
export function wantedInputs(refs: readonly ReasonRef[]): { commands: string[]; paths: string[] } {
  const commands = new Set<string>();
  const paths = new Set<string>();
  const walk = (r: ReasonRef): void => {
    if (typeof r.data?.command === 'string') commands.add(r.data.command);
    if (typeof r.data?.path === 'string') paths.add(r.data.path);
    for (const b of r.because ?? []) walk(b);
  };
  refs.forEach(walk);
  return { commands: [...commands].sort(), paths: [...paths].sort() };
}

/** As NodeFacts.missing holds it: the code, its data, and the English text. */
export const MissingEvidence = z.object({
  evidence: z.string(),
  code: z.string(),
  data: z.record(z.string(), z.union([z.string(), z.number()])).default({}),
  /** The English rendering, for JSON readers; reports render `code` in their language. */
  reason: z.string(),
});
export type MissingEvidence = z.infer<typeof MissingEvidence>;

/** The stored form of a source's entry. */
export function recordMissing(m: MissingRef): MissingEvidence {
  return { evidence: m.evidence, code: m.code, data: m.data ?? {}, reason: missingReasonText(m, 'en') };
}
