// Failing cells no pattern explains (not everything, no cut, group or node, not one direction):
// listed with where each loss was placed, so no failing cell goes unreported. Ranked last.
import { defineRule } from '../../engine/types.js';
import { probeEvidenceOf } from '../../evidence/mesh-probe.js';
import { explanationsOf } from '../shared/mesh-pattern.js';
import { placeLoss } from '../shared/loss-place.js';
import { baseData, cellEvidence, MESH_PHRASES, morePairs, pairsOf } from '../shared/mesh-quote.js';

export default defineRule({
  meta: {
    id: 'mesh-scattered',
    kind: 'mesh',
    title: { en: 'Failing pairs with no common pattern', zh: '无共同模式的失败节点对' },
    severity: 'warning',
    needs: ['mesh'],
    messages: {
      ...MESH_PHRASES,
      reach: {
        en: '{pairs} fail on {planes} ({failing} cells) with no node, group, cut or direction in common; {places}',
        zh: '{pairs} 在 {planes} 上失败({failing} 个单元格),没有共同的节点、分组、割裂或方向;{places}',
      },
      size: {
        en: '{pairs} stop above {limit} bytes on {planes} ({failing} cells) with no node, group, cut or direction in common',
        zh: '{pairs} 在 {planes} 上超过 {limit} 字节 后止步({failing} 个单元格),没有共同的节点、分组、割裂或方向',
      },
      rate: {
        en: '{pairs} lose above {limit} on {planes} ({failing} cells) with no node, group, cut or direction in common',
        zh: '{pairs} 在 {planes} 上超过 {limit} 后丢包({failing} 个单元格),没有共同的节点、分组、割裂或方向',
      },
      places: { en: 'losses placed at: {list}', zh: '丢包位置:{list}' },
      next: {
        en: 'Probe one failing pair on its own (`podpath probe` from its sender) and run the mesh again: cells that fail now and then are load or flapping links; cells that fail again are a pair\'s own path',
        zh: '单独探测一个失败的节点对(在其发送端运行 `podpath probe`)并再次运行 mesh:时好时坏的单元格是负载或链路抖动;再次失败的单元格是该节点对自身的路径问题',
      },
    },
    explanation: {
      en: 'The pattern analysis claims each failing cell once, for the widest explanation (everything, a cut, a group, a node, one direction); the cells left over are listed here with where the counters place each loss.',
      zh: '模式分析将每个失败单元格只归入一个最宽的解释(全部、割裂、分组、节点、单方向);剩余的单元格在此列出,并附上计数器判断的丢包位置。',
    },
    remediation: [
      {
        description: { en: 'Probe a failing pair on its own', zh: '单独探测一个失败的节点对' },
        commands: ['# on the sender of a failing pair: podpath probe --peer <its address>'],
        undo: ['# nothing to undo: this only measures'],
      },
    ],
    references: ['issue:13'],
  },
  check(ctx) {
    for (const e of explanationsOf(ctx.evidence.mesh!, 'scattered')) {
      const pairs = [...new Set(e.cells.map((c) => `${c.from} -> ${c.to}`))];
      const places = [...new Set(e.cells.map((c) => {
        const p = probeEvidenceOf(c);
        return p ? placeLoss(p)?.place : undefined;
      }).filter((p): p is NonNullable<typeof p> => p !== undefined && p !== 'delivered'))];
      ctx.report({
        messageId: e.symptom,
        detailId: 'next',
        data: { ...baseData(e), pairs: pairsOf(pairs).pairs },
        phrases: { places: e.symptom === 'reach' && places.length ? { id: 'places', data: { list: places.join(', ') } } : [], ...morePairs(pairs) },
        evidence: cellEvidence(e),
      });
    }
  },
});
