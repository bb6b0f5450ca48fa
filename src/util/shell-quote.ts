// Printed commands are pasted into root shells: every value that comes from evidence (an interface
// name, a path, an address) is quoted for POSIX sh before it is put into a command line.

const SAFE = /^[A-Za-z0-9_@%+=:,./-]+$/;

/** The word as sh reads it back verbatim: unchanged when plain, else single-quoted. */
export function shellQuote(word: string): string {
  if (word !== '' && SAFE.test(word)) return word;
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

/** True when the word needs no quoting at all. */
export function isPlainWord(word: string): boolean {
  return word !== '' && SAFE.test(word);
}

/** A command line from argv, each word quoted as needed. */
export function shellJoin(argv: readonly string[]): string {
  return argv.map(shellQuote).join(' ');
}
