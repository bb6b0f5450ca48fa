import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseUname } from './parse.js';

const fx = (name: string) => readFileSync(new URL(`../../../test/fixtures/sources/kernel/${name}`, import.meta.url), 'utf8');

describe('parseUname', () => {
  it('splits the Kylin kernel of seed 000 (three machine words)', () => {
    const u = parseUname(fx('seed000-kylin-52.49-uname-a'))!;
    expect(u.release).toBe('4.19.90-52.49.v2207.ky10.x86_64');
    expect(u.version).toBe('#3 SMP Thu Jul 24 02:43:35 CST 2025');
    expect(u.arch).toBe('x86_64');
    expect(u.hostname).toBe('TKVMJT0240');
  });

  it('reads an arm64 Kylin node and a Debian host with a single machine word', () => {
    expect(parseUname(fx('seed001-kylin-arm64-uname-a'))).toMatchObject({ release: '4.19.90-17.ky10.aarch64', arch: 'aarch64', version: '#1 SMP Sun Jun 28 14:27:40 CST 2020' });
    const deb = parseUname(fx('debian12-fc-uname-a'))!;
    expect(deb.arch).toBe('x86_64');
    expect(deb.version).toMatch(/^#\d+ SMP/);
    expect(deb.version).not.toMatch(/x86_64|GNU/);
  });

  it('keeps a truncated line (no machine words) as version text, and refuses empty input', () => {
    const u = parseUname(fx('seed000-truncated-uname-a'))!;
    expect(u.release).toBe('4.19.90-52.22.v2207.ky10.x86_64');
    expect(u.arch).toBeUndefined();
    expect(u.version).toBe('#1 SMP Tue Mar 14 12:19:10 CST');
    expect(parseUname('\n')).toBeUndefined();
  });
});
