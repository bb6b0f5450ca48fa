// The node agent: UDP and TCP responders on the probe port, and an HTTP(S) API (bearer token) that
// lets a controller or a peer read this node's counters and run probes from here.
import http from 'node:http';
import https from 'node:https';
import type net from 'node:net';
import { timingSafeEqual } from 'node:crypto';
import { UdpResponder } from '../probe/responder.js';
import { TcpResponder } from './tcp-responder.js';
import { createMetrics, type MeshRoundCounters, type ProbeRequestCounters } from './metrics.js';
import { jsonLogger, type LogFn } from './log.js';
import { countersAnswer, readCounters } from '../probe/counters.js';
import { closeIdleProbeSockets } from '../probe/client.js';
import { collectNodeFacts } from '../sources/collect.js';
import { AllowList, plannedBytes } from './probe-policy.js';
import { runGuardedProbe } from './guarded-probe.js';
import type { ProbeSuiteResult } from '../evidence/probe-run.js';
import { MESH_ROUNDS, MinuteBudget, ProofLimiter, isRefusal } from './budget.js';
import { ROUTES, routeOf, TOKEN_HEADER, type RouteName } from '../api/routes.js';
import type { z } from 'zod';
import { cellRequests, roundPlannedBytes, runMeshRound } from './mesh-round.js';
import { ConnectionGuard } from './connection-guard.js';
import { BackgroundProber, type BackgroundOptions } from './background.js';
import { LimitedLog } from './log-limit.js';
import { isPodpathError, PodpathError } from '../util/errors.js';
import { LIMITS } from '../util/limits.js';
import { TraceRoutes, type Answer } from './trace-route.js';

import { DEFAULT_API_PORT, DEFAULT_PROBE_PORT } from '../probe/ports.js';

export { DEFAULT_API_PORT, DEFAULT_PROBE_PORT };
/** How often Node checks the header and request timeouts (its default, 30 s, let slow headers hold a slot for 40 s). */
const TIMEOUT_CHECK_MS = 500;

export interface AgentOptions {
  key: Buffer;
  token: string;
  addresses: string[];
  probePort?: number;
  apiPort?: number;
  /** Where /proc is (tests and the lab may point elsewhere). */
  procRoot?: string;
  /** Root directory for the node's files (a lab node), for /v1/facts. */
  root?: string;
  /** Addresses probes may go to without proving to be an agent (--allow-probe); DNS only to these. */
  allowProbe?: AllowList;
  /** Serve the API over TLS with this certificate and key (PEM). */
  tls?: { cert: string | Buffer; key: string | Buffer };
  /** Probe these few peers in the background and export their series (opt-in). */
  background?: BackgroundOptions;
  log?: LogFn;
}

export interface RunningAgent {
  probePort: number;
  apiPort: number;
  udp: UdpResponder;
  stop(): Promise<void>;
}

/**
 * Starts the responders and the API; on any failure stops what it already started and throws a
 * one-line error (E_BIND for an address or port it could not bind).
 */
export async function startAgent(opts: AgentOptions): Promise<RunningAgent> {
  const log = opts.log ?? jsonLogger();
  const started: { stop(): Promise<void> }[] = [];
  const stopAll = async () => {
    for (const s of started.reverse()) await s.stop().catch(() => {});
    started.length = 0;
  };
  try {
    const udp = new UdpResponder({ key: opts.key, port: opts.probePort ?? DEFAULT_PROBE_PORT, addresses: opts.addresses });
    started.push(udp);
    udp.on('error', (e: Error) => log('responder.error', { message: e.message }));
    await udp.start().catch((e: unknown) => { throw bindError(e, 'UDP', opts.addresses, opts.probePort ?? DEFAULT_PROBE_PORT); });
    const probePort = udp.boundPort;
    const tcp = new TcpResponder(probePort, opts.addresses);
    started.push(tcp);
    await tcp.start().catch((e: unknown) => { throw bindError(e, 'TCP', opts.addresses, probePort); });
    const api = await startApi(opts, udp, log);
    started.push(api);
    log('agent.started', { addresses: opts.addresses, probePort, apiPort: api.port, tls: opts.tls !== undefined, allowProbe: opts.allowProbe?.entries ?? [] });
    return {
      probePort,
      apiPort: api.port,
      udp,
      async stop() {
        await stopAll();
        // The probe sockets kept for the next peer (probe/client.ts) go with the agent.
        closeIdleProbeSockets();
        log('agent.stopped');
      },
    };
  } catch (e) {
    await stopAll();
    throw e;
  }
}

function bindError(e: unknown, what: string, addresses: string[], port: number): unknown {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'EADDRINUSE' || code === 'EADDRNOTAVAIL' || code === 'EACCES' || code === 'EINVAL') {
    const address = (e as { address?: string }).address;
    const where = address ? `${address}:${port}` : `${addresses.join(',')}:${port}`;
    const hint = code === 'EADDRNOTAVAIL' ? ' (not an address of this host?)' : code === 'EADDRINUSE' ? ' (in use: another agent running?)' : '';
    return new PodpathError('E_BIND', `cannot bind ${what} ${where}: ${code}${hint}`);
  }
  return e;
}

async function startApi(opts: AgentOptions, udp: UdpResponder, log: LogFn): Promise<{ port: number; stop(): Promise<void> }> {
  const allow = opts.allowProbe ?? AllowList.parse([]);
  const budgets = new MinuteBudget();
  // Mesh rounds and background probes name many targets: their failed proofs are counted.
  const proofs = new ProofLimiter();
  const counts: ProbeRequestCounters = { started: 0, busy: 0, badRequest: 0, tooLarge: 0, budget: 0, notAgent: 0, failed: 0 };
  const meshCounts: MeshRoundCounters = { started: 0, busy: 0, badRequest: 0, tooLarge: 0, budget: 0, cells: 0, notAgent: 0, failedCells: 0, peakRunning: 0 };
  const registry = createMetrics(udp, counts, meshCounts);
  // Replies come back to the address the agent listens on (the node's, or the pod's).
  const background = opts.background?.peers.length ? new BackgroundProber(opts.key, opts.background, allow, budgets, registry, log, opts.addresses[0], proofs) : undefined;
  const unauthorizedLog = new LimitedLog(log, 'http.unauthorized', LIMITS.agentUnauthorizedLogLines.value);
  const guard = new ConnectionGuard({
    perSource: LIMITS.agentConnectionsPerSource.value,
    total: LIMITS.agentConnections.value,
    authDeadlineMs: LIMITS.agentHeadersTimeout.value * 1000,
  });
  // One probe request or one mesh round at a time; inside a round, up to its k probes at once.
  let busy: 'probe' | 'mesh' | undefined;
  let collecting = false;
  const traces = new TraceRoutes(log);

  const authorized = (req: http.IncomingMessage): boolean => {
    // Through the API server's pod proxy the Authorization header never arrives (the API server
    // consumes it when it authenticates the caller): the token then comes in X-Podpath-Token.
    const header = req.headers[TOKEN_HEADER];
    const h = req.headers.authorization ?? '';
    const given = Buffer.from(typeof header === 'string' ? header : h.startsWith('Bearer ') ? h.slice(7) : '');
    const want = Buffer.from(opts.token);
    return given.length === want.length && timingSafeEqual(given, want);
  };

  const handler = async (req: http.IncomingMessage, res: http.ServerResponse): Promise<void> => {
    const send = (code: number, body: unknown, type = 'application/json', close = false) => {
      res.writeHead(code, { 'content-type': type, ...(close ? { connection: 'close' } : {}) });
      res.end(typeof body === 'string' ? body : JSON.stringify(body));
    };
    const url = new URL(req.url ?? '/', 'http://agent');
    const name = routeOf(req.method, url.pathname);
    // Without the token a connection gets one answer and is closed: it never idles here.
    if (name && ROUTES[name].open) return send(200, 'ok\n', 'text/plain', true);
    if (!authorized(req)) {
      unauthorizedLog.write({ path: url.pathname.slice(0, 128), from: req.socket.remoteAddress });
      return send(401, { error: 'E_UNAUTHORIZED' }, 'application/json', true);
    }
    guard.authorized(req.socket);
    if (!name) return send(404, { error: 'E_NOT_FOUND' });
    return handlers[name](req, send);
  };

  type Send = (code: number, body: unknown, type?: string, close?: boolean) => void;
  type Handler = (req: http.IncomingMessage, send: Send) => Promise<void>;
  const tooLarge = (send: Send) => send(413, { error: LIMITS.agentBody.code, message: `a request body is at most ${LIMITS.agentBody.value} bytes` }, 'application/json', true);
  const badRequest = (send: Send, err: z.ZodError, what: string) => {
    const issue = err.issues[0];
    send(400, { error: 'E_BAD_REQUEST', message: issue ? `${issue.path.join('.') || 'body'}: ${issue.message}` : `not ${what}` });
  };
  /** A trace route: its body goes to TraceRoutes, which reads it with the route's schema. */
  const trace = (route: (body: unknown) => Answer | Promise<Answer>): Handler => async (req, send) => {
    const body = await readBody(req, LIMITS.agentBody.value);
    if (body === undefined) return tooLarge(send);
    const answer = await route(safeJson(body));
    return send(answer.status, answer.body);
  };

  // One handler for each route of the API's table (src/api/routes.ts), no more, no fewer.
  const handlers: Record<RouteName, Handler> = {
    health: async (_req, send) => send(200, 'ok\n', 'text/plain', true),
    metrics: async (_req, send) => send(200, await registry.metrics(), registry.contentType),
    // Cut to what its schema reads (a node with thousands of Service IPs or veths): said in `dropped`.
    counters: async (_req, send) => send(200, countersAnswer(await readCounters(opts.procRoot), opts.addresses)),
    facts: async (_req, send) => {
      // The peer's own evidence, so `doctor --peer` can judge both ends (a firewall on the
      // receiver shows only there). One collection at a time.
      if (collecting) return send(409, { error: 'E_BUSY', message: 'already collecting' });
      collecting = true;
      try {
        return send(200, await collectNodeFacts({ root: opts.root }));
      } finally {
        collecting = false;
      }
    },
    responder: async (_req, send) => send(200, { counters: udp.counters, memory: udp.memory, senders: udp.senders, mesh: meshCounts }),
    meshRound: async (req, send) => {
      const body = await readBody(req, LIMITS.agentBody.value);
      if (body === undefined) {
        meshCounts.tooLarge++;
        return tooLarge(send);
      }
      const parsed = ROUTES.meshRound.request.safeParse(safeJson(body));
      if (!parsed.success) {
        meshCounts.badRequest++;
        return badRequest(send, parsed.error, 'a mesh round');
      }
      // Tested and taken in one step, as for /v1/probe.
      if (busy) {
        meshCounts.busy++;
        return send(409, { error: 'E_BUSY', message: busy === 'mesh' ? 'a mesh round is already running on this agent' : 'a probe is already running from this agent' });
      }
      const requests = cellRequests(parsed.data);
      const charge = budgets.start(roundPlannedBytes(parsed.data, requests), MESH_ROUNDS);
      if (isRefusal(charge)) {
        meshCounts.budget++;
        return send(429, { error: charge.code, message: charge.message });
      }
      busy = 'mesh';
      meshCounts.started++;
      try {
        const r = await runMeshRound(opts.key, parsed.data, allow, charge.budget, { procRoot: opts.procRoot, proofs, requests, ownAddresses: opts.addresses });
        const notAgent = r.cells.filter((c) => c.result?.verified === false).length;
        const failed = r.cells.filter((c) => c.error).length;
        meshCounts.cells += r.cells.length;
        meshCounts.notAgent += notAgent;
        meshCounts.failedCells += failed;
        meshCounts.peakRunning = Math.max(meshCounts.peakRunning, r.peakRunning);
        // One line a round, not one a cell: a large mesh sends many rounds.
        if (r.cells.length) log('mesh.round', { round: r.round, peers: r.cells.length, bytes: charge.budget.spent, notAgent, failed, peakRunning: r.peakRunning });
        return send(200, r);
      } finally {
        charge.settle();
        busy = undefined;
      }
    },
    // The kernel's drop trace of this node around a caller's window (src/agent/trace-route.ts).
    traceStart: trace((b) => traces.start(b)),
    traceMain: trace((b) => traces.main(b)),
    traceStop: trace((b) => traces.stop(b)),
    traceRun: trace((b) => traces.run(b)),
    probe: async (req, send) => {
      const body = await readBody(req, LIMITS.agentBody.value);
      if (body === undefined) {
        counts.tooLarge++;
        return tooLarge(send);
      }
      const parsed = ROUTES.probe.request.safeParse(safeJson(body));
      if (!parsed.success) {
        counts.badRequest++;
        return badRequest(send, parsed.error, 'a probe request');
      }
      // Checked and taken in one step, after the body is read and checked: no await between the
      // test and the set, so of many requests whose bodies end together exactly one runs.
      if (busy) {
        counts.busy++;
        return send(409, { error: 'E_BUSY', message: busy === 'mesh' ? 'a mesh round is running on this agent' : 'a probe is already running from this agent' });
      }
      const charge = budgets.start(plannedBytes(parsed.data));
      if (isRefusal(charge)) {
        counts.budget++;
        return send(429, { error: charge.code, message: charge.message });
      }
      busy = 'probe';
      counts.started++;
      try {
        log('probe.start', { target: parsed.data.host, port: parsed.data.port });
        const result: ProbeSuiteResult | unknown = await runGuardedProbe(opts.key, parsed.data, allow, charge.budget).catch((e: unknown) => e);
        // A source this host lacks or a target the kernel refuses is the caller's mistake.
        if (isPodpathError(result)) {
          counts.badRequest++;
          return send(400, { error: 'E_BAD_REQUEST', message: `${result.code}: ${result.message}` });
        }
        if (!isSuiteResult(result)) {
          counts.failed++;
          throw result;
        }
        if (result.verified === false) counts.notAgent++;
        log('probe.end', { target: parsed.data.host, bytes: charge.budget.spent, verified: result.verified, refused: result.refused?.map((r) => r.probe) });
        return send(200, result);
      } finally {
        charge.settle();
        busy = undefined;
      }
    },
  };

  const servers: (http.Server | https.Server)[] = [];
  const serverOptions: http.ServerOptions = {
    headersTimeout: LIMITS.agentHeadersTimeout.value * 1000,
    requestTimeout: LIMITS.agentRequestTimeout.value * 1000,
    connectionsCheckingInterval: TIMEOUT_CHECK_MS,
    keepAliveTimeout: 5000,
  };
  const onRequest = (req: http.IncomingMessage, res: http.ServerResponse) => {
    handler(req, res).catch((e: unknown) => {
      log('http.error', { message: (e as Error).message });
      if (!res.headersSent) res.writeHead(500, { connection: 'close' });
      res.end();
    });
  };
  try {
    for (const address of opts.addresses) {
      const server = opts.tls
        ? https.createServer({ ...serverOptions, cert: opts.tls.cert, key: opts.tls.key, handshakeTimeout: LIMITS.agentHeadersTimeout.value * 1000 }, onRequest)
        : http.createServer(serverOptions, onRequest);
      server.maxConnections = LIMITS.agentConnections.value;
      server.on('connection', (socket: net.Socket) => guard.admit(socket));
      server.on('clientError', (_e, socket: net.Socket) => socket.destroy());
      const port = servers.length === 0 ? opts.apiPort ?? DEFAULT_API_PORT : (servers[0]!.address() as net.AddressInfo).port;
      await new Promise<void>((resolve, reject) => {
        server.once('error', (e) => reject(bindError(e, 'HTTP API', [address], port)));
        server.listen(port, address, () => resolve());
      });
      servers.push(server);
    }
  } catch (e) {
    await closeAll(servers);
    throw e;
  }
  background?.start();
  return {
    port: (servers[0]!.address() as net.AddressInfo).port,
    async stop() {
      traces.close();
      await background?.stop();
      unauthorizedLog.stop();
      await closeAll(servers);
    },
  };
}

function closeAll(servers: (http.Server | https.Server)[]): Promise<unknown> {
  return Promise.all(servers.map((s) => new Promise<void>((r) => {
    s.closeAllConnections();
    s.close(() => r());
  })));
}

/**
 * The body, or undefined when it is larger than `limit` (declared or sent). Reading stops there;
 * the caller answers 413 with `connection: close`, and Node discards the rest of the body before
 * closing, so the client reads the answer instead of a reset.
 */
function readBody(req: http.IncomingMessage, limit: number): Promise<string | undefined> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > limit) return Promise.resolve(undefined);
  return new Promise((resolve) => {
    let size = 0;
    const chunks: Buffer[] = [];
    const onData = (c: Buffer) => {
      size += c.length;
      if (size > limit) {
        req.off('data', onData);
        chunks.length = 0;
        resolve(undefined);
        return;
      }
      chunks.push(c);
    };
    req.on('data', onData);
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', () => resolve(undefined));
  });
}

function isSuiteResult(x: unknown): x is ProbeSuiteResult {
  return typeof x === 'object' && x !== null && !(x instanceof Error) && 'target' in x;
}

function safeJson(s: string): unknown {
  try {
    return JSON.parse(s);
  } catch {
    return undefined;
  }
}
