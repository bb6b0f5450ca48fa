// HTML built only through the `html` template tag: every interpolated value is text unless it is
// already SafeHtml made by this module, so text from a bundle or a JSON file can never become markup.
// Text also loses its control characters, line separators and bidi overrides (shown as visible
// escapes, as in the terminal report), so it cannot reorder or hide what is around it.
import { oneLine } from '../../util/terminal-safe.js';

/** Markup this module made: interpolated as is. Nothing else is. */
export class SafeHtml {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

const ENTITY: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

// Lone surrogates would become U+FFFD on output anyway; said here so the text is what the file holds.
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
// Beyond what oneLine escapes: the invisible bidi marks (LRM, RLM, ALM), which still reorder
// neutral characters around them, and the zero-width characters that hide text inside a name.
const INVISIBLE = /[\u061c\u200b-\u200f\u2060\ufeff]/g;

/**
 * Text for an HTML text node or a double-quoted attribute value: control characters as visible
 * escapes, then the five characters that mean something in markup as entities.
 */
export function escapeText(text: string | number): string {
  return plainText(text).replace(/[&<>"']/g, (c) => ENTITY[c]!);
}

/** Text made visible as escapeText makes it, without the entities: for text the page's script sets as textContent. */
export function plainText(text: string | number): string {
  return oneLine(String(text))
    .replace(LONE_SURROGATE, '\ufffd')
    .replace(INVISIBLE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

const ID = /^[A-Za-z][A-Za-z0-9_-]{0,63}$/;

/**
 * Data the page's script draws from (a heatmap's cells), once, as compact JSON in a
 * `<script type="application/json">` the browser never runs. `<`, `>`, `&` and the line separators
 * are \u escapes, so no string in it can close the element; the script reads it as textContent and
 * writes what it draws as text, never as markup. Strings in it must have been through plainText().
 */
export function dataBlock(id: string, data: unknown): SafeHtml {
  if (!ID.test(id)) throw new Error(`data block id must match ${ID}: ${JSON.stringify(id)}`);
  const json = JSON.stringify(data).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return new SafeHtml(`<script type="application/json" id="${id}">${json}</script>`);
}

export type HtmlValue = SafeHtml | string | number | undefined | null | false | readonly HtmlValue[];

function piece(v: HtmlValue): string {
  if (v === undefined || v === null || v === false) return '';
  if (v instanceof SafeHtml) return v.value;
  if (Array.isArray(v)) return (v as readonly HtmlValue[]).map(piece).join('');
  return escapeText(v as string | number);
}

/**
 * The template tag: literal parts are markup (written in this code base), values are escaped.
 * Attributes must be double-quoted in the literal (`class="${x}"`): an escaped value cannot close them.
 * Literal parts are ASCII: a non-ASCII character goes in as a value (`${'→'}`), because esbuild
 * cannot escape a tagged template's text and one such character makes V8 hold and scan the whole
 * bundle as two-byte text (test/cli/bundle-startup.test.ts).
 */
export function html(strings: TemplateStringsArray, ...values: HtmlValue[]): SafeHtml {
  let out = strings[0]!;
  for (let i = 0; i < values.length; i++) out += piece(values[i]!) + strings[i + 1]!;
  return new SafeHtml(out);
}

/** Markup that is a constant of this code base (the page's CSS and script): never input. */
export function trusted(markup: string): SafeHtml {
  return new SafeHtml(markup);
}

/** Pieces joined with a separator (itself markup or text). */
export function join(items: readonly HtmlValue[], sep: HtmlValue = ''): SafeHtml {
  const s = piece(sep);
  return new SafeHtml(items.map(piece).join(s));
}
