// The agent's API under hostile requests (issue 9, items 10-15): a separate agent process, real
// sockets on loopback, and the agent's own counters and log lines as the witnesses.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import http from 'node:http';
import net from 'node:net';
import { spawnAgent, auth, type SpawnedAgent } from '../helpers/agent.js';

let agent: SpawnedAgent;

beforeAll(async () => {
  agent = await spawnAgent(['--listen', '127.0.0.1']);
});
afterAll(async () => {
  await agent.stop();
});

const post = (body: unknown) => fetch(`${agent.base}/v1/probe`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify(body) });

describe('item 10: names in a probe request', () => {
  // Each of these made the agent resolve a name; one that does not resolve killed it
  // (ERR_SOCKET_BAD_PORT from an unconnected socket, as an unhandled rejection).
  it.each([
    ['a target that does not resolve', { host: 'no-such-host.invalid', echo: { count: 1 } }],
    ['a target name that would resolve', { host: 'localhost', echo: { count: 1 } }],
    ['a source name', { host: '127.0.0.1', source: 'localhost', echo: { count: 1 } }],
    ['a DNS server name', { host: '127.0.0.1', dns: { server: 'no-such-dns.invalid', name: 'x' } }],
  ])('refuses %s with 400 E_BAD_REQUEST, resolving nothing, and keeps serving', async (_what, body) => {
    const res = await post(body);
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: 'E_BAD_REQUEST' });
    expect((await fetch(`${agent.base}/healthz`)).status).toBe(200);
    expect(agent.child.exitCode).toBeNull();
  });
});

/** Opens a TCP connection to the API from `localAddress`; resolves when connected (or refused). */
function connectFrom(localAddress: string): Promise<{ socket: net.Socket; closed: Promise<number> }> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port: agent.apiPort, localAddress });
    const closed = new Promise<number>((r) => socket.once('close', () => r(Date.now())));
    socket.on('error', () => {});
    socket.once('connect', () => resolve({ socket, closed }));
    socket.once('close', () => resolve({ socket, closed }));
  });
}

const metric = async (outcome: string): Promise<number> => {
  const text = await (await fetch(`${agent.base}/metrics`, { headers: auth })).text();
  return Number(new RegExp(`podpath_agent_probe_requests\\{outcome="${outcome}"\\} (\\d+)`).exec(text)?.[1] ?? NaN);
};

describe('item 11: connections without a token cannot keep the API from token holders', () => {
  it('100 slowloris sockets from 20 addresses: an authorized request succeeds, and every one is closed by the header deadline', async () => {
    const start = Date.now();
    const conns = await Promise.all(Array.from({ length: 100 }, (_, i) => connectFrom(`127.0.0.${10 + (i % 20)}`)));
    // Each sends a request line, then one header line every 500 ms, never the blank line.
    const drips = conns.map(({ socket }) => {
      socket.write('GET /v1/counters HTTP/1.1\r\nHost: agent\r\n');
      return setInterval(() => { if (!socket.destroyed) socket.write('X-Slow: 1\r\n'); }, 500);
    });
    try {
      const res = await fetch(`${agent.base}/v1/counters`, { headers: auth, signal: AbortSignal.timeout(10_000) });
      expect(res.status).toBe(200);
      const closedAt = await Promise.all(conns.map((c) => c.closed));
      // The deadline is 5 s from accept (checked at once, not every 30 s): generous bound 12 s.
      expect(Math.max(...closedAt) - start).toBeLessThan(12_000);
    } finally {
      drips.forEach(clearInterval);
      conns.forEach((c) => c.socket.destroy());
    }
  }, 30_000);

  it('more than 8 connections from one address: the rest are closed at once', async () => {
    const conns = await Promise.all(Array.from({ length: 20 }, () => connectFrom('127.0.0.40')));
    try {
      await new Promise((r) => setTimeout(r, 300));
      expect(conns.filter((c) => c.socket.destroyed || c.socket.readyState === 'closed').length).toBe(12);
    } finally {
      conns.forEach((c) => c.socket.destroy());
    }
  });

  it('a connection that sends nothing is closed by the deadline; a refused request closes its connection', async () => {
    const idle = await connectFrom('127.0.0.41');
    const t0 = Date.now();
    expect((await idle.closed) - t0).toBeLessThan(12_000);
    const refused = await connectFrom('127.0.0.42');
    refused.socket.write('GET /v1/counters HTTP/1.1\r\nHost: agent\r\n\r\n');
    let answer = '';
    refused.socket.on('data', (d: Buffer) => { answer += d.toString(); });
    await refused.closed;
    expect(answer).toMatch(/^HTTP\/1\.1 401 /);
  }, 30_000);
});

describe('item 12: one probe at a time, decided after the body is read', () => {
  it('8 POSTs whose bodies arrive together: 1 runs, 7 get 409 (counted by the agent)', async () => {
    const startedBefore = await metric('started');
    const busyBefore = await metric('busy');
    const body = JSON.stringify({ host: '127.0.0.1', port: agent.probePort, echo: { count: 100, size: 64 } });
    let release!: () => void;
    const go = new Promise<void>((r) => { release = r; });
    const statuses = Promise.all(Array.from({ length: 8 }, (_, i) => new Promise<number>((resolve, reject) => {
      const req = http.request({
        host: '127.0.0.1', port: agent.apiPort, method: 'POST', path: '/v1/probe', localAddress: `127.0.0.${60 + i}`,
        headers: { ...auth, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
      }, (res) => { res.resume(); resolve(res.statusCode ?? 0); });
      req.on('error', reject);
      req.flushHeaders();
      void go.then(() => req.end(body));
    })));
    await new Promise((r) => setTimeout(r, 500)); // the headers are all in; the bodies are slow
    release();
    const codes = (await statuses).sort();
    expect(codes).toEqual([200, 409, 409, 409, 409, 409, 409, 409]);
    expect((await metric('started')) - startedBefore).toBe(1);
    expect((await metric('busy')) - busyBefore).toBe(7);
  }, 30_000);
});

describe('item 15: the API answers and logs within limits', () => {
  const postRaw = (opts: { body: Buffer; chunked: boolean; localAddress: string }) => new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = http.request({
      host: '127.0.0.1', port: agent.apiPort, method: 'POST', path: '/v1/probe', localAddress: opts.localAddress,
      headers: { ...auth, 'content-type': 'application/json', ...(opts.chunked ? {} : { 'content-length': opts.body.length }) },
    }, (res) => {
      let text = '';
      res.on('data', (d: Buffer) => { text += d.toString(); });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.on('error', reject);
    // Written in pieces, as a client streaming a large body does.
    for (let i = 0; i < opts.body.length; i += 16384) req.write(opts.body.subarray(i, i + 16384));
    req.end();
  });

  it.each([['declared in content-length', false], ['sent chunked', true]])('an oversized body (1 MiB, %s) is answered 413, not reset', async (_what, chunked) => {
    const r = await postRaw({ body: Buffer.alloc(1 << 20, 0x20), chunked, localAddress: chunked ? '127.0.0.71' : '127.0.0.70' });
    expect(r.status).toBe(413);
    expect(JSON.parse(r.body)).toMatchObject({ error: 'E_BODY_TOO_LARGE' });
  });

  it('50 requests without a token write at most 10 log lines', async () => {
    const count = () => agent.lines.filter((l) => l.event === 'http.unauthorized').length;
    const before = count();
    for (let i = 0; i < 50; i++) {
      const res = await fetch(`${agent.base}/v1/counters?i=${i}`);
      expect(res.status).toBe(401);
    }
    await new Promise((r) => setTimeout(r, 200));
    // (an earlier test's refused request may have logged one line already: the window is shared)
    expect(count() - before).toBeLessThanOrEqual(10);
  });
});
