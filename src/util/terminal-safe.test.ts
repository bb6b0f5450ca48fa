import { describe, expect, it } from 'vitest';
import { clip, displayLine, oneLine, safeBlock } from './terminal-safe.js';

describe('terminal-safe text', () => {
  it('shows escape sequences instead of letting a terminal obey them', () => {
    const hidden = 'eth0\u001b[8m;touch /tmp/PWNED\u001b[0m';
    expect(oneLine(hidden)).toBe('eth0\\x1b[8m;touch /tmp/PWNED\\x1b[0m');
    // eslint-disable-next-line no-control-regex
    expect(oneLine(hidden)).not.toMatch(/\u001b/);
  });
  it('cannot forge a line: newlines, carriage returns and Unicode separators become escapes', () => {
    expect(oneLine('a\nb\rc\u2028d')).toBe('a\\nb\\rc\\u2028d');
    expect(safeBlock('a\nb\u001bc\u202e')).toBe('a\nb\\x1bc\\u202e');
  });
  it('escapes bidi marks and zero-width characters', () => {
    expect(oneLine('a\u200fb\u200bc\ufeffd\u061ce')).toBe('a\\u200fb\\u200bc\\ufeffd\\u061ce');
  });
  it('escapes C1 controls and DEL, keeps ordinary Unicode', () => {
    expect(oneLine('x\u009by\u007fz 内核')).toBe('x\\x9by\\x7fz 内核');
  });
  it('clips long lines and says how much was cut', () => {
    expect(clip('abcdef', 3)).toBe('abc… (3 more characters)');
    expect(displayLine('x'.repeat(1000), 10)).toBe('xxxxxxxxxx… (990 more characters)');
  });
});
