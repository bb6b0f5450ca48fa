// Seed 003: above ~22 Mbit/s of UDP a device cut the sending host off entirely for a while. The
// rate ramp finds where loss starts and whether everything then stops.
import { defineRule, type Phrase, type ReportLine, type Said } from '../../engine/types.js';
import { iperfRate } from '../../util/units.js';
import { PROBE_QUOTES, probeLine, probesOf, rate } from '../shared/probe-shared.js';

export default defineRule({
  meta: {
    id: 'underlay-rate-blackhole',
    kind: 'probe',
    title: { en: 'UDP above a fixed rate is dropped, or cuts the host off', zh: '超过固定速率的 UDP 被丢弃,或导致主机被隔断' },
    severity: 'critical',
    needs: ['probes'],
    messages: {
      blackhole: {
        en: 'Once {from} sent UDP to {to} faster than {onset} ({clean}), everything from it was dropped, ping included; {recovery}: a policer or storm control in the underlay blackholes the host',
        zh: '{from} 向 {to} 发送 UDP 超过 {onset}({clean})后,它的所有流量(包括 ping)都被丢弃;{recovery}:底层网络中的限速或风暴抑制把该主机黑洞了',
      },
      blackholeEstimated: {
        en: 'UDP from {from} to {to} above about {limit} (burst about {burst}) cuts {from} off entirely, ping included ({recovery}): a policer or storm control in the underlay blackholes the host (the ramp first tripped it at {onset})',
        zh: '{from} 到 {to} 的 UDP 超过约 {limit}(突发约 {burst})后,{from} 被完全隔断(包括 ping)({recovery}):底层网络中的限速或风暴抑制把该主机黑洞了(逐级加速时在 {onset} 首次触发)',
      },
      rateLimit: {
        en: 'UDP from {from} to {to} is lost above {onset} ({clean}): something in the path limits UDP to about that rate',
        zh: '{from} 到 {to} 的 UDP 超过 {onset} 时出现丢包({clean}):路径上有设备把 UDP 限制在该速率附近',
      },
      // {clean}: the last step without loss, or that there was none (loss from the ramp's first step)
      cleanAt: { en: 'clean at {rate}', zh: '在 {rate} 时无丢包' },
      noCleanStep: { en: 'no lower rate measured clean', zh: '没有测得无丢包的更低速率' },
      // {recovery}: how the path came back, if it was watched
      recoveredAfter: { en: 'it came back after {seconds} s', zh: '{seconds} 秒后恢复' },
      notRecovered: { en: 'it had not come back after {seconds} s', zh: '{seconds} 秒后仍未恢复' },
      notWatched: { en: 'whether and when it came back was not watched', zh: '未观察是否及何时恢复' },
    },
    reasons: {
      noRateRamp: { en: 'no rate ramp among the probes (run with --max-rate)', zh: '探测结果中没有速率爬升(加 --max-rate 运行)' },
    },
    explanation: {
      en: 'podpath raises its UDP send rate to the peer agent step by step (never above --max-rate), learns from the peer how many datagrams arrived, and stops at the first loss. If the peer then stops answering altogether, even small probes, the path is blackholed: it watches until the peer answers again and reports how long it took. VXLAN carries all pod traffic of a node as UDP between two hosts, so a switch or firewall that polices UDP per source (storm control, DDoS protection) cuts off every pod of the node once the node is busy: the cluster dies intermittently under load, etcd loses its leader, and ping works one way only (seed 003, where ~22 Mbit/s was the limit). This is an underlay fault: no change on the node fixes it.',
      zh: 'podpath 逐步提高发往对端 agent 的 UDP 速率(绝不超过 --max-rate),从对端得知到达了多少报文,并在首次丢包时停止。如果随后对端完全不再应答(连小探测也不应答),说明路径被黑洞:podpath 会持续观察直到对端恢复,并报告用时。VXLAN 把一个节点的所有 Pod 流量作为两台主机之间的 UDP 承载,所以按源地址限速 UDP 的交换机或防火墙(风暴抑制、DDoS 防护)会在节点繁忙时切断该节点的所有 Pod:集群在负载下间歇性瘫痪,etcd 丢失 leader,ping 单向可通(种子 003,阈值约 22 Mbit/s)。这是底层网络故障,节点上的修改无法解决。',
    },
    remediation: [
      {
        description: { en: 'Give the network team the rate and the duration: the device between the nodes must not police UDP 8472/4789 between cluster nodes (storm control, UDP flood protection)', zh: '把速率和持续时间交给网络团队:节点之间的设备不得对集群节点之间的 UDP 8472/4789 限速(风暴抑制、UDP 洪泛防护)' },
        commands: ['iperf3 -u -c {to} -b {cleanRate} -t 10  # below the limit: passes', 'iperf3 -u -c {to} -b {onsetRate} -t 10  # loses, then the host is cut off'],
        undo: ['# nothing to undo: read-only checks (the second one reproduces the outage: warn the owners first)'],
      },
    ],
    references: ['seeds/003_2b1b2eccaee5794d.txt', 'kb:known-failures.md#6 (underlay rate limit / blackhole)'],
  },
  check(ctx) {
    const ramps = probesOf(ctx.facts).filter((p) => p.ramp);
    if (ramps.length === 0) return ctx.skip('noRateRamp');
    for (const p of ramps) {
      const r = p.ramp!;
      if (r.lossOnsetBps === undefined) continue;
      const data = { from: p.from, to: p.to, onset: rate(r.lossOnsetBps) };
      const clean: Phrase = r.lastCleanBps ? { id: 'cleanAt', data: { rate: rate(r.lastCleanBps) } } : { id: 'noCleanStep' };
      // iperf3 reads `-b` in its own units (14.2M); `-b 0` would mean unlimited, so without a clean
      // step (one lossy iperf3 run in a transcript) the command below the limit tries half the rate.
      const commandData = { onsetRate: iperfRate(r.lossOnsetBps), cleanRate: iperfRate(r.lastCleanBps || Math.floor(r.lossOnsetBps / 2)) };
      // The evidence's own field names (the same in every language), the words around them said through PROBE_QUOTES.
      const watched = r.blackhole ? (r.recoveredAfterMs !== undefined ? `, recoveredAfterMs ${r.recoveredAfterMs}` : `, watchedMs ${r.watchedMs ?? 0}`) : '';
      const fields = `${r.lastCleanBps ? `lastCleanBps ${rate(r.lastCleanBps)}, ` : ''}lossOnsetBps ${rate(r.lossOnsetBps)}${r.blackhole ? `, blackhole${watched}` : ''}`;
      const notRecovered: Said[] = r.blackhole && r.recoveredAfterMs === undefined ? [{ entry: PROBE_QUOTES.notRecovered }] : [];
      const evidence: ReportLine[] = [{ source: p.source, text: { entry: PROBE_QUOTES.ramp, data: { from: p.from, to: p.to, fields }, parts: { notRecovered } } }];
      if (r.blackhole) {
        const recovery: Phrase = r.recoveredAfterMs !== undefined
          ? { id: 'recoveredAfter', data: { seconds: (r.recoveredAfterMs / 1000).toFixed(1) } }
          : r.watchedMs ? { id: 'notRecovered', data: { seconds: (r.watchedMs / 1000).toFixed(0) } } : { id: 'notWatched' };
        if (r.estimatedLimitBps !== undefined) {
          evidence.push(probeLine(p, `estimatedLimitBps ≈ ${rate(r.estimatedLimitBps)}, estimatedBurstBytes ≈ ${Math.round((r.estimatedBurstBytes ?? 0) / 1000)} kB`));
          ctx.report({ messageId: 'blackholeEstimated', data: { ...data, limit: rate(r.estimatedLimitBps), burst: `${Math.round((r.estimatedBurstBytes ?? 0) / 1000)} kB` }, phrases: { recovery }, commandData, evidence });
        } else {
          ctx.report({ messageId: 'blackhole', data, phrases: { clean, recovery }, commandData, evidence });
        }
      } else {
        ctx.report({ messageId: 'rateLimit', severity: 'warning', data, phrases: { clean }, commandData, evidence });
      }
    }
  },
});
