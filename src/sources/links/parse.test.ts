import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Link } from '../../evidence/node-facts.js';
import { mergeAddresses, parseIpAddressText, parseIpLinkJson, parseIpLinkText } from './parse.js';

const fixture = (p: string): string => readFileSync(new URL(`../../../test/fixtures/sources/net/${p}`, import.meta.url), 'utf8');

describe('parseIpLinkText (iproute2 6.1, flannel-style namespace)', () => {
  const links = parseIpLinkText(fixture('flannel-a/ip_-s_-d_link'), 'ip -s -d link');
  const byName = new Map(links.map((l) => [l.name, l]));

  it('finds every interface with its kind', () => {
    expect(links.map((l) => [l.name, l.kind])).toEqual([
      ['lo', 'loopback'], ['eth0', 'veth'], ['flannel.1', 'vxlan'], ['cni0', 'bridge'], ['veth1a2b3c4d', 'veth'],
    ]);
    for (const l of links) expect(() => Link.parse(l)).not.toThrow();
  });

  it('reads the VXLAN attributes of flannel.1', () => {
    const f = byName.get('flannel.1');
    expect(f?.mtu).toBe(1450);
    expect(f?.state).toBe('UNKNOWN');
    expect(f?.mac).toMatch(/^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/);
    expect(f?.vxlan).toEqual({ id: 1, local: '172.31.250.1', dev: 'eth0', port: 8472, learning: false, udpCsum: true });
  });

  it('reads parent, master, netns id, flags and counters', () => {
    const v = byName.get('veth1a2b3c4d');
    expect(v?.master).toBe('cni0');
    expect(v?.parent).toBe('if2');
    expect(v?.flags).toEqual(['BROADCAST', 'MULTICAST', 'UP', 'LOWER_UP']);
    expect(byName.get('eth0')?.parent).toBe('if2');
    const f = byName.get('flannel.1');
    // The numbers in the fixture: RX 192 bytes 3 packets, TX 108 bytes 3 packets 6 dropped.
    expect(f?.stats).toEqual({ rxBytes: 192, rxPackets: 3, rxErrors: 0, rxDropped: 0, txBytes: 108, txPackets: 3, txErrors: 0, txDropped: 6 });
  });
});

describe('parseIpLinkJson', () => {
  it('gives the same links as the text form of the same moment', () => {
    const fromJson = parseIpLinkJson(fixture('flannel-a/ip_-j_-s_-d_link'), 'json');
    const fromText = parseIpLinkText(fixture('flannel-a/ip_-s_-d_link'), 'json');
    expect(fromJson).toBeDefined();
    const strip = (ls: Link[]) => ls.map((l) => ({ ...l, netnsId: undefined }));
    // Counters differ between the two runs only if traffic flowed between them; none did.
    expect(strip(fromJson ?? [])).toEqual(strip(fromText));
  });

  it('returns undefined on what is not its JSON (old iproute2 prints an error instead)', () => {
    expect(parseIpLinkJson('Option "-j" is unknown, try "ip -help".', 's')).toBeUndefined();
    expect(parseIpLinkJson('{"a":1}', 's')).toBeUndefined();
    expect(parseIpLinkJson('[1, null, {"ifname": 3}]', 's')).toEqual([]);
  });
});

describe('this machine (a VM): a virtio NIC and ifb devices', () => {
  it('types the NIC as a plain device in text and JSON', () => {
    const text = parseIpLinkText(fixture('host/ip_-s_-d_link'), 's');
    expect(text.map((l) => [l.name, l.kind])).toEqual([['lo', 'loopback'], ['ifb0', 'ifb'], ['ifb1', 'ifb'], ['eth0', 'device']]);
    expect(text[3]).toMatchObject({ mtu: 1400, mac: '02:fc:00:00:00:01', state: 'UP' });
    expect(parseIpLinkJson(fixture('host/ip_-j_-s_-d_link'), 's')?.map((l) => [l.name, l.kind])).toEqual(text.map((l) => [l.name, l.kind]));
  });

  it('reads `-s -s` output: the RX/TX errors rows do not replace the main counters', () => {
    const raw = fixture('host/ip_-s_-s_-d_link_show_eth0');
    const [l] = parseIpLinkText(raw, 's');
    const rows = raw.split('\n').map((x) => x.trim());
    const rx = (rows[rows.findIndex((x) => x.startsWith('RX:')) + 1] ?? '').split(/\s+/).map(Number);
    const tx = (rows[rows.findIndex((x) => x.startsWith('TX:')) + 1] ?? '').split(/\s+/).map(Number);
    expect(rows.some((x) => x.startsWith('RX errors:'))).toBe(true);
    expect(l?.stats).toEqual({ rxBytes: rx[0], rxPackets: rx[1], rxErrors: rx[2], rxDropped: rx[3], txBytes: tx[0], txPackets: tx[1], txErrors: tx[2], txDropped: tx[3] });
  });
});

describe('old and odd layouts', () => {
  it('reads iproute2 3.10 counters (RX: bytes packets errors dropped overrun mcast)', () => {
    const links = parseIpLinkText(fixture('seeds/centos7_ip_-s_link'), 's');
    expect(links.map((l) => l.name)).toEqual(['lo', 'eth0']);
    expect(links[1]?.stats).toEqual({ rxBytes: 626106341, rxPackets: 7188302, rxErrors: 0, rxDropped: 0, txBytes: 1032601999, txPackets: 7396154, txErrors: 0, txDropped: 0 });
    expect(links[1]?.kind).toBe('device');
    expect(links[0]?.kind).toBe('loopback');
  });

  it('does not take 3.10\'s `port 0 0` (source port range) for the destination port', () => {
    const [old] = parseIpLinkText(fixture('seeds/centos7_ip_-d_link_show_flannel.1'), 's');
    expect(old?.vxlan).toEqual({ id: 1, local: '10.46.181.146', dev: 'eth0', learning: false });
    const [later] = parseIpLinkText(fixture('seeds/centos7_ip_-d_link_show_flannel.1_srcport'), 's');
    expect(later?.vxlan?.port).toBe(8472);
  });

  it('reads addresses from seed output that lost its indentation', () => {
    const [f] = parseIpLinkText(fixture('seeds/seed001_ip_a_s_flannel.1'), 's');
    expect(f?.name).toBe('flannel.1');
    expect(f?.addresses).toEqual([
      { family: 'inet', address: '10.187.0.0', prefixLen: 32, scope: 'global' },
      { family: 'inet6', address: 'fe80::b49b:edff:feb0:3774', prefixLen: 64, scope: 'link' },
    ]);
    const [c] = parseIpLinkText(fixture('seeds/seed004_ip_addr_node2'), 's');
    expect(c?.addresses[0]).toEqual({ family: 'inet', address: '166.166.104.10', prefixLen: 32, scope: 'global' });
  });

  it('skips junk without throwing', () => {
    expect(parseIpLinkText('garbage\n\x00\n: : <>\nRX: bytes\n', 's')).toEqual([]);
    const [l] = parseIpLinkText('7: x: <UP> mtu\n    RX: bytes packets errors dropped\n    a b c d\n', 's');
    expect(l?.stats).toBeUndefined();
    expect(l?.mtu).toBe(0);
  });
});

describe('mergeAddresses', () => {
  it('puts the addresses of `ip -d address` on the links', () => {
    const links = mergeAddresses(parseIpLinkText(fixture('flannel-a/ip_-s_-d_link'), 'l'), parseIpAddressText(fixture('flannel-a/ip_-d_address'), 'a'));
    const f = links.find((l) => l.name === 'flannel.1');
    expect(f?.addresses).toEqual([
      { family: 'inet', address: '10.244.1.0', prefixLen: 32, scope: 'global' },
      { family: 'inet6', address: expect.stringMatching(/^fe80::/), prefixLen: 64, scope: 'link' },
    ]);
    expect(links.find((l) => l.name === 'cni0')?.addresses[0]).toMatchObject({ address: '10.244.1.1', prefixLen: 24 });
  });
});
