import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseConntrackStats, parseIntFile, parseProcConntrackStat } from './parse.js';

const fixture = (p: string): string => readFileSync(new URL(`../../../test/fixtures/sources/net/${p}`, import.meta.url), 'utf8');

describe('conntrack parsers', () => {
  it('sums `conntrack -S` over CPUs', () => {
    const s = parseConntrackStats(fixture('flannel-a/conntrack_-S'));
    expect(s).toMatchObject({ found: 0, invalid: 0, insert_failed: 0, drop: 0, early_drop: 0, search_restart: 0 });
    expect(s).not.toHaveProperty('cpu');
    const t = 'cpu=0   \tfound=1 invalid=3 insert=0 insert_failed=2 drop=2 early_drop=0 error=0 search_restart=0\ncpu=1 found=4 invalid=0 insert=0 insert_failed=5 drop=5 early_drop=1 error=0 search_restart=7\njunk=9\n';
    expect(parseConntrackStats(t)).toEqual({ found: 5, invalid: 3, insert: 0, insert_failed: 7, drop: 7, early_drop: 1, error: 0, search_restart: 7 });
  });

  it('reads /proc/net/stat/nf_conntrack (hex, per CPU) with the table size apart', () => {
    const p = parseProcConntrackStat(fixture('flannel-a/proc_net_stat_nf_conntrack'));
    expect(p.entries).toBe(0x11);
    expect(p.stats).toMatchObject({ insert_failed: 0, drop: 0, early_drop: 0, search_restart: 0 });
    expect(p.stats).not.toHaveProperty('entries');
    const t = 'entries found insert_failed drop\n0000000a 00000001 0000000f 00000001\n0000000a 00000002 00000001 00000000\n';
    expect(parseProcConntrackStat(t)).toEqual({ entries: 10, stats: { found: 3, insert_failed: 16, drop: 1 } });
    expect(parseProcConntrackStat('not a table\n')).toEqual({ stats: {} });
  });

  it('reads count and max', () => {
    expect(parseIntFile(fixture('flannel-a/proc_sys_net_netfilter_nf_conntrack_count'))).toBe(17);
    expect(parseIntFile(fixture('flannel-a/proc_sys_net_netfilter_nf_conntrack_max'))).toBe(262144);
    expect(parseIntFile('cat: No such file')).toBeUndefined();
  });
});
