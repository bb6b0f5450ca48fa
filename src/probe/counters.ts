// Kernel counters read before and after a probe, to say where a packet died.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { networkInterfaces } from 'node:os';
import { parseProcNetPairs } from '../sources/snmp/parse.js';
import { parseProcNetDev } from '../sources/netdev/parse.js';
import type { CounterSnapshot, CounterDelta } from '../evidence/probe-run.js';
import { MESH_ADDRESSES_PER_INTERFACE, MESH_INTERFACES } from '../api/mesh-round.js';
import { LIMITS } from '../util/limits.js';
export type { CounterSnapshot, CounterDelta };

export function interfaceAddresses(): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [name, list] of Object.entries(networkInterfaces())) out[name] = (list ?? []).map((a) => a.address);
  return out;
}

/** Both maps from one look at the interfaces (it is the costly part of a reading). */
function addressesAndCidrs(): { addresses: Record<string, string[]>; cidrs: Record<string, string[]> } {
  const addresses: Record<string, string[]> = {};
  const cidrs: Record<string, string[]> = {};
  for (const [name, list] of Object.entries(networkInterfaces())) {
    addresses[name] = (list ?? []).map((a) => a.address);
    cidrs[name] = (list ?? []).map((a) => a.cidr ?? '').filter(Boolean);
  }
  return { addresses, cidrs };
}

/**
 * A snapshot cut down to the interfaces that hold an address (the NIC, the VXLAN device, the
 * bridge, a pod's eth0): on a node with thousands of veths, what a mesh round carries stays small.
 * Each interface keeps at most MESH_ADDRESSES_PER_INTERFACE addresses (what the coordinator reads),
 * `own` first (the agent's: the coordinator looks up their interface and subnet): kube-proxy's
 * IPVS mode puts every Service's ClusterIP on kube-ipvs0, hundreds to thousands of /32s. A veth
 * holds an IPv6 link-local address: past MESH_INTERFACES interfaces the ones that matter are kept
 * (cutSnapshot) and the rest counted in `dropped`.
 */
export function compactSnapshot(s: CounterSnapshot, own: readonly string[] = []): CounterSnapshot {
  return cutSnapshot(s, own, { withAddressOnly: true, interfaces: MESH_INTERFACES, addresses: MESH_ADDRESSES_PER_INTERFACE });
}

/** What GET /v1/counters answers: every interface and address up to the limits its schema reads. */
export function countersAnswer(s: CounterSnapshot, own: readonly string[] = []): CounterSnapshot {
  return cutSnapshot(s, own, { withAddressOnly: false, interfaces: LIMITS.agentCounterInterfaces.value, addresses: LIMITS.agentCounterAddresses.value });
}

/** The VXLAN device (flannel, Calico, Cilium) and the pod bridges: what a mesh cell's path names. */
const OVERLAY_OR_BRIDGE = /^(flannel\.\d+|flannel-v6\.\d+|vxlan\.calico|vxlan-v6\.calico|cilium_vxlan|cilium_host|cni\d*|cbr\d+|docker\d+|kube-bridge|weave|br-.+)$/;

/** fe80::/10 and 169.254.0.0/16: what every veth holds, never what a probe goes to. */
function linkLocal(a: string): boolean {
  return /^fe[89ab][0-9a-f]:/i.test(a) || a.startsWith('169.254.');
}

function cutSnapshot(s: CounterSnapshot, own: readonly string[], o: { withAddressOnly: boolean; interfaces: number; addresses: number }): CounterSnapshot {
  const addrs = s.addresses ?? {};
  let names = Object.keys(s.interfaces);
  for (const n of Object.keys(addrs)) if (!(n in s.interfaces)) names.push(n);
  if (o.withAddressOnly) names = names.filter((n) => (addrs[n]?.length ?? 0) > 0);
  let droppedInterfaces = 0;
  if (names.length > o.interfaces) {
    // 0: the uplink or pod interface (the agent's own address), the overlay and bridge devices;
    // 1: any other with a routable address; 2: link-local only (veths). Stable within a rank.
    const rank = (n: string) => {
      const list = addrs[n] ?? [];
      if (OVERLAY_OR_BRIDGE.test(n) || list.some((a) => own.includes(a))) return 0;
      return list.some((a) => !linkLocal(a)) ? 1 : 2;
    };
    const ranked = names.map((n, i) => ({ n, i, r: rank(n) })).sort((a, b) => a.r - b.r || a.i - b.i);
    droppedInterfaces = names.length - o.interfaces;
    names = ranked.slice(0, o.interfaces).map((x) => x.n);
  }
  const kept = new Set(names);
  let droppedAddresses = 0;
  const cap = (r: Record<string, string[]> | undefined, addressOf: (x: string) => string, count: boolean) => r && Object.fromEntries(Object.entries(r).filter(([name]) => kept.has(name)).map(([name, list]) => {
    if (list.length <= o.addresses) return [name, list];
    if (count) droppedAddresses += list.length - o.addresses;
    const mine = list.filter((x) => own.includes(addressOf(x)));
    return [name, [...mine, ...list.filter((x) => !own.includes(addressOf(x))).slice(0, o.addresses - mine.length)]];
  }));
  const interfaces = Object.fromEntries(Object.entries(s.interfaces).filter(([name]) => kept.has(name)));
  const out: CounterSnapshot = { ...s, interfaces, addresses: cap(s.addresses, (a) => a, true), cidrs: cap(s.cidrs, (c) => c.slice(0, c.lastIndexOf('/')), false) };
  if (droppedInterfaces || droppedAddresses) out.dropped = { ...(droppedInterfaces ? { interfaces: droppedInterfaces } : {}), ...(droppedAddresses ? { addresses: droppedAddresses } : {}) };
  return out;
}

export function interfaceOf(snapshot: CounterSnapshot | undefined, address: string): string | undefined {
  for (const [name, list] of Object.entries(snapshot?.addresses ?? {})) if (list.includes(address)) return name;
  return undefined;
}

const SNMP_TABLES = ['Udp'];
const NETSTAT_TABLES = ['TcpExt', 'IpExt'];

export async function readCounters(procRoot = '/proc'): Promise<CounterSnapshot> {
  return readCountersSync(procRoot);
}

/**
 * Read synchronously: these are small files the kernel writes on demand (no disk), and five
 * asynchronous reads cost an open, a stat, reads and a close through the thread pool each, for
 * every round of every agent.
 */
export function readCountersSync(procRoot = '/proc'): CounterSnapshot {
  const read = (p: string) => {
    try {
      return readFileSync(join(procRoot, p), 'utf8');
    } catch {
      return '';
    }
  };
  const [snmp, netstat, dev, ctCount, ctMax] = [
    read('net/snmp'), read('net/netstat'), read('net/dev'),
    read('sys/net/netfilter/nf_conntrack_count'), read('sys/net/netfilter/nf_conntrack_max'),
  ];
  // Only the tables kept: /proc/net/snmp's Ip, Icmp, Tcp... rows are never split.
  const ns = parseProcNetPairs(netstat, NETSTAT_TABLES);
  return {
    atMs: Date.now(),
    udp: parseProcNetPairs(snmp, SNMP_TABLES).Udp ?? {},
    netstat: { ...(ns.TcpExt ?? {}), ...(ns.IpExt ?? {}) },
    interfaces: parseProcNetDev(dev),
    ...addressesAndCidrs(),
    conntrack: ctCount.trim() ? { count: Number(ctCount.trim()), max: ctMax.trim() ? Number(ctMax.trim()) : undefined } : undefined,
  };
}

/** What changed between two snapshots: only non-zero differences. */
export function diffCounters(before: CounterSnapshot, after: CounterSnapshot): CounterDelta {
  const d = (a: Record<string, number>, b: Record<string, number>) =>
    Object.fromEntries(Object.keys(b).map((k) => [k, (b[k] ?? 0) - (a[k] ?? 0)]).filter(([, v]) => v !== 0));
  const interfaces: CounterDelta['interfaces'] = {};
  for (const [name, b] of Object.entries(after.interfaces)) {
    const a = before.interfaces[name];
    if (!a) continue;
    interfaces[name] = {
      rxPackets: b.rxPackets - a.rxPackets, rxDropped: b.rxDropped - a.rxDropped, rxErrors: b.rxErrors - a.rxErrors,
      txPackets: b.txPackets - a.txPackets, txDropped: b.txDropped - a.txDropped,
    };
  }
  return { udp: d(before.udp, after.udp), netstat: d(before.netstat, after.netstat), interfaces };
}
