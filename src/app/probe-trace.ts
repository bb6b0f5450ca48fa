// `probe --trace` / `doctor --peer --trace`: the kernel drop tracer on both nodes around each probe
// direction. This node traces through the tracefs source (app/trace.ts); the peer's agent traces
// its own node (POST /v1/trace/start, /main, /stop). Every host change, here and on the peer, is
// reported as it happens and when undone; a trace that cannot start is recorded (with its error)
// and the probe goes on without it. The result is the `drops` part of the evidence.
import type { DropTrace } from '../evidence/drop-trace.js';
import type { ChangeEvent } from '../sources/tracefs/changes.js';
import { ROUTES } from '../api/routes.js';
import type { DropsEvidence, NodeDropTrace } from '../evidence/drop-evidence.js';
import type { ProbeEvidence, ProbeNode } from '../evidence/probe-evidence.js';
import type { ProbeWindowHooks, ProbeWindowInfo } from '../probe/peer.js';
import { bootId } from '../sources/tracefs/boot-id.js';
import { isPodpathError } from '../util/errors.js';
import { oneLine } from '../util/terminal-safe.js';
import { startTrace, type TraceSession } from './trace.js';

export interface ProbeTraceOptions {
  /** A quiet window before each probe, to tell the probe's drops from the usual ones. */
  baselineMs: number;
  /** --trace-rules: the packet filter's own trace for these ports, on both nodes. */
  rulePorts?: number[];
  /** Hears every host change, this node's and the peer's (printed by the CLI). */
  onChange?: (node: ProbeNode, e: ChangeEvent) => void;
}

/** How long the peer keeps a trace at most: a probe direction's own bound plus its baseline. */
const PEER_TRACE_MAX_MS = 300_000;

interface Window {
  api?: ProbeWindowInfo['api'];
  closed?: boolean;
  local?: TraceSession;
  localError?: { code: string; message: string };
  peerId?: string;
  peerBoot?: string;
  peerError?: { code: string; message: string };
  entries: NodeDropTrace[];
}

function errorOf(e: unknown): { code: string; message: string } {
  return isPodpathError(e) ? { code: e.code, message: oneLine(e.message) } : { code: 'E_TRACE', message: oneLine(e instanceof Error ? e.message : String(e)) };
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

export class ProbeTracer implements ProbeWindowHooks {
  private readonly windows = new Map<number, Window>();
  private readonly boot = bootId();

  constructor(private readonly o: ProbeTraceOptions) {}

  async open(w: ProbeWindowInfo): Promise<void> {
    const win: Window = { entries: [], api: w.api };
    this.windows.set(w.index, win);
    const baseline = this.o.baselineMs > 0;
    const traceRules = this.o.rulePorts ? { ports: this.o.rulePorts } : undefined;
    await Promise.all([
      startTrace({ baseline, traceRules, devices: true, onChange: (e) => this.o.onChange?.('local', e) }).then(
        (s) => { win.local = s; },
        (e: unknown) => { win.localError = errorOf(e); },
      ),
      w.api.post(ROUTES.traceStart, { baseline, maxMs: PEER_TRACE_MAX_MS, devices: true, ...(this.o.rulePorts ? { rulePorts: this.o.rulePorts } : {}) }).then(
        (r) => {
          win.peerId = r.id;
          win.peerBoot = r.bootId;
          for (const c of r.changes) this.o.onChange?.('peer', c);
        },
        (e: unknown) => { win.peerError = errorOf(e); },
      ),
    ]);
    if (baseline && (win.local || win.peerId)) await sleep(this.o.baselineMs);
  }

  async begin(w: ProbeWindowInfo): Promise<void> {
    const win = this.windows.get(w.index);
    win?.local?.beginMain();
    if (win?.peerId) await w.api.post(ROUTES.traceMain, { id: win.peerId }).catch((e: unknown) => { win.peerError = errorOf(e); });
  }

  async close(w: ProbeWindowInfo): Promise<void> {
    const win = this.windows.get(w.index);
    if (!win) return;
    win.closed = true;
    const [local, peer] = await Promise.all([
      win.local ? win.local.stop().then((t) => ({ t }), (e: unknown) => ({ e: errorOf(e) })) : Promise.resolve({ e: win.localError ?? { code: 'E_TRACE', message: 'not started' } }),
      win.peerId ? w.api.post(ROUTES.traceStop, { id: win.peerId }).then((r) => {
        // The peer is hostile input too: the client read its trace through the route's schema.
        for (const c of r.trace.changes) this.o.onChange?.('peer', c.state === 'undone' ? { type: 'undone', undo: c.undo } : { type: 'undo-failed', undo: c.undo, error: c.error ?? c.state });
        return { t: r.trace, boot: r.bootId ?? win.peerBoot };
      }, (e: unknown) => ({ e: errorOf(e) })) : Promise.resolve({ e: win.peerError ?? { code: 'E_TRACE', message: 'not started' } }),
    ]);
    const entry = (node: ProbeNode, r: { t?: DropTrace; e?: { code: string; message: string }; boot?: string }, boot?: string): NodeDropTrace => ({
      node, probe: '', ...(boot ? { bootId: boot } : {}), ...(r.t ? { trace: r.t } : { error: r.e ?? { code: 'E_TRACE', message: 'no trace' } }),
    });
    win.entries = [entry('local', local, this.boot), entry('peer', peer, 'boot' in peer ? peer.boot : win.peerBoot)];
  }

  /** The drops part: each traced direction's entries, named by its probe (the report's order). */
  dropsFor(probes: ProbeEvidence[]): DropsEvidence {
    const out: NodeDropTrace[] = [];
    for (const [index, win] of this.windows) {
      const p = probes[index];
      if (p) for (const e of win.entries) out.push({ ...e, probe: p.source });
    }
    return out;
  }

  /** Undoes this node's traces still open (an error or Ctrl-C between open and close). */
  abandon(): void {
    for (const win of this.windows.values()) win.local?.abandon();
  }

  /**
   * Ctrl-C or SIGTERM while tracing: undo this node's changes, then end as the signal would (130 /
   * 143). The peer's agent ends its trace on its own within its bound. Returns the remover.
   */
  undoOnSignal(): () => void {
    const on = (sig: NodeJS.Signals) => () => {
      this.abandon();
      // Ask the peer to end its open trace too (a few seconds at most; else its bound ends it).
      const open = [...this.windows.values()].filter((w) => !w.closed && w.peerId && w.api);
      const asked = Promise.all(open.map((w) => w.api!.post(ROUTES.traceStop, { id: w.peerId! }).catch(() => undefined)));
      void Promise.race([asked, sleep(3000)]).then(() => process.exit(sig === 'SIGINT' ? 130 : 143));
    };
    const int = on('SIGINT');
    const term = on('SIGTERM');
    process.once('SIGINT', int);
    process.once('SIGTERM', term);
    return () => {
      process.off('SIGINT', int);
      process.off('SIGTERM', term);
    };
  }
}
