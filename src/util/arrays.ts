// Array helpers that stay safe for any length. Spreading an array into a call's arguments
// (`a.push(...b)`, `Math.max(...xs)`) puts every element on the stack: past ~120k elements it
// throws "Maximum call stack size exceeded" (150,000 dnf lines did). Lint forbids that form
// (eslint.config.js); these loops are what to use instead.

/** Appends every item of `items` to `target` (in place) and returns `target`. */
export function pushAll<T>(target: T[], items: Iterable<T>): T[] {
  for (const x of items) target.push(x);
  return target;
}

/** The largest of `xs`, or `empty` when there are none (Math.max() of nothing is -Infinity). */
export function maxOf(xs: Iterable<number>, empty = -Infinity): number {
  let m = -Infinity;
  let any = false;
  for (const x of xs) {
    any = true;
    if (x > m || Number.isNaN(x)) m = x;
    if (Number.isNaN(m)) return NaN;
  }
  return any ? m : empty;
}

/** The smallest of `xs`, or `empty` when there are none. */
export function minOf(xs: Iterable<number>, empty = Infinity): number {
  let m = Infinity;
  let any = false;
  for (const x of xs) {
    any = true;
    if (x < m || Number.isNaN(x)) m = x;
    if (Number.isNaN(m)) return NaN;
  }
  return any ? m : empty;
}

/**
 * Ids ([a-z0-9-], such as rule ids) in code-unit order, which for them is localeCompare's order:
 * localeCompare sets up ICU's collator on its first call, ~10 ms of a command's start-up.
 */
export function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
