import { describe, expect, it } from 'vitest';
import { parseRate, parseDuration, formatRate, iperfRate } from './units.js';

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
  it('writes rates as iperf3 -b reads them, and podpath reads them back', () => {
    expect(iperfRate(14_200_000)).toBe('14.2M');
    expect(iperfRate(22_000_000)).toBe('22M');
    expect(iperfRate(1_500_000_000)).toBe('1.50G');
    expect(iperfRate(640_000)).toBe('640K');
    expect(iperfRate(0)).toBe('1');
    for (const bps of [14_200_000, 640_000, 1_500_000_000]) expect(parseRate(iperfRate(bps))).toBe(bps);
  });
});
