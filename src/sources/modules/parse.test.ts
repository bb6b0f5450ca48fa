import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseLsmod, parseProcModules } from './parse.js';

const fx = (name: string) => readFileSync(new URL(`../../../test/fixtures/sources/modules/${name}`, import.meta.url), 'utf8');

describe('modules', () => {
  it('reads /proc/modules and lsmod (header skipped)', () => {
    expect(parseProcModules(fx('proc-modules'))).toContain('br_netfilter');
    expect(parseProcModules(fx('proc-modules'))).toContain('vxlan');
    const lsmod = parseLsmod(fx('lsmod'));
    expect(lsmod).toContain('vxlan');
    expect(lsmod).not.toContain('br_netfilter');
    expect(lsmod).not.toContain('Module');
  });
});
