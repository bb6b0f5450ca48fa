// The receiver's side of seeds 000 and 004: the kernel drops UDP datagrams with a wrong checksum and
// counts them in Udp InCsumErrors. One snapshot says "since boot"; two (from probes) say "rising".
import type { EvidenceLine, NodeFacts } from '../../evidence/node-facts.js';
import { defineRule } from '../../engine/types.js';
import { ProbeEvidence } from '../../evidence/probe-evidence.js';
import { KERNEL_VXLAN_PORT, networkView } from '../../evidence/network-view.js';

/**
 * How this node's Udp InCsumErrors moved while probes ran (src/evidence/probe-evidence.ts: each probe
 * lists the counters that moved on either node). Undefined when no probe watched it.
 */
export function inCsumErrorsDelta(facts: NodeFacts): { delta: number; seconds: number; source: string } | undefined {
  let watched: { delta: number; seconds: number; source: string } | undefined;
  for (const raw of facts.probes ?? []) {
    const p = ProbeEvidence.safeParse(raw);
    if (!p.success) continue;
    for (const c of p.data.counters) {
      if (c.node !== 'local' || c.counter !== 'Udp.InCsumErrors') continue;
      if (!watched || c.delta > watched.delta) watched = { delta: c.delta, seconds: c.seconds, source: c.source };
    }
  }
  return watched;
}

/** `UDP: bad checksum. From A:port to B:8472 ulen 75` lines (net_dbg, when enabled) name the sender. */
function senderLines(log: NodeFacts['kernelLog']): EvidenceLine[] {
  return (log?.matches ?? []).filter((m) => m.pattern === 'udp-bad-checksum').slice(0, 3).map((m) => ({ source: m.source, text: m.line }));
}

export default defineRule({
  meta: {
    id: 'udp-csum-errors',
    kind: 'node',
    title: { en: 'The kernel drops received UDP datagrams with bad checksums', zh: '内核丢弃了校验和错误的 UDP 报文' },
    severity: 'warning',
    needs: ['snmp'],
    uses: ['probes', 'kernelLog', 'links'],
    messages: {
      sinceBoot: {
        en: 'Udp InCsumErrors = {count} since boot ({inErrors} UDP receive errors in all): this node has received UDP datagrams with a wrong checksum and dropped them. One snapshot cannot say whether it is still happening; run probes (or read /proc/net/snmp twice) to see it rise.',
        zh: '自开机以来 Udp InCsumErrors = {count}(UDP 接收错误共 {inErrors}):本节点收到过校验和错误的 UDP 报文并已丢弃。单次快照无法判断是否仍在发生;运行探测(或两次读取 /proc/net/snmp)确认是否在上涨。',
      },
      rising: {
        en: 'Udp InCsumErrors rose by {delta} in {seconds} s while probing: UDP datagrams (VXLAN too) arriving at this node now carry wrong checksums and are dropped. Find the sender (capture on this node: `tcpdump -nn -vv -i any udp port {port}` shows `bad udp cksum`).',
        zh: '探测期间 {seconds} 秒内 Udp InCsumErrors 上涨了 {delta}:到达本节点的 UDP 报文(包括 VXLAN)当前就带着错误的校验和并被丢弃。找出发送端(在本节点抓包:`tcpdump -nn -vv -i any udp port {port}` 会显示 `bad udp cksum`)。',
      },
    },
    reasons: {
      noInCsumErrors: { en: 'no Udp InCsumErrors in /proc/net/snmp', zh: '/proc/net/snmp 中没有 Udp InCsumErrors' },
    },
    explanation: {
      en: 'The receiving kernel verifies UDP checksums and silently drops datagrams whose checksum is wrong, counting them in /proc/net/snmp `Udp: InCsumErrors` (and `InErrors`). For a VXLAN overlay this means encapsulated pod traffic vanishes: flannel.1 shows RX 0 or few packets. Seen in seed 000 (a kernel build that sends bad checksums) and seed 004 (NAT of the outer header with tx checksum offload). A capture on the *sender* shows "bad" checksums for good packets (offload fills them in later), so only the receiver\'s counter or a receiver-side capture proves a wire error. The counter is cumulative since boot: a non-zero value may be old; a rise during a probe is current.',
      zh: '接收端内核校验 UDP 校验和,错误的报文被静默丢弃,并计入 /proc/net/snmp 的 `Udp: InCsumErrors`(以及 `InErrors`)。对 VXLAN overlay 而言,封装的 Pod 流量就此消失:flannel.1 的 RX 为 0 或很少。见种子 000(内核版本发出错误校验和)和种子 004(外层头被 NAT 且开启了发送校验和 offload)。在*发送端*抓包时,正常报文也会显示"错误"校验和(由 offload 稍后填写),所以只有接收端的计数器或接收端抓包才能证明线上错误。该计数器自开机累计:非零可能是旧的;探测期间上涨才说明正在发生。',
    },
    remediation: [
      {
        description: { en: 'Confirm on this node which sender\'s datagrams are bad', zh: '在本节点确认是哪个发送端的报文有问题' },
        commands: ['grep -A1 "^Udp:" /proc/net/snmp; sleep 10; grep -A1 "^Udp:" /proc/net/snmp', 'tcpdump -nn -vv -i any -c 50 udp port {port} | grep -B1 "bad udp cksum"'],
        undo: ['# nothing to undo: read-only'],
      },
    ],
    references: ['seeds/000_694fb590af4e1503.txt', 'seeds/004_5dd277779bb5bec7.txt', 'gh:flannel-io/flannel#1279', 'gh:projectcalico/calico#3145'],
  },
  check(ctx) {
    const snmp = ctx.facts.snmp;
    if (!snmp) return;
    const udp = snmp.tables.Udp;
    if (!udp || udp.InCsumErrors === undefined) return ctx.skip('noInCsumErrors');
    const port = networkView(ctx.facts).primary?.port.value ?? KERNEL_VXLAN_PORT;
    const delta = inCsumErrorsDelta(ctx.facts);
    if (delta) {
      if (delta.delta > 0) ctx.report({ messageId: 'rising', data: { delta: delta.delta, seconds: delta.seconds, port }, evidence: [{ source: delta.source, text: `Udp InCsumErrors +${delta.delta} in ${delta.seconds} s` }] });
      return;
    }
    if (udp.InCsumErrors > 0) {
      ctx.report({
        messageId: 'sinceBoot',
        data: { count: udp.InCsumErrors, inErrors: udp.InErrors ?? '?', port },
        evidence: [{ source: snmp.source, text: `Udp: InErrors ${udp.InErrors ?? '?'} InCsumErrors ${udp.InCsumErrors}` }, ...senderLines(ctx.facts.kernelLog)],
      });
    }
  },
});
