// Seed 004 and the "63-second delay": on kernels before ea64d8d6c675, NAT of a VXLAN packet's outer
// UDP header with tx checksum offload on the VXLAN device puts a wrong checksum (0xffff) on the wire.
import type { EvidenceLine, NodeFacts } from '../../evidence/node-facts.js';
import type { CaptureSummary } from '../../evidence/capture-summary.js';
import { defineRule, type MessageData, type Phrase, type ReportLine, type RuleContext, type Said } from '../../engine/types.js';
import { cidrContains } from '../../util/ipv4.js';
import { natChecksumFix } from '../data/kernel-builds.js';
import { isCniVxlanName, networkView } from '../../evidence/network-view.js';
import { pushAll } from '../../util/arrays.js';
import { isDelivered } from '../shared/loss-place.js';
import { PROBE_QUOTES } from '../shared/probe-shared.js';

/** A line of the probe quotes with its numbers (said in the run's language). */
const said = (k: keyof typeof PROBE_QUOTES, data: MessageData): Said => ({ entry: PROBE_QUOTES[k], data });

const MARK = /(?:--mark|mark match)\s+0x4000\/0x4000/;
const NEGATED_MARK = /(?:!\s+--mark|mark match\s+!)\s*0x4000\/0x4000/;

export type Trigger = { kind: 'prefix'; lines: string[] } | { kind: 'fixed' | 'absent'; lines: string[] } | { kind: 'unknown' };

/**
 * kube-proxy's KUBE-POSTROUTING before Kubernetes PR #92035 masquerades on mark 0x4000 without
 * first returning unmarked packets and clearing the mark; the mark survives VXLAN encapsulation,
 * so the outer packet is masqueraded too.
 */
export function kubePostroutingForm(facts: NodeFacts): Trigger {
  const nat = facts.packetFilter?.iptables?.nat;
  if (!nat) return { kind: 'unknown' };
  const chain = nat['KUBE-POSTROUTING'];
  if (!chain) return { kind: 'absent', lines: [] };
  const lines: string[] = [];
  for (const rule of chain.rules) {
    lines.push(rule);
    if (/-j RETURN\b/.test(rule) && NEGATED_MARK.test(rule)) return { kind: 'fixed', lines };
    if (/-j MASQUERADE\b/.test(rule) && MARK.test(rule) && !NEGATED_MARK.test(rule)) return { kind: 'prefix', lines: [rule] };
  }
  return { kind: 'fixed', lines };
}

export default defineRule({
  meta: {
    id: 'vxlan-nat-checksum',
    kind: 'node',
    title: { en: 'VXLAN outer UDP checksum broken by NAT (kernel bug, tx checksum offload on)', zh: 'NAT 破坏 VXLAN 外层 UDP 校验和(内核缺陷,发送校验和 offload 开启)' },
    severity: 'error',
    needs: ['kernel', 'nics'],
    // The wire shows it (a capture, tcpdump text) or the receiving kernel says it (`UDP: bad checksum` to the VXLAN port).
    sufficient: [['captures'], ['kernelLog']],
    uses: ['packetFilter', 'links', 'cni', 'probes', 'captures', 'kernelLog'],
    outranks: ['checksum-vxlan-ffff', 'checksum-wire', 'checksum-unknown', 'handshake-no-answer', 'handshake-slow', 'udp-csum-errors', 'overlay-rx-zero'],
    messages: {
      seenInCapture: {
        en: '{count} VXLAN packet(s) from {srcs} to UDP {port} carry the outer UDP checksum 0xffff, and it is wrong: the receiver drops them. That is the NAT + tx checksum offload bug of kernels before 5.7 (seed 004): node-to-Service traffic whose outer VXLAN header is NATed leaves with 0xffff',
        zh: '{count} 个从 {srcs} 发往 UDP {port} 的 VXLAN 报文外层 UDP 校验和为 0xffff,且是错的:接收端会丢弃。这正是 5.7 之前内核的 NAT + 发送校验和卸载缺陷(种子 004):外层 VXLAN 头被 NAT 的节点访问 Service 流量带着 0xffff 发出',
      },
      seenInCaptureRetried: {
        en: '{count} VXLAN packet(s) from {srcs} to UDP {port} carry the outer UDP checksum 0xffff, and it is wrong: the receiver drops them, and the SYN inside ({flow}) was sent {syns} times, {intervals} s apart: the kernel\'s back-off (1, 2, 4, 8 ... s, about 63 s until a request gets through or gives up). That is the NAT + tx checksum offload bug of kernels before 5.7 (seed 004)',
        zh: '{count} 个从 {srcs} 发往 UDP {port} 的 VXLAN 报文外层 UDP 校验和为 0xffff,且是错的:接收端将其丢弃,其中的 SYN({flow})被发送了 {syns} 次,间隔 {intervals} 秒:即内核的退避(1、2、4、8……秒,约 63 秒后请求才通过或放弃)。这正是 5.7 之前内核的 NAT + 发送校验和卸载缺陷(种子 004)',
      },
      seenPerFlow: {
        en: '{src} sends VXLAN to {dst}:{port} with a right outer UDP checksum on some flows ({good}) and a wrong one on others ({bad}, e.g. {example}): the checksum breaks per flow, not per sender or kernel build: NAT of the outer header (Service traffic) with tx checksum offload on, the kernel bug fixed in 5.7',
        zh: '{src} 发往 {dst}:{port} 的 VXLAN 报文,部分流的外层 UDP 校验和正确({good}),另一些是错的({bad},例如 {example}):校验和按流出错,而不是按发送方或内核版本:外层头被 NAT(Service 流量)且开启了发送校验和卸载,即 5.7 修复的内核缺陷',
      },
      seenInKernelLog: {
        en: 'The kernel dropped {count} datagram(s) to the VXLAN port {port} with a bad UDP checksum (from {senders}): the senders\' outer UDP checksum is wrong. The usual cause is the NAT + tx checksum offload bug (Service traffic from the node; kernels before 5.7){offload}; a sender kernel build that sends bad sums (seed 000) is the other',
        zh: '内核丢弃了 {count} 个发往 VXLAN 端口 {port} 且 UDP 校验和错误的报文(来自 {senders}):发送方的外层 UDP 校验和是错的。常见原因是 NAT + 发送校验和卸载缺陷(节点发起的 Service 流量;5.7 之前的内核){offload};另一种原因是发送方的内核版本本身发出错误校验和(种子 000)',
      },
      seenByProbes: {
        en: 'Service traffic from this node fails ({failures}) while UDP probes to {peer}\'s overlay address pass, and {peer}\'s kernel dropped datagrams with a bad UDP checksum meanwhile (InCsumErrors +{csum}): the outer VXLAN header of node-to-service traffic arrives corrupted, the seed 004 symptom ({nat}). Kernel {release} has the NAT checksum fix ({basis}), so the version alone does not explain it: look at this build (a missing backport), the checksum offload of {dev} and anything that rewrites the outer checksum, and capture on {peer} (tcpdump -vv shows "bad udp cksum").',
        zh: '本节点访问 Service 失败({failures}),而到 {peer} overlay 地址的 UDP 探测正常,同时 {peer} 的内核丢弃了 UDP 校验和错误的报文(InCsumErrors +{csum}):节点到 Service 流量的外层 VXLAN 头到达时已损坏,即种子 004 的现象({nat})。内核 {release} 已包含 NAT 校验和修复({basis}),仅凭版本无法解释:检查该内核构建(是否缺少回移补丁)、{dev} 的校验和卸载以及任何改写外层校验和的规则或设备,并在 {peer} 上抓包(tcpdump -vv 显示 `bad udp cksum`)。',
      },
      seenByProbesOldKernel: {
        en: 'Service traffic from this node fails ({failures}) while UDP probes to {peer}\'s overlay address pass, and {peer}\'s kernel dropped datagrams with a bad UDP checksum meanwhile (InCsumErrors +{csum}): the outer VXLAN header of node-to-service traffic arrives corrupted, the seed 004 symptom ({nat}). Kernel {release} lacks the NAT checksum fix ({basis}), which explains it.',
        zh: '本节点访问 Service 失败({failures}),而到 {peer} overlay 地址的 UDP 探测正常,同时 {peer} 的内核丢弃了 UDP 校验和错误的报文(InCsumErrors +{csum}):节点到 Service 流量的外层 VXLAN 头到达时已损坏,即种子 004 的现象({nat})。内核 {release} 缺少 NAT 校验和修复({basis}),这解释了该现象。',
      },
      preFixMasquerade: {
        en: 'Kernel {release} lacks the NAT checksum fix ({basis}), {dev} has tx-checksum-ip-generic on, and KUBE-POSTROUTING masquerades on mark 0x4000 without clearing it first: service traffic from this node leaves with outer UDP checksum 0xffff, the peer drops it, and connections hang ~63 s (SYN retries).',
        zh: '内核 {release} 不含 NAT 校验和修复({basis}),{dev} 开启了 tx-checksum-ip-generic,且 KUBE-POSTROUTING 按 0x4000 标记做 MASQUERADE 而不先清除标记:本节点发起的 Service 流量外层 UDP 校验和变成 0xffff,对端丢弃,连接卡住约 63 秒(SYN 重传)。',
      },
      triggerNotSeen: {
        en: 'Kernel {release} lacks the NAT checksum fix ({basis}) and {dev} has tx-checksum-ip-generic on. KUBE-POSTROUTING is of the fixed form, but any NAT of the outer VXLAN header (seed 004 hit it on Kubernetes v1.21) still corrupts its checksum.',
        zh: '内核 {release} 不含 NAT 校验和修复({basis}),且 {dev} 开启了 tx-checksum-ip-generic。KUBE-POSTROUTING 已是修复后的形式,但外层 VXLAN 头只要被 NAT(种子 004 在 Kubernetes v1.21 上就遇到了),校验和仍会被破坏。',
      },
      triggerUnknown: {
        en: 'Kernel {release} lacks the NAT checksum fix ({basis}) and {dev} has tx-checksum-ip-generic on: if anything NATs the outer VXLAN header (kube-proxy before v1.18.6/v1.17.9, Calico NAT), the outer UDP checksum on the wire is wrong. iptables rules were not collected.',
        zh: '内核 {release} 不含 NAT 校验和修复({basis}),且 {dev} 开启了 tx-checksum-ip-generic:只要外层 VXLAN 头被 NAT(v1.18.6/v1.17.9 之前的 kube-proxy、Calico 的 NAT),线上的外层 UDP 校验和就是错的。未采集到 iptables 规则。',
      },
      // {failures} of seenByProbes: phrases, one per failing service probe.
      failureDns: { en: 'DNS {transport} to {server}: {error}', zh: 'DNS {transport} 到 {server}:{error}' },
      failureDnsRcode: { en: 'DNS {transport} to {server}: rcode {rcode}', zh: 'DNS {transport} 到 {server}:rcode {rcode}' },
      failureTcp: { en: 'TCP to {target}: {failed}/{attempts} handshakes failed', zh: 'TCP 到 {target}:{failed}/{attempts} 次握手失败' },
    },
    reasons: {
      notEnough: { en: 'no kernel version with NIC offloads, no capture of VXLAN packets and no bad-checksum log line', zh: '没有内核版本与网卡卸载信息,没有 VXLAN 抓包,也没有校验和错误的日志' },
      unreadableRelease: { en: 'cannot read kernel release "{release}"', zh: '无法解析内核版本“{release}”' },
      noOffloadFeatures: { en: 'no `ethtool -k` for {devices}', zh: '没有 {devices} 的 `ethtool -k`' },
    },
    explanation: {
      en: 'The VXLAN device sends with UDP checksum 0 (the RFC default) and leaves the rest to tx checksum offload. When netfilter NATs the outer UDP header (kube-proxy\'s mark 0x4000 survives encapsulation, so KUBE-POSTROUTING masquerades the outer packet too; with --random-fully the source port changes), udp_manip_pkt() "updates" the zero checksum and the wire carries an invalid one. The receiver drops the packet: tcpdump there shows `[bad udp cksum 0xffff -> 0x3af0!] VXLAN`, Udp InCsumErrors rises. From a node or hostNetwork pod, a Service whose backend is on another node answers after ~63 s (SYN at +1, +3, +7, +15, +31, +63 s); pod IP to pod IP works. Fixed in the kernel by ea64d8d6c675 ("netfilter: nat: never update the UDP checksum when it\'s 0", 5.7; stable 5.4.41, 4.19.123, 4.14.181; 5.6.13 UNCONFIRMED); distribution kernels may carry a backport the version does not show. Kubernetes PR #92035 (v1.18.6, v1.17.9) unmarks packets before masquerading; Calico >= 3.19.2/3.20 turns the offload off itself.',
      zh: 'VXLAN 设备发送时 UDP 校验和为 0(RFC 默认),其余交给发送校验和 offload。当 netfilter 对外层 UDP 头做 NAT 时(kube-proxy 的 0x4000 标记在封装后仍然保留,KUBE-POSTROUTING 于是也对外层报文做 MASQUERADE;带 --random-fully 时源端口也会变),udp_manip_pkt() 会"更新"这个为 0 的校验和,线上就带着错误的校验和。接收端丢弃该报文:在接收端 tcpdump 可见 `[bad udp cksum 0xffff -> 0x3af0!] VXLAN`,Udp InCsumErrors 上涨。从节点或 hostNetwork Pod 访问后端在其他节点的 Service,约 63 秒后才响应(SYN 在 +1、+3、+7、+15、+31、+63 秒重传);Pod IP 直连正常。内核修复提交 ea64d8d6c675(5.7;稳定版 5.4.41、4.19.123、4.14.181;5.6.13 未确认),发行版内核可能已回合修复但版本号看不出来。Kubernetes PR #92035(v1.18.6、v1.17.9)在 MASQUERADE 前清除标记;Calico >= 3.19.2/3.20 会自行关闭该 offload。',
    },
    remediation: [
      {
        description: { en: 'Turn tx checksum offload off on {dev} (takes effect at once)', zh: '关闭 {dev} 的发送校验和 offload(立即生效)' },
        commands: ['ethtool -K {dev} tx-checksum-ip-generic off', 'ethtool -k {dev} | grep tx-checksum-ip-generic'],
        undo: ['ethtool -K {dev} tx-checksum-ip-generic on'],
      },
      {
        description: { en: 'Persist it: the CNI recreates {dev} on restart (flannel: a udev rule; Calico: FelixConfiguration)', zh: '持久化:CNI 重启时会重建 {dev}(flannel:udev 规则;Calico:FelixConfiguration)' },
        commands: [
          'echo \'SUBSYSTEM=="net", ACTION=="add", KERNEL=="{dev}", RUN+="/sbin/ethtool -K {dev} tx-checksum-ip-generic off"\' > /etc/udev/rules.d/90-podpath-{dev}-csum.rules',
          'kubectl patch felixconfiguration default --type merge -p \'{"spec":{"featureDetectOverride":"ChecksumOffloadBroken=true"}}\'  # Calico only',
        ],
        undo: ['rm -f /etc/udev/rules.d/90-podpath-{dev}-csum.rules', 'kubectl patch felixconfiguration default --type json -p \'[{"op":"remove","path":"/spec/featureDetectOverride"}]\'  # Calico only'],
      },
      {
        description: { en: 'For good: a kernel with the fix (>= 5.7, 5.4.41, 4.19.123, 4.14.181), kube-proxy >= v1.18.6, Calico >= 3.20', zh: '根本解决:升级到含修复的内核(>= 5.7、5.4.41、4.19.123、4.14.181),kube-proxy >= v1.18.6,Calico >= 3.20' },
        commands: ['uname -r  # then upgrade the kernel package and reboot', 'iptables -t nat -S KUBE-POSTROUTING  # after a kube-proxy upgrade, reboot or flush stale rules'],
        undo: ['# boot the previous kernel from the boot menu (grub2-set-default N; reboot)'],
      },
    ],
    references: ['gh:projectcalico/calico#3145', 'kernel commit ea64d8d6c675', 'gh:kubernetes/kubernetes#92035', 'gh:projectcalico/felix#2811', 'gh:flannel-io/flannel#1279', 'seeds/004_5dd277779bb5bec7.txt', 'kb:known-failures.md#1'],
    unconfirmed: {
      en: 'The 5.6.13 stable fix is UNCONFIRMED; distribution backports cannot be seen from the version.',
      zh: '5.6.13 稳定版中的修复未经确认(UNCONFIRMED);发行版的回移补丁无法从版本号看出。',
    },
  },
  check(ctx) {
    if (fromCaptures(ctx)) return;
    if (!ctx.facts.kernel || !ctx.facts.nics) {
      if (!fromKernelLog(ctx)) ctx.skip('notEnough');
      return;
    }
    let reported = false;
    fromVersion({ ...ctx, report: (r) => { reported = true; ctx.report(r); } });
    if (!reported) fromKernelLog(ctx);
  },
});

/** The kernel version, the VXLAN device's offloads and kube-proxy's NAT rule (and probes, when they ran). */
function fromVersion(ctx: RuleContext): void {
  const { facts } = ctx;
  const kernel = facts.kernel;
  if (!kernel) return;
  const verdict = natChecksumFix(kernel.release);
  if (seenByProbes(ctx, kernel, verdict)) return;
  if (verdict.fixed === undefined) return ctx.skip('unreadableRelease', { release: kernel.release });
  const overlayLinks = networkView(facts).vxlan.filter((d) => d.cniName).map((d) => d.name);
  const overlayNics = (facts.nics ?? []).filter((n) => isCniVxlanName(n.name));
  const unasked = overlayLinks.filter((name) => !overlayNics.some((n) => n.name === name));
  if (verdict.fixed) return;
  if (overlayNics.length === 0 && unasked.length > 0) return ctx.skip('noOffloadFeatures', { devices: unasked.join(', ') });
  const trigger = kubePostroutingForm(facts);
  const pfSource = facts.packetFilter?.sources[0] ?? 'iptables-save';
  for (const nic of overlayNics) {
    const tx = nic.features['tx-checksum-ip-generic'];
    if (!tx?.on) continue;
    const evidence: EvidenceLine[] = [
      { source: kernel.source, text: kernel.uname },
      { source: nic.sources[0] ?? `ethtool -k ${nic.name}`, text: `tx-checksum-ip-generic: on${tx.fixed ? ' [fixed]' : ''}` },
    ];
    if (trigger.kind !== 'unknown') for (const l of trigger.lines) evidence.push({ source: pfSource, text: l });
    const messageId = trigger.kind === 'prefix' ? 'preFixMasquerade' : trigger.kind === 'unknown' ? 'triggerUnknown' : 'triggerNotSeen';
    // Without kube-proxy's pre-fix rule the outer header is NATed only by something else: Calico
    // did it in seed 004 (v1.21), flannel nodes have no known trigger left, so a warning there.
    const severity = trigger.kind === 'prefix' || /calico/.test(nic.name) ? 'error' : 'warning';
    ctx.report({ messageId, severity, data: { release: kernel.release, basis: verdict.basis, dev: nic.name }, evidence });
  }
}

/**
 * The symptom, measured: node-to-service DNS/TCP from this node failing while pod-IP probes to the
 * same peer pass, and the peer's InCsumErrors rising during those probes. Judged whatever the
 * kernel version says: a fixed version does not rule out a build, driver or device that corrupts.
 */
function seenByProbes(ctx: RuleContext, kernel: NonNullable<NodeFacts['kernel']>, verdict: { fixed?: boolean; basis: string }): boolean {
  const { facts } = ctx;
  const network = networkView(facts).podNetwork?.cidr;
  const isPodAddress = (host: string) => network !== undefined && /^\d+\.\d+\.\d+\.\d+$/.test(host) && cidrContains(network, host);
  const mine = (facts.probes ?? []).filter((p) => p.sender === 'local');
  const podOk = mine.filter((p) => p.label === 'overlay' && isDelivered(p));
  if (podOk.length === 0) return false;
  const evidence: ReportLine[] = [];
  const failures = new Map<string, Phrase>();
  const fail = (p: Phrase) => failures.set(JSON.stringify(p), p);
  let csum = 0;
  for (const p of mine) {
    const dns = (p.dns ?? []).filter((q) => !q.ok && !isPodAddress(q.server) && q.server !== p.peer);
    const tcp = p.tcp && p.tcp.connected < p.tcp.attempts && !isPodAddress(p.tcp.target.replace(/:\d+$/, '')) ? p.tcp : undefined;
    if (dns.length === 0 && !tcp) continue;
    const rise = p.counters.find((c) => c.node === 'peer' && c.counter === 'Udp.InCsumErrors')?.delta ?? 0;
    if (rise <= 0) continue;
    csum = Math.max(csum, rise);
    for (const q of dns) {
      const query = { transport: q.transport, server: q.server };
      if (q.error !== undefined) fail({ id: 'failureDns', data: { ...query, error: q.error } });
      else fail({ id: 'failureDnsRcode', data: { ...query, rcode: q.rcode ?? '?' } });
      evidence.push({ source: p.source, text: q.error !== undefined ? said('dnsError', { ...query, name: q.name, error: q.error }) : said('dnsRcode', { ...query, name: q.name, rcode: q.rcode ?? '?' }) });
    }
    if (tcp) {
      fail({ id: 'failureTcp', data: { target: tcp.target, failed: tcp.attempts - tcp.connected, attempts: tcp.attempts } });
      evidence.push({ source: p.source, text: said('tcpHandshakes', { target: tcp.target, connected: tcp.connected, attempts: tcp.attempts }) });
    }
    evidence.push({ source: p.source, text: said('csumRise', { peer: p.peer, rise }) });
  }
  if (failures.size === 0) return false;
  const ok = podOk[0]!;
  evidence.unshift({ source: ok.source, text: said('echoOverlay', { target: ok.target, received: ok.echo!.received, sent: ok.echo!.sent }) });
  const trigger = kubePostroutingForm(facts);
  const pfSource = facts.packetFilter?.sources[0] ?? 'iptables-save';
  if (trigger.kind === 'prefix') pushAll(evidence, trigger.lines.map((l) => ({ source: pfSource, text: l })));
  evidence.push({ source: kernel.source, text: kernel.uname });
  // The NAT rule in iptables' own words (the full line is in the evidence), so no prose is passed in.
  const nat = { prefix: 'KUBE-POSTROUTING -m mark --mark 0x4000/0x4000 -j MASQUERADE', fixed: 'KUBE-POSTROUTING -j RETURN, MARK, MASQUERADE', absent: 'KUBE-POSTROUTING -', unknown: 'iptables-save -' }[trigger.kind];
  ctx.report({
    messageId: verdict.fixed ? 'seenByProbes' : 'seenByProbesOldKernel', severity: 'critical',
    phrases: { failures: [...failures.values()] },
    data: { peer: ok.peer, csum, nat, release: kernel.release, basis: verdict.basis, dev: networkView(facts).vxlan.find((d) => d.cniName)?.name ?? 'flannel.1' },
    evidence,
  });
  return true;
}

/** The dev whose tx checksum offload was on (the NIC facts include the state `ethtool -K` changed). */
function offloadOn(facts: NodeFacts): { dev: string; source: string } | undefined {
  const nic = (facts.nics ?? []).find((n) => isCniVxlanName(n.name) && n.features['tx-checksum-ip-generic']?.on);
  return nic ? { dev: nic.name, source: nic.sources[0] ?? `ethtool -k ${nic.name}` } : undefined;
}

/** A capture: 0xffff outer sums on VXLAN (seed 004), or one sender's VXLAN right on some flows and wrong on others. */
function fromCaptures(ctx: RuleContext): boolean {
  const at = (c: CaptureSummary, frame: number): EvidenceLine => {
    const no = c.frameLines?.[frame - 1];
    return { source: no !== undefined ? `${c.file.slice(0, c.file.lastIndexOf(':') + 1)}${no}` : c.file, text: c.frameTexts?.[frame - 1] || `frame ${frame}` };
  };
  for (const c of ctx.evidence.captures ?? []) {
    const ffff = c.checksums.tunnelFfff;
    if (ffff.count > 0) {
      const frames = ffff.frames.ranges.flatMap((r) => Array.from({ length: Math.min(3, r.to - r.from + 1) }, (_, i) => r.from + i)).slice(0, 3);
      const port = (c.vxlanSenders ?? []).find((s) => s.ffff > 0)?.dstPort ?? 4789;
      const retried = c.handshakes.notable.find((h) => h.synsWithBadOuterChecksum > 0 && h.syns.length > 1);
      const evidence = frames.map((f) => at(c, f));
      const data = { count: ffff.count, srcs: ffff.srcs.slice(0, 4).join(', '), port, release: ctx.facts.kernel?.release ?? '', basis: '', dev: 'vxlan.calico' };
      const dev = offloadOn(ctx.facts)?.dev ?? (port === 8472 ? 'flannel.1' : 'vxlan.calico');
      if (retried) {
        for (const f of retried.frames.slice(1, 3)) evidence.push(at(c, f));
        ctx.report({
          messageId: 'seenInCaptureRetried', severity: 'critical',
          data: { ...data, dev, flow: `${retried.client} -> ${retried.server}`, syns: retried.syns.length, intervals: retried.synIntervals.map((x) => x.toFixed(0)).join(', ') },
          evidence,
        });
      } else {
        ctx.report({ messageId: 'seenInCapture', severity: 'critical', data: { ...data, dev }, evidence });
      }
      return true;
    }
    for (const s of c.vxlanSenders ?? []) {
      if (s.bad === 0 || s.ok + s.none === 0 || !s.firstBad) continue;
      const good = c.frameTexts && c.frameLines ? c.frameTexts.findIndex((t, i) => i + 1 !== s.firstBad!.frame && t.includes(`${s.src}.`) && /\[(?:udp sum ok|no cksum)\]/.test(t)) : -1;
      const example = `0x${s.firstBad.got.toString(16)}${s.firstBad.expected !== undefined ? ` -> 0x${s.firstBad.expected.toString(16)}` : ''}`;
      ctx.report({
        messageId: 'seenPerFlow', severity: 'error',
        data: { src: s.src, dst: s.dst, port: s.dstPort, good: s.ok + s.none, bad: s.bad, example, dev: s.dstPort === 8472 ? 'flannel.1' : 'vxlan.calico' },
        evidence: [...(good >= 0 ? [at(c, good + 1)] : []), at(c, s.firstBad.frame)],
      });
      return true;
    }
  }
  return false;
}

/** The receiver's kernel: `UDP: bad checksum. From A:p to B:8472 ulen 75`. */
function fromKernelLog(ctx: RuleContext): boolean {
  const lines = (ctx.facts.kernelLog?.matches ?? []).filter((m) => m.pattern === 'udp-bad-checksum' && / to \S+:(8472|4789)\b/.test(m.line));
  if (lines.length === 0) return false;
  const port = Number(/ to \S+:(8472|4789)\b/.exec(lines[0]!.line)![1]);
  const senders = [...new Set(lines.map((m) => /From ([\d.]+):\d+/.exec(m.line)?.[1]).filter((x): x is string => x !== undefined))];
  const on = offloadOn(ctx.facts);
  const evidence: EvidenceLine[] = lines.slice(0, 4).map((m) => ({ source: m.source, text: m.line }));
  if (on) evidence.push({ source: on.source, text: `${on.dev}: tx-checksum-ip-generic: on` });
  ctx.report({
    messageId: 'seenInKernelLog', severity: 'error',
    data: { count: lines.length, port, senders: senders.slice(0, 4).join(', ') || '?', offload: on ? `, ${on.dev}: tx-checksum-ip-generic on` : '', dev: on?.dev ?? (port === 8472 ? 'flannel.1' : 'vxlan.calico') },
    evidence,
  });
  return true;
}
