import { describe, expect, it } from 'vitest';
import { parseRate, parseDuration, formatRate } from './units.js';

describe('units', () => {
  it('reads rates as iperf3 and tc users write them', () => {
    expect(parseRate('20mbit')).toBe(20_000_000);
    expect(parseRate('22100K')).toBe(22_100_000);
    expect(parseRate('1g')).toBe(1_000_000_000);
    expect(parseRate('1.5M')).toBe(1_500_000);
    expect(() => parseRate('fast')).toThrow(/E_BAD_RATE|cannot read/);
  });
  it('reads durations', () => {
    expect(parseDuration('500ms')).toBe(500);
    expect(parseDuration('30s')).toBe(30_000);
    expect(parseDuration('2m')).toBe(120_000);
    expect(parseDuration('3')).toBe(3000);
  });
  it('formats rates', () => {
    expect(formatRate(22_100_000)).toBe('22.1 Mbit/s');
  });
});
