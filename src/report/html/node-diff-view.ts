// `podpath diff A B` as HTML: the two nodes' values side by side, grouped as the text report groups
// them (the category of its most relevant difference first), each row marked by how much it matters
// (high: known to break overlay traffic; medium: can; low: context, folded away), the lines behind
// each value a click away, and what could not be compared.
import { evidenceName } from '../../evidence/names.js';
import { CATEGORIES, type Category, type Difference, type NodeDiff, type Relevance } from '../../evidence/node-diff.js';
import type { Localized } from '../../engine/types.js';
import { minOf } from '../../util/arrays.js';
import { show } from '../safe-text.js';
import { heading } from './doctor-view.js';
import { html, type SafeHtml } from './html.js';
import { fill, tr, type Text } from './i18n.js';
import type { NodeDiffPart } from './model.js';

const CATEGORY_WORDS: Record<Category, Localized> = {
  kernel: { en: 'Kernel build and history', zh: '内核版本与历史' },
  os: { en: 'Operating system', zh: '操作系统' },
  nic: { en: 'NIC drivers', zh: '网卡驱动' },
  offload: { en: 'Offload features', zh: '卸载特性' },
  mtu: { en: 'MTUs', zh: 'MTU' },
  vxlan: { en: 'VXLAN devices', zh: 'VXLAN 设备' },
  peers: { en: 'Each node\'s view of the other (neighbour, FDB, route)', zh: '各节点对另一节点的视图(邻居、FDB、路由)' },
  sysctl: { en: 'Sysctls', zh: '内核参数' },
  routes: { en: 'Routes (normalised)', zh: '路由(已归一化)' },
  'packet-filter': { en: 'Packet filter', zh: '包过滤' },
  'network-manager': { en: 'NetworkManager', zh: 'NetworkManager' },
  cni: { en: 'CNI', zh: 'CNI' },
  modules: { en: 'Kernel modules', zh: '内核模块' },
};

const WORDS = {
  heading: { en: 'Node diff: {a} (healthy) and {b} (broken)', zh: '节点对比:{a}(正常)与 {b}(故障)' },
  subject: { en: 'node diff', zh: '节点对比' },
  summary: { en: 'Summary', zh: '摘要' },
  verdictSome: { en: 'The nodes differ where it matters', zh: '两个节点在关键处不同' },
  verdictNone: { en: 'No relevant difference', zh: '没有相关差异' },
  line: { en: '{relevant} relevant differences ({high} high), {low} of low relevance', zh: '{relevant} 个相关差异(其中 {high} 个高),{low} 个低相关' },
  caption: { en: '{title}: A is the healthy node, B the broken one', zh: '{title}:A 为正常节点,B 为故障节点' },
  what: { en: 'What', zh: '项目' },
  relevance: { en: 'Relevance', zh: '相关性' },
  high: { en: 'high', zh: '高' },
  medium: { en: 'medium', zh: '中' },
  low: { en: 'low', zh: '低' },
  absent: { en: '(absent)', zh: '(无)' },
  evidence: { en: 'the lines behind it', zh: '依据的原始行' },
  note: { en: 'Why it matters', zh: '为何重要' },
  lowHeading: { en: 'Differences of low relevance ({n})', zh: '低相关差异({n})' },
  notCompared: { en: 'Not compared (missing on a node): {list}', zh: '未比较(某节点缺失):{list}' },
} satisfies Record<string, Localized>;

function rankOf(r: Relevance): number {
  return ['high', 'medium', 'low'].indexOf(r);
}

function value(v: string | undefined): SafeHtml {
  return v === undefined ? html`<span class="absent">${tr(WORDS.absent)}</span>` : html`<code>${show(v)}</code>`;
}

function row(d: Difference): SafeHtml {
  const ev = d.evidence.a.length + d.evidence.b.length === 0 ? '' : html`<details class="ev"><summary>${tr(WORDS.evidence)}</summary><ul class="evidence">${d.evidence.a.map((e) => html`<li>A <span class="src mono">${show(e.source)}:</span> <code>${show(e.text)}</code></li>`)}${d.evidence.b.map((e) => html`<li>B <span class="src mono">${show(e.source)}:</span> <code>${show(e.text)}</code></li>`)}</ul></details>`;
  return html`<tr class="rel-${d.relevance}" data-key="${show(d.key, 200)}" data-relevance="${d.relevance}"><th scope="row" class="mono">${show(d.key, 200)}</th><td class="va">${value(d.a)}</td><td class="vb">${value(d.b)}</td><td class="rel">${tr(WORDS[d.relevance])}</td><td>${d.note ? html`<span lang="en">${show(d.note)}</span>` : ''}${ev}</td></tr>`;
}

function table(title: Localized, items: readonly Difference[]): SafeHtml {
  const caption = { en: WORDS.caption.en.replace('{title}', title.en), zh: WORDS.caption.zh.replace('{title}', title.zh) };
  return html`<div class="scroll"><table class="node-diff"><caption>${tr(caption)}</caption><thead><tr><th scope="col">${tr(WORDS.what)}</th><th scope="col">A</th><th scope="col">B</th><th scope="col">${tr(WORDS.relevance)}</th><th scope="col">${tr(WORDS.note)}</th></tr></thead><tbody>${items.map(row)}</tbody></table></div>`;
}

export function nodeDiffView(part: NodeDiffPart, prefix: string): { summary: SafeHtml; body: SafeHtml; subject: Text } {
  const d: NodeDiff = part.diff;
  const relevant = d.differences.filter((x) => x.relevance !== 'low');
  const low = d.differences.filter((x) => x.relevance === 'low');
  const high = d.differences.filter((x) => x.relevance === 'high').length;
  const groups = CATEGORIES.map((cat) => ({ cat, items: relevant.filter((x) => x.category === cat) })).filter((g) => g.items.length > 0);
  groups.sort((x, y) => minOf(x.items.map((i) => rankOf(i.relevance))) - minOf(y.items.map((i) => rankOf(i.relevance))) || CATEGORIES.indexOf(x.cat) - CATEGORIES.indexOf(y.cat));
  const a = show(part.labelA);
  const b = show(part.labelB);
  const id = `${prefix}summary`;
  const verdict = d.relevantCount > 0 ? 'findings' : 'healthy';
  const summary = html`<section class="summary" id="${id}" aria-labelledby="${id}-h"><h2 id="${id}-h">${tr(WORDS.summary)}</h2><p class="verdict v-${verdict}" data-verdict="${verdict}">${tr(d.relevantCount > 0 ? WORDS.verdictSome : WORDS.verdictNone)}</p><p class="diff-line" data-relevant="${d.relevantCount}" data-high="${high}" data-low="${low.length}">${tr(fill(WORDS.line, { relevant: d.relevantCount, high, low: low.length }))}</p></section>`;
  const sections = groups.map((g) => html`${heading(3, tr(CATEGORY_WORDS[g.cat]))}${table(CATEGORY_WORDS[g.cat], g.items)}`);
  const lowView = low.length === 0 ? '' : html`<details class="low"><summary>${tr(fill(WORDS.lowHeading, { n: low.length }))}</summary>${table({ en: 'Low relevance', zh: '低相关' }, low)}</details>`;
  const notCompared = d.notCompared.length === 0 ? '' : html`<p class="note">${tr(fill(WORDS.notCompared, { list: d.notCompared.map((n) => `${evidenceName(n.section)} (${n.missingOn.join('+').toUpperCase()})`).join(', ') }), (s) => show(s, Number.MAX_SAFE_INTEGER))}</p>`;
  const anchor = `${prefix}nd`;
  const body = html`<section class="node-diff" id="${anchor}" aria-labelledby="${anchor}-h">${heading(2, tr(fill(WORDS.heading, { a, b })), `${anchor}-h`)}${sections}${lowView}${notCompared}</section>`;
  return { summary, body, subject: WORDS.subject };
}
