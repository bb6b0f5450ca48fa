// The first pass over a pasted transcript: physical lines, each cleaned of what a terminal, a chat
// or a web page adds around command output (Windows line ends, colour codes, other control
// characters, Markdown fences, a blog's line-number gutter), keeping its line number.
import type { TLine } from './types.js';

// Control characters are what these patterns are for.
/* eslint-disable no-control-regex */
/** CSI sequences (`ESC [ 1;31 m`), OSC sequences (`ESC ] 0;title BEL`) and two-byte escapes. */
const CSI = /\x1b\[[0-?]*[ -/]*[@-~]/g;
const OSC = /\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?/g;
const ESC2 = /\x1b[@-Z\\-_]/g;
/** Backspace over-striking (`a\bb`, as `man` and some progress bars print): the later character stays. */
const BACKSPACED = /[^\n\x08]\x08/g;
const CONTROL = /[\x00-\x08\x0b-\x1f\x7f]/g;
/** An opening or closing fence, alone or glued to the first line (```` ```[2833841.216] ````). */
/* eslint-enable no-control-regex */
const FENCE_START = /^\s*(?:`{3,}|~{3,})/;
const FENCE_LANG = /^[\w+-]{1,20}$/;

/** Removes terminal escapes and control characters (tabs stay: several outputs indent with them). */
export function stripTerminal(text: string): string {
  let t = text.replace(OSC, '').replace(CSI, '').replace(ESC2, '');
  if (t.includes('\x08')) t = t.replace(BACKSPACED, '');
  return t.replace(CONTROL, '');
}

/** Removes a Markdown fence from a line; a fence line alone becomes empty. */
export function stripFence(text: string): string {
  const start = FENCE_START.exec(text);
  let t = text;
  if (start) {
    const rest = t.slice(start[0].length);
    // ```shell opens a block: the word is the block's language, not content.
    t = FENCE_LANG.test(rest.trim()) ? '' : rest;
  }
  return stripFenceEnd(t);
}

/** The transcript's lines, numbered from 1, cleaned; line ends may be \n, \r\n or \r. */
export function physicalLines(text: string): TLine[] {
  const raw = text.split(/\r\n|\r|\n/);
  if (raw.length > 0 && raw[raw.length - 1] === '') raw.pop();
  return raw.map((line, i) => ({ no: i + 1, text: stripFence(stripTerminal(line)).trimEnd() }));
}

const INTEGER = /^\d{1,5}$/;

/**
 * A blog's line-number gutter copied with the code: lines holding only 1, 2, 3, ... N. A run of
 * two or more is dropped; a lone `1` only when a prompt follows it (a one-line block).
 */
export function dropLineNumberRuns(lines: TLine[]): TLine[] {
  const out: TLine[] = [];
  for (let i = 0; i < lines.length; i++) {
    const t = lines[i]!.text.trim();
    if (t === '1') {
      let j = i;
      while (j + 1 < lines.length && INTEGER.test(lines[j + 1]!.text.trim()) && Number(lines[j + 1]!.text.trim()) === j - i + 2) j++;
      const next = lines[j + 1]?.text.trim() ?? '';
      if (j > i || /^[$#%[]/.test(next)) {
        i = j;
        continue;
      }
    }
    out.push(lines[i]!);
  }
  return out;
}

/**
 * A gutter kept on each line (`1 [root@node ~]# uname -a`, `2 Linux node1 ...`): three or more
 * lines in a row that start with 1, 2, 3, ... and a space or tab lose that number. `ip addr`'s
 * `1: lo:` has a colon and is left alone.
 */
export function dropPerLineNumbers(lines: TLine[]): TLine[] {
  const out = [...lines];
  for (let i = 0; i < out.length; i++) {
    if (!/^1[ \t]/.test(out[i]!.text)) continue;
    let n = 0;
    while (i + n < out.length && new RegExp(`^${n + 1}[ \\t]`).test(out[i + n]!.text)) n++;
    if (n < 3) continue;
    for (let k = 0; k < n; k++) out[i + k] = { ...out[i + k]!, text: out[i + k]!.text.slice(String(k + 1).length + 1) };
    i += n - 1;
  }
  return out;
}

/**
 * An inline line-number run (`... 1 2 3 4 5 $ cat /etc/os-release ...`): a page that lost the
 * line breaks of a code block keeps its gutter as a run of numbers before the code. Returns where
 * the code starts and how many numbers there were, or undefined.
 */
export function inlineNumberRun(text: string): { prose: string; code: string; count: number } | undefined {
  const words = text.split(' ');
  for (let i = 0; i < words.length; i++) {
    if (words[i] !== '1') continue;
    let n = 1;
    while (words[i + n] === String(n + 1)) n++;
    const rest = words.slice(i + n).join(' ').trim();
    if (rest === '') continue;
    // One number is a gutter only before a prompt or a command (`1 ethtool --offload eth0 tx off`).
    if (n < 2 && !/^[$#] /.test(rest) && !/^[a-z][\w.-]*\s+-/.test(rest)) continue;
    return { prose: words.slice(0, i).join(' ').trim(), code: rest, count: n };
  }
  return undefined;
}

/** `text` without a closing fence of 3+ backquotes at its end (and the blanks around it). */
function stripFenceEnd(text: string): string {
  const t = text.trimEnd();
  let i = t.length;
  while (i > 0 && t[i - 1] === '`') i--;
  return t.length - i >= 3 ? t.slice(0, i).trimEnd() : text;
}
