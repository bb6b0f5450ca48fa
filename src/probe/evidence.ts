// Turns a `podpath probe` report into evidence entries for the rules: the numbers as measured, the
// counters of both nodes and the devices they were read on; no verdict.
import type { CounterChange, ProbeDevices, ProbeEvidence } from '../evidence/probe-evidence.js';
import type { CounterDelta, DirectionReport, PeerProbeReport } from '../evidence/probe-run.js';

export function probeEvidence(report: PeerProbeReport): ProbeEvidence[] {
  return report.directions.map((d) => toEvidence(report.peer, d));
}

function toEvidence(peer: string, d: DirectionReport): ProbeEvidence {
  const r = d.result;
  const source = `probe ${r.target} ${d.label} (${d.from} -> ${d.to})`;
  return {
    peer,
    label: d.label,
    from: d.from,
    to: d.to,
    sender: d.sender,
    target: r.target,
    source,
    echo: r.echo
      ? { sent: r.echo.sent, received: r.echo.received, arrivedAtPeer: r.echo.arrivedAtPeer, sendErrors: { ...r.echo.sendErrors } }
      : undefined,
    sweep: r.sweep ? { largestPassing: r.sweep.largestPassing, smallestFailing: r.sweep.smallestFailing, maxTried: r.sweep.maxTried } : undefined,
    ramp: r.ramp
      ? {
        maxRateBps: r.ramp.maxRateBps, stoppedBy: r.ramp.stoppedBy, lossOnsetBps: r.ramp.lossOnsetBps, lastCleanBps: r.ramp.lastCleanBps,
        blackhole: r.ramp.blackhole?.detected ?? false, recoveredAfterMs: r.ramp.blackhole?.recoveredAfterMs, watchedMs: r.ramp.blackhole?.watchedMs,
        estimatedLimitBps: r.ramp.estimate?.limitBps, estimatedBurstBytes: r.ramp.estimate?.burstBytes,
      }
      : undefined,
    tcp: r.tcp ? { target: r.tcp.target, attempts: r.tcp.attempts, connected: r.tcp.connected, failures: r.tcp.failures } : undefined,
    dns: r.dns?.map((q) => ({ server: q.server, name: q.name, transport: q.transport, ok: q.ok, rcode: q.rcode, error: q.error })),
    devices: { local: { ...d.devices.local }, peer: { ...d.devices.peer } },
    counters: [...changes('local', d.localDelta, d.devices.local, d.seconds, source), ...changes('peer', d.peerDelta, d.devices.peer, d.seconds, source)],
  };
}

/** /proc/net/netstat counters that explain a drop; the rest is noise for the rules. */
const DROP_COUNTERS = new Set(['IPReversePathFilter', 'InNoRoutes', 'InTruncatedPkts', 'InCsumErrors', 'TCPSynRetrans', 'ListenDrops', 'ListenOverflows']);

const WATCHED_UDP = ['InErrors', 'InCsumErrors', 'RcvbufErrors', 'NoPorts'];

function changes(node: 'local' | 'peer', delta: CounterDelta | undefined, devices: ProbeDevices, seconds: number, source: string): CounterChange[] {
  if (!delta) return [];
  const out: CounterChange[] = [];
  // The drop counters are always listed, zero included: "did not rise while probing" is evidence too.
  for (const k of WATCHED_UDP) if (!(k in delta.udp)) out.push({ node, counter: `Udp.${k}`, delta: 0, seconds, source });
  for (const [k, v] of Object.entries(delta.udp)) out.push({ node, counter: `Udp.${k}`, delta: v, seconds, source });
  for (const [k, v] of Object.entries(delta.netstat)) if (DROP_COUNTERS.has(k)) out.push({ node, counter: `Netstat.${k}`, delta: v, seconds, source });
  // The devices the probes crossed are listed whole, zero included ("flannel.1 took in nothing" is
  // evidence); other interfaces only where they moved.
  const named = new Set([devices.nic, devices.overlay].filter((x): x is string => x !== undefined));
  for (const [dev, c] of Object.entries(delta.interfaces)) {
    for (const [k, v] of Object.entries(c)) if (v !== 0 || named.has(dev)) out.push({ node, counter: `dev.${dev}.${k}`, delta: v, seconds, source });
  }
  return out;
}
