// What reports print of text they did not write themselves (names, evidence, paths, messages built
// from bundle data): one line, control characters as visible escapes, clipped; in Markdown also
// escaped so a name cannot open a heading, a link, HTML, a table cell or a code span of its own.
import { maxOf } from '../util/arrays.js';
import { LIMITS } from '../util/limits.js';
import { oneLine } from '../util/terminal-safe.js';

/** For a terminal: one line, no control characters, at most LIMITS.evidenceLine characters (then a note). */
export function show(text: string | number | undefined, max: number = LIMITS.evidenceLine.value): string {
  if (text === undefined) return '';
  const s = String(text);
  // Clip before escaping: a 300 MiB line is not copied whole only to be cut afterwards.
  return s.length > max ? `${oneLine(s.slice(0, max))}… (${s.length - max} more characters)` : oneLine(s);
}

// Inline markup anywhere (emphasis, code, links, images, HTML, entities, tables, strike-through,
// math), and what opens a block at the start of a line (heading, list, quote, setext underline).
// An underscore inside a word opens nothing (CommonMark's flanking rules): x86_64 stays readable.
const MD_INLINE = /[\\`*[\]<>|~&$]|(?<![A-Za-z0-9])_|_(?![A-Za-z0-9])/g;
const MD_LINE_START = /^(\s*)([#>+=-]|\d+(?=[.)]))/;

function mdInline(text: string | number | undefined, max?: number): string {
  return show(text, max).replace(MD_INLINE, (c) => `\\${c}`);
}

/** For Markdown prose, a heading or a list item: as `show`, with everything that could start markup escaped. */
export function mdText(text: string | number | undefined, max?: number): string {
  return mdInline(text, max).replace(MD_LINE_START, (_, sp: string, c: string) => (/^\d/.test(c) ? `${sp}${c}\\` : `${sp}\\${c}`));
}

/** A table cell: inline markup and pipes escaped (a cell cannot open a block). */
export function mdCell(text: string | number | undefined, max?: number): string {
  return mdInline(text, max);
}

function longestRun(text: string, ch: string): number {
  let best = 0;
  let run = 0;
  for (const c of text) {
    run = c === ch ? run + 1 : 0;
    if (run > best) best = run;
  }
  return best;
}

/** An inline code span that holds the text whatever backquotes it contains (CommonMark: a longer fence). */
export function mdCode(text: string | number | undefined, max?: number): string {
  const s = show(text, max);
  const fence = '`'.repeat(longestRun(s, '`') + 1);
  const pad = s.startsWith('`') || s.endsWith('`') || s.startsWith(' ') ? ' ' : '';
  return `${fence}${pad}${s}${pad}${fence}`;
}

/** A fenced code block whose fence no line inside can close. */
export function mdBlock(lang: string, lines: readonly string[]): string[] {
  const shown = lines.map((l) => show(l, Number.MAX_SAFE_INTEGER));
  const fence = '`'.repeat(Math.max(3, maxOf(shown.map((l) => longestRun(l, '`') + 1), 0)));
  return [`${fence}${lang}`, ...shown, fence];
}

/** Every heading `levels` deeper, outside fenced code blocks (a command may start with `#`). */
export function demoteHeadings(md: string, levels: number): string {
  let fence = '';
  return md
    .split('\n')
    .map((line) => {
      const f = /^`{3,}/.exec(line)?.[0];
      if (f !== undefined && fence === '') fence = f;
      else if (f !== undefined && f.length >= fence.length && line.trim() === f) fence = '';
      else if (fence === '' && line.startsWith('#')) return '#'.repeat(levels) + line;
      return line;
    })
    .join('\n');
}

// JSON.stringify escapes only C0 controls; DEL, C1 (0x9b is a CSI), the line separators and the
// bidi overrides would still reach a terminal that prints the JSON. Escaped, the values stay the same.
const JSON_UNSAFE = /[\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/** JSON text with the same values as JSON.stringify, and no character a terminal would act on. */
export function jsonText(value: unknown, indent = 2): string {
  return JSON.stringify(value, null, indent).replace(JSON_UNSAFE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
