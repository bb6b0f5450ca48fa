// What a node diff says about a difference (why it matters, what the values mean), as codes with
// parameters in both languages: the use case (src/app/node-diff/) picks the code, the renderers
// say it (`podpath diff` in the run's language; the JSON keeps the English text, as before).
import { t, type Lang, type Localized, type MessageData } from '../util/i18n.js';

export const NODE_DIFF_NOTES = {
  cniVersions: { en: "component versions differ (fixes such as kube-proxy unmarking or flannel's FORWARD rules depend on them)", zh: '组件版本不同（kube-proxy 取消标记、flannel 的 FORWARD 规则等修复都取决于版本）' },
  cniConfigFile: { en: 'the runtime uses the first config file by name: a stray file changes the network of new pods', zh: '容器运行时按文件名使用第一个配置文件：多出的文件会改变新 Pod 的网络' },
  nmManagesCni: { en: 'NetworkManager manages a CNI interface (seed 001: it rewrote the flannel routes)', zh: 'NetworkManager 管理着 CNI 接口（种子案例 001：它改写了 flannel 的路由）' },
  underlayNic: { en: 'the NIC the overlay runs over', zh: '覆盖网络所经过的网卡' },
  podPathInterfaceOneSided: { en: 'an interface of the pod path exists on one node only', zh: 'Pod 路径上的接口只在一个节点上存在' },
  interfaceOneSided: { en: 'interface on one node only', zh: '接口只在一个节点上存在' },
  podVethMtus: { en: 'MTUs of the host ends of pod veths', zh: 'Pod veth 主机端的 MTU' },
  vxlanPort: { en: 'nodes must send VXLAN to the port the others listen on', zh: '节点必须把 VXLAN 发往其他节点监听的端口' },
  vxlanVni: { en: 'VNI must match', zh: 'VNI 必须一致' },
  vxlanUdpCsum: { en: 'outer UDP checksum on/off', zh: '外层 UDP 校验和开/关' },
  vxlanDevRole: { en: 'the VXLAN device is bound to a different interface role', zh: 'VXLAN 设备绑定在不同角色的接口上' },
  vxlanLocalRole: { en: "which interface's address VXLAN is sent from", zh: 'VXLAN 从哪个接口的地址发出' },
  chainOneSided: { en: 'chain on one node only', zh: '链只在一个节点上存在' },
  serviceChains: { en: 'kube-proxy chains per Service/endpoint (counted)', zh: 'kube-proxy 为每个 Service/端点建立的链（计数）' },
  iptablesOneSided: { en: 'iptables rules collected on one node only', zh: '只在一个节点上采集到 iptables 规则' },
  nftTableOneSided: { en: 'nftables table on one node only', zh: 'nftables 表只在一个节点上存在' },
  nftHook: { en: 'hook {hook}', zh: '钩子 {hook}' },
  staleVtepMac: { en: "{x} sends to {y}'s VTEP with a MAC {y} no longer has (stale VtepMAC): {y} drops it", zh: '{x} 发往 {y} 的 VTEP 时用的 MAC 地址 {y} 已不再拥有（过时的 VtepMAC）：{y} 会丢弃这些包' },
  fdbWrongInterface: { en: "{x} encapsulates traffic for {y} to another of {y}'s addresses than its VXLAN source (flannel picked the wrong interface)", zh: '{x} 封装发往 {y} 的流量时用的是 {y} 的另一个地址，而不是其 VXLAN 源地址（flannel 选错了接口）' },
  fdbForeignAddress: { en: '{x} encapsulates traffic for {y} to an address {y} does not hold: stale, or a public-ip-overwrite behind NAT (check the node annotation)', zh: '{x} 封装发往 {y} 的流量时用的地址不属于 {y}：已过时，或是 NAT 后的 public-ip-overwrite（请检查节点注解）' },
  noPeerRoute: { en: "{x} has no route to {y}'s pod subnet: pods on {x} cannot reach pods on {y}", zh: '{x} 没有到 {y} 的 Pod 子网的路由：{x} 上的 Pod 无法访问 {y} 上的 Pod' },
  routeShapes: { en: "routes after masking each node's own addresses and pod subnet", zh: '屏蔽各节点自身地址和 Pod 子网之后的路由' },
  reachablePodSubnets: { en: 'pod subnets each node can reach (its own + routes to peers): a subnet missing on one node is a peer it cannot reach', zh: '各节点能到达的 Pod 子网（自身的加上到对端的路由）：一个节点上缺少的子网就是它无法到达的对端' },
  peerRouteForm: { en: "how peers' pod subnets are routed (device, onlink, via the peer VTEP)", zh: '对端 Pod 子网的路由方式（设备、onlink、经由对端 VTEP）' },
  underlaySubnets: { en: 'nodes in different underlay subnets: traffic crosses a router (see seed 003)', zh: '节点位于不同的底层子网：流量要经过路由器（见种子案例 003）' },
  routeGetDiffers: { en: '`ip route get` answers differently (seed 001: the flannel address answered `local dev lo`)', zh: '`ip route get` 的回答不同（种子案例 001：flannel 地址的回答是 `local dev lo`）' },
  sysctlOneSided: { en: 'collected on one node only', zh: '只在一个节点上采集到' },
  bridgeSysctls: { en: 'net.bridge.* exists only while br_netfilter is loaded', zh: 'net.bridge.* 只在加载了 br_netfilter 时存在' },
  followsIpForward: { en: 'follows net.ipv4.ip_forward', zh: '随 net.ipv4.ip_forward 而变' },
  badChecksumBuild: { en: '{side} runs a known bad-UDP-checksum build ({release}; known good: {good})', zh: '{side} 运行的是已知 UDP 校验和有问题的内核版本（{release}；已知正常的版本：{good}）' },
  natFix: { en: 'VXLAN/NAT checksum fix ea64d8d6c675: {inA} A ({basisA}), {inB} B ({basisB})', zh: 'VXLAN/NAT 校验和修复 ea64d8d6c675：A {inA}（{basisA}），B {inB}（{basisB}）' },
  differentKernel: { en: 'different kernel: checksum/offload/NAT behaviour of VXLAN depends on the build', zh: '内核不同：VXLAN 的校验和、卸载和 NAT 行为取决于内核构建' },
  kernelRebuilt: { en: 'same release, different build: the distribution rebuilt the kernel', zh: '版本号相同但构建不同：发行版重新编译了内核' },
  kernelHistory: { en: 'package history of each running kernel: when it was installed or upgraded', zh: '各节点运行中内核的软件包历史：何时安装或升级' },
  kernelPackages: { en: 'kernel packages installed (the older builds a node can boot back into)', zh: '已安装的内核软件包（节点可以回退启动的旧版本）' },
  bootDefault: { en: 'the kernel each node boots next', zh: '各节点下次启动的内核' },
  networkModules: { en: 'network modules loaded on one node only', zh: '只在一个节点上加载的网络模块' },
  // Values in podpath's own words (the names and numbers in them are data, quoted as read).
  onlyHere: { en: 'only here: {list}', zh: '仅此处有：{list}' },
  onlyHereMore: { en: 'only here: {list}; ... ({more} more)', zh: '仅此处有：{list}；……（另有 {more} 项）' },
  present: { en: 'present', zh: '存在' },
  presentKind: { en: 'present ({kind})', zh: '存在（{kind}）' },
  presentRules: { en: 'present ({rules} rules)', zh: '存在（{rules} 条规则）' },
  presentPolicyRules: { en: 'present (policy {policy}, {rules} rules)', zh: '存在（策略 {policy}，{rules} 条规则）' },
  presentChains: { en: 'present ({chains})', zh: '存在（{chains}）' },
  presentHook: { en: 'present (hook {hook})', zh: '存在（钩子 {hook}）' },
  presentHookPolicy: { en: 'present (hook {hook}, policy {policy})', zh: '存在（钩子 {hook}，策略 {policy}）' },
  collected: { en: 'collected', zh: '已采集' },
  noRoute: { en: 'no route', zh: '无路由' },
  itsPodSubnet: { en: '{subnet} (its pod subnet)', zh: '{subnet}（其 Pod 子网）' },
  dstportDefault: { en: '{port} (dstport 0: kernel default)', zh: '{port}（dstport 0：内核默认值）' },
  addressOf: { en: 'address of {role}', zh: '{role} 的地址' },
  addressNotHeld: { en: 'an address this node does not hold', zh: '不属于本节点的地址' },
  // Words inside notes' parameters.
  fixIn: { en: 'in', zh: '已包含' },
  fixNotIn: { en: 'not in', zh: '未包含' },
  none: { en: 'none', zh: '无' },
} satisfies Record<string, Localized>;

export type NodeDiffNoteCode = keyof typeof NODE_DIFF_NOTES;

/** One remark on a difference; parameters whose value is itself a note code are said in the same language. */
export interface NodeDiffNote { code: NodeDiffNoteCode; data?: MessageData; words?: Record<string, NodeDiffNoteCode> }

/** A value of a difference: as read (a string) or in podpath's words (a code with the values it quotes). */
export type DiffValue = string | number | boolean | NodeDiffNote;

/** A value in podpath's words. */
export function worded(code: NodeDiffNoteCode, data?: MessageData): NodeDiffNote {
  return data === undefined ? { code } : { code, data };
}

/** A side's value in a language: its words when it has them, else the value as read. */
export function sayValue(d: { a?: string; b?: string; words?: { a?: NodeDiffNote; b?: NodeDiffNote } }, side: 'a' | 'b', lang: Lang): string | undefined {
  const w = d.words?.[side];
  return w ? sayNotes([w], lang) : d[side];
}

/** The remarks of a difference, in one line ("; " between them). */
export function sayNotes(notes: readonly NodeDiffNote[], lang: Lang): string {
  return notes.map((n) => {
    const words = Object.fromEntries(Object.entries(n.words ?? {}).map(([k, code]) => [k, t(NODE_DIFF_NOTES[code], lang)]));
    return t(NODE_DIFF_NOTES[n.code], lang, { ...n.data, ...words });
  }).join(lang === 'zh' ? '；' : '; ');
}
