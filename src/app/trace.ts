// The `podpath trace` use case: watch skb:kfree_skb in a private tracefs instance for a baseline
// window and a main window, optionally with the firewall's own trace, and return DropTrace
// evidence. Everything it changes on the host is reported as it happens and undone before it
// returns (also on error and on abort); a run killed outright is cleaned up by the next one.
import { release } from 'node:os';
import { DROP_TRACE_SCHEMA_VERSION, type DropTrace, type RuleTrace, type TraceNote } from '../evidence/drop-trace.js';
import { DropAggregator, markerText, type WindowLabel } from '../sources/tracefs/aggregate.js';
import { ChangeLog, type ChangeListener } from '../sources/tracefs/changes.js';
import { DEFAULT_FILTER, deviceFilter, parseFilter, renderFilter } from '../sources/tracefs/filter.js';
import { kfreeSkbLayout, parseEventFormat } from '../sources/tracefs/format.js';
import { Journal, restoreDeadJournals } from '../sources/tracefs/journal.js';
import {
  findTracefs, netnsOfDevice, ownNetnsInode, removeDeadInstances, TraceInstance, type TracePipe,
} from '../sources/tracefs/instance.js';
import { parseKallsyms, type KallsymsResolver } from '../sources/tracefs/kallsyms.js';
import { readBounded } from '../sources/tracefs/read.js';
import { RuleTracer, type RuleTraceOptions } from '../sources/tracefs/rule-trace.js';
import { parseTraceLine } from '../sources/tracefs/trace-line.js';
import { PodpathError } from '../util/errors.js';
import { LIMITS } from '../util/limits.js';

export interface TraceOptions {
  forMs: number;
  baselineMs: number;
  /** --filter text (validated here); default `protocol == 2048`. */
  filter?: string;
  /** Device attribution: false, true (every device) or a device-name glob. */
  devices?: boolean | string;
  traceRules?: RuleTraceOptions;
  /** Hears of every host change as it happens (the CLI prints them). */
  onChange?: ChangeListener;
  /** Called once tracing is live, before the first window. */
  onReady?: (info: { instance: string; filter: string }) => void;
  /** Ends the current window early (Ctrl-C): what was measured is still returned. */
  signal?: AbortSignal;
  pollMs?: number;
}

function checkDuration(name: string, ms: number): void {
  if (!Number.isFinite(ms) || ms < 0 || ms > LIMITS.traceSeconds.value * 1000) {
    throw new PodpathError(LIMITS.traceSeconds.code, `${name} must be between 0 and ${LIMITS.traceSeconds.value} s`);
  }
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted || ms <= 0) return resolve();
    const done = () => { clearTimeout(timer); signal?.removeEventListener('abort', done); resolve(); };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}

/** Reads trace_pipe on a timer, within the byte and event limits, into the aggregator. */
class PipePump {
  lines = 0;
  bytes = 0;
  unparsed = 0;
  tooLong = 0;
  stoppedBy?: string;
  private rest = '';
  private timer?: NodeJS.Timeout;

  constructor(private readonly pipe: TracePipe, private readonly agg: DropAggregator, private readonly reasons: Map<number, string>) {}

  start(pollMs: number): void {
    this.timer = setInterval(() => this.pump(), pollMs);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  pump(): void {
    if (this.stoppedBy) return;
    const room = LIMITS.traceBytes.value - this.bytes;
    if (room <= 0) {
      this.stoppedBy = LIMITS.traceBytes.code;
      return;
    }
    const buf = this.pipe.readAvailable(Math.min(room, 4 << 20));
    if (buf.length === 0) return;
    this.bytes += buf.length;
    const parts = (this.rest + buf.toString('utf8')).split('\n');
    this.rest = parts.pop() ?? '';
    if (this.rest.length > LIMITS.traceLine.value) {
      this.tooLong++;
      this.rest = '';
    }
    for (const line of parts) {
      if (this.agg.kfreeEvents >= LIMITS.traceEvents.value) {
        this.stoppedBy = LIMITS.traceEvents.code;
        return;
      }
      this.lines++;
      const r = parseTraceLine(line, { reasons: this.reasons });
      if ('skip' in r) {
        if (r.skip === 'too-long') this.tooLong++;
        else if (r.skip === 'unparsed') this.unparsed++;
      } else this.agg.push(r);
    }
  }
}

/** A running trace: live once `startTrace` resolves, in its baseline window when one was asked for. */
export interface TraceSession {
  /** The instance directory (`.../instances/podpath-<pid>`). */
  readonly instance: string;
  readonly filter: string;
  /** Ends the baseline (if any) and opens the main window. */
  beginMain(): void;
  /** Ends the open window, reads to its end, undoes every host change, returns the evidence. */
  stop(): Promise<DropTrace>;
  /** Undoes every host change without reading (an error elsewhere): idempotent. */
  abandon(): void;
}

export type TraceSessionOptions = Omit<TraceOptions, 'forMs' | 'baselineMs' | 'onReady'> & {
  /** Open the baseline window now (the caller calls beginMain() when the measured run starts). */
  baseline: boolean;
};

/**
 * Sets tracing up (every change reported through onChange) and opens the first window. A window
 * around something else (a probe run) is cut by the caller: beginMain() when it starts, stop()
 * when it ends. Nothing stays enabled after stop() or abandon(), nor when this throws.
 */
export async function startTrace(opts: TraceSessionOptions): Promise<TraceSession> {
  // Refuse a bad filter before anything on the host changes.
  const filterTree = parseFilter(opts.filter ?? DEFAULT_FILTER);
  const devGlob = typeof opts.devices === 'string' ? opts.devices : undefined;
  const devFilter = deviceFilter(devGlob);
  const devices = opts.devices !== undefined && opts.devices !== false;
  const tag = `podpath-${process.pid}`;
  const log = new ChangeLog(opts.onChange, new Journal());
  try {
    restoreDeadJournals(log);
    const root = await findTracefs(log);
    removeDeadInstances(root, log);
    const formatPath = `${root}/events/skb/kfree_skb/format`;
    const formatText = await readBounded(formatPath, LIMITS.traceFormat).catch((e: unknown) => {
      if (e instanceof PodpathError) throw e;
      throw new PodpathError('E_TRACE_EVENT', `this kernel has no skb:kfree_skb event (${formatPath} unreadable)`);
    });
    const layout = kfreeSkbLayout(parseEventFormat(formatText));
    const filter = renderFilter(filterTree, { hasReason: layout.hasReason, reasons: layout.reasons });
    const inst = await TraceInstance.create(root, log);

    // %p locations: print real addresses (5.12-6.1 can, per instance) and resolve them.
    let hashPtr: DropTrace['kernel']['hashPtr'] = 'not-needed';
    let kallsyms: DropTrace['kernel']['kallsyms'] = 'not-needed';
    let resolver: KallsymsResolver | undefined;
    if (layout.locationPrint === 'pointer') {
      if (inst.has('options', 'hash-ptr')) {
        await inst.set(['options', 'hash-ptr'], '0', '1');
        hashPtr = 'cleared';
      } else hashPtr = 'absent';
      try {
        resolver = parseKallsyms(await readBounded('/proc/kallsyms', LIMITS.kallsyms));
        kallsyms = resolver.hidden ? 'hidden' : 'used';
      } catch {
        kallsyms = 'unreadable';
      }
    }

    const rules = opts.traceRules ? await RuleTracer.start(opts.traceRules, log) : undefined;

    if (devices) {
      if (!inst.has('events', 'net', 'netif_receive_skb')) throw new PodpathError('E_TRACE_EVENT', 'this kernel has no net:netif_receive_skb event: --devices cannot work');
      if (devFilter) await inst.setFilter('net', 'netif_receive_skb', devFilter);
      await inst.enable('net', 'netif_receive_skb');
    }
    await inst.setFilter('skb', 'kfree_skb', filter);
    await inst.enable('skb', 'kfree_skb');

    const netns = ownNetnsInode();
    const agg = new DropAggregator({ tag, resolver, devices, netnsOf: netnsOfDevice(netns) });
    const pump = new PipePump(inst.openPipe(), agg, layout.reasons);
    pump.start(opts.pollMs ?? 100);

    const started = new Map<WindowLabel, string>();
    let open: WindowLabel | undefined;
    const begin = (label: WindowLabel) => {
      started.set(label, new Date().toISOString());
      inst.marker(markerText(tag, 'begin', label));
      open = label;
    };
    if (opts.baseline) begin('baseline');
    let stopped = false;
    const abandon = () => {
      stopped = true;
      pump.stop();
      log.undoAll();
    };

    const stop = async (): Promise<DropTrace> => {
      if (stopped) throw new PodpathError('E_TRACE_STOPPED', 'this trace was already stopped');
      stopped = true;
      const notes: TraceNote[] = [];
      let result: Omit<DropTrace, 'changes' | 'leftovers' | 'notes'>;
      try {
        const lastLabel: WindowLabel = open ?? 'main';
        if (open === undefined) begin('main');
        inst.marker(markerText(tag, 'end', lastLabel));
        // Read up to our own end marker (everything before it is in the buffer by then).
        for (let i = 0; i < 30 && !agg.ended(lastLabel) && !pump.stoppedBy; i++) {
          pump.pump();
          if (!agg.ended(lastLabel)) await sleep(100);
        }
        pump.pump();
        pump.stop();
        const ruleTrace: RuleTrace | undefined = rules ? await rules.stop() : undefined;
        const overrun = await inst.overrun();

        const windows = agg.windowsOut().map(({ traceStart: _t, ...w }) => ({ ...w, startedAt: started.get(w.label) ?? '' }));
        const seen = agg.locationsSeen;
        if (!layout.hasReason) notes.push({ code: 'TRACE_NO_REASON', params: { kernel: release() } });
        if (seen.includes('hashed')) notes.push({ code: 'TRACE_LOCATION_HASHED', params: { kernel: release() } });
        if (kallsyms === 'hidden') notes.push({ code: 'TRACE_KALLSYMS_HIDDEN', params: {} });
        if (pump.stoppedBy) notes.push({ code: 'TRACE_LIMIT', params: { limit: pump.stoppedBy } });
        if (ruleTrace?.stoppedBy) notes.push({ code: 'TRACE_LIMIT', params: { limit: ruleTrace.stoppedBy } });
        if (overrun) notes.push({ code: 'TRACE_OVERRUN', params: { events: overrun } });
        if (opts.signal?.aborted) notes.push({ code: 'TRACE_INTERRUPTED', params: {} });
        result = {
          schemaVersion: DROP_TRACE_SCHEMA_VERSION,
          source: `tracefs ${inst.dir}`,
          kernel: {
            release: release(),
            reasonField: layout.hasReason,
            rxSkField: layout.hasRxSk,
            locationPrint: layout.locationPrint,
            locationsSeen: seen,
            hashPtr,
            kallsyms,
            reasonNames: layout.reasons.size,
          },
          filter: { kfreeSkb: filter, ...(devices ? { netifReceiveSkb: devFilter ?? '' } : {}) },
          devices,
          ...(netns !== undefined ? { netnsInode: netns } : {}),
          windows,
          read: {
            lines: pump.lines,
            bytes: pump.bytes,
            unparsed: pump.unparsed,
            tooLong: pump.tooLong,
            ...(overrun !== undefined ? { overrun } : {}),
            ...(pump.stoppedBy ? { stoppedBy: pump.stoppedBy } : {}),
            interrupted: opts.signal?.aborted ?? false,
          },
          ...(ruleTrace ? { ruleTrace } : {}),
        };
      } finally {
        pump.stop();
        log.undoAll();
      }
      for (const c of log.records) if (c.state === 'undo-failed') notes.push({ code: 'TRACE_UNDO_FAILED', params: { undo: c.undo, error: c.error ?? '' } });
      return { ...result, changes: log.records, leftovers: log.leftovers, notes };
    };

    return {
      instance: inst.dir,
      filter,
      beginMain() {
        if (!stopped && open !== 'main') {
          begin('main'); // closes the baseline too
        }
      },
      stop,
      abandon,
    };
  } catch (e) {
    log.undoAll();
    throw e;
  }
}

export async function runTrace(opts: TraceOptions): Promise<DropTrace> {
  checkDuration('--for', opts.forMs);
  checkDuration('--baseline', opts.baselineMs);
  const session = await startTrace({ ...opts, baseline: opts.baselineMs > 0 });
  try {
    opts.onReady?.({ instance: session.instance, filter: session.filter });
    if (opts.baselineMs > 0) await sleep(opts.baselineMs, opts.signal);
    if (!opts.signal?.aborted) {
      session.beginMain();
      await sleep(opts.forMs, opts.signal);
    }
  } catch (e) {
    session.abandon();
    throw e;
  }
  return session.stop();
}
