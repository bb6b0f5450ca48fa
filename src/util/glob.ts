// Shell-style globs of `*` and `?` (NetworkManager's interface-name specs, systemd's Name= match),
// matched by the greedy two-pointer method: at most name x glob steps. A glob comes from the input,
// and as a regex (`.*` per star) a glob of many stars backtracked exponentially.
export function globMatch(glob: string, name: string): boolean {
  let g = 0;
  let n = 0;
  let star = -1;
  let mark = 0;
  while (n < name.length) {
    if (g < glob.length && (glob[g] === '?' || glob[g] === name[n])) {
      g++;
      n++;
    } else if (g < glob.length && glob[g] === '*') {
      star = g++;
      mark = n;
    } else if (star >= 0) {
      g = star + 1;
      n = ++mark;
    } else return false;
  }
  while (g < glob.length && glob[g] === '*') g++;
  return g === glob.length;
}
