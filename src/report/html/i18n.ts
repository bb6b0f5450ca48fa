// Both languages in one file. A translated text is written as two sibling spans,
// `<span class="i" lang="en">…</span><span class="i" lang="zh">…</span>`; the page's CSS hides the
// one that is not the document's language and the script switches `<html lang>`. Without script
// the document's language shows. Text that exists in one language only (a report read from JSON in
// one language) is one span with its `lang` and always shows; text with no language (names,
// numbers, commands, evidence) is written once.
import type { Lang, Localized } from '../../engine/types.js';
import { formatMessage } from '../../util/i18n.js';
import { html, SafeHtml, type HtmlValue } from './html.js';

export const LANGS: readonly Lang[] = ['en', 'zh'];

/** Text for the page: neutral (a string), in both languages, or in one language only. */
export type Text = string | Localized | OneLang;
export interface OneLang {
  lang: Lang;
  text: string;
}

export function isLocalized(t: Text): t is Localized {
  return typeof t === 'object' && 'en' in t && 'zh' in t;
}

/** The text as markup. `map` changes each language's string first (clipping, for instance). */
export function tr(t: Text, map: (s: string) => string = (s) => s): SafeHtml {
  if (typeof t === 'string') return html`${map(t)}`;
  if (isLocalized(t)) {
    const en = map(t.en);
    const zh = map(t.zh);
    return en === zh ? html`${en}` : html`<span class="i" lang="en">${en}</span><span class="i" lang="zh">${zh}</span>`;
  }
  return html`<span lang="${t.lang}">${map(t.text)}</span>`;
}

/** The text in one language (for places that hold no markup: an SVG <title>, an attribute). */
export function inLang(t: Text, lang: Lang): string {
  if (typeof t === 'string') return t;
  return isLocalized(t) ? t[lang] : t.text;
}

/**
 * An element whose text content the page script swaps on a language switch (where spans cannot
 * go: SVG <title>): it holds the document's language and carries the other in `data-en`/`data-zh`
 * (the script keeps the text it replaces in the attribute of its own language, to switch back).
 */
export function swapped(tag: 'title' | 'span', t: Text, lang: Lang, attrs: HtmlValue = ''): SafeHtml {
  const open = new SafeHtml(`<${tag}`);
  const close = new SafeHtml(`</${tag}>`);
  if (!isLocalized(t) || t.en === t.zh) return html`${open}${attrs}>${inLang(t, lang)}${close}`;
  const other: Lang = lang === 'en' ? 'zh' : 'en';
  return html`${open}${attrs} ${new SafeHtml(`data-${other}`)}="${t[other]}">${t[lang]}${close}`;
}

/**
 * A text of a report in the report's language, paired with the same text of the same run in the
 * other language when there is one.
 */
export function paired(lang: Lang, main: string, other?: string): Text {
  if (other === undefined) return { lang, text: main };
  return lang === 'en' ? { en: main, zh: other } : { en: other, zh: main };
}

/** `{name}` placeholders filled in each language. */
export function fill(t: Localized, vars: Record<string, string | number>): Localized {
  return { en: formatMessage(t.en, vars), zh: formatMessage(t.zh, vars) };
}
