// Renders a node diff (`podpath diff`) as grouped text for a terminal (picocolors; colour only on a TTY).
import pc from 'picocolors';
import { show } from './safe-text.js';
import { evidenceName } from '../evidence/names.js';
import { CATEGORIES, type Category, type NodeDiff } from '../evidence/node-diff.js';
import { minOf } from '../util/arrays.js';

const TITLES: Record<Category, string> = {
  kernel: 'Kernel build and history',
  os: 'Operating system',
  nic: 'NIC drivers',
  offload: 'Offload features',
  mtu: 'MTUs',
  vxlan: 'VXLAN devices',
  peers: 'Each node\'s view of the other (neighbour, FDB, route)',
  sysctl: 'Sysctls',
  routes: 'Routes (normalised)',
  'packet-filter': 'Packet filter',
  'network-manager': 'NetworkManager',
  cni: 'CNI',
  modules: 'Kernel modules',
};

export interface NodeDiffTextOptions {
  labelA: string;
  labelB: string;
  /** Show low-relevance differences too. */
  all?: boolean;
  colors?: boolean;
  /** Evidence lines under each difference. */
  evidence?: boolean;
}

export function renderNodeDiffText(diff: NodeDiff, opts: NodeDiffTextOptions): string {
  const c = pc.createColors(opts.colors ?? false);
  const shown = diff.differences.filter((d) => opts.all || d.relevance !== 'low');
  const hidden = diff.differences.length - shown.length;
  const out: string[] = [];
  // Keys, values, notes, evidence and the labels (file names) come from the two bundles: show() each.
  out.push(`${c.bold('podpath diff')}  A = ${show(opts.labelA)} (healthy)   B = ${show(opts.labelB)} (broken)`);
  if (shown.length === 0) out.push(c.green(diff.relevantCount === 0 ? 'No relevant difference.' : ''));
  const byCategory = CATEGORIES.map((cat) => ({ cat, items: shown.filter((d) => d.category === cat) })).filter((g) => g.items.length > 0);
  // Groups in the order of their most relevant difference, then the fixed category order.
  const firstRank = (items: typeof shown) => minOf(items.map((d) => ['high', 'medium', 'low'].indexOf(d.relevance)));
  byCategory.sort((x, y) => firstRank(x.items) - firstRank(y.items) || CATEGORIES.indexOf(x.cat) - CATEGORIES.indexOf(y.cat));
  for (const { cat, items } of byCategory) {
    out.push('');
    out.push(c.bold(TITLES[cat]));
    for (const d of items) {
      const mark = d.relevance === 'high' ? c.red('!!') : d.relevance === 'medium' ? c.yellow(' !') : c.dim(' .');
      out.push(`${mark} ${show(d.key)}`);
      out.push(`     A: ${d.a === undefined ? c.dim('(absent)') : show(d.a)}`);
      out.push(`     B: ${d.b === undefined ? c.dim('(absent)') : show(d.b)}`);
      if (d.note) out.push(c.dim(`     ${show(d.note)}`));
      if (opts.evidence) {
        for (const e of d.evidence.a) out.push(c.dim(`       A ${show(e.source)}: ${show(e.text)}`));
        for (const e of d.evidence.b) out.push(c.dim(`       B ${show(e.source)}: ${show(e.text)}`));
      }
    }
  }
  out.push('');
  const high = diff.differences.filter((d) => d.relevance === 'high').length;
  out.push(`${diff.relevantCount} relevant difference(s) (${high} high)${hidden > 0 ? `, ${hidden} of low relevance not shown (--all)` : ''}.`);
  if (diff.notCompared.length > 0) {
    out.push(c.dim(`Not compared (missing): ${show(diff.notCompared.map((n) => `${evidenceName(n.section)} on ${n.missingOn.join('+').toUpperCase()}`).join(', '), Number.MAX_SAFE_INTEGER)}`));
  }
  return out.join('\n') + '\n';
}
