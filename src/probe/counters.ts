// Kernel counters read before and after a probe, to say where a packet died.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { networkInterfaces } from 'node:os';
import { parseProcNetPairs } from '../sources/snmp/parse.js';
import { parseProcNetDev } from '../sources/netdev/parse.js';
import type { CounterSnapshot, CounterDelta } from '../evidence/probe-run.js';
import { MESH_ADDRESSES_PER_INTERFACE } from '../api/mesh-round.js';
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
 * IPVS mode puts every Service's ClusterIP on kube-ipvs0, hundreds to thousands of /32s.
 */
export function compactSnapshot(s: CounterSnapshot, own: readonly string[] = []): CounterSnapshot {
  const keep = (name: string) => (s.addresses?.[name]?.length ?? 0) > 0;
  const pick = <T>(r: Record<string, T> | undefined) => r && Object.fromEntries(Object.entries(r).filter(([name]) => keep(name)));
  const cap = (r: Record<string, string[]> | undefined, addressOf: (x: string) => string) => r && Object.fromEntries(Object.entries(r).filter(([name]) => keep(name)).map(([name, list]) => {
    if (list.length <= MESH_ADDRESSES_PER_INTERFACE) return [name, list];
    const mine = list.filter((x) => own.includes(addressOf(x)));
    return [name, [...mine, ...list.filter((x) => !own.includes(addressOf(x))).slice(0, MESH_ADDRESSES_PER_INTERFACE - mine.length)]];
  }));
  return { ...s, interfaces: pick(s.interfaces) ?? {}, addresses: cap(s.addresses, (a) => a), cidrs: cap(s.cidrs, (c) => c.slice(0, c.lastIndexOf('/'))) };
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
