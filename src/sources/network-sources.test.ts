// The network sources end to end: over a flannel-style node built in network namespaces (every
// command really runs inside it), and over a real sosreport.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { missingRequirement } from '../../test/helpers/env.js';
import type { NodeFacts } from '../evidence/node-facts.js';
import { collectFromHost } from './collect.js';
import { bundleHost } from './host/bundle.js';
import { liveHost } from './host/live.js';
import { commandLine } from './host/sos-names.js';
import type { ExplainingHostReader } from './host/types.js';
import { networkSources } from './network-sources.js';
import { sysctlSource } from './sysctl/read.js';
import { mergeAddresses, parseIpAddressText, parseIpLinkJson, parseIpLinkText } from './links/parse.js';
import { parseIpRouteGet, parseIpRoutes } from './routes/parse.js';
import { parseIpNeigh } from './neighbours/parse.js';
import { parseBridgeFdb } from './fdb/parse.js';
import { parseEthtoolDriver, parseEthtoolFeatures } from './ethtool/parse.js';
import { parseProcNetPairs } from './snmp/parse.js';
import { parseNstat, parseProcNetstatAsNstat } from './netstat/parse.js';
import { parseProcNetDev } from './netdev/parse.js';
import { parseConntrackStats, parseIntFile, parseProcConntrackStat } from './conntrack/parse.js';
import { parseIptablesSave, parseNftRuleset } from './packet-filter/parse.js';
import { parseIptablesListing } from './packet-filter/listing.js';

const NS_A = 'ppd2-la';
const NS_B = 'ppd2-lb';

/** The live host, but every command and file read happens inside network namespace `ns`. */
function netnsHost(ns: string): ExplainingHostReader {
  const inner = liveHost();
  const inNs = (argv: string[]): string[] => ['ip', 'netns', 'exec', ns, ...argv];
  const catLine = (p: string): string => commandLine(inNs(['cat', p]));
  return {
    kind: 'live',
    origin: { kind: 'live', path: `netns:${ns}` },
    explain: (what) => inner.explain(what.startsWith('/') ? catLine(what) : `ip netns exec ${ns} ${what}`),
    close: async () => {},
    async readFile(p) {
      const out = await inner.run({ argv: inNs(['cat', p]), plugin: 'none' });
      return out ? { text: out.stdout, source: p } : undefined;
    },
    listDir: async () => [],
    async run(cmd) {
      const out = await inner.run({ argv: inNs(cmd.argv), plugin: cmd.plugin });
      return out ? { stdout: out.stdout, source: commandLine(cmd.argv) } : undefined;
    },
  };
}

const sh = (argv: string[], input?: string): string => execFileSync(argv[0] ?? 'true', argv.slice(1), { encoding: 'utf8', input, stdio: ['pipe', 'pipe', 'pipe'] });
const inNs = (ns: string, ...argv: string[]): string => sh(['ip', 'netns', 'exec', ns, ...argv]);

function removeNamespaces(): void {
  for (const ns of [NS_A, NS_B]) {
    try { sh(['ip', 'netns', 'del', ns]); } catch { /* not there */ }
  }
}

function buildFlannelPair(): void {
  removeNamespaces();
  for (const ns of [NS_A, NS_B]) sh(['ip', 'netns', 'add', ns]);
  sh(['ip', 'link', 'add', 'ppd2-lua', 'netns', NS_A, 'type', 'veth', 'peer', 'name', 'ppd2-lub', 'netns', NS_B]);
  sh(['ip', '-n', NS_A, 'link', 'set', 'ppd2-lua', 'name', 'eth0']);
  sh(['ip', '-n', NS_B, 'link', 'set', 'ppd2-lub', 'name', 'eth0']);
  const batch = (ns: string, i: number): string => [
    'link set lo up', `addr add 172.31.251.${i}/24 dev eth0`, 'link set eth0 up',
    `link add flannel.1 type vxlan id 1 local 172.31.251.${i} dev eth0 dstport 8472 nolearning`,
    'link set flannel.1 mtu 1450', `addr add 10.244.${i}.0/32 dev flannel.1`, 'link set flannel.1 up',
    'link add cni0 type bridge', `addr add 10.244.${i}.1/24 dev cni0`, 'link set cni0 up',
  ].join('\n') + '\n';
  sh(['ip', '-n', NS_A, '-batch', '-'], batch(NS_A, 1));
  sh(['ip', '-n', NS_B, '-batch', '-'], batch(NS_B, 2));
  const macB = inNs(NS_B, 'cat', '/sys/class/net/flannel.1/address').trim();
  sh(['ip', '-n', NS_A, 'route', 'add', '10.244.2.0/24', 'via', '10.244.2.0', 'dev', 'flannel.1', 'onlink']);
  sh(['ip', '-n', NS_A, 'neigh', 'add', '10.244.2.0', 'lladdr', macB, 'dev', 'flannel.1', 'nud', 'permanent']);
  inNs(NS_A, 'bridge', 'fdb', 'append', macB, 'dev', 'flannel.1', 'dst', '172.31.251.2', 'self', 'permanent');
  sh(['ip', 'netns', 'exec', NS_A, 'iptables-restore'], [
    '*nat', ':POSTROUTING ACCEPT [0:0]', ':KUBE-POSTROUTING - [0:0]',
    '-A POSTROUTING -m comment --comment "kubernetes postrouting rules" -j KUBE-POSTROUTING',
    '-A KUBE-POSTROUTING -m comment --comment "kubernetes service traffic requiring SNAT" -m mark --mark 0x4000/0x4000 -j MASQUERADE --random-fully',
    'COMMIT', '*filter', ':FORWARD DROP [0:0]', 'COMMIT', '',
  ].join('\n'));
  sh(['ip', 'netns', 'exec', NS_A, 'nft', '-f', '-'], 'table inet ppd2-live {\n chain input {\n  type filter hook input priority filter; policy accept;\n  udp dport 8472 counter accept\n }\n}\n');
}

const skip = missingRequirement({ root: true, tools: ['ip', 'bridge', 'ethtool', 'iptables-restore', 'iptables-save', 'nft', 'nstat', 'bash'] });

describe.skipIf(skip)('network sources on a flannel node in a network namespace', () => {
  let facts: NodeFacts;
  beforeAll(async () => {
    buildFlannelPair();
    facts = await collectFromHost(netnsHost(NS_A), { sources: networkSources });
  });
  afterAll(removeNamespaces);

  it('reads links with the VXLAN device, its address and counters', () => {
    const f = facts.links?.items.find((l) => l.name === 'flannel.1');
    expect(f).toMatchObject({ kind: 'vxlan', mtu: 1450, vxlan: { id: 1, port: 8472, local: '172.31.251.1', dev: 'eth0', learning: false } });
    expect(f?.addresses).toContainEqual({ family: 'inet', address: '10.244.1.0', prefixLen: 32, scope: 'global' });
    expect(f?.stats).toBeDefined();
    expect(facts.links?.source).toBe('ip -j -s -d link');
  });

  it('reads routes and asks the kernel where the overlay addresses go', () => {
    expect(facts.routes?.items).toContainEqual(expect.objectContaining({ dst: '10.244.2.0/24', via: '10.244.2.0', dev: 'flannel.1', onlink: true }));
    expect(facts.routeGets?.map((g) => [g.target, g.type, g.dev])).toEqual([['10.244.1.0', 'local', 'lo'], ['10.244.2.0', 'unicast', 'flannel.1']]);
  });

  it('reads the permanent neighbour and fdb entries flanneld would write', () => {
    expect(facts.neighbours?.items).toContainEqual(expect.objectContaining({ address: '10.244.2.0', dev: 'flannel.1', states: ['PERMANENT'] }));
    expect(facts.fdb?.items).toEqual([expect.objectContaining({ dev: 'flannel.1', dst: '172.31.251.2', self: true, permanent: true })]);
  });

  it('reads ethtool for the VXLAN device only (veth and bridge are not NICs)', () => {
    expect(facts.nics?.map((n) => [n.name, n.driver])).toEqual([['flannel.1', 'vxlan']]);
    expect(facts.nics?.[0]?.features['tx-checksum-ip-generic']).toEqual({ on: true, fixed: false });
  });

  it('reads the namespace\'s own counters, conntrack and rulesets', () => {
    expect(facts.snmp?.tables.Udp).toHaveProperty('InCsumErrors');
    expect(facts.netstat?.counters).toHaveProperty('TcpExtIPReversePathFilter');
    expect(Object.keys(facts.netdev?.interfaces ?? {}).sort()).toEqual(['cni0', 'eth0', 'flannel.1', 'lo']);
    expect(facts.conntrack?.stats).toHaveProperty('insert_failed');
    expect(facts.packetFilter?.iptables?.nat?.['KUBE-POSTROUTING']?.rules).toEqual([
      '-A KUBE-POSTROUTING -m comment --comment "kubernetes service traffic requiring SNAT" -m mark --mark 0x4000/0x4000 -j MASQUERADE --random-fully',
    ]);
    expect(facts.packetFilter?.iptables?.filter?.FORWARD?.policy).toBe('DROP');
    expect(facts.packetFilter?.nft?.find((t) => t.name === 'ppd2-live')?.chains[0]).toEqual({ name: 'input', hook: 'input', policy: 'accept', rules: ['udp dport 8472 counter accept'] });
    const sections = new Set(['links', 'routes', 'routeGets', 'neighbours', 'fdb', 'nics', 'snmp', 'netstat', 'netdev', 'conntrack', 'packetFilter']);
    expect(facts.missing.filter((m) => sections.has(m.evidence))).toEqual([]);
  });

  it('sees what changes on the node: an offload turned off, UDP to a closed port, a lost route', async () => {
    const before = facts.snmp?.tables.Udp?.NoPorts ?? 0;
    inNs(NS_A, 'ethtool', '-K', 'flannel.1', 'tx-checksum-ip-generic', 'off');
    inNs(NS_A, 'bash', '-c', 'for i in 1 2 3; do echo podpath >/dev/udp/127.0.0.1/9; done');
    sh(['ip', '-n', NS_A, 'route', 'del', '10.244.2.0/24']);
    const after = await collectFromHost(netnsHost(NS_A), { sources: networkSources });
    expect(after.nics?.[0]?.features['tx-checksum-ip-generic']).toEqual({ on: false, fixed: false });
    expect(after.snmp?.tables.Udp?.NoPorts).toBe(before + 3);
    // Seed 001 after NetworkManager: no route to the peers via flannel.1, only the local address to ask about.
    expect(after.routes?.items.some((r) => r.dev === 'flannel.1' && r.dst === '10.244.2.0/24')).toBe(false);
    expect(after.routeGets?.map((g) => g.target)).toEqual(['10.244.1.0']);
  });

  it('reads an unreachable target from the error the kernel gives', async () => {
    // A peer route via flannel.1, shadowed by a more specific unreachable route.
    sh(['ip', '-n', NS_A, 'route', 'add', '10.244.3.0/24', 'via', '10.244.3.0', 'dev', 'flannel.1', 'onlink']);
    sh(['ip', '-n', NS_A, 'route', 'add', 'unreachable', '10.244.3.0/32']);
    const after = await collectFromHost(netnsHost(NS_A), { sources: networkSources, needs: ['routeGets'] });
    expect(after.routeGets?.find((g) => g.target === '10.244.3.0')).toMatchObject({ type: 'unreachable', line: 'RTNETLINK answers: No route to host' });
  });
});

describe('network sources on bundles', () => {
  it('read a real sosreport (sos 4.0, flannel namespace)', async () => {
    const host = await bundleHost(fileURLToPathSafe('../../test/fixtures/bundles/sos-4.0-netns'));
    try {
      const facts = await collectFromHost(host, { sources: [sysctlSource, ...networkSources] });
      expect(facts.links?.items.find((l) => l.name === 'flannel.1')?.vxlan).toEqual({ id: 1, port: 8472, local: '192.168.77.2', dev: 'eth0', learning: false, udpCsum: true });
      expect(facts.routes?.items).toContainEqual(expect.objectContaining({ dst: '10.244.1.0/24', dev: 'flannel.1', onlink: true }));
      expect(facts.nics?.map((n) => n.name)).toEqual(['flannel.1']);
      expect(facts.snmp?.tables.Udp).toBeDefined();
      expect(facts.netstat?.source).toMatch(/netstat$/);
      expect(facts.conntrack?.max).toBe(262144);
      // sosreport runs no `ip route get`: said so, not invented.
      expect(facts.routeGets).toBeUndefined();
      expect(facts.missing.find((m) => m.evidence === 'routeGets')?.reason).toMatch(/not in the bundle/);
    } finally {
      await host.close();
    }
  });

  it('read iptables listings when a sosreport has no iptables-save', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'ppd2-listing-'));
    try {
      mkdirSync(path.join(dir, 'sos_commands', 'firewall_tables'), { recursive: true });
      writeFileSync(path.join(dir, 'version.txt'), 'sosreport: 4.5\n');
      for (const f of ['iptables_-t_nat_-nvL', 'iptables_-t_filter_-nvL']) {
        writeFileSync(path.join(dir, 'sos_commands', 'firewall_tables', f), readFileSync(fileURLToPathSafe(`../../test/fixtures/sources/net/flannel-a/${f}`)));
      }
      const host = await bundleHost(dir);
      const facts = await collectFromHost(host, { sources: networkSources, needs: ['packetFilter'] });
      await host.close();
      expect(facts.packetFilter?.iptables?.nat?.['KUBE-POSTROUTING']?.rules).toEqual([
        '-A KUBE-POSTROUTING -m comment --comment "kubernetes service traffic requiring SNAT" -m mark --mark 0x4000/0x4000 -j MASQUERADE --random-fully',
      ]);
      expect(facts.packetFilter?.sources).toEqual(['sos_commands/firewall_tables/iptables_-t_filter_-nvL', 'sos_commands/firewall_tables/iptables_-t_nat_-nvL']);
      expect(facts.missing.map((m) => m.evidence)).toEqual(['packetFilter.nft']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('record a reason for each section an almost empty bundle lacks', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'ppd2-empty-'));
    try {
      mkdirSync(path.join(dir, 'sos_commands', 'networking'), { recursive: true });
      writeFileSync(path.join(dir, 'version.txt'), 'sosreport: 4.0\n');
      const host = await bundleHost(dir);
      const facts = await collectFromHost(host, { sources: networkSources });
      await host.close();
      for (const key of ['links', 'routes', 'routeGets', 'neighbours', 'fdb', 'nics', 'snmp', 'netstat', 'netdev', 'conntrack', 'packetFilter'] as const) {
        expect(facts[key]).toBeUndefined();
        expect(facts.missing.find((m) => m.evidence === key)?.reason, key).toBeTruthy();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

function fileURLToPathSafe(rel: string): string {
  return new URL(rel, import.meta.url).pathname;
}

describe('the network parsers on damaged input', () => {
  const parsers: ((t: string) => unknown)[] = [
    (t) => mergeAddresses(parseIpLinkText(t, 's'), parseIpAddressText(t, 's')), (t) => parseIpLinkJson(t, 's'),
    parseIpRoutes, (t) => parseIpRouteGet(t, '10.0.0.1', 's'), (t) => parseIpNeigh(t), (t) => parseBridgeFdb(t),
    parseEthtoolFeatures, parseEthtoolDriver, parseProcNetPairs, parseNstat, parseProcNetstatAsNstat, parseProcNetDev,
    parseConntrackStats, parseIntFile, parseProcConntrackStat, parseIptablesSave, parseNftRuleset, parseIptablesListing,
  ];
  const dir = fileURLToPathSafe('../../test/fixtures/sources/net/flannel-a/');
  const samples = ['ip_-s_-d_link', 'ip_-j_-s_-d_link', 'ip_route_show_table_all', 'nft_list_ruleset', 'iptables-save', 'iptables_-t_nat_-nvL', 'proc_net_snmp', 'proc_net_stat_nf_conntrack']
    .map((f) => readFileSync(path.join(dir, f), 'utf8'));

  it('never throw on truncated, shuffled or random text, whichever parser gets it', () => {
    let seed = 42;
    const rand = (n: number): number => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed % n; };
    const inputs: string[] = ['', '\n\n', '{', '[{"ifname":"x","linkinfo":{"info_kind":"vxlan","info_data":null},"stats64":{"rx":1}}]'];
    for (const text of samples) {
      for (let k = 0; k < 20; k++) inputs.push(text.slice(0, rand(text.length)));
      const lines = text.split('\n');
      inputs.push(lines.map((_, i) => lines[rand(lines.length)] ?? String(i)).join('\n'));
      inputs.push(lines.map((l) => l.split(/\s+/).filter(() => rand(4) > 0).join(' ')).join('\n'));
    }
    inputs.push(Array.from({ length: 2000 }, () => String.fromCharCode(rand(128))).join(''));
    let calls = 0;
    for (const input of inputs) for (const parse of parsers) { expect(() => parse(input)).not.toThrow(); calls++; }
    expect(calls).toBe(inputs.length * parsers.length);
  });
});
