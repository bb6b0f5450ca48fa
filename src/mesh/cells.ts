// From an agent's round answer to matrix cells: numbers copied, counter windows turned into
// deltas, and the devices whose counters place a loss. Pure, and measuring only: no verdict here.
import { isIP } from 'node:net';
import type { MeshCell, MeshCounterDelta, MeshNode, PlanePair } from '../evidence/mesh-matrix.js';
import type { CellAnswer, CounterSnapshotAnswer } from '../api/mesh-round.js';

/** The VXLAN devices flannel, Calico and Cilium make (by name: counters say nothing of the kind). */
const VXLAN_DEVICE = /^(flannel\.\d+|flannel-v6\.\d+|vxlan\.calico|vxlan-v6\.calico|cilium_vxlan)$/;

/** What moved between two readings of one agent (non-zero differences only). */
export function deltaOf(before: CounterSnapshotAnswer, after: CounterSnapshotAnswer): MeshCounterDelta {
  const diff = (a: Record<string, number>, b: Record<string, number>) => {
    const out: Record<string, number> = {};
    for (const [k, v] of Object.entries(b)) {
      const d = v - (a[k] ?? 0);
      if (d !== 0 && Number.isFinite(d)) out[k] = d;
    }
    return out;
  };
  const interfaces: MeshCounterDelta['interfaces'] = {};
  for (const [dev, b] of Object.entries(after.interfaces)) {
    const a = before.interfaces[dev];
    if (!a) continue;
    const row = {
      rxPackets: b.rxPackets - a.rxPackets, rxDropped: b.rxDropped - a.rxDropped, rxErrors: b.rxErrors - a.rxErrors,
      txPackets: b.txPackets - a.txPackets, txDropped: b.txDropped - a.txDropped,
    };
    if (Object.values(row).some((v) => v !== 0)) interfaces[dev] = row;
  }
  return { udp: diff(before.udp, after.udp), netstat: diff(before.netstat, after.netstat), interfaces };
}

/** The NIC that holds `address`, and the VXLAN device, from a host agent's reading. */
export function devicesOf(snap: CounterSnapshotAnswer, address: string | undefined): { nic?: string; overlay?: string } {
  const nic = address ? holderOf(snap, address)?.dev : undefined;
  const overlay = Object.keys(snap.interfaces).find((d) => VXLAN_DEVICE.test(d));
  return { ...(nic ? { nic } : {}), ...(overlay ? { overlay } : {}) };
}

/** The subnet (CIDR) of the interface holding `address`, from the agent's own prefix lengths. */
export function subnetOf(snap: CounterSnapshotAnswer, address: string): string | undefined {
  const h = holderOf(snap, address);
  return h ? networkOf(address, h.bits) : undefined;
}

/**
 * The interface that has `address`, or else the one whose prefix (the longest) contains it: an
 * address the node answers for without holding it (127.0.20.1 on lo's 127.0.0.1/8).
 */
function holderOf(snap: CounterSnapshotAnswer, address: string): { dev: string; bits: number } | undefined {
  let best: { dev: string; bits: number } | undefined;
  for (const [dev, list] of Object.entries(snap.cidrs ?? {})) {
    for (const cidr of list) {
      const [addr, b] = cidr.split('/');
      const bits = Number(b);
      if (addr === undefined || !Number.isInteger(bits)) continue;
      if (addr === address) return { dev, bits };
      if (isIP(addr) === isIP(address) && networkOf(addr, bits) === networkOf(address, bits) && (!best || bits > best.bits)) best = { dev, bits };
    }
  }
  if (best) return best;
  const exact = Object.entries(snap.addresses ?? {}).find(([, list]) => list.includes(address));
  return exact ? { dev: exact[0], bits: isIP(address) === 6 ? 128 : 32 } : undefined;
}

export function networkOf(address: string, bits: number): string | undefined {
  const family = isIP(address);
  if (family === 4) {
    if (!(bits >= 0 && bits <= 32)) return undefined;
    const n = address.split('.').reduce((a, o) => (a << 8n) | BigInt(Number(o)), 0n);
    const mask = bits === 0 ? 0n : ((1n << 32n) - 1n) ^ ((1n << BigInt(32 - bits)) - 1n);
    const net = n & mask;
    return `${[24n, 16n, 8n, 0n].map((s) => String((net >> s) & 255n)).join('.')}/${bits}`;
  }
  if (family === 6) {
    if (!(bits >= 0 && bits <= 128)) return undefined;
    const halves = address.split('::');
    const head = halves[0] ? halves[0].split(':') : [];
    const tail = halves.length > 1 && halves[1] ? halves[1].split(':') : [];
    if (tail.at(-1)?.includes('.') || head.at(-1)?.includes('.')) return undefined; // v4-mapped: not a node subnet
    const groups = [...head, ...Array<string>(8 - head.length - tail.length).fill('0'), ...tail].map((g) => BigInt(parseInt(g || '0', 16)));
    const n = groups.reduce((a, g) => (a << 16n) | g, 0n);
    const mask = bits === 0 ? 0n : ((1n << 128n) - 1n) ^ ((1n << BigInt(128 - bits)) - 1n);
    const net = n & mask;
    const out = Array.from({ length: 8 }, (_, i) => ((net >> BigInt(112 - i * 16)) & 0xffffn).toString(16));
    return `${compressV6(out)}/${bits}`;
  }
  return undefined;
}

/** RFC 5952: the longest run of two or more zero groups becomes `::`. */
function compressV6(groups: string[]): string {
  let best = -1;
  let bestLen = 1;
  for (let i = 0; i < 8;) {
    if (groups[i] !== '0') { i++; continue; }
    let j = i;
    while (j < 8 && groups[j] === '0') j++;
    if (j - i > bestLen) { best = i; bestLen = j - i; }
    i = j;
  }
  if (best < 0) return groups.join(':');
  return `${groups.slice(0, best).join(':')}::${groups.slice(best + bestLen).join(':')}`;
}

export interface CellContext {
  plane: PlanePair;
  stage?: 'probes' | 'ramp';
  round: number;
  from: MeshNode;
  to: MeshNode;
  fromAddress: string;
  toAddress: string;
  windowMs: number;
  deltas: { from?: MeshCounterDelta; to?: MeshCounterDelta; fromNode?: MeshCounterDelta; toNode?: MeshCounterDelta };
}

export function toMeshCell(ctx: CellContext, a: CellAnswer | { error: { code: string; message: string }; ms?: number; source?: string }): MeshCell {
  const r = 'result' in a ? a.result : undefined;
  const cell: MeshCell = {
    plane: ctx.plane, ...(ctx.stage === 'ramp' ? { stage: 'ramp' as const } : {}), round: ctx.round, from: ctx.from.name, to: ctx.to.name,
    fromAddress: ctx.fromAddress, toAddress: ctx.toAddress, ...(a.source ? { source: a.source } : {}),
    ms: a.ms ?? 0, refused: r?.refused ?? [],
    counters: { windowMs: ctx.windowMs, ...stripUndefined(ctx.deltas) },
  };
  if (r?.verified !== undefined) cell.verified = r.verified;
  if (a.error) cell.error = a.error;
  if (r) {
    // The devices on each end: the probes go node to node (host->host) or through
    // the tunnel (any pod end), so the VXLAN devices matter only then.
    const overlay = ctx.plane !== 'host->host';
    cell.devices = {
      from: { ...opt('nic', ctx.from.devices.nic), ...opt('overlay', overlay ? ctx.from.devices.overlay : undefined) },
      to: { ...opt('nic', ctx.to.devices.nic), ...opt('overlay', overlay ? ctx.to.devices.overlay : undefined) },
    };
  }
  if (r?.echo) {
    const e = r.echo;
    cell.udp = {
      size: e.size, sent: e.sent, received: e.received, lossPct: e.lossPct, sendErrors: e.sendErrors,
      ...(e.arrivedAtPeer !== undefined ? { arrivedAtPeer: e.arrivedAtPeer } : {}), ...(e.rttMs ? { rttMs: e.rttMs } : {}),
    };
  }
  if (r?.tcp) cell.tcp = { port: 'port' in a ? a.port : 0, attempts: r.tcp.attempts, connected: r.tcp.connected, connectMs: r.tcp.connectMs, failures: r.tcp.failures };
  if (r?.icmp) cell.icmp = { sent: r.icmp.sent, received: r.icmp.received, ...stripUndefined({ rttMs: r.icmp.rttMs, skipped: r.icmp.skipped, error: r.icmp.error }) };
  if (r?.sweep) cell.sweep = { maxTried: r.sweep.maxTried, tries: r.sweep.tries, ...stripUndefined({ largestPassing: r.sweep.largestPassing, smallestFailing: r.sweep.smallestFailing }) };
  if (r?.ramp) {
    const x = r.ramp;
    cell.ramp = {
      maxRateBps: x.maxRateBps, stoppedBy: x.stoppedBy, blackhole: x.blackhole?.detected ?? false,
      steps: x.steps.map((s) => ({ rateBps: s.rateBps, sent: s.sent, arrived: s.arrived, lossPct: s.lossPct })),
      ...stripUndefined({
        lossOnsetBps: x.lossOnsetBps, lastCleanBps: x.lastCleanBps, recoveredAfterMs: x.blackhole?.recoveredAfterMs, watchedMs: x.blackhole?.watchedMs,
        estimatedLimitBps: x.estimate ? Math.round(x.estimate.limitBps) : undefined, estimatedBurstBytes: x.estimate ? Math.round(x.estimate.burstBytes) : undefined,
      }),
    };
  }
  return cell;
}

function opt<K extends string>(k: K, v: string | undefined): Partial<Record<K, string>> {
  return v === undefined ? {} : ({ [k]: v } as Record<K, string>);
}

function stripUndefined<T extends Record<string, unknown>>(o: T): { [K in keyof T]: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as { [K in keyof T]: Exclude<T[K], undefined> };
}
