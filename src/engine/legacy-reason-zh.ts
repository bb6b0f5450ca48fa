// Why a rule was skipped, in Chinese for the text and Markdown reports. The reasons are made in
// English by the sources and the rules (and stay English in JSON, where they are data); here the
// phrases they are built from are translated, and commands, paths and names are kept as they are.

import { EVIDENCE_NAMES } from '../evidence/names.js';

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** `no <evidence name>` (the engine's flat form) for every evidence section, in Chinese. */
const NAMES: [RegExp, string][] = Object.values(EVIDENCE_NAMES)
  .sort((a, b) => b.en.length - a.en.length)
  .map(({ en, zh }) => [new RegExp(`(^|; )no ${escapeRe(en)}(?=:|;|$)`, 'g'), `$1缺少 ${zh}`]);

/** Ordered: longer, more specific phrases first; the bare evidence name last. */
const PHRASES: [RegExp, string][] = [
  [/^internal error: /, '内部错误：'],
  // Rules judged from a log line alone (issue 11) say what neither the rules nor the log had.
  [/no packet filter rules, and no firewall log line about the VXLAN port/g, '没有包过滤规则，也没有关于 VXLAN 端口的防火墙日志'],
  [/no firewalld chain, zone or log line among the evidence/g, '证据中没有 firewalld 的链、区域或日志'],
  ...NAMES,
  [/(?<![^\s(,;])(`[^`]+`|\/[^\s,;()]+) is not in the bundle/g, '包中没有 $1'],
  [/(`[^`]+`) gave no answer for /g, '$1 没有给出结果：'],
  [/run `podpath doctor --peer NODE_IP` with `podpath agent` running there/g, '在对端运行 `podpath agent`，再执行 `podpath doctor --peer 节点IP`'],
  [/: not in the bundle \(no ([^()]+)\)/g, '：包中没有（缺 $1）'],
  [/: not in the bundle/g, '：包中没有'],
  [/: unavailable/g, '：无法获取'],
  [/no peer was probed \(run `podpath doctor --peer NODE_IP` with `podpath agent` running there\)/g, '未探测对端（在对端运行 `podpath agent`，再执行 `podpath doctor --peer 节点IP`）'],
  [/no links known: cannot tell which NICs to ask ethtool about/g, '不知道有哪些接口：无法确定要用 ethtool 查询哪些网卡'],
  [/no links known: cannot tell the overlay addresses/g, '不知道有哪些接口：无法确定 overlay 地址'],
  [/module not loaded, or not collected/g, '模块未加载，或未采集'],
  [/no source collects it/g, '没有数据源采集它'],
  [/[Pp]ermission denied/g, '权限不足'],
  [/Operation not permitted/g, '不允许的操作'],
  [/no VXLAN device with an IPv4 address or route: nothing to ask (`ip route get`) about/g, '没有带 IPv4 地址或路由的 VXLAN 设备：无从用 $1 询问'],
  [/no VXLAN device among the links/g, '接口中没有 VXLAN 设备'],
  [/no nmcli device list and no links to compare with unmanaged-devices/g, '没有 nmcli 设备列表，也没有可与 unmanaged-devices 对比的接口'],
  [/no nmcli, no systemctl answer/g, '没有 nmcli，也没有 systemctl 应答'],
  [/no sysctls and no links: /g, '缺少 sysctls 和 links：'],
  [/(?<!\S)(\S+) uses dstport (\d+) and flannel's net-conf\.json is not visible/g, '$1 使用 dstport $2，且看不到 flannel 的 net-conf.json'],
  [/\(no underlay link, subnet\.env, CNI config or pod interface\)/g, '（没有 underlay 接口、subnet.env、CNI 配置或 Pod 接口）'],
  [/no (Udp \w+) in (\S+)/g, '$2 中没有 $1'],
  [/no Udp table/g, '没有 Udp 表'],
  [/no UDP echo/g, '没有 UDP 回显'],
  [/ among the probes/g, ''],
  [/\(run with (--[\w-]+)\)/g, '（需加 $1 运行）'],
  [/: not uname -a output/g, '：不是 uname -a 的输出'],
  [/(?<!\S)(\S+) produced an invalid (\S+): /g, '$1 产生了无效的 $2：'],
  [/\(kernel without loadable modules\?\)/g, '（内核不支持可加载模块？）'],
  [/links have no addresses: /g, '接口没有地址：'],
  [/ and no grubby/g, '，也没有 grubby'],
  [/rpm and dpkg unavailable/g, 'rpm 和 dpkg 均不可用'],
  [/no answer for /g, '没有结果：'],
  [/no insert_failed\/drop counters: neither (`conntrack -S`) nor (\S+)/g, '没有 insert_failed/drop 计数：既没有 $1，也没有 $2'],
  [/no nf_conntrack count, max or statistics/g, '没有 nf_conntrack 计数、上限或统计'],
  [/no package log or package list/g, '没有软件包日志或软件包列表'],
  [/no physical NIC or VXLAN device among the links/g, '接口中没有物理网卡或 VXLAN 设备'],
  [/no CNI configuration or overlay process/g, '没有 CNI 配置，也没有 overlay 进程'],
  [/no NetworkManager state/g, '没有 NetworkManager 状态'],
  [/NetworkManager state unknown/g, 'NetworkManager 状态未知'],
  [/no grub configuration/g, '没有 grub 配置'],
  [/no kernel log/g, '没有内核日志'],
  [/no interfaces/g, '没有接口信息'],
  [/the probes ran from the other node: see its report/g, '探测是从另一节点发起的：见其报告'],
  [/cannot tell whether this host forwards/g, '无法判断本机是否转发'],
  [/nothing to hold (\S+) MTU against/g, '没有可与 $1 的 MTU 对比的值'],
  [/no TCP or DNS probe/g, '没有 TCP 或 DNS 探测'],
  [/no size sweep/g, '没有报文大小扫描'],
  [/no rate ramp/g, '没有速率爬升'],
  [/count or max not collected/g, '未采集计数或上限'],
  [/conntrack -S statistics not collected/g, '未采集 conntrack -S 统计'],
  [/(`[^`]+`) gave no answer for /g, '$1 没有给出结果：'],
  [/\bnot collected\b/g, '未采集'],
  [/(?<!\S)(\S+) is not visible/g, '看不到 $1'],
  [/no ethtool -k for (\S+)/g, '没有 $1 的 ethtool -k'],
  [/no counters for (\S+)/g, '没有 $1 的计数'],
  [/no ip route get for (\S+)/g, '没有 $1 的 ip route get'],
  [/(?<!\S)(\S+) has no offload features/g, '$1 没有卸载特性'],
  [/\bnot found\b/g, '未找到'],
  [/\bnot available\b/g, '不可用'],
  // The evidence a rule needs, by its name in the facts (links, sysctls, probes...).
  [/(^|, |; |\()no ([A-Za-z][A-Za-z0-9 ]*?)(?=$|,|;| \(|\))/g, '$1缺少 $2'],
];

export function legacyReasonZh(reason: string): string {
  let s = reason;
  for (const [re, to] of PHRASES) s = s.replace(re, to);
  return s;
}
