// The README's table of limits, rendered from src/util/limits.ts (the one place they are defined):
// `npm run docs` writes it between the README's limits markers; a test fails when it is stale.
import { LIMITS, type Limit } from '../util/limits.js';

export const LIMITS_START = '<!-- limits:start (generated from src/util/limits.ts by `npm run docs`) -->';
export const LIMITS_END = '<!-- limits:end -->';

function amount(l: Limit): string {
  if (l.unit === 'bytes') {
    const units: [number, string][] = [[1024 ** 3, 'GiB'], [1024 ** 2, 'MiB'], [1024, 'KiB']];
    for (const [size, name] of units) if (l.value >= size && l.value % size === 0) return `${(l.value / size).toLocaleString('en-US')} ${name}`;
    return `${l.value.toLocaleString('en-US')} bytes`;
  }
  if (l.unit === 'ratio') return `${l.value.toLocaleString('en-US')}:1`;
  return `${l.value.toLocaleString('en-US')} ${l.unit}`;
}

export function renderLimitsTable(): string {
  const rows = Object.values(LIMITS as Record<string, Limit>).map((l) => `| ${l.what.replace(/\|/g, '\\|')} | ${amount(l)} | \`${l.code}\` |`);
  return [LIMITS_START, '| what | limit | code |', '|---|---|---|', ...rows, LIMITS_END].join('\n');
}

/** The README with its limits section replaced (or undefined when the markers are missing). */
export function withLimitsTable(readme: string): string | undefined {
  const a = readme.indexOf(LIMITS_START);
  const b = readme.indexOf(LIMITS_END);
  if (a < 0 || b < a) return undefined;
  return readme.slice(0, a) + renderLimitsTable() + readme.slice(b + LIMITS_END.length);
}
