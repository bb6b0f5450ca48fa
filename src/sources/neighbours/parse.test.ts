import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Neighbour } from '../../evidence/node-facts.js';
import { parseIpNeigh } from './parse.js';

const fixture = (p: string): string => readFileSync(new URL(`../../../test/fixtures/sources/net/${p}`, import.meta.url), 'utf8');

describe('parseIpNeigh (ip -s -s neigh show, flannel-style namespace)', () => {
  const items = parseIpNeigh(fixture('flannel-a/ip_-s_-s_neigh_show'));

  it('reads the permanent flannel entry and the underlay states', () => {
    expect(items.map((n) => [n.address, n.dev, n.states])).toEqual([
      ['10.244.2.0', 'flannel.1', ['PERMANENT']],
      ['10.244.1.2', 'cni0', ['DELAY']],
      ['172.31.250.9', 'eth0', ['INCOMPLETE']],
      ['172.31.250.2', 'eth0', ['REACHABLE']],
    ]);
    expect(items[0]?.lladdr).toMatch(/^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/);
    expect(items[2]?.lladdr).toBeUndefined();
    for (const n of items) expect(() => Neighbour.parse(n)).not.toThrow();
  });

  it('reads the short form, IPv6, several states, a default device, and skips junk', () => {
    const t = '172.16.57.15 dev flannel.1 lladdr D6:51:2E:80:5C:69 REACHABLE\nfe80::1 dev eth0 lladdr 52:54:00:12:34:56 router STALE\n10.0.0.9 lladdr 00:11:22:33:44:55 NOARP PERMANENT\nno neighbours here\n';
    expect(parseIpNeigh(t, 'eth9').map((n) => [n.address, n.dev, n.lladdr, n.states])).toEqual([
      ['172.16.57.15', 'flannel.1', 'd6:51:2e:80:5c:69', ['REACHABLE']],
      ['fe80::1', 'eth0', '52:54:00:12:34:56', ['STALE']],
      ['10.0.0.9', 'eth9', '00:11:22:33:44:55', ['NOARP', 'PERMANENT']],
    ]);
    expect(parseIpNeigh('10.0.0.9 lladdr 00:11:22:33:44:55 STALE')).toEqual([]);
  });
});
