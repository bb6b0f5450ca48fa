import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseNstat, parseProcNetstatAsNstat } from './parse.js';

const fixture = (p: string): string => readFileSync(new URL(`../../../test/fixtures/sources/net/${p}`, import.meta.url), 'utf8');

describe('parseNstat (nstat -zas)', () => {
  const c = parseNstat(fixture('flannel-a/nstat_-zas'));

  it('reads counters by nstat name, zeros included', () => {
    expect(c.TcpExtIPReversePathFilter).toBe(0);
    expect(c.TcpExtTCPSynRetrans).toBe(0);
    expect(c.IpForwDatagrams).toBe(6);
    expect(c.UdpNoPorts).toBeGreaterThan(0);
    expect(c.kernel).toBeUndefined();
  });

  it('names /proc/net/netstat counters the way nstat does', () => {
    const p = parseProcNetstatAsNstat(fixture('flannel-a/proc_net_netstat'));
    // Every TcpExt/IpExt counter of the file appears in nstat's output under the same name.
    for (const name of Object.keys(p)) expect(c).toHaveProperty(name);
    expect(p.TcpExtIPReversePathFilter).toBe(0);
  });

  it('skips junk', () => {
    expect(parseNstat('#kernel\nnstat: history is aged out\nIpExtInOctets 12 0.0\nfoo bar\n')).toEqual({ IpExtInOctets: 12 });
  });
});
