// A cut: every pair across two groups of nodes fails (or stops above a size, or loses above a rate)
// while the pairs within each group pass. The groups are a property the nodes share (a subnet, a
// zone label): what fails is a device between them, seed 003's "device between the subnets".
import { defineRule } from '../../engine/types.js';
import { explanationsOf } from '../shared/mesh-pattern.js';
import { baseData, cellEvidence, groupName, placeOf } from '../shared/mesh-quote.js';

export default defineRule({
  meta: {
    id: 'mesh-cut',
    kind: 'mesh',
    title: { en: 'A cut between two groups of nodes', zh: '两组节点之间被割断' },
    severity: 'error',
    needs: ['mesh'],
    messages: {
      alsoShared: { en: 'also shared: {properties}', zh: '它们还共有:{properties}' },
      nothingElseShared: { en: 'no other shared property', zh: '没有其他共同属性' },
      otherNodes: { en: 'the other nodes', zh: '其他节点' },
      reach: {
        en: 'A device between {a} ({aNodes}) and {b} ({bNodes}) drops the traffic: {failing} cells across them fail{direction} on {planes}, while {passing} cells within each group pass',
        zh: '{a}({aNodes})与 {b}({bNodes})之间的设备丢弃了流量:两组之间 {failing} 个单元格失败{direction}(平面 {planes}),而组内 {passing} 个单元格通过',
      },
      size: {
        en: 'A device between {a} ({aNodes}) and {b} ({bNodes}) drops datagrams above {limit} bytes: {failing} cells across them stop there{direction} on {planes}, while {passing} cells within each group carry every size',
        zh: '{a}({aNodes})与 {b}({bNodes})之间的设备丢弃超过 {limit} 字节的数据报:两组之间 {failing} 个单元格在此止步{direction}(平面 {planes}),而组内 {passing} 个单元格各种大小都能通过',
      },
      rate: {
        en: 'A device between {a} ({aNodes}) and {b} ({bNodes}) cuts traffic above {limit}: {failing} rate ramps across them lose{direction} on {planes}, while {passing} within each group stay clean',
        zh: '{a}({aNodes})与 {b}({bNodes})之间的设备在超过 {limit} 后切断流量:两组之间 {failing} 个速率爬升丢包{direction}(平面 {planes}),而组内 {passing} 个保持无损',
      },
      oneWay: { en: ' (from {from} to {to} only)', zh: '(仅从 {from} 到 {to})' },
      next: {
        en: 'Both groups are healthy on their own; look at what joins them ({also}): a router, firewall, VPN or cloud gateway between {a} and {b}.',
        zh: '两组各自正常;检查连接它们的设备({also}):{a} 与 {b} 之间的路由器、防火墙、VPN 或云网关',
      },
    },
    explanation: {
      en: 'The rule tests which node property (subnet first, then each node label) splits the failing cells from the passing ones. A cut is the split where exactly the pairs across the two groups fail and the pairs within each pass: neither group is broken, the path between them is. With the DF size sweep the limit is the largest size that crossed; with the rate ramp, the rate at which loss began (seed 003: UDP above 1472 bytes dropped, a host cut off above ~22 Mbit/s).',
      zh: '本规则检验哪个节点属性(先子网,后各节点标签)能把失败的单元格与通过的分开。割裂是指恰好两组之间的节点对失败、组内节点对通过:两组都没坏,坏的是它们之间的路径。有 DF 大小扫描时,限制为能通过的最大大小;有速率爬升时,为开始丢包的速率(seed 003:超过 1472 字节的 UDP 被丢弃,超过约 22 Mbit/s 时主机被切断)。',
    },
    remediation: [
      {
        description: { en: 'Find the hop between the groups that drops it', zh: '找出两组之间丢弃流量的那一跳' },
        commands: ['# from a node of one group: tracepath -n <address of a node in the other> (the cells quoted name both); the last hop that answers is before the device'],
        undo: ['# nothing to undo: tracepath only reads'],
      },
      {
        description: { en: 'Then fix the device between {a} and {b}', zh: '然后修复 {a} 与 {b} 之间的设备' },
        commands: ['# raise its MTU or allow fragments, lift its rate limit, or open the path: a change outside the nodes'],
        undo: ['# undo that change on the device'],
      },
    ],
    references: ['seed:003', 'issue:13'],
  },
  check(ctx) {
    const m = ctx.evidence.mesh!;
    for (const e of explanationsOf(m, 'cut')) {
      const p = e.pattern;
      const a = groupName(p.a);
      const b = p.b.value ? groupName({ property: p.a.property, value: p.b.value }) : `the other nodes`;
      const oneWay = p.direction === 'both' ? undefined : p.direction === 'a->b' ? { from: a, to: b } : { from: b, to: a };
      const first = e.cells[0]!;
      const placed = e.symptom === 'reach' ? placeOf(e) : undefined;
      ctx.report({
        messageId: e.symptom,
        detailId: 'next',
        data: { ...baseData(e), a, b, aNodes: p.a.nodes.join(', '), bNodes: p.b.nodes.join(', '), toAddress: first.toAddress },
        phrases: {
          direction: oneWay ? { id: 'oneWay', data: oneWay } : [],
          also: p.alsoShared.length ? { id: 'alsoShared', data: { properties: p.alsoShared.join(', ') } } : { id: 'nothingElseShared' },
          ...(p.b.value ? {} : { b: { id: 'otherNodes' } }),
        },
        evidence: [...cellEvidence(e), ...(placed?.evidence ?? [])],
      });
    }
  },
});
