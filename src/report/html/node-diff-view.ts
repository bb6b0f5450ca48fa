// `podpath diff A B` as HTML: the two nodes' values side by side, grouped as the text report groups
// them (the category of its most relevant difference first), each row marked by how much it matters
// (high: known to break overlay traffic; medium: can; low: context, folded away), the lines behind
// each value a click away, and what could not be compared.
import { evidenceName } from '../../evidence/names.js';
import { CATEGORIES, type Relevance } from '../../evidence/node-diff.js';
import { sayNotes } from '../../evidence/node-diff-notes.js';
import type { Localized } from '../../engine/types.js';
import { minOf } from '../../util/arrays.js';
import { show } from '../safe-text.js';
import { heading } from './doctor-view.js';
import { html, type SafeHtml } from './html.js';
import { fill, tr, type Text } from './i18n.js';
import type { NodeDiffPart } from './model.js';

type Row = NodeDiffPart['diff']['differences'][number];
import { NODE_DIFF_WORDS, CATEGORY_WORDS } from './view-words.js';


const WORDS = NODE_DIFF_WORDS;

function rankOf(r: Relevance): number {
  return ['high', 'medium', 'low'].indexOf(r);
}

/** A side's value; one in podpath's words (a run's, not read from JSON) in both languages. */
function value(d: Row, side: 'a' | 'b'): SafeHtml {
  const v = d[side];
  if (v === undefined) return html`<span class="absent">${tr(WORDS.absent)}</span>`;
  const words = 'words' in d ? d.words?.[side] : undefined;
  return words ? html`<code>${tr({ en: sayNotes([words], 'en'), zh: sayNotes([words], 'zh') }, (x) => show(x))}</code>` : html`<code>${show(v)}</code>`;
}

/** A run's notes in both languages; a note read from JSON is the English line it was. */
function noteOf(note: Row['note']): SafeHtml | string {
  if (note === undefined || note.length === 0) return '';
  if (typeof note === 'string') return html`<span lang="en">${show(note)}</span>`;
  return tr({ en: sayNotes(note, 'en'), zh: sayNotes(note, 'zh') }, (x) => show(x));
}

function row(d: Row): SafeHtml {
  const ev = d.evidence.a.length + d.evidence.b.length === 0 ? '' : html`<details class="ev"><summary>${tr(WORDS.evidence)}</summary><ul class="evidence">${d.evidence.a.map((e) => html`<li>A <span class="src mono">${show(e.source)}:</span> <code>${show(e.text)}</code></li>`)}${d.evidence.b.map((e) => html`<li>B <span class="src mono">${show(e.source)}:</span> <code>${show(e.text)}</code></li>`)}</ul></details>`;
  return html`<tr class="rel-${d.relevance}" data-key="${show(d.key, 200)}" data-relevance="${d.relevance}"><th scope="row" class="mono">${show(d.key, 200)}</th><td class="va">${value(d, 'a')}</td><td class="vb">${value(d, 'b')}</td><td class="rel">${tr(WORDS[d.relevance])}</td><td>${noteOf(d.note)}${ev}</td></tr>`;
}

function table(title: Localized, items: readonly Row[]): SafeHtml {
  const caption = { en: WORDS.caption.en.replace('{title}', title.en), zh: WORDS.caption.zh.replace('{title}', title.zh) };
  return html`<div class="scroll"><table class="node-diff"><caption>${tr(caption)}</caption><thead><tr><th scope="col">${tr(WORDS.what)}</th><th scope="col">A</th><th scope="col">B</th><th scope="col">${tr(WORDS.relevance)}</th><th scope="col">${tr(WORDS.note)}</th></tr></thead><tbody>${items.map(row)}</tbody></table></div>`;
}

export function nodeDiffView(part: NodeDiffPart, prefix: string): { summary: SafeHtml; body: SafeHtml; subject: Text } {
  const d: NodeDiffPart['diff'] = part.diff;
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
  const lowView = low.length === 0 ? '' : html`<details class="low"><summary>${tr(fill(WORDS.lowHeading, { n: low.length }))}</summary>${table(WORDS.lowTitle, low)}</details>`;
  const notCompared = d.notCompared.length === 0 ? '' : html`<p class="note">${tr(fill(WORDS.notCompared, { list: d.notCompared.map((n) => `${evidenceName(n.section)} (${n.missingOn.join('+').toUpperCase()})`).join(', ') }), (s) => show(s, Number.MAX_SAFE_INTEGER))}</p>`;
  const anchor = `${prefix}nd`;
  const body = html`<section class="node-diff" id="${anchor}" aria-labelledby="${anchor}-h">${heading(2, tr(fill(WORDS.heading, { a, b })), `${anchor}-h`)}${sections}${lowView}${notCompared}</section>`;
  return { summary, body, subject: WORDS.subject };
}
