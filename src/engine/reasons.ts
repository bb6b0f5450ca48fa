// Why a rule was not judged, as codes with data, and their text in both languages. The engine's
// own reasons are here; a rule's are in its meta.reasons; a source's reason for missing evidence
// is still English text translated by legacy-reason-zh.ts (to become codes too).
import { evidenceName } from '../evidence/names.js';
import { localize } from './i18n.js';
import { legacyReasonZh } from './legacy-reason-zh.js';
import { missingReason } from './skip-reason.js';
import type { Lang, Localized, ReasonRef, Rule } from './types.js';

export const ENGINE_REASONS = {
  /** A needed section was not collected (data.why: the source's own reason, English). */
  missingEvidence: { en: 'no {evidence}', zh: '缺少 {evidence}' },
  internalError: { en: 'internal error: {message}', zh: '内部错误：{message}' },
} satisfies Record<string, Localized>;

export type EngineReason = keyof typeof ENGINE_REASONS;

/** The text of one reason in a language; a rule's own codes come from its meta.reasons. */
export function reasonText(ref: ReasonRef, lang: Lang, rule?: Rule): string {
  if (ref.code === 'missingEvidence') {
    const key = String(ref.data?.evidence ?? '');
    const why = ref.data?.why === undefined ? undefined : String(ref.data.why);
    const en = missingReason(key, why);
    return lang === 'en' ? en : why === undefined ? localize(ENGINE_REASONS.missingEvidence, lang, { evidence: evidenceName(key, lang) }) : legacyReasonZh(en);
  }
  const own = rule?.meta.reasons?.[ref.code] ?? (ENGINE_REASONS as Record<string, Localized>)[ref.code];
  if (!own) return ref.code;
  return localize(own, lang, ref.data);
}

/** All of a result's reasons as one line. */
export function reasonsText(refs: readonly ReasonRef[], lang: Lang, rule?: Rule): string {
  return refs.map((r) => reasonText(r, lang, rule)).join('; ');
}
