// Every limit podpath applies is stated in the README, with its code: the table there is generated
// from src/util/limits.ts, and this test fails when it is stale or a limit lacks a code or words.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { renderLimitsTable, withLimitsTable } from '../../src/report/limits-table.js';
import { LIMITS, type Limit } from '../../src/util/limits.js';

const readme = readFileSync(fileURLToPath(new URL('../../README.md', import.meta.url)), 'utf8');

describe('limits in the README', () => {
  it('every limit has a stable code, a positive value and words', () => {
    for (const [key, l] of Object.entries(LIMITS as Record<string, Limit>)) {
      expect(l.code, key).toMatch(/^E_[A-Z0-9_]+$/);
      expect(l.value, key).toBeGreaterThan(0);
      expect(l.what.length, key).toBeGreaterThan(10);
    }
  });
  it('the README table is the one generated from src/util/limits.ts (run `npm run docs`)', () => {
    expect(withLimitsTable(readme), 'README.md has no limits markers').toBeDefined();
    expect(readme).toContain(renderLimitsTable());
  });
});
