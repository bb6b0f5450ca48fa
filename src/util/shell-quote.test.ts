import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { shellJoin, shellQuote } from './shell-quote.js';

describe('shellQuote', () => {
  it('leaves plain words alone', () => {
    expect(shellQuote('eth0')).toBe('eth0');
    expect(shellQuote('10.244.0.0/16')).toBe('10.244.0.0/16');
  });
  it('quotes anything a shell would read differently, and sh reads it back verbatim', () => {
    const words = ['eth0;touch /tmp/PWNED;#', "it's", '$(id)', '`id`', 'a b', '', '*', 'x\ny', '-n'];
    for (const w of words) {
      // printf '%s\0' prints each argument sh parsed: exactly one, equal to the word.
      const out = execFileSync('sh', ['-c', `printf '%s\\0' ${shellQuote(w)}`]).toString();
      expect(out).toBe(`${w}\0`);
    }
    expect(shellJoin(['ethtool', '-K', 'eth0;id', 'lro', 'off'])).toBe("ethtool -K 'eth0;id' lro off");
  });
});
