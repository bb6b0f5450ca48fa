// The document around the views: doctype, charset, the CSP, the title, the language switch, the
// inline style and script. One file, nothing fetched.
import type { Lang } from '../../engine/types.js';
import { html, trusted, type HtmlValue, type SafeHtml } from './html.js';
import { fill, isLocalized, swapped, tr, type Text } from './i18n.js';
import { CSP, CSS, SCRIPT } from './page-assets.js';
import { w } from './words.js';
import { copyTemplates } from './doctor-view.js';

export interface PageOptions {
  lang: Lang;
  /** Words after "podpath report" in the title (a node name, "3 nodes"). */
  subject?: Text;
  generatedAt: string;
  version: string;
  body: HtmlValue;
}

export function page(o: PageOptions): SafeHtml {
  const subject = o.subject === undefined ? undefined : typeof o.subject === 'string' ? { en: o.subject, zh: o.subject } : isLocalized(o.subject) ? o.subject : { en: o.subject.text, zh: o.subject.text };
  const title = { en: `${w('pageTitle').en}${subject ? `: ${subject.en}` : ''}`, zh: `${w('pageTitle').zh}${subject ? `:${subject.zh}` : ''}` };
  const switcher = html`<div class="switch js-only" role="group" aria-label="Language / ${'语言'}"><button type="button" data-lang="en" lang="en" aria-pressed="${String(o.lang === 'en')}">English</button><button type="button" data-lang="zh" lang="zh" aria-pressed="${String(o.lang === 'zh')}">${'中文'}</button></div>`;
  return html`<!DOCTYPE html>
<html lang="${o.lang}">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${CSP}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="podpath ${o.version}">
${swapped('title', title, o.lang)}
<style>${trusted(CSS)}</style>
</head>
<body>
<a class="skip" href="#main">${tr(w('skipLink'))}</a>
<header class="top"><h1>${tr(title)}</h1><p class="meta">${tr(fill(w('generated'), { at: o.generatedAt, version: o.version }))}</p>${switcher}</header>
<main id="main">
${o.body}
</main>
${copyTemplates()}
<script>${trusted(SCRIPT)}</script>
</body>
</html>
`;
}
