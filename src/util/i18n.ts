// The one way podpath says anything in a language: a catalogue entry (`{ en, zh }` with `{name}`
// placeholders) filled from data by t(). Every catalogue (rule messages and reasons, engine and
// missing-evidence reasons, report labels, evidence names) is a table of such entries, and
// test/catalogue checks each has both languages with the same placeholders.
import { PodpathError } from './errors.js';

export type Lang = 'en' | 'zh';
export const LANGS: readonly Lang[] = ['en', 'zh'];

/** Text in both languages podpath speaks. Placeholders are `{name}`, filled from data. */
export interface Localized { en: string; zh: string }

export type MessageData = Record<string, string | number>;

/**
 * Why something could not be judged or had, as a code with parameters, rendered in either language
 * through a catalogue (never free English text that a translator would have to guess at).
 * `because` lists the reasons under it ("no links: A, B"), said flat after it.
 */
export interface ReasonRef { code: string; data?: MessageData; because?: ReasonRef[] }

const PLACEHOLDER = /\{([A-Za-z_][A-Za-z0-9_]*)\}/g;

// English count nouns after a placeholder ("{failing} cells") are said in the singular when the
// count is 1 ("1 cell"), so a template needs no variant per count. Chinese has no plural.
const COUNTED = /\{([A-Za-z_][A-Za-z0-9_]*)\} (cells|pairs|nodes|packets|drops|times|findings|rounds|echoes|probes|datagrams|segments|errors|entries|lines|rules|files|bytes|senders|peers|agents)\b/g;
const SINGULAR: Record<string, string> = { echoes: 'echo', entries: 'entry' };

/** Fills `{name}` from data; a placeholder without data stays visible, so a missing value shows. */
export function formatMessage(template: string, data: MessageData = {}): string {
  const counted = template.replace(COUNTED, (whole, name: string, noun: string) => (
    Object.hasOwn(data, name) && String(data[name]) === '1' ? `{${name}} ${SINGULAR[noun] ?? noun.slice(0, -1)}` : whole
  ));
  return counted.replace(PLACEHOLDER, (whole, name: string) => (Object.hasOwn(data, name) ? String(data[name]) : whole));
}

/** The placeholder names a template uses, in order of first use. */
export function placeholdersOf(template: string): string[] {
  const names: string[] = [];
  for (const m of template.matchAll(PLACEHOLDER)) if (m[1] !== undefined && !names.includes(m[1])) names.push(m[1]);
  return names;
}

/** Placeholders a template uses that data does not fill. */
export function unfilledPlaceholders(template: string, data: MessageData = {}): string[] {
  return placeholdersOf(template).filter((n) => !Object.hasOwn(data, n));
}

/** A catalogue entry in a language, its placeholders filled from data. */
export function t(entry: Localized, lang: Lang, data?: MessageData): string {
  return formatMessage(entry[lang], data);
}

/**
 * Words of a catalogue entry with the data that fills it, said once the language is known (a rule
 * reports before the run's language is applied). `parts` fill placeholders with further entries; a
 * list of them is joined by the language's comma. Values in `data` are quoted as they are.
 */
export interface Said { entry: Localized; data?: MessageData; parts?: Record<string, Said | readonly Said[]> }

/** Between the items of a list said in words (`a, b` / `a，b`). */
export const LIST_SEPARATOR: Localized = { en: ', ', zh: '，' };

/** Says a Said in a language; `data` values may be adjusted first (clipped) by `value`. */
export function sayIn(s: Said, lang: Lang, value: (v: string | number) => string | number = (v) => v): string {
  const data: MessageData = Object.fromEntries(Object.entries(s.data ?? {}).map(([k, v]) => [k, value(v)]));
  for (const [k, p] of Object.entries(s.parts ?? {})) {
    data[k] = isSaidList(p) ? p.map((x) => sayIn(x, lang, value)).join(LIST_SEPARATOR[lang]) : sayIn(p, lang, value);
  }
  return formatMessage(s.entry[lang], data);
}

function isSaidList(p: Said | readonly Said[]): p is readonly Said[] {
  return Array.isArray(p);
}

/** Placeholders a Said leaves unfilled in a language, its parts included. */
export function unfilledIn(s: Said, lang: Lang): string[] {
  const filled = { ...s.data, ...Object.fromEntries(Object.keys(s.parts ?? {}).map((k) => [k, ''])) };
  const parts = Object.values(s.parts ?? {}).flatMap((p) => (isSaidList(p) ? [...p] : [p]));
  return [...unfilledPlaceholders(s.entry[lang], filled), ...parts.flatMap((p) => unfilledIn(p, lang))];
}

/** What is wrong with one catalogue entry: a language missing or empty, or placeholders that differ. */
export function entryProblems(where: string, entry: Localized | undefined): string[] {
  if (!entry || typeof entry.en !== 'string' || typeof entry.zh !== 'string') return [`${where}: needs both en and zh`];
  const problems: string[] = [];
  if (entry.en.trim() === '') problems.push(`${where}.en is empty`);
  if (entry.zh.trim() === '') problems.push(`${where}.zh is empty`);
  const en = placeholdersOf(entry.en).sort().join(',');
  const zh = placeholdersOf(entry.zh).sort().join(',');
  if (en !== zh) problems.push(`${where}: placeholders differ between en {${en}} and zh {${zh}}`);
  return problems;
}

/**
 * --lang wins; else the locale: LC_ALL, then LC_MESSAGES, then LANG (POSIX order); `zh*` means
 * Chinese, anything else English.
 */
export function resolveLang(explicit: string | undefined, env: NodeJS.ProcessEnv = process.env): Lang {
  if (explicit !== undefined) {
    const v = explicit.trim().toLowerCase();
    if (v === 'zh' || v.startsWith('zh-') || v.startsWith('zh_')) return 'zh';
    if (v === 'en' || v.startsWith('en-') || v.startsWith('en_')) return 'en';
    throw new PodpathError('E_BAD_LANG', `unknown language "${explicit}": use zh or en`);
  }
  const locale = env.LC_ALL || env.LC_MESSAGES || env.LANG || '';
  return locale.toLowerCase().startsWith('zh') ? 'zh' : 'en';
}
