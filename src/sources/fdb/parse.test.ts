import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { FdbEntry } from '../../evidence/node-facts.js';
import { parseBridgeFdb } from './parse.js';
import { vxlanEntries } from './read.js';
import { parseIpLinkText } from '../links/parse.js';

const fixture = (p: string): string => readFileSync(new URL(`../../../test/fixtures/sources/net/${p}`, import.meta.url), 'utf8');

describe('parseBridgeFdb (flannel-style namespace)', () => {
  it('reads the flannel.1 entry of the peer VTEP', () => {
    const all = parseBridgeFdb(fixture('flannel-a/bridge_fdb_show'));
    expect(all).toHaveLength(14);
    for (const e of all) expect(() => FdbEntry.parse(e)).not.toThrow();
    const links = parseIpLinkText(fixture('flannel-a/ip_-s_-d_link'), 'ip -s -d link');
    const flannel = vxlanEntries(all, links);
    expect(flannel).toEqual([{ mac: expect.stringMatching(/^[0-9a-f:]{17}$/), dev: 'flannel.1', dst: '172.31.250.2', self: true, permanent: true, line: expect.stringContaining('dst 172.31.250.2 self permanent') }]);
    // Without links, the entries with a remote dst are the VXLAN ones.
    expect(vxlanEntries(all, undefined)).toEqual(flannel);
    // `ip -s link` without -d (the same output without its detail lines) shows no kind: flannel.1 is
    // still the VXLAN device by its name, and its entry is kept.
    const withoutDetails = parseIpLinkText(fixture('flannel-a/ip_-s_-d_link').replace(/^ {4}(vxlan|veth|bridge|bridge_slave) .*\n/gm, ''), 'ip -s link');
    expect(withoutDetails.find((l) => l.name === 'flannel.1')?.kind).toBe('device');
    expect(vxlanEntries(all, withoutDetails)).toEqual(flannel);
  });

  it('reads the sosreport variant with timers the same way', () => {
    const a = parseBridgeFdb(fixture('flannel-a/bridge_fdb_show')).map(({ line: _l, ...e }) => e);
    const b = parseBridgeFdb(fixture('flannel-a/bridge_-s_-s_-d_-t_fdb_show')).map(({ line: _l, ...e }) => e);
    expect(b).toEqual(a);
    const bridgePort = b.find((e) => e.dev === 'veth1a2b3c4d' && !e.permanent);
    expect(bridgePort?.self).toBe(false);
  });

  it('reads `bridge fdb show dev flannel.1` output with a default device, and skips junk', () => {
    expect(parseBridgeFdb('42:7f:69:c7:cd:37 dst 192.168.130.164 self permanent\nbogus\n', 'flannel.1')).toEqual([
      { mac: '42:7f:69:c7:cd:37', dev: 'flannel.1', dst: '192.168.130.164', self: true, permanent: true, line: '42:7f:69:c7:cd:37 dst 192.168.130.164 self permanent' },
    ]);
    expect(parseBridgeFdb('42:7f:69:c7:cd:37 dst 192.168.130.164 self permanent')).toEqual([]);
  });
});
