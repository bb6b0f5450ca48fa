// Everything fails: every measured pair on every measured plane combination. Said plainly, because
// then no pattern points anywhere: the usual cause is the probe itself (agents not listening, a
// port filtered everywhere, a token or version mismatch) or something every node shares.
import { defineRule } from '../../engine/types.js';
import { explanationsOf } from '../shared/mesh-pattern.js';
import { baseData, cellEvidence } from '../shared/mesh-quote.js';

export default defineRule({
  meta: {
    id: 'mesh-all-fail',
    kind: 'mesh',
    title: { en: 'Every pair fails', zh: '所有节点对均失败' },
    severity: 'critical',
    needs: ['mesh'],
    messages: {
      reach: {
        en: 'Every pair fails on every plane measured ({planes}): {failing} cells, none passes. No node, group or link stands out',
        zh: '所测的每个平面({planes})上每个节点对都失败:{failing} 个单元格,无一通过。没有哪个节点、分组或链路与众不同',
      },
      size: {
        en: 'Every pair stops above {limit} bytes on every plane measured ({planes}): {failing} cells. The limit is everywhere: the underlay MTU or a rule every node shares',
        zh: '所测的每个平面({planes})上每个节点对在超过 {limit} 字节 后都失败:{failing} 个单元格。限制处处存在:底层网络 MTU 或所有节点共有的规则',
      },
      rate: {
        en: 'Every pair loses above {limit} on every plane measured ({planes}): {failing} cells. A limit every path shares (a shared uplink, a policer)',
        zh: '所测的每个平面({planes})上每个节点对在超过 {limit} 后都丢包:{failing} 个单元格。所有路径共有的限制(共享上行链路、限速器)',
      },
      meaning: {
        en: 'When everything fails the fault is rarely the network between the nodes: check first that the agents listen on the probe port and that no firewall on every node (or a cloud security group) drops it',
        zh: '全部失败时,故障很少在节点之间的网络:先检查各代理是否在探测端口监听,以及是否有每个节点上都存在的防火墙(或云安全组)丢弃了它',
      },
    },
    explanation: {
      en: 'Fires when every measured cell of every measured plane combination fails the same way (unreachable, or above a size, or above a rate). A cut, a group or one node would leave some cells passing; here none does, so the cause is shared by every node or lies in the measurement itself.',
      zh: '当所有被测平面组合中的每个单元格都以同样方式失败(不可达、超过某一大小或超过某一速率)时触发。割裂、分组或单个节点都会留下一些通过的单元格;这里一个都没有,所以原因是所有节点共有的,或在于测量本身。',
    },
    remediation: [
      {
        description: { en: 'Check the agents and the probe port on every node', zh: '检查每个节点上的代理和探测端口' },
        commands: ['# on each node: is the agent up and its probe port (7946/udp, 7946/tcp) open? ss -lunpt | grep 7946; nft list ruleset | grep -n 7946'],
        undo: ['# nothing to undo: these only read'],
      },
    ],
    references: ['issue:13'],
  },
  check(ctx) {
    const m = ctx.evidence.mesh!;
    for (const e of explanationsOf(m, 'all')) {
      if (e.passingPlanes.length > 0) continue; // one plane only: mesh-plane-only
      ctx.report({ messageId: e.symptom, detailId: e.symptom === 'reach' ? 'meaning' : undefined, data: baseData(e), evidence: cellEvidence(e) });
    }
  },
});
