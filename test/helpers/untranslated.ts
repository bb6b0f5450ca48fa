// Finds English left in a Chinese report: a run of three or more English words outside what is
// quoted from the input or is a name. Masked first: `backquoted` spans, fenced code blocks,
// command lines (`$ ...`, `# ...` comments podpath prints instead of a refused command), URLs,
// and the strings the caller says came from the input (evidence lines, host names, paths from
// the bundle); words are tokens of letters only (`flannel.1`, `net.ipv4.ip_forward`, `10.0.0.1`,
// `NetworkManager`, `VXLAN`, `E_BUNDLE_EMPTY`, `ip-forward-off` are names, not words).
//
// It cannot pass blindly: it is shown catching English sentences (./untranslated.test.ts), and the
// command test requires it to find English in each command's English output before it trusts
// a clean Chinese one.

/** A token that is an English word: lower-case letters, optionally capitalised; `a` and `I` too. */
const WORD = /^(?:[A-Za-z][a-z]+|a|A|I)(?:'[a-z]+)?$/;
/** Punctuation that may cling to a word without ending an English phrase. */
const CLING = /^[("'[]+|[)"'\],.:;!?]+$/g;

export interface Untranslated {
  /** The English words in a row. */
  phrase: string;
  /** The line it is on (after masking). */
  line: string;
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Blanks what is not to be judged, keeping the line structure. */
export function maskQuoted(text: string, quoted: readonly string[] = []): string {
  // Colour escapes (a terminal's, not text).
  // eslint-disable-next-line no-control-regex
  let out = text.replace(/\u001b\[[0-9;]*m/g, '');
  // Longest first, so a string that contains another is masked whole.
  // A substring search first and split/join, not a RegExp a string: a cluster's JSON quotes thousands
  // of strings, and a RegExp each over the whole text held the test worker's loop for tens of seconds.
  for (const q of [...new Set(quoted)].filter((q) => q.trim().length >= 2).sort((a, b) => b.length - a.length)) {
    if (out.includes(q)) out = out.split(q).join(' ');
  }
  out = out.replace(/```[\s\S]*?```/g, ' ');
  out = out.replace(/`[^`\n]*`/g, ' ');
  out = out.replace(/\bhttps?:\/\/\S+/g, ' ');
  out = out.replace(/\b(kb|gh):\S+/g, ' ');
  return out
    .split('\n')
    .map((l) => (/^\s*(\$ |# )/.test(l) ? '' : l))
    .join('\n');
}

/** English phrases (three or more words in a row) left in a text that should be Chinese. */
export function findUntranslated(text: string, opts: { quoted?: readonly string[]; minWords?: number } = {}): Untranslated[] {
  const min = opts.minWords ?? 3;
  const found: Untranslated[] = [];
  for (const line of maskQuoted(text, opts.quoted).split('\n')) {
    let run: string[] = [];
    const flush = () => {
      if (run.length >= min) found.push({ phrase: run.join(' '), line: line.trim() });
      run = [];
    };
    // A CJK character, or any token that is not a word, ends a run.
    for (const token of line.split(/(\s+|[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]+)/)) {
      if (token === undefined || token === '' || /^\s+$/.test(token)) continue;
      const bare = token.replace(CLING, '');
      if (bare !== '' && WORD.test(bare)) run.push(bare);
      else flush();
      // A sentence ends at . ; : too, but English goes on after them: keep the run.
    }
    flush();
  }
  return found;
}

// The pieces of a list of entries, worked out once per list (the command test checks every catalogue
// after every command: recomputing them each time was most of its CPU).
const PIECES = new WeakMap<readonly object[], Map<number, { piece: string; re: RegExp }[]>>();

function piecesOf(entries: readonly { en: string; zh: string }[], min: number): { piece: string; re: RegExp }[] {
  let byMin = PIECES.get(entries);
  if (!byMin) PIECES.set(entries, (byMin = new Map()));
  let out = byMin.get(min);
  if (out) return out;
  // A piece the Chinese says too (NetworkManager, dstport, `podpath doctor`) is a name, not English.
  const chinese = entries.map((e) => e.zh).join('\n');
  const pieces = new Set(entries.flatMap((e) => e.en.split(/\{[A-Za-z_][A-Za-z0-9_]*\}/)
    .map((p) => p.replace(/^[^A-Za-z]+|[^A-Za-z]+$/g, ''))
    .filter((p) => /[A-Za-z]{4,}/.test(p) && p.split(/\s+/).length >= min && !chinese.includes(p))));
  // Whole words, not a part of an identifier (`kernel-bad-udp-checksum`, `ip_forward`).
  out = [...pieces].map((piece) => ({ piece, re: new RegExp(`(?<![A-Za-z0-9_.-])${escapeRe(piece)}(?![A-Za-z0-9_-])`) }));
  byMin.set(min, out);
  return out;
}

/**
 * The English of catalogue entries left in a text that should be Chinese: each entry's English cut
 * at its placeholders, every piece with a word of four letters or more, found as whole words
 * outside what is quoted (and not in the entry's Chinese too). Catches the one- and two-word phrases (`only here:`, `present`) that
 * findUntranslated lets pass as names; `minWords: 2` over every catalogue (one word is too often a name).
 */
export function findCatalogueEnglish(text: string, entries: readonly { en: string; zh: string }[], opts: { quoted?: readonly string[]; minWords?: number } = {}): Untranslated[] {
  const min = opts.minWords ?? 1;
  const masked = maskQuoted(text, opts.quoted).split('\n');
  const pieces = piecesOf(entries, min);
  const found: Untranslated[] = [];
  const whole = masked.join('\n');
  for (const { piece, re } of pieces) {
    if (!whole.includes(piece)) continue; // most pieces are nowhere: skip the regex per line
    for (const line of masked) if (re.test(line)) found.push({ phrase: piece, line: line.trim() });
  }
  return found;
}

/**
 * Names in either language: podpath's commands (`pcap diff`, `podpath trace`) and the tools' own
 * words said beside them (`nft list ruleset`, ip's `scope global`, iptables' `filter` table).
 */
const COMMAND_NAMES = /\b(?:podpath \w+|pcap (?:analyze|diff)|cluster (?:doctor|facts|install|uninstall|status)|node diff|list ruleset|scope (?:global|link|host)|iptables (?:filter|nat|raw|mangle)|legacy iptables)\b/g;

/** Runs of English words (at least `min`) on each line of a masked text. */
function englishRuns(masked: string, min: number): { phrase: string; line: string }[] {
  const out: { phrase: string; line: string }[] = [];
  for (const line of masked.split('\n')) {
    let run: string[] = [];
    const flush = () => {
      if (run.length >= min) out.push({ phrase: run.join(' '), line: line.trim() });
      run = [];
    };
    // Two spaces and more part columns (`rtt 2.13 ms  tcp 3/3`): a run ends there.
    for (const token of line.replace(COMMAND_NAMES, ' , ').split(/( {2,}|\s+|[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]+)/)) {
      if (token === undefined || token === '') continue;
      if (/^\s+$/.test(token)) {
        if (token.length > 1) flush();
        continue;
      }
      const bare = token.replace(CLING, '');
      // Punctuation inside a run ends it here: `came back,` and `came back` are the same two words.
      if (bare !== '' && WORD.test(bare)) run.push(bare);
      else flush();
      if (/[,.;:!?)]$/.test(token)) flush();
    }
    flush();
  }
  return out;
}

/**
 * English the Chinese output shares with the English output of the same command: every run of two
 * or more English words of the English text (outside what is quoted) that the Chinese text holds
 * too, word for word. What the input said is quoted and masked in both; what is left in both is
 * podpath's own words, not translated (`2/2 came back`, `handshakes completed`), though too short
 * for findUntranslated and in no catalogue.
 */
export function findSharedEnglish(zh: string, en: string, opts: { quoted?: readonly string[]; minWords?: number } = {}): Untranslated[] {
  const min = opts.minWords ?? 2;
  const zhMasked = maskQuoted(zh, opts.quoted);
  const zhRuns = englishRuns(zhMasked, min);
  if (zhRuns.length === 0) return [];
  const enPhrases = new Set(englishRuns(maskQuoted(en, opts.quoted), min).map((r) => r.phrase));
  const found: Untranslated[] = [];
  for (const r of zhRuns) {
    // A Chinese run that is, or holds, a run of the English text.
    const words = r.phrase.split(' ');
    let hit: string | undefined;
    for (let i = 0; i < words.length && !hit; i++) {
      for (let j = words.length; j - i >= min && !hit; j--) {
        const sub = words.slice(i, j).join(' ');
        if (enPhrases.has(sub)) hit = sub;
      }
    }
    if (hit) found.push({ phrase: hit, line: r.line });
  }
  return found;
}
