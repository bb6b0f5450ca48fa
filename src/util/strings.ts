// Small string helpers written as loops where the regular expression would backtrack on hostile
// input (test/static/redos.test.ts).

/** `s` without the trailing run of `ch` (`/a/b//` -> `/a/b` for '/'). */
export function trimEndChar(s: string, ch: string): string {
  let end = s.length;
  while (end > 0 && s[end - 1] === ch) end--;
  return s.slice(0, end);
}

/** `s` cut at the first `marker` (the marker and what follows it removed); `s` when absent. */
export function cutAt(s: string, marker: string): string {
  const i = s.indexOf(marker);
  return i < 0 ? s : s.slice(0, i);
}
