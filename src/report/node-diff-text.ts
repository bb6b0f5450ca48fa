// Renders a node diff (`podpath diff`) as grouped text for a terminal (picocolors; colour only on a TTY).
import pc from 'picocolors';
import { show } from './safe-text.js';
import { evidenceName } from '../evidence/names.js';
import { CATEGORIES, type NodeDiff } from '../evidence/node-diff.js';
import { sayNotes, sayValue } from '../evidence/node-diff-notes.js';
import { t, type Lang, type Localized, type MessageData } from '../util/i18n.js';
import { minOf } from '../util/arrays.js';

/** This report's own words, in both languages (in the catalogue: src/report/catalogue.ts). */
export const NODE_DIFF_TEXTS = {
  'title.kernel': { en: 'Kernel build and history', zh: '内核构建及其历史' },
  'title.os': { en: 'Operating system', zh: '操作系统' },
  'title.nic': { en: 'NIC drivers', zh: '网卡驱动' },
  'title.offload': { en: 'Offload features', zh: '卸载功能' },
  'title.mtu': { en: 'MTUs', zh: 'MTU' },
  'title.vxlan': { en: 'VXLAN devices', zh: 'VXLAN 设备' },
  'title.peers': { en: "Each node's view of the other (neighbour, FDB, route)", zh: '各节点眼中的对方（邻居、FDB、路由）' },
  'title.sysctl': { en: 'Sysctls', zh: '内核参数（sysctl）' },
  'title.routes': { en: 'Routes (normalised)', zh: '路由（归一化后）' },
  'title.packet-filter': { en: 'Packet filter', zh: '包过滤' },
  'title.network-manager': { en: 'NetworkManager', zh: 'NetworkManager' },
  'title.cni': { en: 'CNI', zh: 'CNI' },
  'title.modules': { en: 'Kernel modules', zh: '内核模块' },
  title: { en: 'podpath diff', zh: 'podpath 节点差异' },
  healthy: { en: 'healthy', zh: '正常' },
  broken: { en: 'broken', zh: '故障' },
  noDifference: { en: 'No relevant difference.', zh: '没有相关差异。' },
  absent: { en: '(absent)', zh: '（不存在）' },
  total: { en: '{relevant} relevant difference(s) ({high} high)', zh: '相关差异 {relevant} 项（高 {high} 项）' },
  hidden: { en: ', {hidden} of low relevance not shown (--all)', zh: '，另有 {hidden} 项低相关差异未显示（--all）' },
  end: { en: '.', zh: '。' },
  notCompared: { en: 'Not compared (missing): {sections}', zh: '未比较（缺失）：{sections}' },
  missingOn: { en: '{section} on {sides}', zh: '{sides} 上的{section}' },
  listJoin: { en: ', ', zh: '、' },
} satisfies Record<string, Localized>;

export interface NodeDiffTextOptions {
  labelA: string;
  labelB: string;
  /** Show low-relevance differences too. */
  all?: boolean;
  colors?: boolean;
  /** Evidence lines under each difference. */
  evidence?: boolean;
  lang?: Lang;
}

export function renderNodeDiffText(diff: NodeDiff, opts: NodeDiffTextOptions): string {
  const c = pc.createColors(opts.colors ?? false);
  const lang = opts.lang ?? 'en';
  const w = (k: keyof typeof NODE_DIFF_TEXTS, data?: MessageData) => t(NODE_DIFF_TEXTS[k], lang, data);
  const shown = diff.differences.filter((d) => opts.all || d.relevance !== 'low');
  const hidden = diff.differences.length - shown.length;
  const out: string[] = [];
  // Keys, values, notes, evidence and the labels (file names) come from the two bundles: show() each.
  const paren = (x: string) => (lang === 'zh' ? `（${x}）` : ` (${x})`);
  out.push(`${c.bold(w('title'))}  A = ${show(opts.labelA)}${paren(w('healthy'))}   B = ${show(opts.labelB)}${paren(w('broken'))}`);
  if (shown.length === 0) out.push(c.green(diff.relevantCount === 0 ? w('noDifference') : ''));
  const byCategory = CATEGORIES.map((cat) => ({ cat, items: shown.filter((d) => d.category === cat) })).filter((g) => g.items.length > 0);
  // Groups in the order of their most relevant difference, then the fixed category order.
  const firstRank = (items: typeof shown) => minOf(items.map((d) => ['high', 'medium', 'low'].indexOf(d.relevance)));
  byCategory.sort((x, y) => firstRank(x.items) - firstRank(y.items) || CATEGORIES.indexOf(x.cat) - CATEGORIES.indexOf(y.cat));
  for (const { cat, items } of byCategory) {
    out.push('');
    out.push(c.bold(w(`title.${cat}`)));
    for (const d of items) {
      const mark = d.relevance === 'high' ? c.red('!!') : d.relevance === 'medium' ? c.yellow(' !') : c.dim(' .');
      out.push(`${mark} ${show(d.key)}`);
      out.push(`     A: ${d.a === undefined ? c.dim(w('absent')) : show(sayValue(d, 'a', lang) ?? '')}`);
      out.push(`     B: ${d.b === undefined ? c.dim(w('absent')) : show(sayValue(d, 'b', lang) ?? '')}`);
      if (d.note) out.push(c.dim(`     ${show(sayNotes(d.note, lang))}`));
      if (opts.evidence) {
        for (const e of d.evidence.a) out.push(c.dim(`       A ${show(e.source)}: ${show(e.text)}`));
        for (const e of d.evidence.b) out.push(c.dim(`       B ${show(e.source)}: ${show(e.text)}`));
      }
    }
  }
  out.push('');
  const high = diff.differences.filter((d) => d.relevance === 'high').length;
  out.push(`${w('total', { relevant: diff.relevantCount, high })}${hidden > 0 ? w('hidden', { hidden }) : ''}${w('end')}`);
  if (diff.notCompared.length > 0) {
    const sections = diff.notCompared.map((n) => w('missingOn', { section: evidenceName(n.section, lang), sides: n.missingOn.join('+').toUpperCase() })).join(w('listJoin'));
    out.push(c.dim(w('notCompared', { sections: show(sections, Number.MAX_SAFE_INTEGER) })));
  }
  return out.join('\n') + '\n';
}
