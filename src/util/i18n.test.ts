import { describe, expect, it } from 'vitest';
import { formatMessage } from './i18n.js';

describe('formatMessage', () => {
  it('fills placeholders and leaves an unfilled one visible', () => {
    expect(formatMessage('{a} and {b}', { a: 'x' })).toBe('x and {b}');
  });

  it('says an English count noun in the singular for 1, as a number or a string', () => {
    expect(formatMessage('one direction only ({failing} cells)', { failing: 1 })).toBe('one direction only (1 cell)');
    expect(formatMessage('{n} echoes, {m} entries', { n: '1', m: 1 })).toBe('1 echo, 1 entry');
    expect(formatMessage('({failing} cells)', { failing: 2 })).toBe('(2 cells)');
    expect(formatMessage('({failing} cells)', { failing: 11 })).toBe('(11 cells)');
    // a noun that only starts like a counted one is left alone; Chinese has no plural
    expect(formatMessage('{n} cellsX', { n: 1 })).toBe('1 cellsX');
    expect(formatMessage('{failing} 个单元格', { failing: 1 })).toBe('1 个单元格');
  });
});
