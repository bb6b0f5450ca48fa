import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { compactSnapshot, countersAnswer, diffCounters, interfaceOf } from './counters.js';
import { CounterSnapshot } from '../evidence/probe-run.js';
import { MeshRoundAnswer } from '../api/mesh-round.js';
import { devicesOf, subnetOf } from '../mesh/cells.js';
import { parseProcNetPairs } from '../sources/snmp/parse.js';
import { parseProcNetDev } from '../sources/netdev/parse.js';

describe('counters', () => {
  it('parses the real /proc/net/snmp and /proc/net/dev of this host and diffs snapshots', () => {
    const snmp = parseProcNetPairs(readFileSync('/proc/net/snmp', 'utf8'));
    expect(snmp.Udp).toHaveProperty('InCsumErrors');
    const dev = parseProcNetDev(readFileSync('/proc/net/dev', 'utf8'));
    expect(dev.lo).toBeDefined();
    const a = { atMs: 0, udp: { InErrors: 1 }, netstat: { IPReversePathFilter: 0 }, interfaces: { eth0: { rxPackets: 5, rxDropped: 0, rxErrors: 0, txPackets: 1, txDropped: 0 } } };
    const b = { atMs: 1, udp: { InErrors: 4 }, netstat: { IPReversePathFilter: 0 }, interfaces: { eth0: { rxPackets: 9, rxDropped: 0, rxErrors: 0, txPackets: 1, txDropped: 0 } } };
    expect(diffCounters(a, b)).toEqual({ udp: { InErrors: 3 }, netstat: {}, interfaces: { eth0: { rxPackets: 4, rxDropped: 0, rxErrors: 0, txPackets: 0, txDropped: 0 } } });
  });
  it('finds the interface that holds an address', () => {
    const snap = { atMs: 0, udp: {}, netstat: {}, interfaces: {}, addresses: { eth0: ['192.168.77.11'], 'flannel.1': ['10.244.1.0'] } };
    expect(interfaceOf(snap, '10.244.1.0')).toBe('flannel.1');
    expect(interfaceOf(snap, '10.244.2.2')).toBeUndefined();
  });
  it('a node running kube-proxy in IPVS mode: its round answer is valid and names its NIC and subnet', () => {
    // kube-proxy (IPVS mode) puts every Service's ClusterIP on the dummy device kube-ipvs0, one /32
    // each (`ip addr show kube-ipvs0` in weaveworks/weave#3327 and aerospike-server#16 lists dozens to
    // hundreds); 300 Services here, the node's own address on ens5 as in SSSD/sssd#6395. With all
    // of them the answer was refused (E_MESH_ANSWER: more than 64 addresses on one interface).
    const vips = Array.from({ length: 300 }, (_, i) => `10.96.${(i + 1) >> 8}.${(i + 1) & 255}`);
    const snap = {
      atMs: 1, udp: {}, netstat: {},
      interfaces: { lo: dev(), ens5: dev(), 'kube-ipvs0': dev(), 'vxlan.calico': dev() },
      addresses: { lo: ['127.0.0.1'], ens5: ['10.242.53.195'], 'kube-ipvs0': vips, 'vxlan.calico': ['192.168.20.0'] },
      cidrs: { lo: ['127.0.0.1/8'], ens5: ['10.242.53.195/22'], 'kube-ipvs0': vips.map((a) => `${a}/32`), 'vxlan.calico': ['192.168.20.0/32'] },
    };
    const answer = { round: 0, counters: compactSnapshot(snap, ['10.242.53.195']), cells: [], peakRunning: 0 };
    const parsed = MeshRoundAnswer.safeParse(JSON.parse(JSON.stringify(answer)));
    expect(parsed.success ? 'valid' : parsed.error.issues[0]?.message).toBe('valid');
    const counters = parsed.success ? parsed.data.counters : snap;
    expect(counters.addresses?.['kube-ipvs0']).toHaveLength(64);
    expect(subnetOf(counters, '10.242.53.195')).toBe('10.242.52.0/22');
    expect(devicesOf(counters, '10.242.53.195')).toEqual({ nic: 'ens5', overlay: 'vxlan.calico' });
  });
  it("keeps the agent's own addresses when it cuts an interface's list", () => {
    const many = Array.from({ length: 200 }, (_, i) => `10.0.${(i + 1) >> 8}.${(i + 1) & 255}`);
    const snap = { atMs: 1, udp: {}, netstat: {}, interfaces: { eth0: dev() }, addresses: { eth0: many }, cidrs: { eth0: many.map((a) => `${a}/16`) } };
    const c = compactSnapshot(snap, ['10.0.0.150']);
    expect(c.addresses?.eth0).toHaveLength(64);
    expect(c.addresses?.eth0?.[0]).toBe('10.0.0.150');
    expect(c.cidrs?.eth0?.[0]).toBe('10.0.0.150/16');
    expect(c.cidrs?.eth0).toHaveLength(64);
  });
  it('reads an answer of an agent that sent every address (before the cut): valid, the lists cut to 64', () => {
    const vips = Array.from({ length: 500 }, (_, i) => `10.96.${(i + 1) >> 8}.${(i + 1) & 255}`);
    const counters = { atMs: 1, udp: {}, netstat: {}, interfaces: { 'kube-ipvs0': dev() }, addresses: { 'kube-ipvs0': vips }, cidrs: { 'kube-ipvs0': vips.map((a) => `${a}/32`) } };
    const parsed = MeshRoundAnswer.parse({ round: 0, counters, cells: [], peakRunning: 0 });
    expect(parsed.counters.addresses?.['kube-ipvs0']).toEqual(vips.slice(0, 64));
  });
  it('a node with 1,500 pods: its round answer is valid, keeps the NIC, VXLAN device and bridge, and counts the veths it left out', () => {
    // Synthetic, shaped as on a flannel node: every pod's host-side veth holds an IPv6 link-local
    // address (`ip -6 addr show` on a node: veth1a2b3c4d ... inet6 fe80::.../64 scope link), and
    // the veths come before cni0 and flannel.1 in /proc/net/dev's order (their ifindex is higher;
    // the order here puts them first so the cut must choose, not take the first 1,024).
    const veths = Array.from({ length: 1500 }, (_, i) => `veth${i.toString(16).padStart(8, '0')}`);
    const ll = (i: number) => `fe80::${(i + 1).toString(16)}:ff:fe00:1`;
    const interfaces: Record<string, ReturnType<typeof dev>> = {};
    const addresses: Record<string, string[]> = {};
    const cidrs: Record<string, string[]> = {};
    veths.forEach((v, i) => { interfaces[v] = dev(); addresses[v] = [ll(i)]; cidrs[v] = [`${ll(i)}/64`]; });
    const more = { lo: ['127.0.0.1/8'], eth0: ['10.0.1.5/24', 'fe80::1/64'], cni0: ['10.244.3.1/24', 'fe80::2/64'], 'flannel.1': ['10.244.3.0/32'] };
    for (const [n, list] of Object.entries(more)) { interfaces[n] = dev(); cidrs[n] = list; addresses[n] = list.map((c) => c.slice(0, c.lastIndexOf('/'))); }
    const snap = { atMs: 1, udp: {}, netstat: {}, interfaces, addresses, cidrs };
    const before = { round: 0, counters: { ...snap, interfaces: Object.fromEntries(Object.entries(interfaces).filter(([n]) => addresses[n]?.length)) }, cells: [], peakRunning: 0 };
    // What every such node answered before the cut: refused, every round (E_MESH_ANSWER).
    expect(MeshRoundAnswer.safeParse(JSON.parse(JSON.stringify(before))).success).toBe(false);
    const c = compactSnapshot(snap, ['10.0.1.5']);
    const parsed = MeshRoundAnswer.safeParse(JSON.parse(JSON.stringify({ round: 0, counters: c, cells: [], peakRunning: 0 })));
    expect(parsed.success ? 'valid' : parsed.error.issues[0]?.message).toBe('valid');
    const counters = parsed.success ? parsed.data.counters : c;
    expect(Object.keys(counters.interfaces)).toHaveLength(1024);
    expect(Object.keys(counters.addresses ?? {})).toHaveLength(1024);
    for (const n of ['lo', 'eth0', 'cni0', 'flannel.1']) expect(counters.interfaces[n]).toBeDefined();
    expect(counters.dropped).toEqual({ interfaces: 1504 - 1024 });
    expect(devicesOf(counters, '10.0.1.5')).toEqual({ nic: 'eth0', overlay: 'flannel.1' });
    expect(subnetOf(counters, '10.0.1.5')).toBe('10.0.1.0/24');
  });
  it('GET /v1/counters on a node with 300 Service IPs on kube-ipvs0: a valid answer, its own address kept, the cut counted', () => {
    const vips = Array.from({ length: 300 }, (_, i) => `10.96.${(i + 1) >> 8}.${(i + 1) & 255}`);
    const all = [...vips, '10.0.0.9'];
    const snap = { atMs: 1, udp: {}, netstat: {}, interfaces: { 'kube-ipvs0': dev() }, addresses: { 'kube-ipvs0': all }, cidrs: { 'kube-ipvs0': all.map((a) => `${a}/32`) } };
    // The route's schema reads an older agent's full list, cut (it refused the whole reading before).
    expect(CounterSnapshot.safeParse(snap).success).toBe(true);
    expect(CounterSnapshot.parse(snap).addresses?.['kube-ipvs0']).toHaveLength(256);
    const answer = CounterSnapshot.parse(JSON.parse(JSON.stringify(countersAnswer(snap, ['10.0.0.9']))));
    expect(answer.addresses?.['kube-ipvs0']).toHaveLength(256);
    expect(answer.addresses?.['kube-ipvs0']?.[0]).toBe('10.0.0.9');
    expect(answer.dropped).toEqual({ addresses: 301 - 256 });
    expect(interfaceOf(answer, '10.0.0.9')).toBe('kube-ipvs0');
  });
  it('leaves a small reading as it was (nothing dropped, nothing said)', () => {
    const snap = { atMs: 1, udp: { InErrors: 0 }, netstat: {}, interfaces: { eth0: dev(), veth1: dev() }, addresses: { eth0: ['10.0.0.1'] }, cidrs: { eth0: ['10.0.0.1/24'] } };
    expect(countersAnswer(snap)).toEqual(snap);
    expect(compactSnapshot(snap)).toEqual({ ...snap, interfaces: { eth0: dev() } });
  });
});

function dev() {
  return { rxPackets: 0, rxDropped: 0, rxErrors: 0, txPackets: 0, txDropped: 0 };
}
