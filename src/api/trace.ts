// The contract of the agent's trace routes (POST /v1/trace/start, main, stop, run): what a caller
// may ask and what the agent answers. See src/agent/trace-route.ts for the routes themselves.
import { z } from 'zod';
import { DropTrace } from '../evidence/drop-trace.js';
import type { ChangeEvent } from '../sources/tracefs/changes.js';
import { LIMITS } from '../util/limits.js';

const Ms = z.number().int().min(0).max((LIMITS.agentTraceSeconds.value * 1000));

export const AgentTraceStart = z.object({
  /** Open a baseline window now; the caller opens the main one with /v1/trace/main. */
  baseline: z.boolean().default(false),
  /** The agent stops the trace (and undoes everything) this long after it started. */
  maxMs: Ms.refine((n) => n >= 100, 'at least 100 ms'),
  filter: z.string().max(LIMITS.traceFilter.value).optional(),
  devices: z.boolean().default(false),
  /** Also trace the packet filter for these ports (--trace-rules). */
  rulePorts: z.array(z.number().int().min(1).max(65535)).min(1).max(LIMITS.ruleTracePorts.value).optional(),
}).strict();
export type AgentTraceStart = z.input<typeof AgentTraceStart>;

export const AgentTraceId = z.object({ id: z.string().uuid() }).strict();

export const AgentTraceRun = z.object({
  baselineMs: Ms,
  forMs: Ms.refine((n) => n >= 100, 'at least 100 ms'),
  filter: z.string().max(LIMITS.traceFilter.value).optional(),
  devices: z.boolean().default(false),
  rulePorts: z.array(z.number().int().min(1).max(65535)).min(1).max(LIMITS.ruleTracePorts.value).optional(),
}).strict().refine((r) => r.baselineMs + r.forMs <= (LIMITS.agentTraceSeconds.value * 1000), `baselineMs + forMs must be at most ${(LIMITS.agentTraceSeconds.value * 1000)}`);

/** A host change as the agent reports it while tracing (src/sources/tracefs/changes.ts). */
export const ChangeEventAnswer = z.discriminatedUnion('type', [
  z.object({ type: z.literal('did'), did: z.string().max(2000), undo: z.string().max(2000) }),
  z.object({ type: z.literal('undone'), undo: z.string().max(2000) }),
  z.object({ type: z.literal('undo-failed'), undo: z.string().max(2000), error: z.string().max(2000) }),
  z.object({ type: z.literal('leftover'), what: z.string().max(2000), did: z.string().max(2000), error: z.string().max(2000).optional() }),
]);
// The schema says what the type says (a change to one fails to compile here).
const sameEvent: ChangeEvent = undefined as unknown as z.infer<typeof ChangeEventAnswer>;
void sameEvent;

/** What /v1/trace/start answers: the changes made so far, printed by the caller as they are. */
export const AgentTraceStarted = z.object({ id: z.string().uuid(), instance: z.string().max(256), filter: z.string().max(LIMITS.traceFilter.value * 4 + 4096), bootId: z.string().max(64).optional(), changes: z.array(ChangeEventAnswer).max(4096) });
export type AgentTraceStarted = z.infer<typeof AgentTraceStarted>;
/** What /v1/trace/main answers. */
export const AgentTraceMain = z.object({ id: z.string().uuid() });
/** What /v1/trace/stop and /v1/trace/run answer: the node's DropTrace (read through its schema: a peer is hostile input). */
export const AgentTraceStopped = z.object({ trace: DropTrace, bootId: z.string().max(64).optional() });
export type AgentTraceStopped = z.infer<typeof AgentTraceStopped>;

