// Message formatting in the two languages podpath speaks: `{name}` placeholders filled from a
// report's data (as ESLint's meta.messages), and the language chosen from --lang or the locale.
import type { Lang, Localized } from './types.js';
import { PodpathError } from '../util/errors.js';

const PLACEHOLDER = /\{([A-Za-z_][A-Za-z0-9_]*)\}/g;

export type MessageData = Record<string, string | number>;

/** Fills `{name}` from data; a placeholder without data stays visible, so a missing value shows. */
export function formatMessage(template: string, data: MessageData = {}): string {
  return template.replace(PLACEHOLDER, (whole, name: string) => (Object.hasOwn(data, name) ? String(data[name]) : whole));
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

export function localize(text: Localized, lang: Lang, data?: MessageData): string {
  return formatMessage(text[lang], data);
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
