// A group of nodes sharing a property (a subnet, a kernel build, a zone, a NIC driver: any node
// label): the group's rows, columns or both fail and nothing else does. The property is found by
// testing which one splits the failing cells from the passing ones.
import { defineRule } from '../../engine/types.js';
import { explanationsOf } from '../shared/mesh-pattern.js';
import { baseData, cellEvidence, sidePhrases, unmeasuredEvidence, groupName, NEXT_STEPS, nextStepOf, placeOf } from '../shared/mesh-quote.js';

export default defineRule({
  meta: {
    id: 'mesh-group',
    kind: 'mesh',
    title: { en: 'A group of nodes sharing a property fails', zh: '共享某一属性的一组节点失败' },
    severity: 'error',
    needs: ['mesh'],
    messages: {
      theyAlsoShare: { en: 'they also share {properties}', zh: '它们还共有 {properties}' },
      nothingSinglesOut: { en: 'no other property singles them out', zh: '没有其他属性能把它们区分出来' },
      reach: {
        en: 'The nodes with {group} ({nodes}) fail: {side} ({failing} cells) while every other pair passes ({passing} cells); {also}',
        zh: '具有 {group} 的节点({nodes})失败:{side}({failing} 个单元格),其他节点对都通过({passing} 个单元格);{also}',
      },
      size: {
        en: 'The nodes with {group} ({nodes}) stop datagrams above {limit} bytes: {side} ({failing} cells) while every other pair carries every size ({passing} cells); {also}',
        zh: '具有 {group} 的节点({nodes})使超过 {limit} 字节的数据报无法通过:{side}({failing} 个单元格),其他节点对各种大小都能通过({passing} 个单元格);{also}',
      },
      rate: {
        en: 'The nodes with {group} ({nodes}) lose traffic above {limit}: {side} ({failing} cells) while every other ramp stays clean ({passing} cells); {also}',
        zh: '具有 {group} 的节点({nodes})在超过 {limit} 后丢失流量:{side}({failing} 个单元格),其他速率爬升保持无损({passing} 个单元格);{also}',
      },
      row: { en: 'the pairs they send from fail on {planes}', zh: '它们作为发送方的节点对在 {planes} 上失败' },
      col: { en: 'the pairs they receive on fail on {planes}', zh: '它们作为接收方的节点对在 {planes} 上失败' },
      both: { en: 'the pairs they send from and receive on fail on {planes}', zh: '它们发送与接收的节点对在 {planes} 上失败' },
      ...NEXT_STEPS,
    },
    explanation: {
      en: 'The rule tests each property the nodes carry (subnet first, then every node label: kernel build, zone, NIC driver, instance type) and fires when the nodes sharing one value are exactly those whose rows, columns or both fail. What they share is the lead: a kernel build with a checksum bug, a driver, a zone\'s firewall. Pairs across two groups failing while each group\'s own pairs pass is a cut (mesh-cut), not this.',
      zh: '本规则检验节点携带的每个属性(先子网,后每个节点标签:内核版本、可用区、网卡驱动、实例类型),当共享某一取值的节点恰好是其行、列或两者失败的节点时触发。它们的共同点就是线索:带校验和缺陷的内核版本、某个驱动、某个可用区的防火墙。两组之间的节点对失败而各组内部通过是割裂(mesh-cut),不是本规则。',
    },
    remediation: [
      {
        description: { en: 'Diagnose one node of the group and compare with a node outside it', zh: '诊断该组中的一个节点,并与组外节点比较' },
        commands: ['# on one node of the group and one outside it: podpath doctor, then compare what differs besides the shared property'],
        undo: ['# nothing to undo: these only read'],
      },
    ],
    references: ['issue:13'],
  },
  check(ctx) {
    for (const e of explanationsOf(ctx.evidence.mesh!, 'group')) {
      const g = e.pattern.group;
      const placed = e.symptom === 'reach' ? placeOf(e) : undefined;
      ctx.report({
        messageId: e.symptom,
        detailId: nextStepOf(e),
        data: { ...baseData(e), group: groupName(g), nodes: g.nodes.join(', '), where: g.nodes.join(', ') },
        phrases: { side: sidePhrases(e), also: e.pattern.alsoShared.length ? { id: 'theyAlsoShare', data: { properties: e.pattern.alsoShared.join(', ') } } : { id: 'nothingSinglesOut' } },
        evidence: [...cellEvidence(e), ...unmeasuredEvidence(ctx.evidence.mesh!.cells, g.nodes), ...(placed?.evidence ?? [])],
      });
    }
  },
});
