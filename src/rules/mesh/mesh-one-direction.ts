// One direction only: pairs fail from A to B while B to A passes, and no node, group or cut explains
// them. Return routes, reverse-path filters and stateful firewalls fail this way.
import { defineRule } from '../../engine/types.js';
import { explanationsOf } from '../shared/mesh-pattern.js';
import { baseData, cellEvidence, cellSource, cellText, MESH_PHRASES, morePairs, pairsOf, placeOf, quote } from '../shared/mesh-quote.js';

export default defineRule({
  meta: {
    id: 'mesh-one-direction',
    kind: 'mesh',
    title: { en: 'Pairs fail in one direction only', zh: '节点对仅单方向失败' },
    severity: 'error',
    needs: ['mesh'],
    messages: {
      ...MESH_PHRASES,
      reach: {
        en: 'One direction only on {planes}: {pairs} ({failing} cells) fail while the way back passes',
        zh: '{pairs} 在 {planes} 上失败,而反方向通过:仅单方向({failing} 个单元格)',
      },
      size: {
        en: '{pairs} stop above {limit} bytes on {planes} while the way back carries every size: one direction only ({failing} cells)',
        zh: '{pairs} 在 {planes} 上超过 {limit} 字节 后止步,而反方向各种大小都能通过:仅单方向({failing} 个单元格)',
      },
      rate: {
        en: '{pairs} lose above {limit} on {planes} while the way back stays clean: one direction only ({failing} cells)',
        zh: '{pairs} 在 {planes} 上超过 {limit} 后丢包,而反方向保持无损:仅单方向({failing} 个单元格)',
      },
      next: {
        en: 'A one-way failure is a return route, a reverse-path filter (rp_filter with an asymmetric route) or a stateful firewall on the receiving side: run `podpath doctor` on {receivers}',
        zh: '单向失败通常是返回路由、反向路径过滤(rp_filter 与非对称路由)或接收端的有状态防火墙:在 {receivers} 上运行 `podpath doctor`',
      },
    },
    explanation: {
      en: 'Fires when each failing pair passes in the other direction and no node, group or cut accounts for the failures. The mirror cell is quoted beside the failing one.',
      zh: '当每个失败的节点对在另一方向通过,且没有节点、分组或割裂能解释这些失败时触发。失败单元格旁引用了其反方向单元格。',
    },
    remediation: [
      {
        description: { en: 'Diagnose the receiving nodes', zh: '诊断接收端节点' },
        commands: ['# on each receiving node: podpath doctor; sysctl net.ipv4.conf.all.rp_filter; ip route get <sender pod address>'],
        undo: ['# nothing to undo: these only read'],
      },
    ],
    references: ['issue:13'],
  },
  check(ctx) {
    const m = ctx.evidence.mesh!;
    for (const e of explanationsOf(m, 'direction')) {
      const pairs = [...new Set(e.cells.map((c) => `${c.from} -> ${c.to}`))];
      const mirrors = e.cells.slice(0, 3).map((c) => m.cells.find((x) => x.plane === c.plane && x.from === c.to && x.to === c.from && x.stage === c.stage)).filter((c) => c !== undefined);
      const placed = e.symptom === 'reach' ? placeOf(e) : undefined;
      ctx.report({
        messageId: e.symptom,
        detailId: 'next',
        phrases: morePairs(pairs),
        data: { ...baseData(e), pairs: pairsOf(pairs).pairs, receivers: [...new Set(e.cells.map((c) => c.to))].join(', ') },
        evidence: [...cellEvidence(e), ...mirrors.map((c) => ({ source: cellSource(c), text: quote('wayBack', undefined, { cell: cellText(c, e.symptom) }) })), ...(placed?.evidence ?? [])],
      });
    }
  },
});
