// Fills a rule's command template (`ethtool -K {nic} lro off`) with values from evidence. The values
// come from customers' bundles, and the printed line is pasted into a root shell, so the filler
// reads the template as sh does and puts each value in according to where it sits:
//   - a whole unquoted word (`-K {nic}`, or inside `$(...)`): quoted for sh (shellQuote), so the
//     value is exactly one argument whatever it holds; a value starting with `-` would be read as
//     an option and is refused;
//   - part of a word (`ifcfg-{nic}`, `kernel-{v}`) or inside quotes ('...{nic}...', "..{nic}.."):
//     the text there is read by a second language too (a file name, a sed regex, an ifcfg or udev
//     value that is sourced or matched later, JSON), so only a plain token is accepted;
//   - a comment: shown with control characters escaped (a newline would end the comment).
// A value that does not fit is refused: the command is replaced by a comment saying why, never
// printed half-safe. Control characters are refused everywhere but in comments: ESC[8m could hide
// the rest of the line on screen while a copy carries it.
import { shellQuote } from '../util/shell-quote.js';
import { LIMITS } from '../util/limits.js';
import { displayLine, oneLine } from '../util/terminal-safe.js';
import { t, type Lang, type Localized } from '../util/i18n.js';

const PLACEHOLDER = /\{([A-Za-z_][A-Za-z0-9_]*)\}/y;
/** What a value may be when a second language reads it: no sh, regex, glob, JSON or path metacharacter. */
const TOKEN = /^[A-Za-z0-9_][A-Za-z0-9_.+@-]*$/;
/** Characters that end an unquoted word (or start a new one) in sh. */
const WORD_END = new Set([' ', '\t', '\n', ';', '&', '|', '(', ')', '<', '>']);

/** A command fragment a rule builds itself (its own template and values), put in as words. */
export class ShellFragment {
  constructor(
    readonly template: string,
    readonly data: Readonly<Record<string, CommandValue>> = {},
  ) {}
}

/** A value for a command placeholder: one word, several words (array), or a fragment. */
export type CommandValue = string | number | ShellFragment | readonly (string | number | ShellFragment)[];

export function fragment(template: string, data: Readonly<Record<string, CommandValue>> = {}): ShellFragment {
  return new ShellFragment(template, data);
}

export type PlaceholderContext = 'word' | 'part' | 'single-quoted' | 'double-quoted' | 'comment';

export interface Refusal {
  placeholder: string;
  value: string;
  context: PlaceholderContext;
  /** Why, in a few English words (the caller localizes). */
  why: 'control' | 'option' | 'empty' | 'token' | 'missing' | 'shape' | 'long';
}

export type FillResult = { ok: true; text: string } | { ok: false; refusal: Refusal };

class Refused extends Error {
  constructor(readonly refusal: Refusal) {
    super(refusal.why);
  }
}

interface Frame {
  kind: 'top' | 'subshell' | 'double';
}

/**
 * The context of every `{placeholder}` in a template, as sh would read the finished line. Templates
 * are ours, so an unsupported construct (backquotes, a quote left open) is a programming error.
 */
export function placeholderContexts(template: string): { name: string; start: number; end: number; context: PlaceholderContext }[] {
  const found: { name: string; start: number; end: number; context: PlaceholderContext }[] = [];
  const stack: Frame[] = [{ kind: 'top' }];
  let i = 0;
  const top = () => stack[stack.length - 1]!;
  const atWordStart = (pos: number) => pos === 0 || WORD_END.has(template[pos - 1]!);
  // `${VAR:?message}` is the shell's own expansion (a value the user supplies), never a placeholder.
  const skipExpansion = (pos: number) => {
    const close = template.indexOf('}', pos);
    if (close < 0) throw new Error(`command template leaves \${ open: ${template}`);
    return close + 1;
  };
  while (i < template.length) {
    const ch = template[i]!;
    const frame = top();
    PLACEHOLDER.lastIndex = i;
    const m = ch === '{' ? PLACEHOLDER.exec(template) : null;
    if (m) {
      const end = i + m[0].length;
      let context: PlaceholderContext;
      if (frame.kind === 'double') context = 'double-quoted';
      else {
        const before = i === 0 ? ' ' : template[i - 1]!;
        const after = end >= template.length ? ' ' : template[end]!;
        context = WORD_END.has(before) && WORD_END.has(after) ? 'word' : 'part';
      }
      found.push({ name: m[1]!, start: i, end, context });
      i = end;
      continue;
    }
    if (frame.kind === 'double') {
      if (ch === '\\') i += 2;
      else if (ch === '"') {
        stack.pop();
        i++;
      } else if (ch === '$' && template[i + 1] === '(') {
        stack.push({ kind: 'subshell' });
        i += 2;
      } else if (ch === '$' && template[i + 1] === '{') i = skipExpansion(i);
      else if (ch === '`') throw new Error(`command template uses backquotes: ${template}`);
      else i++;
      continue;
    }
    // Unquoted (top level or inside $(...)).
    if (ch === '\\') i += 2;
    else if (ch === "'") {
      const close = template.indexOf("'", i + 1);
      if (close < 0) throw new Error(`command template leaves a single quote open: ${template}`);
      for (let j = i + 1; j < close; j++) {
        PLACEHOLDER.lastIndex = j;
        const q = template[j] === '{' ? PLACEHOLDER.exec(template) : null;
        if (q) {
          found.push({ name: q[1]!, start: j, end: j + q[0].length, context: 'single-quoted' });
          j += q[0].length - 1;
        }
      }
      i = close + 1;
    } else if (ch === '"') {
      stack.push({ kind: 'double' });
      i++;
    } else if (ch === '$' && template[i + 1] === '(') {
      stack.push({ kind: 'subshell' });
      i += 2;
    } else if (ch === '$' && template[i + 1] === '{') i = skipExpansion(i);
    else if (ch === ')' && frame.kind === 'subshell') {
      stack.pop();
      i++;
    } else if (ch === '#' && atWordStart(i)) {
      if (stack.length > 1) throw new Error(`command template has a comment inside quotes or $(...): ${template}`);
      for (let j = i + 1; j < template.length; j++) {
        PLACEHOLDER.lastIndex = j;
        const q = template[j] === '{' ? PLACEHOLDER.exec(template) : null;
        if (q) {
          found.push({ name: q[1]!, start: j, end: j + q[0].length, context: 'comment' });
          j += q[0].length - 1;
        }
      }
      i = template.length;
    } else if (ch === '`') throw new Error(`command template uses backquotes: ${template}`);
    else i++;
  }
  if (stack.length !== 1) throw new Error(`command template leaves a quote or $( open: ${template}`);
  return found;
}

function asText(v: string | number): string {
  return typeof v === 'number' ? String(v) : v;
}

function refuse(placeholder: string, value: string, context: PlaceholderContext, why: Refusal['why']): never {
  throw new Refused({ placeholder, value, context, why });
}

function oneWord(name: string, v: string | number | ShellFragment, context: PlaceholderContext): string {
  if (v instanceof ShellFragment) {
    if (context !== 'word') refuse(name, fill(v.template, v.data), context, 'shape');
    return fill(v.template, v.data);
  }
  if (typeof v === 'number' && !Number.isFinite(v)) refuse(name, String(v), context, 'token');
  const text = asText(v);
  if (context === 'comment') return displayLine(text, 200);
  if (text.length > LIMITS.evidenceLine.value) refuse(name, text, context, 'long');
  if (oneLine(text) !== text) refuse(name, text, context, 'control');
  if (context === 'word') {
    if (text === '') refuse(name, text, context, 'empty');
    if (text.startsWith('-')) refuse(name, text, context, 'option');
    return shellQuote(text);
  }
  if (!TOKEN.test(text)) refuse(name, text, context, 'token');
  return text;
}

function fill(template: string, data: Readonly<Record<string, CommandValue>>): string {
  let out = '';
  let at = 0;
  for (const p of placeholderContexts(template)) {
    out += template.slice(at, p.start);
    at = p.end;
    if (!Object.hasOwn(data, p.name)) refuse(p.name, '', p.context, 'missing');
    const v = data[p.name]!;
    if (Array.isArray(v)) {
      if (p.context === 'comment') out += displayLine(v.map((x) => (x instanceof ShellFragment ? fill(x.template, x.data) : asText(x))).join(' '), 200);
      else if (p.context !== 'word') refuse(p.name, v.join(' '), p.context, 'shape');
      else out += v.map((x) => oneWord(p.name, x, 'word')).join(' ');
    } else {
      out += oneWord(p.name, v as string | number | ShellFragment, p.context);
    }
  }
  return (out + template.slice(at)).trimEnd();
}

/** Fills a command template, or says which value could not be put in safely and why. */
export function fillCommand(template: string, data: Readonly<Record<string, CommandValue>> = {}): FillResult {
  try {
    return { ok: true, text: fill(template, data) };
  } catch (e) {
    if (e instanceof Refused) return { ok: false, refusal: e.refusal };
    throw e;
  }
}

/** Why a value was refused, and the note printed instead of the command (catalogue entries). */
export const REFUSAL_TEXTS = {
  control: { en: 'it holds control characters', zh: '其中含有控制字符' },
  option: { en: 'it starts with "-" and would be read as an option', zh: '以 "-" 开头,会被当作选项' },
  empty: { en: 'it is empty', zh: '它是空的' },
  token: { en: 'it holds characters that are not safe there (only letters, digits and _ . + @ - are)', zh: '其中含有在该处不安全的字符(只允许字母、数字和 _ . + @ -)' },
  missing: { en: 'the finding did not give it', zh: '该结论没有给出它' },
  shape: { en: 'a list of words cannot go there', zh: '该处不能放入多个词' },
  long: { en: 'it is longer than any real value', zh: '它比任何真实的值都长' },
  unknownValue: { en: '# command not shown: a value it needs is not known; do this step by hand', zh: '# 未给出该命令:它需要的一个值未知;请手工完成此步骤' },
  unsafeValue: {
    en: '# command not shown: the value "{value}" cannot be put into it safely ({why}); check it by hand before doing this step',
    zh: '# 未给出该命令:值 "{value}" 无法安全地放入命令({why});请手工核对后再执行此步骤',
  },
} satisfies Record<Refusal['why'] | 'unknownValue' | 'unsafeValue', Localized>;

/**
 * The line printed instead of a refused command: a shell comment (harmless if pasted) naming the
 * value, shown with its control characters escaped and clipped.
 */
export function refusalNote(r: Refusal, lang: Lang): string {
  if (r.why === 'missing') return t(REFUSAL_TEXTS.unknownValue, lang);
  return t(REFUSAL_TEXTS.unsafeValue, lang, { value: displayLine(r.value, 80), why: t(REFUSAL_TEXTS[r.why], lang) });
}
