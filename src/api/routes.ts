// The agent's HTTP API in one table: every route's method and path, the schema of its request body
// and of its answer. The agent serves exactly these (src/agent/server.ts dispatches through this
// table, so a route outside it cannot be served) and validates each request body with the route's
// schema; the client (./client.ts) validates each answer with it. A peer is hostile input both ways.
import { z } from 'zod';
import { CounterSnapshot, ProbeSuiteResult } from '../evidence/probe-run.js';
import { NodeFacts, upgradeNodeFacts } from '../evidence/node-facts.js';
import { MESH_ROUND_PATH, MeshRoundAnswer, MeshRoundRequest } from './mesh-round.js';
import { AgentProbeRequest } from './probe-request.js';
import { AgentTraceId, AgentTraceMain, AgentTraceRun, AgentTraceStart, AgentTraceStarted, AgentTraceStopped } from './trace.js';

export interface AgentRoute<M extends 'GET' | 'POST' = 'GET' | 'POST', Req extends z.ZodTypeAny | undefined = z.ZodTypeAny | undefined, Res extends z.ZodTypeAny = z.ZodTypeAny> {
  method: M;
  path: string;
  /** The body's schema (POST); GET routes take none. */
  request: Req;
  /** The answer's schema (status 2xx). */
  response: Res;
  /** `json` answers are JSON; `text` ones plain text (health, Prometheus). */
  type: 'json' | 'text';
  /** Without the bearer token (the readiness probe). */
  open?: true;
  /** What the answer is, for the error when it is not: `not a counter snapshot`. */
  answer: string;
  /** The code of an answer that does not match its schema (default E_AGENT_ANSWER_INVALID). */
  invalidCode?: string;
}

/**
 * The header that carries the API token where Authorization cannot: kube-apiserver's
 * authentication filter deletes Authorization once it has authenticated the caller, so a request
 * through its pod proxy reaches the agent without it. Lower case: Node's name for incoming headers.
 */
export const TOKEN_HEADER = 'x-podpath-token';

type RouteExtras = Partial<Pick<AgentRoute, 'type' | 'open' | 'invalidCode'>>;

const get = <Res extends z.ZodTypeAny>(path: string, response: Res, answer: string, more: RouteExtras = {}): AgentRoute<'GET', undefined, Res> =>
  ({ method: 'GET', path, request: undefined, response, type: 'json', answer, ...more });
const post = <Req extends z.ZodTypeAny, Res extends z.ZodTypeAny>(path: string, request: Req, response: Res, answer: string, more: RouteExtras = {}): AgentRoute<'POST', Req, Res> =>
  ({ method: 'POST', path, request, response, type: 'json', answer, ...more });

const count = z.number().int().min(0).max(1e15);
const counts = z.record(z.string().max(64), count).refine((o) => Object.keys(o).length <= 64, 'more than 64 counters');

/** GET /v1/responder: the UDP responder's own counters, its memory, its senders, the mesh rounds served. */
export const ResponderAnswer = z.object({
  counters: counts,
  memory: z.object({ sessions: count, sources: count, replaySessions: count }),
  senders: z.object({ active: count, peak: count, peakAtMs: count, idleMs: count }),
  mesh: counts,
});

/** The node's facts, upgraded from an older schema version as a facts file would be. */
const FactsAnswer = z.preprocess(upgradeNodeFacts, NodeFacts);

export const ROUTES = {
  health: get('/healthz', z.literal('ok\n'), 'a health answer', { type: 'text', open: true }),
  metrics: get('/metrics', z.string(), 'Prometheus metrics', { type: 'text' }),
  counters: get('/v1/counters', CounterSnapshot, 'a counter snapshot'),
  facts: get('/v1/facts', FactsAnswer, 'node facts', { invalidCode: 'E_FACTS_INVALID' }),
  responder: get('/v1/responder', ResponderAnswer, "the responder's counters"),
  probe: post('/v1/probe', AgentProbeRequest, ProbeSuiteResult, 'a probe result'),
  meshRound: post(MESH_ROUND_PATH, MeshRoundRequest, MeshRoundAnswer, 'a round answer', { invalidCode: 'E_MESH_ANSWER' }),
  traceStart: post('/v1/trace/start', AgentTraceStart, AgentTraceStarted, 'a started trace'),
  traceMain: post('/v1/trace/main', AgentTraceId, AgentTraceMain, 'a trace id'),
  traceStop: post('/v1/trace/stop', AgentTraceId, AgentTraceStopped, 'a DropTrace'),
  traceRun: post('/v1/trace/run', AgentTraceRun, AgentTraceStopped, 'a DropTrace'),
} as const;

export type RouteName = keyof typeof ROUTES;
export type RouteAnswer<R extends AgentRoute> = z.output<R['response']>;
export type RouteBody<R extends AgentRoute> = R['request'] extends z.ZodTypeAny ? z.input<R['request']> : never;

/** The route a request names, by method and path (the query is not part of the path). */
export function routeOf(method: string | undefined, pathname: string): RouteName | undefined {
  return (Object.keys(ROUTES) as RouteName[]).find((n) => ROUTES[n].method === method && ROUTES[n].path === pathname);
}
