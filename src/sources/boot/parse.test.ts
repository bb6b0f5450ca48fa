import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { orderBlsEntries, parseBlsEntry, parseGrubbyDefaultKernel, parseGrubCfg, parseGrubDefault, parseGrubenv, resolveDefault } from './parse.js';

const dir = new URL('../../../test/fixtures/sources/boot/', import.meta.url);
const fx = (name: string) => readFileSync(new URL(name, dir), 'utf8');

describe('grub menu', () => {
  it('numbers the Kylin menu as seed 000 awk did, with each entry kernel', () => {
    const { entries, usesBls } = parseGrubCfg(fx('kylin-v10-grub2.cfg'));
    expect(entries.map((e) => `${e.index} : ${e.title}`)).toEqual([
      '0 : Kylin Linux Advanced Server (4.19.90-52.49.v2207.ky10.x86_64) V10 (Lance)',
      '1 : Kylin Linux Advanced Server (4.19.90-52.45.v2207.ky10.x86_64) V10 (Lance)',
      '2 : Kylin Linux Advanced Server (4.19.90-52.22.v2207.ky10.x86_64) V10 (Lance)',
      '3 : Kylin Linux Advanced Server (0-rescue-de06076a688a45bf9d1acd0bf45bb93e) V10 (Lance)',
    ]);
    expect(entries.map((e) => e.kernel)).toEqual([
      '4.19.90-52.49.v2207.ky10.x86_64', '4.19.90-52.45.v2207.ky10.x86_64', '4.19.90-52.22.v2207.ky10.x86_64', '0-rescue-de06076a688a45bf9d1acd0bf45bb93e',
    ]);
    expect(usesBls).toBe(false);
  });

  it('resolves GRUB_DEFAULT=saved through grubenv saved_entry (a title), and a numeric saved_entry after grub2-set-default 2', () => {
    const { entries, setDefault } = parseGrubCfg(fx('kylin-v10-grub2.cfg'));
    const grubDefault = parseGrubDefault(fx('kylin-default-grub'));
    expect(grubDefault).toBe('saved');
    const saved = parseGrubenv(fx('kylin-grubenv')).saved_entry;
    expect(resolveDefault({ entries, grubDefault, savedEntry: saved, setDefault })).toBe(0);
    expect(resolveDefault({ entries, grubDefault, savedEntry: '2', setDefault })).toBe(2);
    expect(resolveDefault({ entries, grubDefault: '1' })).toBe(1);
    expect(resolveDefault({ entries, grubDefault: 'saved', savedEntry: 'gnulinux-4.19.90-52.45.v2207.ky10.x86_64-advanced-0b6c5a2e-5b2a-4d0c-9c1e-3f1f0a7e8d11' })).toBe(1);
    expect(resolveDefault({ entries: [] })).toBeUndefined();
  });

  it('counts a submenu as one top-level entry (Debian layout)', () => {
    const cfg = [
      "menuentry 'Debian GNU/Linux' --class debian $menuentry_id_option 'gnulinux-simple-x' {",
      '\tlinux\t/boot/vmlinuz-6.1.0-18-amd64 root=UUID=x ro quiet',
      '}',
      "submenu 'Advanced options for Debian GNU/Linux' $menuentry_id_option 'gnulinux-advanced-x' {",
      "\tmenuentry 'Debian GNU/Linux, with Linux 6.1.0-18-amd64' --class debian {",
      '\t\tlinux\t/boot/vmlinuz-6.1.0-18-amd64 root=UUID=x ro quiet',
      '\t}',
      '}',
    ].join('\n');
    const { entries } = parseGrubCfg(cfg);
    expect(entries.map((e) => [e.title, e.kernel])).toEqual([
      ['Debian GNU/Linux', '6.1.0-18-amd64'],
      ['Advanced options for Debian GNU/Linux', undefined],
    ]);
  });

  it('orders BLS entries newest first, as grub does', () => {
    const bls = new URL('rhel8-bls/', dir);
    const parsed = readdirSync(bls).map((f) => parseBlsEntry(f.replace(/\.conf$/, ''), readFileSync(new URL(f, bls), 'utf8')));
    const entries = orderBlsEntries(parsed);
    expect(entries.map((e) => e.kernel)).toEqual(['4.18.0-348.7.1.el8_5.x86_64', '4.18.0-305.el8.x86_64']);
    expect(entries[0]!.title).toBe('Red Hat Enterprise Linux (4.18.0-348.7.1.el8_5.x86_64) 8.5 (Ootpa)');
  });

  it('reads grubby --default-kernel', () => {
    expect(parseGrubbyDefaultKernel('/boot/vmlinuz-4.19.90-52.22.v2207.ky10.x86_64\n')).toBe('4.19.90-52.22.v2207.ky10.x86_64');
    expect(parseGrubbyDefaultKernel('')).toBeUndefined();
  });
});
