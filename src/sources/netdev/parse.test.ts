import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseIpLinkText } from '../links/parse.js';
import { parseProcNetDev } from './parse.js';

const fixture = (p: string): string => readFileSync(new URL(`../../../test/fixtures/sources/net/${p}`, import.meta.url), 'utf8');

describe('parseProcNetDev', () => {
  it('reads every interface of the namespace with the counters ip -s link shows', () => {
    const dev = parseProcNetDev(fixture('flannel-a/proc_net_dev'));
    expect(Object.keys(dev).sort()).toEqual(['cni0', 'eth0', 'flannel.1', 'lo', 'veth1a2b3c4d']);
    // Both files were read with no traffic in between: the same counters.
    for (const l of parseIpLinkText(fixture('flannel-a/ip_-s_-d_link'), 's')) expect(dev[l.name]).toEqual(l.stats);
  });

  it('reads the old no-space layout and skips junk', () => {
    const t = 'Inter-|   Receive\n face |bytes\n  eth0:100 2 0 0 0 0 0 0 300 4 0 1 0 0 0 0\n  bad: 1 2\n';
    expect(parseProcNetDev(t)).toEqual({ eth0: { rxBytes: 100, rxPackets: 2, rxErrors: 0, rxDropped: 0, txBytes: 300, txPackets: 4, txErrors: 0, txDropped: 1 } });
  });
});
