// `podpath probe PEER`: probes the underlay and the overlay in both directions and reads both nodes'
// counters around each run, with the devices they were read on. It measures only: where a loss
// happened is for the rules to say (src/rules/shared/loss-place.ts).
import { UdpResponder } from './responder.js';
import { readCounters, diffCounters, interfaceOf } from './counters.js';
import { runProbeSuite, type ProbeRequest } from './suite.js';
import { PEER_PROBE_REPORT_VERSION, type CounterDelta, type CounterSnapshot, type DirectionReport, type PeerProbeReport, type ProbeSuiteResult } from '../evidence/probe-run.js';
import type { ProbeDevices } from '../evidence/probe-evidence.js';
import { AgentApi, type AgentTlsOptions } from '../api/client.js';
import { ROUTES } from '../api/routes.js';

export { AgentApi } from '../api/client.js';
export { PEER_PROBE_REPORT_VERSION, type DirectionReport, type PeerProbeReport };

export interface PeerProbeOptions {
  key: Buffer;
  token: string;
  /** The peer's underlay (node) address, where its agent API listens. */
  peer: string;
  /** The peer's overlay address (flannel.1 / vxlan.calico address or a pod running the agent). */
  peerOverlay?: string;
  /**
   * The peer's own overlay address to probe back from, when `peerOverlay` is not the peer's (a pod
   * on the peer running an agent, so the probes cross the peer's forwarding hop into its pods).
   */
  peerOverlaySource?: string;
  /** This node's addresses, so the peer can probe back and replies come to the right place. */
  source?: string;
  overlaySource?: string;
  port: number;
  apiPort: number;
  echoCount?: number;
  sweep?: boolean;
  sweepMax?: number;
  /** Without it there is no rate ramp: podpath never floods unless told how far it may go. */
  maxRateBps?: number;
  rampDurationMs?: number;
  recoveryWatchMs?: number;
  tcpPort?: number;
  dns?: { server: string; name: string; port?: number };
  reverse?: boolean;
  /** Talk to the peer's API over TLS (pinned or verified). */
  tls?: AgentTlsOptions;
  /** The client to use (doctor --peer shares one, so a stalled agent is not asked again). */
  api?: AgentApi;
  /** Called around each echo direction (not the rate ramp): e.g. kernel drop tracing on both nodes. */
  window?: ProbeWindowHooks;
}

/** What a direction's probe window looks like to a watcher: its place in the report and its ends. */
export interface ProbeWindowInfo { index: number; sender: 'local' | 'peer'; label: 'underlay' | 'overlay'; api: AgentApi }

/**
 * Hooks around a probe window: `open` before the counters are read (start watching; a baseline
 * may run), `begin` right before the probes go out, `close` after the counters are read again.
 * A hook that fails must not fail the probe: the watcher records its own errors.
 */
export interface ProbeWindowHooks {
  open(w: ProbeWindowInfo): Promise<void>;
  begin(w: ProbeWindowInfo): Promise<void>;
  close(w: ProbeWindowInfo): Promise<void>;
}

export async function probePeer(o: PeerProbeOptions): Promise<PeerProbeReport> {
  const api = o.api ?? new AgentApi(o.peer, o.apiPort, o.token, o.tls);
  const report: PeerProbeReport = { schemaVersion: PEER_PROBE_REPORT_VERSION, peer: o.peer, startedAt: new Date().toISOString(), directions: [], errors: [] };
  // Fails early, with a clear error, when there is no agent. An agent whose answers stall is
  // there: this node's probes to it still run, without its counters and without its side.
  await api.get(ROUTES.counters).catch((e: unknown) => {
    if (!api.stall) throw e;
  });
  if (api.stall) report.errors.push(api.stall.message);

  const reverse = o.reverse !== false && o.source !== undefined;
  const localAddrs = [o.source, o.overlaySource].filter((a): a is string => !!a);
  let responder: UdpResponder | undefined;
  if (reverse && localAddrs.length) {
    responder = new UdpResponder({ key: o.key, port: o.port, addresses: localAddrs });
    // An agent already running here answers instead.
    await responder.start().catch(() => { responder = undefined; });
  }
  const paths: { label: 'underlay' | 'overlay'; remote: string; remoteSource?: string; local?: string }[] = [{ label: 'underlay', remote: o.peer, local: o.source }];
  if (o.peerOverlay) paths.push({ label: 'overlay', remote: o.peerOverlay, remoteSource: o.peerOverlaySource, local: o.overlaySource });

  const request = (target: string, source: string | undefined, label: string, ramp: boolean): ProbeRequest => ({
    host: target, port: o.port, source, label,
    echo: { count: o.echoCount ?? 20, size: 64 },
    sweep: o.sweep === false ? undefined : { max: o.sweepMax ?? 9000, repeats: 3 },
    ramp: ramp && o.maxRateBps ? { maxRateBps: o.maxRateBps, maxDurationMs: o.rampDurationMs ?? 30_000, recoveryWatchMs: o.recoveryWatchMs ?? 30_000, stepMs: 500 } : undefined,
    tcp: o.tcpPort ? { port: o.tcpPort, attempts: 3 } : undefined,
    dns: o.dns,
  });

  const watch = (index: number, sender: 'local' | 'peer', label: 'underlay' | 'overlay') => (o.window ? { hooks: o.window, info: { index, sender, label, api } } : undefined);
  const addrs: NodeAddresses = { local: { underlay: o.source, overlay: o.overlaySource }, peer: { underlay: o.peer, overlay: o.peerOverlay } };
  try {
    for (const p of paths) {
      // A to B: we send, the peer's agent answers.
      report.directions.push(await measured('local', p.label, () => runProbeSuite(o.key, request(p.remote, p.local, p.label, false)), api, o.peer, addrs, watch(report.directions.length, 'local', p.label)));
      if (reverse && p.local && responder && !api.stall) {
        const local = responder;
        report.directions.push(await measured('peer', p.label, async () => {
          // Our own responder counts what arrived here: the peer's tally request may be lost on
          // the same broken way back as its echoes.
          const r = await api.post(ROUTES.probe, request(p.local!, p.remoteSource ?? p.remote, p.label, false));
          if (r.echo && r.echo.arrivedAtPeer === undefined) r.echo.arrivedAtPeer = local.tallyOf(r.echo.session) ?? 0;
          return r;
        }, api, o.peer, addrs, watch(report.directions.length, 'peer', p.label)));
      }
    }
    // The ramp comes last: if it trips a blackhole, every other measurement is already done.
    if (o.maxRateBps) {
      const p = paths[0]!;
      report.directions.push(await measured('local', p.label, () => runProbeSuite(o.key, { ...request(p.remote, p.local, p.label, true), echo: undefined, sweep: undefined, tcp: undefined, dns: undefined }), api, o.peer, addrs));
    }
  } catch (e) {
    report.errors.push(e instanceof Error ? e.message : String(e));
  } finally {
    await responder?.stop();
  }
  return report;
}

/** The addresses each node's devices are found by: its underlay address, and its overlay address on the overlay path. */
interface NodeAddresses { local: { underlay?: string; overlay?: string }; peer: { underlay?: string; overlay?: string } }

async function measured(
  sender: 'local' | 'peer', label: 'underlay' | 'overlay', run: () => Promise<ProbeSuiteResult>, api: AgentApi, peerAddress: string, addrs: NodeAddresses,
  watch?: { hooks: ProbeWindowHooks; info: ProbeWindowInfo },
): Promise<DirectionReport> {
  // The peer's counters are missing (undefined) once its answers stall: the direction is still measured.
  const peerCounters = () => (api.stall ? Promise.resolve(undefined) : api.get(ROUTES.counters).catch((e: unknown) => {
    if (api.stall) return undefined;
    throw e;
  }));
  const snap = async () => Promise.all([readCounters(), peerCounters()]);
  await watch?.hooks.open(watch.info);
  let result: ProbeSuiteResult;
  let seconds: number;
  let localBefore: CounterSnapshot, remoteBefore: CounterSnapshot | undefined, localAfter: CounterSnapshot, remoteAfter: CounterSnapshot | undefined;
  try {
    [localBefore, remoteBefore] = await snap();
    await watch?.hooks.begin(watch.info);
    const started = performance.now();
    result = await run();
    seconds = Math.round((performance.now() - started) / 100) / 10;
    [localAfter, remoteAfter] = await snap();
  } finally {
    await watch?.hooks.close(watch.info);
  }
  const localDelta = diffCounters(localBefore, localAfter);
  const remoteDelta = remoteBefore && remoteAfter ? diffCounters(remoteBefore, remoteAfter) : undefined;
  const [from, to] = sender === 'local' ? ['this node', peerAddress] : [peerAddress, 'this node'];
  const devices = {
    local: devicesOf(localAfter, localDelta, label, addrs.local),
    peer: remoteAfter && remoteDelta ? devicesOf(remoteAfter, remoteDelta, label, addrs.peer) : {},
  };
  return { from, to, label, sender, result, devices, localDelta, peerDelta: remoteDelta, seconds };
}

/** A node's NIC (by its underlay address) and, on the overlay, its VXLAN device (by its overlay address), when both snapshots counted them. */
function devicesOf(after: CounterSnapshot, delta: CounterDelta, label: 'underlay' | 'overlay', a: { underlay?: string; overlay?: string }): ProbeDevices {
  const counted = (address: string | undefined) => {
    const name = address ? interfaceOf(after, address) : undefined;
    return name !== undefined && delta.interfaces[name] !== undefined ? name : undefined;
  };
  const nic = counted(a.underlay);
  const overlay = label === 'overlay' ? counted(a.overlay) : undefined;
  return { ...(nic !== undefined ? { nic } : {}), ...(overlay !== undefined ? { overlay } : {}) };
}
