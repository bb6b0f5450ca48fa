// Why a rule was not judged, as codes with data, said in either language: the engine's own codes
// are here, a rule's in its meta.reasons, a source's reasons for missing evidence in
// evidence/missing-reasons.ts. `no links: A, B` is a missingEvidence reason with A and B `because`.
import { evidenceName } from '../evidence/names.js';
import { MISSING_REASONS } from '../evidence/missing-reasons.js';
import { t } from './i18n.js';
import type { Lang, Localized, ReasonRef, Rule } from './types.js';

export const ENGINE_REASONS = {
  /** A needed section was not collected; data.evidence is its key, said by its name. */
  missingEvidence: { en: 'no {evidence}', zh: '缺少 {evidence}' },
  internalError: { en: 'internal error: `{message}`', zh: '内部错误:`{message}`' },
} satisfies Record<string, Localized>;

export type EngineReason = keyof typeof ENGINE_REASONS;

/** How reasons are put together: a reason and what it rests on, a list of those, several reasons. */
export const REASON_JOINERS = {
  because: { en: '{reason}: {because}', zh: '{reason}:{because}' },
  list: { en: ', ', zh: ', ' },
  reasons: { en: '; ', zh: '; ' },
} satisfies Record<string, Localized>;

function entryFor(code: string, rule?: Rule): Localized | undefined {
  return rule?.meta.reasons?.[code] ?? (ENGINE_REASONS as Record<string, Localized>)[code] ?? (MISSING_REASONS as Record<string, Localized>)[code];
}

/** The text of one reason in a language, with what it rests on said flat after it. */
export function reasonText(ref: ReasonRef, lang: Lang, rule?: Rule): string {
  const data = ref.code === 'missingEvidence' ? { ...ref.data, evidence: evidenceName(String(ref.data?.evidence ?? ''), lang) } : ref.data;
  const entry = entryFor(ref.code, rule);
  // A code this build does not know (facts from a newer podpath) still shows, as its code and data.
  const own = entry ? t(entry, lang, data) : [ref.code, ...Object.entries(data ?? {}).map(([k, v]) => `${k}=${String(v)}`)].join(' ');
  if (!ref.because || ref.because.length === 0) return own;
  const under = ref.because.map((r) => reasonText(r, lang, rule)).join(t(REASON_JOINERS.list, lang));
  return t(REASON_JOINERS.because, lang, { reason: own, because: under });
}

/** All of a result's reasons as one line. */
export function reasonsText(refs: readonly ReasonRef[], lang: Lang, rule?: Rule): string {
  return refs.map((r) => reasonText(r, lang, rule)).join(t(REASON_JOINERS.reasons, lang));
}
