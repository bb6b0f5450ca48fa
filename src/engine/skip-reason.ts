// Why a rule was skipped, said flat: "no links: `ip -s -d link` is not in the bundle
// (sos_commands/networking/ip_-s_-d_link)" instead of the three nested parentheses the sources'
// reasons and the engine's `no <key> (...)` used to stack. The sources keep writing their reasons
// as before (`X: not in the bundle (no P)`, `no interfaces (A; B)`); they are rewritten here once.
import { evidenceName } from '../evidence/names.js';

/** A command line in backquotes; a path (it starts with /) as it is. */
function named(what: string): string {
  const w = what.trim();
  return w.startsWith('/') || w.startsWith('`') ? w : `\`${w}\``;
}

/** At most one level of parentheses: a group inside a group becomes a comma-separated part of it. */
function oneLevel(text: string): string {
  let depth = 0;
  let out = '';
  let quoted = false;
  for (const ch of text) {
    if (ch === '`') quoted = !quoted;
    if (!quoted && ch === '(') {
      depth++;
      out += depth === 1 ? ch : ', ';
      continue;
    }
    if (!quoted && ch === ')' && depth > 0) {
      depth--;
      if (depth === 0) out += ch;
      continue;
    }
    out += ch;
  }
  return out.replace(/, ,/g, ',').replace(/ ,/g, ',');
}

/** A source's or rule's reason, flat; `unwrap` drops a source's own `no X (...)` around its reasons. */
export function flatReason(reason: string, unwrap = false): string {
  let r = reason
    .replace(/(^|[(;]\s*)([^;()\s][^;()]*?): not in the bundle \(no ([^()]+)\)/g, (_, lead: string, what: string, where: string) => `${lead}${named(what)} is not in the bundle (${where})`)
    .replace(/(^|[(;]\s*)([^;()`\s][^;()`]*?): not in the bundle/g, (_, lead: string, what: string) => `${lead}${named(what)} is not in the bundle`);
  // "no interfaces (A; B)": the caller says what is missing; A and B say why.
  const wrapped = unwrap ? /^no [^()]*? \((.*)\)$/.exec(r) : null;
  if (wrapped?.[1] !== undefined && balanced(wrapped[1])) r = wrapped[1];
  return oneLevel(r.replace(/; /g, ', '));
}

function balanced(text: string): boolean {
  let depth = 0;
  for (const ch of text) {
    if (ch === '(') depth++;
    else if (ch === ')' && --depth < 0) return false;
  }
  return depth === 0;
}

/** `no <evidence>: <why>` for one missing section (why: the source's reason, when it gave one). */
export function missingReason(key: string, sourceReason: string | undefined): string {
  return sourceReason === undefined ? `no ${evidenceName(key)}` : `no ${evidenceName(key)}: ${flatReason(sourceReason, true)}`;
}
