// `podpath probe PEER`: probes the underlay and the overlay in both directions, reads both nodes'
// counters around each run, and places every loss.
import { UdpResponder } from './responder.js';
import { readCounters, diffCounters, interfaceOf, type CounterDelta, type CounterSnapshot } from './counters.js';
import { runProbeSuite, type ProbeRequest, type ProbeSuiteResult } from './suite.js';
import { localizeLoss, type LossVerdict } from './localize.js';
import { AgentApi, type AgentTlsOptions } from './agent-api.js';

export { AgentApi } from './agent-api.js';

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
}

export interface DirectionReport {
  from: string;
  to: string;
  label: 'underlay' | 'overlay';
  result: ProbeSuiteResult;
  echoVerdict?: LossVerdict;
  /** Counter changes on this node and on the peer while the probes ran, and how long that was. */
  localDelta?: CounterDelta;
  peerDelta?: CounterDelta;
  seconds: number;
}

export interface PeerProbeReport {
  schemaVersion: 1;
  peer: string;
  startedAt: string;
  directions: DirectionReport[];
  errors: string[];
}

export async function probePeer(o: PeerProbeOptions): Promise<PeerProbeReport> {
  const api = new AgentApi(o.peer, o.apiPort, o.token, o.tls);
  const report: PeerProbeReport = { schemaVersion: 1, peer: o.peer, startedAt: new Date().toISOString(), directions: [], errors: [] };
  await api.get('/v1/counters'); // fails early, with a clear error, when there is no agent

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

  try {
    for (const p of paths) {
      // A to B: we send, the peer's agent answers.
      report.directions.push(await measured('local', p.label, p.remote, () => runProbeSuite(o.key, request(p.remote, p.local, p.label, false)), api, o.peer, o.source, o.overlaySource, o.peerOverlay));
      if (reverse && p.local && responder) {
        const local = responder;
        report.directions.push(await measured('peer', p.label, p.local, async () => {
          // Our own responder counts what arrived here: the peer's tally request may be lost on
          // the same broken way back as its echoes.
          const r = await api.post<ProbeSuiteResult>('/v1/probe', request(p.local!, p.remoteSource ?? p.remote, p.label, false));
          if (r.echo && r.echo.arrivedAtPeer === undefined) r.echo.arrivedAtPeer = local.tallyOf(r.echo.session) ?? 0;
          return r;
        }, api, o.peer, o.source, o.overlaySource, o.peerOverlay));
      }
    }
    // The ramp comes last: if it trips a blackhole, every other measurement is already done.
    if (o.maxRateBps) {
      const p = paths[0]!;
      report.directions.push(await measured('local', p.label, p.remote, () => runProbeSuite(o.key, { ...request(p.remote, p.local, p.label, true), echo: undefined, sweep: undefined, tcp: undefined, dns: undefined }), api, o.peer, o.source, o.overlaySource, o.peerOverlay));
    }
  } catch (e) {
    report.errors.push(e instanceof Error ? e.message : String(e));
  } finally {
    await responder?.stop();
  }
  return report;
}

async function measured(
  sender: 'local' | 'peer', label: 'underlay' | 'overlay', target: string,
  run: () => Promise<ProbeSuiteResult>, api: AgentApi, peerAddress: string, localAddress?: string,
  localOverlay?: string, peerOverlay?: string,
): Promise<DirectionReport> {
  const snap = async () => Promise.all([readCounters(), api.get<CounterSnapshot>('/v1/counters')]);
  const [localBefore, remoteBefore] = await snap();
  const started = performance.now();
  const result = await run();
  const seconds = Math.round((performance.now() - started) / 100) / 10;
  const [localAfter, remoteAfter] = await snap();
  const localDelta = diffCounters(localBefore, localAfter);
  const remoteDelta = diffCounters(remoteBefore, remoteAfter);
  const [from, to] = sender === 'local' ? ['this node', peerAddress] : [peerAddress, 'this node'];
  const receiverSnap = sender === 'local' ? remoteAfter : localAfter;
  const senderSnap = sender === 'local' ? localAfter : remoteAfter;
  const senderAddrs = sender === 'local' ? { underlay: localAddress, overlay: localOverlay } : { underlay: peerAddress, overlay: peerOverlay };
  const underlayAddr = sender === 'local' ? peerAddress : localAddress;
  const echoVerdict = result.echo
    ? localizeLoss({
      from, to,
      sent: result.echo.sent, echoed: result.echo.received, arrived: result.echo.arrivedAtPeer, sendErrors: result.echo.sendErrors,
      sender: sender === 'local' ? localDelta : remoteDelta,
      receiver: sender === 'local' ? remoteDelta : localDelta,
      receiverNic: underlayAddr ? interfaceOf(receiverSnap, underlayAddr) : undefined,
      receiverOverlayDev: label === 'overlay' ? interfaceOf(receiverSnap, target) : undefined,
      senderNic: senderAddrs.underlay ? interfaceOf(senderSnap, senderAddrs.underlay) : undefined,
      senderOverlayDev: label === 'overlay' && senderAddrs.overlay ? interfaceOf(senderSnap, senderAddrs.overlay) : undefined,
    })
    : undefined;
  return { from, to, label, result, echoVerdict, localDelta, peerDelta: remoteDelta, seconds };
}

