// One plane only: every pair fails on some plane combinations while the others pass for every pair,
// e.g. the underlay (host->host) carries everything and the overlay nothing (the VXLAN path: FDB,
// checksums, port, firewall), or the pod plane fails while the host plane passes (forwarding,
// bridge, policy). Cluster-wide; one node's or a group's plane failure is mesh-node / mesh-group.
import { defineRule } from '../../engine/types.js';
import { explanationsOf } from '../shared/mesh-pattern.js';
import { baseData, cellEvidence, NEXT_STEPS, nextStepOf, placeOf } from '../shared/mesh-quote.js';

export default defineRule({
  meta: {
    id: 'mesh-plane-only',
    kind: 'mesh',
    title: { en: 'One plane fails everywhere, the others pass', zh: '某一平面处处失败,其他平面通过' },
    severity: 'error',
    needs: ['mesh'],
    messages: {
      everyNode: { en: 'every node', zh: '每个节点' },
      reach: {
        en: 'Every pair fails on {planes} ({failing} cells) while every pair passes on {passingPlanes}',
        zh: '{planes} 上每个节点对都失败({failing} 个单元格),而 {passingPlanes} 上每个节点对都通过',
      },
      size: {
        en: 'Every pair stops above {limit} bytes on {planes} ({failing} cells) while {passingPlanes} carry every size',
        zh: '{planes} 上每个节点对在超过 {limit} 字节 后止步({failing} 个单元格),而 {passingPlanes} 各种大小都能通过',
      },
      rate: {
        en: 'Every pair loses above {limit} on {planes} ({failing} cells) while {passingPlanes} stay clean',
        zh: '{planes} 上每个节点对在超过 {limit} 后丢包({failing} 个单元格),而 {passingPlanes} 保持无损',
      },
      ...NEXT_STEPS,
    },
    explanation: {
      en: 'The plane combinations are host->host (the underlay) and host->pod, pod->host, pod->pod (the overlay). When one set fails for every pair and the other passes for every pair, no node stands out: the fault is in what that plane adds on every node, the VXLAN path (the FDB, the VXLAN port in a firewall or security group, checksums) or the pod side (forwarding, the bridge, network policy).',
      zh: '平面组合有 host->host(底层)以及 host->pod、pod->host、pod->pod(overlay)。当一组对每个节点对都失败、另一组对每个节点对都通过时,没有哪个节点与众不同:故障在该平面在每个节点上额外引入的部分,即 VXLAN 路径(FDB、防火墙或安全组中的 VXLAN 端口、校验和)或 Pod 侧(转发、网桥、网络策略)。',
    },
    remediation: [
      {
        description: { en: 'Check what the failing plane adds, on any node', zh: '在任一节点上检查失败平面额外引入的部分' },
        commands: ['# on any node: podpath doctor; the VXLAN port (8472/udp for flannel, 4789/udp for Calico) must be open between all nodes'],
        undo: ['# nothing to undo: these only read'],
      },
    ],
    references: ['issue:13'],
  },
  check(ctx) {
    for (const e of explanationsOf(ctx.evidence.mesh!, 'all')) {
      if (e.passingPlanes.length === 0) continue; // every plane: mesh-all-fail
      const placed = e.symptom === 'reach' ? placeOf(e) : undefined;
      ctx.report({ messageId: e.symptom, detailId: nextStepOf(e), data: baseData(e), phrases: { where: { id: 'everyNode' } }, evidence: [...cellEvidence(e), ...(placed?.evidence ?? [])] });
    }
  },
});
