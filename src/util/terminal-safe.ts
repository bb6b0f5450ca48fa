// Text from bundles, captures, transcripts and peers is hostile: an escape sequence can hide a
// payload on screen (ESC[8m) while a copy of the line still carries it, and a newline inside a
// name can forge a report line. Everything such text passes through on its way to a terminal,
// a Markdown file or a printed command goes through these functions first.

// C0 controls except none, DEL, C1 controls, and the Unicode line/paragraph separators and
// bidirectional overrides and marks, zero-width characters (a "Trojan Source" reorder or an
// invisible character is as good as a hidden payload).
// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u061c\ufeff\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
// eslint-disable-next-line no-control-regex
const UNSAFE_KEEP_NEWLINES = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200b-\u200f\u061c\ufeff\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

function escapeChar(ch: string): string {
  const code = ch.codePointAt(0)!;
  if (code === 0x09) return '\\t';
  if (code === 0x0a) return '\\n';
  if (code === 0x0d) return '\\r';
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

/** One line, every control character shown as a visible escape (`\x1b`, `\n`): safe to print. */
export function oneLine(text: string): string {
  return text.replace(UNSAFE, escapeChar);
}

/** As oneLine, but keeps line feeds (for multi-line blocks the renderer itself splits). */
export function safeBlock(text: string): string {
  return text.replace(UNSAFE_KEEP_NEWLINES, escapeChar);
}

/** Cuts a line to at most `max` characters, saying how much was left out. */
export function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  return `${text.slice(0, max)}… (${text.length - max} more characters)`;
}

/** oneLine + clip: what a report prints of a line it did not write itself. */
export function displayLine(text: string, max = 400): string {
  return clip(oneLine(text), max);
}
