// One node: its row (everything it sends), its column (everything sent to it) or both fail, on
// some planes, while every other pair passes. Named with the cells and what to check on it.
import { defineRule } from '../../engine/types.js';
import { explanationsOf } from '../shared/mesh-pattern.js';
import { MESH_PHRASES, noPlanes, baseData, cellEvidence, sidePhrases, unmeasuredEvidence, NEXT_STEPS, nextStepOf, placeOf } from '../shared/mesh-quote.js';

export default defineRule({
  meta: {
    id: 'mesh-node',
    kind: 'mesh',
    title: { en: 'One node fails', zh: '单个节点失败' },
    severity: 'error',
    needs: ['mesh'],
    messages: {
      ...MESH_PHRASES,
      reach: {
        en: '{node} is the broken node: {side} ({failing} cells) while every other pair passes ({passing} cells); planes without failures: {passingPlanes}',
        zh: '{node} 是故障节点:{side}({failing} 个单元格),其他节点对都通过({passing} 个单元格);无失败的平面:{passingPlanes}',
      },
      size: {
        en: '{node} stops datagrams above {limit} bytes: {side} ({failing} cells) while every other pair carries every size ({passing} cells)',
        zh: '{node} 使超过 {limit} 字节的数据报无法通过:{side}({failing} 个单元格),其他节点对各种大小都能通过({passing} 个单元格)',
      },
      rate: {
        en: '{node} loses traffic above {limit}: {side} ({failing} cells) while every other ramp stays clean ({passing} cells)',
        zh: '{node} 在超过 {limit} 后丢失流量:{side}({failing} 个单元格),其他速率爬升保持无损({passing} 个单元格)',
      },
      row: { en: 'the pairs it sends from fail on {planes}', zh: '它作为发送方的节点对在 {planes} 上失败' },
      col: { en: 'the pairs it receives on fail on {planes}', zh: '它作为接收方的节点对在 {planes} 上失败' },
      both: { en: 'the pairs it sends from and receives on fail on {planes}', zh: '它发送与接收的节点对在 {planes} 上失败' },
      ...NEXT_STEPS,
    },
    explanation: {
      en: 'When every failing cell is in one node\'s row (it sends), its column (it receives) or both, and every other pair passes, the fault is on that node or its link. Which planes fail tells where on it: the underlay (host->host) too means its NIC, link or host firewall; only the overlay means its VXLAN path (checksums, FDB, port, firewall); only the pod plane means forwarding, the bridge or policy. The counters of the first failing cell place the loss.',
      zh: '当所有失败的单元格都在一个节点的行(它发送)、列(它接收)或两者中,而其他节点对都通过时,故障在该节点或其链路上。失败的平面指出在它上面的位置:底层(host->host)也失败说明是网卡、链路或主机防火墙;只有 overlay 失败说明是其 VXLAN 路径(校验和、FDB、端口、防火墙);只有 Pod 平面说明是转发、网桥或策略。第一个失败单元格的计数器定位丢包位置。',
    },
    remediation: [
      {
        description: { en: 'Diagnose the named node', zh: '诊断所指出的节点' },
        commands: ['# on the named node: podpath doctor, then podpath probe to a peer whose cell failed'],
        undo: ['# nothing to undo: these only read'],
      },
    ],
    references: ['issue:13'],
  },
  check(ctx) {
    for (const e of explanationsOf(ctx.evidence.mesh!, 'node')) {
      const node = e.pattern.node;
      const placed = e.symptom === 'reach' ? placeOf(e) : undefined;
      ctx.report({
        messageId: e.symptom,
        detailId: nextStepOf(e),
        data: { ...baseData(e), node, where: node },
        phrases: { side: sidePhrases(e), ...noPlanes(e) },
        evidence: [...cellEvidence(e), ...unmeasuredEvidence(ctx.evidence.mesh!.cells, [node]), ...(placed?.evidence ?? [])],
      });
    }
  },
});
