// Rules are ordered by compareIds (code units), not localeCompare (whose first call sets up ICU's
// collator, ~10 ms of every command's start-up): the same order for every id there is.
import { describe, expect, it } from 'vitest';
import { allRules } from '../../src/rules/index.js';
import { compareIds } from '../../src/util/arrays.js';

describe('rule order', () => {
  const ids = allRules.map((r) => r.meta.id);

  it('every rule id is lowercase ASCII, digits and hyphens, where code-unit order is collation order', () => {
    expect(ids.filter((id) => !/^[a-z][a-z0-9-]*$/.test(id))).toEqual([]);
  });

  it('compareIds sorts the rule ids as localeCompare does', () => {
    const reversed = [...ids].reverse();
    expect([...reversed].sort(compareIds)).toEqual([...reversed].sort((a, b) => a.localeCompare(b)));
    expect(ids).toEqual([...ids].sort((a, b) => a.localeCompare(b)));
  });

  it('compareIds is a comparator: sign, equality', () => {
    expect([compareIds('a', 'b'), compareIds('b', 'a'), compareIds('mtu', 'mtu'), compareIds('a-b', 'ab')]).toEqual([-1, 1, 0, -1]);
  });
});
