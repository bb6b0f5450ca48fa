// The agent's trace routes: a caller (doctor --peer, probe, the mesh) asks this node's kernel
// where it drops packets around a window of its own. Generic: start (a baseline window opens when
// asked), main (the measured window opens), stop (the DropTrace back); or run (trace for N ms).
// Nothing is traced unless a caller asks; one trace at a time; every trace ends, with every host
// change undone, after at most maxMs (LIMITS.agentTraceSeconds) even if the caller never comes back.
import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import { AgentTraceId, AgentTraceRun, AgentTraceStart, type AgentTraceStarted, type AgentTraceStopped } from '../api/trace.js';
import { startTrace, type TraceSession } from '../app/trace.js';
import type { DropTrace } from '../evidence/drop-trace.js';
import { bootId } from '../sources/tracefs/boot-id.js';
import type { ChangeEvent } from '../sources/tracefs/changes.js';
import { isPodpathError } from '../util/errors.js';
import type { LogFn } from './log.js';

/** A route's status and body, as the server sends it. */
export type Answer = { status: number; body: unknown };

export class TraceRoutes {
  private current?: { id: string; session: TraceSession; timer: NodeJS.Timeout; result?: Promise<DropTrace> };
  private starting = false;

  constructor(private readonly log: LogFn) {}

  async start(body: unknown): Promise<Answer> {
    const req = AgentTraceStart.safeParse(body);
    if (!req.success) return badRequest(req.error);
    if (this.current || this.starting) return { status: 409, body: { error: 'E_BUSY', message: 'a trace is already running on this agent' } };
    this.starting = true;
    const changes: ChangeEvent[] = [];
    try {
      const session = await startTrace({
        baseline: req.data.baseline, filter: req.data.filter, devices: req.data.devices,
        traceRules: req.data.rulePorts ? { ports: req.data.rulePorts } : undefined,
        onChange: (e) => {
          changes.push(e);
          this.log('trace.change', { ...e });
        },
      });
      const id = randomUUID();
      // Bounded: the trace ends on its own; a caller that comes back later gets what was measured.
      const timer = setTimeout(() => {
        if (this.current?.id === id && !this.current.result) {
          this.log('trace.expired', { id });
          this.current.result = session.stop();
          this.current.result.catch(() => undefined);
        }
      }, req.data.maxMs);
      timer.unref();
      this.current = { id, session, timer };
      this.log('trace.start', { id, instance: session.instance });
      const started: AgentTraceStarted = { id, instance: session.instance, filter: session.filter, bootId: bootId(), changes };
      return { status: 200, body: started };
    } catch (e) {
      return failed(e);
    } finally {
      this.starting = false;
    }
  }

  main(body: unknown): Answer {
    const req = AgentTraceId.safeParse(body);
    if (!req.success) return badRequest(req.error);
    const c = this.current;
    if (!c || c.id !== req.data.id) return { status: 404, body: { error: 'E_TRACE_UNKNOWN', message: 'no such trace on this agent' } };
    c.session.beginMain();
    return { status: 200, body: { id: c.id } };
  }

  async stop(body: unknown): Promise<Answer> {
    const req = AgentTraceId.safeParse(body);
    if (!req.success) return badRequest(req.error);
    const c = this.current;
    if (!c || c.id !== req.data.id) return { status: 404, body: { error: 'E_TRACE_UNKNOWN', message: 'no such trace on this agent' } };
    clearTimeout(c.timer);
    c.result ??= c.session.stop();
    try {
      const trace = await c.result;
      this.log('trace.stop', { id: c.id, changes: trace.changes.length });
      const stopped: AgentTraceStopped = { trace, bootId: bootId() };
      return { status: 200, body: stopped };
    } catch (e) {
      return failed(e);
    } finally {
      this.current = undefined;
    }
  }

  /** Trace for a fixed time (a baseline, then the main window) and answer with the DropTrace. */
  async run(body: unknown): Promise<Answer> {
    const req = AgentTraceRun.safeParse(body);
    if (!req.success) return badRequest(req.error);
    const { baselineMs, forMs, ...rest } = req.data;
    const started = await this.start({ ...rest, baseline: baselineMs > 0, maxMs: baselineMs + forMs + 5000 });
    if (started.status !== 200) return started;
    const id = (started.body as AgentTraceStarted).id;
    await sleep(baselineMs);
    this.main({ id });
    await sleep(forMs);
    return this.stop({ id });
  }

  /** The agent is stopping: undo whatever a trace still holds. */
  close(): void {
    if (this.current) {
      clearTimeout(this.current.timer);
      if (!this.current.result) this.current.session.abandon();
      this.current = undefined;
    }
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

function badRequest(err: z.ZodError): Answer {
  const issue = err.issues[0];
  return { status: 400, body: { error: 'E_BAD_REQUEST', message: issue ? `${issue.path.join('.') || 'body'}: ${issue.message}` : 'not a trace request' } };
}

function failed(e: unknown): Answer {
  if (isPodpathError(e)) return { status: 422, body: { error: e.code, message: e.message } };
  return { status: 500, body: { error: 'E_TRACE', message: e instanceof Error ? e.message : String(e) } };
}
