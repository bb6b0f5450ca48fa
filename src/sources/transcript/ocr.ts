// Typos a page or a screenshot's OCR puts into package names (`kerne1-t001s-11bs`, `kernel-t00L5`,
// `kernel-moduLes`): a word of a package name is corrected only when one reading of the usual
// confusions (0/o, 1/l/I, 5/s, letter case) gives exactly a word kernel packages use. Versions are
// never touched: `4.19.96` may be a typo of `4.19.90`, but nothing says which.

const WORDS = new Set([
  'kernel', 'tools', 'libs', 'modules', 'extra', 'core', 'headers', 'devel', 'debug', 'internal', 'abi', 'stablelists',
  'firmware', 'linux', 'image', 'generic', 'signed', 'uek', 'rt', 'lts', 'cross', 'python', 'perf', 'bpftool',
]);

const CONFUSED: Record<string, string> = { '0': 'o', '1': 'l', '5': 's', I: 'l', L: 'l' };

/** The word as it was meant, or the word itself when no certain correction exists. */
export function fixWord(word: string): string {
  if (WORDS.has(word)) return word;
  const lower = word.toLowerCase();
  if (WORDS.has(lower)) return lower;
  const mapped = [...word].map((c) => CONFUSED[c] ?? c.toLowerCase()).join('');
  return WORDS.has(mapped) ? mapped : word;
}

/** `kerne1-t001s-11bs-4.19.90-52.49.V2207.ky10.x86_64` -> `kernel-tools-libs-4.19.90-52.49.V2207.ky10.x86_64`. */
export function fixPackageName(nevra: string): string {
  // The name ends at the first `-<digit>` (a loop: the lazy regex for it backtracked on `-0-0-0...`).
  let cut = -1;
  for (let i = 1; i < nevra.length - 1; i++) {
    if (nevra[i] === '-' && nevra.charCodeAt(i + 1) >= 48 && nevra.charCodeAt(i + 1) <= 57) { cut = i; break; }
  }
  const name = nevra.slice(0, cut);
  const rest = nevra.slice(cut);
  if (cut < 0 || !/^[A-Za-z0-9][\w+.-]*$/.test(name) || /[\n\r\u2028\u2029]/.test(rest)) return nevra;
  return `${name.split('-').map(fixWord).join('-')}${rest}`;
}
