import { sayNotes } from '../../src/evidence/node-diff-notes.js';
import { describe, expect, it } from 'vitest';
import { nodeDiff } from '../../src/app/node-diff/node-diff.js';
import { renderNodeDiffJson } from '../../src/report/node-diff-json.js';
import { renderNodeDiffText } from '../../src/report/node-diff-text.js';
import type { Difference } from '../../src/evidence/node-diff.js';
import { makeFacts } from '../../src/evidence/load-facts.js';
import type { NodeFacts } from '../../src/evidence/node-facts.js';
import { loadKbNode, readIptablesSave } from '../fixtures/evidence/kb/load.js';
import { seed000Pair } from '../fixtures/evidence/kb/seed000.js';

const byKey = (diffs: Difference[], key: string) => diffs.find((d) => d.key === key);
const relevant = (diffs: Difference[]) => diffs.filter((d) => d.relevance !== 'low');

describe('nodeDiff on seed 000 (healthy 52.22 vs broken 52.49, same NIC and offloads)', () => {
  const { healthy, broken } = seed000Pair();
  const diff = nodeDiff(healthy, broken);

  it('ranks the kernel build first and finds nothing else relevant, as the operator did', () => {
    expect(diff.differences[0]?.key).toBe('kernel.release');
    expect(diff.differences[0]).toMatchObject({ a: '4.19.90-52.22.v2207.ky10.x86_64', b: '4.19.90-52.49.v2207.ky10.x86_64', relevance: 'high' });
    expect(relevant(diff.differences).every((d) => d.category === 'kernel')).toBe(true);
    expect(diff.relevantCount).toBe(3);
    expect(sayNotes(diff.differences[0]!.note!, 'en')).toBe('B runs a known bad-UDP-checksum build (4.19.90-52.49.v2207.ky10; known good: 4.19.90-52.22.v2207.ky10)');
  });

  it('names the NAT checksum fix when only one kernel carries it', () => {
    const k = (release: string) => makeFacts({ ...healthy, kernel: { source: 'uname -a', release, uname: `Linux n ${release}` } });
    expect(sayNotes(nodeDiff(k('5.4.41-1.el8.x86_64'), k('5.4.20-1.el8.x86_64')).differences[0]!.note!, 'en')).toBe('VXLAN/NAT checksum fix ea64d8d6c675: in A (5.4.41 >= 5.4.41), not in B (5.4.20 < 5.4.41)');
  });

  it('shows how B got its kernel: the dnf history line that installed 52.49, and the boot default', () => {
    const history = byKey(diff.differences, 'kernel.history-of-running');
    expect(history?.b).toContain('2025-08-07T01:34:25Z install kernel-4.19.90-52.49.v2207.ky10.x86_64');
    expect(history?.evidence.b.map((e) => e.text)).toContain('2025-08-07T01:34:25Z SUBDEBUG InstaLLed:kernel-4.19.90-52.49.v2207.ky10.x86_64');
    expect(byKey(diff.differences, 'boot.default-kernel')).toMatchObject({ b: '4.19.90-52.49.v2207.ky10.x86_64', relevance: 'medium' });
  });

  it('reports the same-release rebuild case as a build difference', () => {
    const rebuilt = makeFacts({ ...healthy, kernel: { ...(healthy.kernel as NonNullable<NodeFacts['kernel']>), version: '#3 SMP Thu Jul 24 02:43:35 CST 2025' } });
    const d = nodeDiff(healthy, rebuilt);
    expect(byKey(d.differences, 'kernel.build')).toMatchObject({ a: '#1 SMP Tue Mar 14 12:19:10 CST 2023', b: '#3 SMP Thu Jul 24 02:43:35 CST 2025', relevance: 'high' });
  });
});

describe('nodeDiff on the real namespace nodes (good vs bad)', () => {
  const good = loadKbNode('good');
  const bad = loadKbNode('bad');
  const diff = nodeDiff(good, bad);

  it('finds the injected faults, high relevance', () => {
    expect(byKey(diff.differences, 'mtu.<underlay>')).toMatchObject({ a: '1500', b: '1400', relevance: 'high' });
    expect(byKey(diff.differences, 'vxlan.flannel.1.dstport')).toMatchObject({ a: '8472', b: '4789', relevance: 'high' });
    expect(byKey(diff.differences, 'net.ipv4.ip_forward')).toMatchObject({ a: '1', b: '0', relevance: 'high' });
    expect(byKey(diff.differences, 'net.ipv4.conf.<underlay>.rp_filter')).toMatchObject({ a: '2', b: '1', relevance: 'high' });
    expect(byKey(diff.differences, 'iptables.filter.INPUT.policy')).toMatchObject({ a: 'ACCEPT', b: 'DROP', relevance: 'high' });
    expect(byKey(diff.differences, 'iptables.filter.FLANNEL-FWD')?.a).toMatch(/present/);
    expect(byKey(diff.differences, 'nft.inet ppe2-host.forward.policy')).toMatchObject({ a: 'accept', b: 'drop' });
  });

  it('leaves out noise: MACs, own addresses, pod subnets, counters, per-interface forwarding that follows ip_forward', () => {
    const text = JSON.stringify(diff.differences.map((d) => [d.key, d.a, d.b]));
    expect(text).not.toMatch(/[0-9a-f]{2}(:[0-9a-f]{2}){5}/i);
    expect(text).not.toMatch(/10\.244\.[12]\./);
    expect(text).not.toMatch(/172\.31\.251\.[12]\b/);
    expect(diff.differences.filter((d) => d.category === 'routes')).toEqual([]);
    expect(byKey(diff.differences, 'net.ipv4.conf.cni0.forwarding')?.relevance).toBe('low');
    // The iptables-nft copy of the filter table is judged once, from iptables-save.
    expect(diff.differences.some((d) => d.key.startsWith('nft.ip filter'))).toBe(false);
  });

  it('a node compared with itself differs in nothing, whatever its counters and collection time', () => {
    const later = makeFacts({
      ...good,
      collectedAt: '2030-01-01T00:00:00Z',
      links: { source: 'x', items: (good.links?.items ?? []).map((l) => ({ ...l, index: (l.index ?? 0) + 100, mac: '02:00:00:00:00:99', stats: l.stats && { ...l.stats, rxPackets: l.stats.rxPackets + 1000 } })) },
      conntrack: { ...(good.conntrack as NonNullable<NodeFacts['conntrack']>), count: 99_999, stats: { insert_failed: 5 } },
    });
    expect(nodeDiff(good, later).differences).toEqual([]);
    expect(nodeDiff(good, good).relevantCount).toBe(0);
  });
});

describe('normalisation', () => {
  const good = loadKbNode('good');

  it('compares routes by shape: a peer subnet missing on B is reported, per-node subnets are not', () => {
    const bad = loadKbNode('bad');
    const withoutPeerRoute = makeFacts({ ...bad, routes: { source: 'ip route', items: (bad.routes?.items ?? []).filter((r) => r.dev !== 'flannel.1') } });
    const d = nodeDiff(good, withoutPeerRoute);
    const subnets = byKey(d.differences, 'routes.cluster-pod-subnets');
    expect(subnets).toMatchObject({ a: 'only here: 10.244.1.0/24', relevance: 'high' });
    expect(byKey(d.differences, 'routes.shapes')).toBeUndefined();
  });

  it('masks the own pod subnet in iptables rules and follows the underlay role across NIC names', () => {
    // B: the healthy node's configuration on the other node: pod subnets and node IPs swapped, NIC ens192.
    const swap = (text: string) =>
      text.replace(/10\.244\.([12])\./g, (_m, n: string) => `10.244.${n === '1' ? '2' : '1'}.`).replace(/172\.31\.251\.([12])\b/g, (_m, n: string) => `172.31.251.${n === '1' ? '2' : '1'}`).replace(/\beth0\b/g, 'ens192');
    const masq = (subnet: string) => readIptablesSave(`*nat\n:POSTROUTING ACCEPT [0:0]\n-A POSTROUTING -s ${subnet} -d 10.244.0.0/16 -j RETURN\nCOMMIT\n`);
    // (Neighbour and FDB tables left out: swapped copies cannot hold each other's real MACs.)
    const a = makeFacts({ ...good, neighbours: undefined, fdb: undefined, packetFilter: { iptables: masq('10.244.1.0/24'), sources: ['iptables-save'] } });
    const b = makeFacts({ ...(JSON.parse(swap(JSON.stringify(good))) as NodeFacts), neighbours: undefined, fdb: undefined, packetFilter: { iptables: masq('10.244.2.0/24'), sources: ['iptables-save'] } });
    expect(b.cni?.flannelSubnetEnv?.subnet).toBe('10.244.2.1/24');
    const d = nodeDiff(a, b);
    expect(relevant(d.differences)).toEqual([]);
    expect(byKey(d.differences, 'underlay.name')).toMatchObject({ a: 'eth0', b: 'ens192', relevance: 'low' });
    // Without masking, the two RETURN rules would differ: a real difference in the subnet shape still shows.
    const c = makeFacts({ ...b, packetFilter: { iptables: masq('10.244.2.0/25'), sources: ['iptables-save'] } });
    expect(byKey(nodeDiff(a, c).differences, 'iptables.nat.POSTROUTING.rules')?.b).toContain('-s <own-pod-ip>');
  });

  it('notices a VXLAN device sending from an address the node does not hold', () => {
    const links = { source: 'ip -d link', items: (good.links?.items ?? []).map((l) => (l.vxlan ? { ...l, vxlan: { ...l.vxlan, local: '172.31.251.77' } } : l)) };
    const d = nodeDiff(good, makeFacts({ ...good, links }));
    expect(byKey(d.differences, 'vxlan.flannel.1.local')).toMatchObject({ a: 'address of <underlay>', b: 'an address this node does not hold', relevance: 'high' });
  });

  it('ranks a tx checksum offload difference on the overlay device as high', () => {
    const nic = (on: boolean): NonNullable<NodeFacts['nics']> => [{ name: 'flannel.1', driver: 'vxlan', features: { 'tx-checksum-ip-generic': { on, fixed: false } }, sources: ['ethtool -k flannel.1'] }];
    const d = nodeDiff(makeFacts({ ...good, nics: nic(false) }), makeFacts({ ...good, nics: nic(true) }));
    expect(d.differences[0]).toMatchObject({ key: 'offload.flannel.1.tx-checksum-ip-generic', a: 'off', b: 'on', relevance: 'high' });
  });
});

describe('each node\'s view of the other', () => {
  const good = loadKbNode('good');
  const bad = loadKbNode('bad');
  const vtepMac = (f: NodeFacts) => f.links?.items.find((l) => l.name === 'flannel.1')?.mac ?? '';

  it('the real pair agrees: good\'s neighbour and fdb for bad\'s VTEP match bad\'s flannel.1, and the reverse', () => {
    expect(nodeDiff(good, bad).differences.filter((d) => d.category === 'peers')).toEqual([]);
  });

  it('B recreated flannel.1 with a new MAC: A\'s neighbour entry is stale', () => {
    const recreated = makeFacts({ ...bad, links: { source: 'ip -d link', items: (bad.links?.items ?? []).map((l) => (l.name === 'flannel.1' ? { ...l, mac: '0e:99:99:99:99:99' } : l)) } });
    const d = nodeDiff(good, recreated).differences.filter((x) => x.category === 'peers');
    expect(d).toHaveLength(1);
    expect(d[0]).toMatchObject({ key: 'peers.A-view-of-B.vtep-mac', a: `neighbour 10.244.2.0 -> ${vtepMac(bad)}`, b: 'flannel.1 MAC 0e:99:99:99:99:99', relevance: 'high' });
    expect(d[0]?.evidence.a[0]?.text).toMatch(/^10\.244\.2\.0 dev flannel\.1 lladdr/);
  });

  it('A encapsulates to another of B\'s own addresses: the wrong interface, high', () => {
    const other = makeFacts({ ...bad, links: { source: 'ip -d link', items: (bad.links?.items ?? []).map((l) => (l.name === 'cni0' ? { ...l, addresses: [...l.addresses, { family: 'inet' as const, address: '192.168.9.2', prefixLen: 24 }] } : l)) } });
    const wrong = makeFacts({ ...good, fdb: { source: 'bridge fdb show', items: (good.fdb?.items ?? []).map((f) => (f.dst === '172.31.251.2' ? { ...f, dst: '192.168.9.2' } : f)) } });
    expect(nodeDiff(wrong, other).differences.find((x) => x.key === 'peers.A-view-of-B.fdb-dst')?.relevance).toBe('high');
  });

  it('A encapsulates to an address B does not send from; A lacks a route to B\'s pod subnet', () => {
    const wrongDst = makeFacts({
      ...good,
      fdb: { source: 'bridge fdb show', items: (good.fdb?.items ?? []).map((f) => (f.dst === '172.31.251.2' ? { ...f, dst: '192.168.9.2' } : f)) },
      routes: { source: 'ip route', items: (good.routes?.items ?? []).filter((r) => r.dst !== '10.244.2.0/24') },
    });
    const d = nodeDiff(wrongDst, bad).differences;
    expect(d.find((x) => x.key === 'peers.A-view-of-B.fdb-dst')).toMatchObject({ a: `fdb ${vtepMac(bad)} -> 192.168.9.2`, b: 'flannel.1 local 172.31.251.2', relevance: 'medium' });
    expect(d.find((x) => x.key === 'peers.A-view-of-B.route')).toMatchObject({ a: 'no route', b: '10.244.2.0/24 (its pod subnet)' });
  });
});

describe('rendering', () => {
  const { healthy, broken } = seed000Pair();
  const diff = nodeDiff(healthy, broken);

  it('text groups by category, hides low relevance unless --all', () => {
    const text = renderNodeDiffText(diff, { labelA: 'A', labelB: 'B' });
    expect(text).toContain('Kernel build and history');
    expect(text).toContain('!! kernel.release');
    expect(text).not.toContain('kernel.installed-packages');
    expect(text).toContain('3 relevant difference(s) (1 high), 1 of low relevance not shown (--all)');
    expect(renderNodeDiffText(diff, { labelA: 'A', labelB: 'B', all: true })).toContain('kernel.installed-packages');
    expect(text).not.toContain('\u001b[');
  });

  it('JSON carries every difference with its evidence', () => {
    const doc = JSON.parse(renderNodeDiffJson(diff, { labelA: 'A', labelB: 'B' })) as { relevantCount: number; differences: Difference[] };
    expect(doc.relevantCount).toBe(3);
    expect(doc.differences).toHaveLength(diff.differences.length);
    expect(doc.differences[0]?.evidence.b[0]?.text).toContain('#3 SMP Thu Jul 24 02:43:35 CST 2025');
  });
});
