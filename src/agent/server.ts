// The node agent: UDP and TCP responders on the probe port, and an HTTP API (bearer token) that
// lets a controller or a peer read this node's counters and run probes from here.
import http from 'node:http';
import { timingSafeEqual } from 'node:crypto';
import { UdpResponder } from '../probe/responder.js';
import { TcpResponder } from './tcp-responder.js';
import { createMetrics } from './metrics.js';
import { jsonLogger, type LogFn } from './log.js';
import { readCounters } from '../probe/counters.js';
import { runProbeSuite } from '../probe/suite.js';
import { AgentProbeRequest } from './probe-request.js';
import { isPodpathError } from '../util/errors.js';
import { collectNodeFacts } from '../sources/collect.js';

export const DEFAULT_PROBE_PORT = 7946;
export const DEFAULT_API_PORT = 7947;
const MAX_BODY = 4096;

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
  log?: LogFn;
}

export interface RunningAgent {
  probePort: number;
  apiPort: number;
  udp: UdpResponder;
  stop(): Promise<void>;
}

export async function startAgent(opts: AgentOptions): Promise<RunningAgent> {
  const log = opts.log ?? jsonLogger();
  const udp = new UdpResponder({ key: opts.key, port: opts.probePort ?? DEFAULT_PROBE_PORT, addresses: opts.addresses });
  await udp.start();
  const probePort = udp.boundPort;
  const tcp = new TcpResponder(probePort, opts.addresses);
  await tcp.start();
  const registry = createMetrics(udp);
  let busy = false;
  let collecting = false;

  const authorized = (req: http.IncomingMessage): boolean => {
    const h = req.headers.authorization ?? '';
    const given = Buffer.from(h.startsWith('Bearer ') ? h.slice(7) : '');
    const want = Buffer.from(opts.token);
    return given.length === want.length && timingSafeEqual(given, want);
  };

  const servers: http.Server[] = [];
  const handler = async (req: http.IncomingMessage, res: http.ServerResponse): Promise<void> => {
    const send = (code: number, body: unknown, type = 'application/json') => {
      res.writeHead(code, { 'content-type': type });
      res.end(typeof body === 'string' ? body : JSON.stringify(body));
    };
    const url = new URL(req.url ?? '/', 'http://agent');
    if (url.pathname === '/healthz') return send(200, 'ok\n', 'text/plain');
    if (!authorized(req)) {
      log('http.unauthorized', { path: url.pathname, from: req.socket.remoteAddress });
      return send(401, { error: 'E_UNAUTHORIZED' });
    }
    if (req.method === 'GET' && url.pathname === '/metrics') return send(200, await registry.metrics(), registry.contentType);
    if (req.method === 'GET' && url.pathname === '/v1/counters') return send(200, await readCounters(opts.procRoot));
    if (req.method === 'GET' && url.pathname === '/v1/facts') {
      // The peer's own evidence, so `doctor --peer` can judge both ends (a firewall on the
      // receiver shows only there). One collection at a time.
      if (collecting) return send(409, { error: 'E_BUSY', message: 'already collecting' });
      collecting = true;
      try {
        return send(200, await collectNodeFacts({ root: opts.root }));
      } finally {
        collecting = false;
      }
    }
    if (req.method === 'GET' && url.pathname === '/v1/responder') return send(200, { counters: udp.counters, memory: udp.memory });
    if (req.method === 'POST' && url.pathname === '/v1/probe') {
      if (busy) return send(409, { error: 'E_BUSY', message: 'a probe is already running from this agent' });
      const body = await readBody(req);
      if (body === undefined) return send(413, { error: 'E_BODY_TOO_LARGE' });
      const parsed = AgentProbeRequest.safeParse(safeJson(body));
      if (!parsed.success) return send(400, { error: 'E_BAD_REQUEST', message: parsed.error.issues[0]?.message });
      busy = true;
      try {
        log('probe.start', { target: parsed.data.host });
        const result = await runProbeSuite(opts.key, parsed.data).catch((e: unknown) => e);
        // A source this host lacks or a target the kernel refuses is the caller's mistake.
        if (isPodpathError(result)) return send(400, { error: 'E_BAD_REQUEST', message: `${result.code}: ${result.message}` });
        if (result instanceof Error) throw result;
        return send(200, result);
      } finally {
        busy = false;
      }
    }
    return send(404, { error: 'E_NOT_FOUND' });
  };
  for (const address of opts.addresses) {
    const server = http.createServer((req, res) => {
      handler(req, res).catch((e: unknown) => {
        log('http.error', { message: (e as Error).message });
        if (!res.headersSent) res.writeHead(500);
        res.end();
      });
    });
    server.requestTimeout = 120_000;
    server.headersTimeout = 10_000;
    server.maxConnections = 64;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(servers.length === 0 ? opts.apiPort ?? DEFAULT_API_PORT : (servers[0]!.address() as { port: number }).port, address, () => resolve());
    });
    servers.push(server);
  }
  const apiPort = (servers[0]!.address() as { port: number }).port;
  log('agent.started', { addresses: opts.addresses, probePort, apiPort });
  return {
    probePort,
    apiPort,
    udp,
    async stop() {
      await Promise.all(servers.map((s) => new Promise<void>((r) => { s.closeAllConnections(); s.close(() => r()); })));
      await tcp.stop();
      await udp.stop();
      log('agent.stopped');
    },
  };
}

function readBody(req: http.IncomingMessage): Promise<string | undefined> {
  return new Promise((resolve) => {
    let size = 0;
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) {
        resolve(undefined);
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', () => resolve(undefined));
  });
}

function safeJson(s: string): unknown {
  try {
    return JSON.parse(s);
  } catch {
    return undefined;
  }
}
