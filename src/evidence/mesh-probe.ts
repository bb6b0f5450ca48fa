// A mesh cell seen as a probe entry: the same measurements in the shape `podpath probe` keeps, so
// the rules that judge a probe (where a loss happened: src/rules/shared/loss-place.ts) judge a
// cell too, with no second copy of that logic. A reshaping only: no verdict here.
import type { MeshCell, MeshCounterDelta } from './mesh-matrix.js';
import type { CounterChange, ProbeEvidence, ProbeNode } from './probe-evidence.js';

/**
 * The cell as a probe entry sent by `local` (the cell's sending agent) to `peer` (its receiving
 * agent). A pod-plane end's counters are its own (the pod's namespace) plus its node's host agent
 * (where the NIC and the VXLAN device are), summed per counter: one node's view, as `probe` reads
 * it from the host namespace. Undefined for a cell with nothing measured (an error cell).
 */
export function probeEvidenceOf(cell: MeshCell): ProbeEvidence | undefined {
  if (cell.error || (!cell.udp && !cell.sweep && !cell.tcp && !cell.ramp)) return undefined;
  const source = `mesh round ${cell.round} ${cell.plane} ${cell.from} -> ${cell.to}${cell.stage ? ` (${cell.stage})` : ''}`;
  const seconds = cell.counters.windowMs / 1000;
  const devices = { local: { ...cell.devices?.from }, peer: { ...cell.devices?.to } };
  const counters = [
    ...changes('local', cell.counters.from, cell.counters.fromNode, devices.local, seconds, source),
    ...changes('peer', cell.counters.to, cell.counters.toNode, devices.peer, seconds, source),
  ];
  const u = cell.udp;
  return {
    peer: cell.toAddress,
    label: cell.plane === 'host->host' ? 'underlay' : 'overlay',
    from: cell.from,
    to: cell.to,
    sender: 'local',
    target: cell.toAddress,
    source,
    ...(u ? { echo: { sent: u.sent, received: u.received, sendErrors: { ...u.sendErrors }, ...(u.arrivedAtPeer !== undefined ? { arrivedAtPeer: u.arrivedAtPeer } : {}) } } : {}),
    ...(cell.sweep ? { sweep: { maxTried: cell.sweep.maxTried, ...pick(cell.sweep, ['largestPassing', 'smallestFailing']) } } : {}),
    ...(cell.ramp ? {
      ramp: {
        maxRateBps: cell.ramp.maxRateBps, stoppedBy: cell.ramp.stoppedBy, blackhole: cell.ramp.blackhole,
        ...pick(cell.ramp, ['lossOnsetBps', 'lastCleanBps', 'recoveredAfterMs', 'watchedMs', 'estimatedLimitBps', 'estimatedBurstBytes']),
      },
    } : {}),
    ...(cell.tcp ? { tcp: { target: `${cell.toAddress}:${cell.tcp.port}`, attempts: cell.tcp.attempts, connected: cell.tcp.connected, failures: { ...cell.tcp.failures } } } : {}),
    devices,
    counters,
  };
}

/** Counters of one end as probe counter changes; the named devices listed whole, zero included. */
function changes(node: ProbeNode, own: MeshCounterDelta | undefined, ofNode: MeshCounterDelta | undefined, devices: { nic?: string; overlay?: string }, seconds: number, source: string): CounterChange[] {
  const sums = new Map<string, number>();
  const add = (k: string, v: number) => sums.set(k, (sums.get(k) ?? 0) + v);
  for (const d of [own, ofNode]) {
    if (!d) continue;
    for (const [k, v] of Object.entries(d.udp)) add(`Udp.${k}`, v);
    for (const [k, v] of Object.entries(d.netstat)) add(`Netstat.${k}`, v);
  }
  const devs = (ofNode ?? own)?.interfaces ?? {};
  for (const [dev, c] of Object.entries(devs)) for (const [k, v] of Object.entries(c)) add(`dev.${dev}.${k}`, v);
  // "The VXLAN device took in nothing" is evidence: a named device's counters are listed at zero
  // when they did not move (the matrix keeps only counters that moved).
  for (const dev of [devices.nic, devices.overlay]) {
    if (dev === undefined) continue;
    for (const k of ['rxPackets', 'rxDropped', 'rxErrors', 'txPackets', 'txDropped']) if (!sums.has(`dev.${dev}.${k}`)) sums.set(`dev.${dev}.${k}`, 0);
  }
  return [...sums].map(([counter, delta]) => ({ node, counter, delta, seconds, source }));
}

function pick<T extends object, K extends keyof T>(o: T, keys: K[]): Partial<Pick<T, K>> {
  const out: Partial<Pick<T, K>> = {};
  for (const k of keys) if (o[k] !== undefined) out[k] = o[k];
  return out;
}
