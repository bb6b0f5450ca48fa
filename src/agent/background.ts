// Background probing (opt-in, `podpath agent --background-peers`): a few peers, a few echoes each
// per interval, and now and then a size sweep; Prometheus series for those peers only, never one
// per pair of the cluster. The peers are probed as any request would: proven to be agents first
// (or allow-listed), every datagram paid from the per-minute budget the API shares.
import type { Registry } from 'prom-client';
import { Counter, Gauge } from 'prom-client';
import { isIP } from 'node:net';
import { PodpathError } from '../util/errors.js';
import { LIMITS } from '../util/limits.js';
import type { LogFn } from './log.js';
import { AgentProbeRequest } from '../api/probe-request.js';
import { plannedBytes, type AllowList } from './probe-policy.js';
import { runGuardedProbe } from './guarded-probe.js';
import { isRefusal, type MinuteBudget, type ProofLimiter, type RequestKind } from './budget.js';

export interface BackgroundPeer { host: string; port: number }

export interface BackgroundOptions {
  peers: BackgroundPeer[];
  intervalMs: number;
  /** Echoes per peer per interval. */
  echoCount?: number;
  /** A size sweep every this many intervals (the first one included). */
  sweepEvery?: number;
  sweepMax?: number;
}

export const MIN_BACKGROUND_INTERVAL_MS = 5000;
const BACKGROUND: RequestKind = { name: 'background', perMinute: 240, code: 'E_PROBE_RATE', what: 'background probes' };
/** IP level overhead of a UDP datagram: a payload of P bytes that crosses means a path MTU of P + 28. */
const IPV4_UDP = 28;
const IPV6_UDP = 48;

/** `10.0.0.2`, `10.0.0.2:7946`, `[fd00::2]:7946`; IP literals only, at most LIMITS.backgroundPeers. */
export function parseBackgroundPeers(spec: string[], defaultPort: number): BackgroundPeer[] {
  const peers: BackgroundPeer[] = [];
  for (const raw of spec.flatMap((s) => s.split(',')).map((s) => s.trim()).filter(Boolean)) {
    const m = /^\[([^\]]+)\](?::(\d+))?$/.exec(raw) ?? (isIP(raw) ? [raw, raw, undefined] : /^([^:]+):(\d+)$/.exec(raw));
    const host = m?.[1];
    const port = m?.[2] === undefined ? defaultPort : Number(m[2]);
    if (!host || isIP(host) === 0 || !Number.isInteger(port) || port < 1 || port > 65535) {
      throw new PodpathError('E_USAGE', `--background-peers takes IP addresses with an optional port (10.0.0.2, 10.0.0.2:7946, [fd00::2]:7946), not ${JSON.stringify(raw.slice(0, 64))}`);
    }
    if (!peers.some((p) => p.host === host && p.port === port)) peers.push({ host, port });
  }
  if (peers.length > LIMITS.backgroundPeers.value) {
    throw new PodpathError(LIMITS.backgroundPeers.code, `--background-peers takes at most ${LIMITS.backgroundPeers.value} peers (a few in the background; \`podpath mesh\` for all pairs), got ${peers.length}`);
  }
  return peers;
}

export class BackgroundProber {
  private timer?: NodeJS.Timeout;
  private stopped = false;
  private tick = 0;
  private running?: Promise<void>;
  private readonly rtt: Gauge<'peer'>;
  private readonly sent: Counter<'peer'>;
  private readonly received: Counter<'peer'>;
  private readonly mtu: Gauge<'peer'>;
  private readonly reachable: Gauge<'peer'>;

  constructor(
    private readonly key: Buffer,
    private readonly o: BackgroundOptions,
    private readonly allow: AllowList,
    private readonly budgets: MinuteBudget,
    registry: Registry,
    private readonly log: LogFn,
    private readonly source?: string,
    private readonly proofs?: ProofLimiter,
  ) {
    const registers = [registry];
    const labelNames = ['peer'] as const;
    this.rtt = new Gauge({ name: 'podpath_probe_rtt_seconds', help: 'Median UDP echo round-trip time to a background peer, last interval', labelNames, registers });
    this.sent = new Counter({ name: 'podpath_probe_packets_sent_total', help: 'UDP echo datagrams sent to a background peer', labelNames, registers });
    this.received = new Counter({ name: 'podpath_probe_packets_received_total', help: 'UDP echo replies received from a background peer', labelNames, registers });
    this.mtu = new Gauge({ name: 'podpath_path_mtu_bytes', help: 'Largest IP packet (UDP payload + headers) that reached a background peer in the last size sweep', labelNames, registers });
    this.reachable = new Gauge({ name: 'podpath_peer_reachable', help: '1 when a background peer proved to be an agent and answered an echo in the last interval, else 0', labelNames, registers });
  }

  start(): void {
    // Series exist from the start, so a peer that never answers shows as 0, not as missing.
    for (const p of this.o.peers) {
      const peer = label(p);
      this.sent.inc({ peer }, 0);
      this.received.inc({ peer }, 0);
      this.reachable.set({ peer }, 0);
    }
    this.schedule(Math.random() * Math.min(this.o.intervalMs, 2000));
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.round().finally(() => {
        // +-10% jitter, so agents started together do not probe together for ever.
        this.schedule(this.o.intervalMs * (0.9 + Math.random() * 0.2));
      });
    }, ms);
    this.timer.unref();
  }

  private async round(): Promise<void> {
    const sweep = this.tick % (this.o.sweepEvery ?? 10) === 0;
    this.tick++;
    for (const p of this.o.peers) {
      if (this.stopped) return;
      await this.probe(p, sweep).catch((e: unknown) => this.log('background.error', { peer: label(p), message: (e as Error).message }));
    }
  }

  private async probe(p: BackgroundPeer, sweep: boolean): Promise<void> {
    const peer = label(p);
    const request = AgentProbeRequest.parse({
      host: p.host, port: p.port, source: this.source, label: 'background',
      echo: { count: this.o.echoCount ?? 3, size: 64 },
      ...(sweep ? { sweep: { max: this.o.sweepMax ?? 9000, repeats: 2 } } : {}),
    });
    const charge = this.budgets.start(plannedBytes(request), BACKGROUND);
    if (isRefusal(charge)) {
      this.log('background.skipped', { peer, code: charge.code });
      return;
    }
    try {
      const r = await runGuardedProbe(this.key, request, this.allow, charge.budget, this.proofs);
      const e = r.echo;
      if (e) {
        this.sent.inc({ peer }, e.sent);
        this.received.inc({ peer }, e.received);
        if (e.rttMs) this.rtt.set({ peer }, e.rttMs.p50 / 1000);
      }
      this.reachable.set({ peer }, r.verified !== false && (e?.received ?? 0) > 0 ? 1 : 0);
      if (r.sweep?.largestPassing !== undefined) this.mtu.set({ peer }, r.sweep.largestPassing + (isIP(p.host) === 6 ? IPV6_UDP : IPV4_UDP));
    } finally {
      charge.settle();
    }
  }
}

const label = (p: BackgroundPeer) => (p.host.includes(':') ? `[${p.host}]:${p.port}` : `${p.host}:${p.port}`);
