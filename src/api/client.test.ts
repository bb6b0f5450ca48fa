import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import http from 'node:http';
import type net from 'node:net';
import { z } from 'zod';
import { AgentApi } from './client.js';
import { ROUTES, type AgentRoute } from './routes.js';

/** A route outside the table, for the transport's own cases: any JSON answer is taken. */
const anyJson = (path: string): AgentRoute<'GET', undefined> => ({ method: 'GET', path, request: undefined, response: z.unknown(), type: 'json', answer: 'anything' });

// A hostile "agent": answers too much, or an error with its code, or not JSON.
let server: http.Server;
let port: number;
beforeAll(async () => {
  server = http.createServer((req, res) => {
    if (req.url === '/huge') {
      res.writeHead(200, { 'content-type': 'application/json' });
      const chunk = Buffer.alloc(1 << 20, 0x20);
      let sent = 0;
      const more = () => {
        while (sent < 80 && res.write(chunk)) sent++;
        if (sent < 80) res.once('drain', more);
        else res.end();
      };
      res.on('error', () => {});
      more();
      return;
    }
    // Never answers (a path that loses every full-size segment looks like this from the client).
    if (req.url === '/silent') return;
    // Begins the answer, then stops.
    if (req.url === '/stops') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"counters":');
      return;
    }
    // Real routes, answered with something that is not what their schema says.
    if (req.url === '/v1/counters') return void res.writeHead(200).end(JSON.stringify({ atMs: 1, udp: { InErrors: 'many\u001b[2J' }, netstat: {}, interfaces: {} }));
    if (req.url === '/v1/probe') return void res.writeHead(200).end(JSON.stringify({ label: 'underlay', target: '10.0.0.2', echo: { kind: 'udp-echo', sent: 3 } }));
    if (req.url === '/v1/responder') return void res.writeHead(200).end(JSON.stringify({ counters: {}, memory: { sessions: 0, sources: 0, replaySessions: 0 }, senders: { active: 0, peak: 0, peakAtMs: 0, idleMs: 0 }, mesh: {} }));
    if (req.url === '/busy') return void res.writeHead(429).end(JSON.stringify({ error: 'E_PROBE_RATE', message: '30 probe requests in the last minute already\u001b[8m hidden\nforged line' }));
    res.writeHead(200).end('<html>not json');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as net.AddressInfo).port;
});
afterAll(() => {
  server.closeAllConnections();
  server.close();
});

describe('AgentApi against a hostile peer', () => {
  const api = () => new AgentApi('127.0.0.1', port, 'token-0123456789abcdef');
  it('stops reading an answer past the limit: E_AGENT_ANSWER', async () => {
    await expect(api().get(anyJson('/huge'))).rejects.toMatchObject({ code: 'E_AGENT_ANSWER' });
  });
  it("says the agent's own error code", async () => {
    // control characters from the peer are shown as escapes, never passed to the terminal
    await expect(api().get(anyJson('/busy'))).rejects.toThrow('answered 429 to GET /busy: E_PROBE_RATE 30 probe requests in the last minute already\\x1b[8m hidden\\nforged line');
  });
  it('an answer that is not JSON is E_AGENT', async () => {
    await expect(api().get(anyJson('/x'))).rejects.toMatchObject({ code: 'E_AGENT' });
  });
  it('an answer that never comes is E_AGENT_STALLED within the wait, and the agent is not asked again', async () => {
    const a = api();
    await expect(a.get(anyJson('/silent'), { waitMs: 300 })).rejects.toMatchObject({
      code: 'E_AGENT_STALLED',
      message: expect.stringMatching(/^the agent at http:\/\/127\.0\.0\.1:\d+ took the connection but sent no byte of its answer to GET \/silent in 0\.3 s: are full-size packets/),
    });
    // the next call fails at once with the same error (no new connection, no second wait)
    const connections = await new Promise<number>((r) => server.getConnections((_, n) => r(n)));
    await expect(a.get(anyJson('/busy'))).rejects.toMatchObject({ code: 'E_AGENT_STALLED' });
    expect(await new Promise<number>((r) => server.getConnections((_, n) => r(n)))).toBe(connections);
    expect(a.stall?.code).toBe('E_AGENT_STALLED');
  });
  it('an answer that stops half-way is E_AGENT_STALLED with the bytes that came', async () => {
    await expect(api().get(anyJson('/stops'), { waitMs: 300 })).rejects.toMatchObject({
      code: 'E_AGENT_STALLED', message: expect.stringMatching(/began its answer to GET \/stops \(\d+ bytes\) and then sent nothing for 0\.3 s/),
    });
  });
  it('an address that never answers the connection is E_AGENT_UNREACHABLE, not a stall', async () => {
    // A listening socket with a full backlog is hard to make portably; a closed port refuses at once.
    const closed = http.createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const p = (closed.address() as net.AddressInfo).port;
    await new Promise<void>((r) => closed.close(() => r()));
    await expect(new AgentApi('127.0.0.1', p, 'token-0123456789abcdef').get(anyJson('/x'), { waitMs: 300 })).rejects.toMatchObject({ code: 'E_AGENT_UNREACHABLE' });
  });
});

describe('AgentApi validates every answer with its route\'s schema', () => {
  const api = () => new AgentApi('127.0.0.1', port, 'token-0123456789abcdef');
  it('refuses a counter snapshot that is not one, naming the route, in one line', async () => {
    await expect(api().get(ROUTES.counters)).rejects.toMatchObject({ code: 'E_AGENT_ANSWER_INVALID' });
    await expect(api().get(ROUTES.counters)).rejects.toThrow(/^the agent at http:\/\/127\.0\.0\.1:\d+ \(GET \/v1\/counters\): not a counter snapshot: udp\.InErrors: Expected number, received string$/);
  });
  it('refuses a probe result with a malformed echo', async () => {
    await expect(api().post(ROUTES.probe, { host: '10.0.0.2' })).rejects.toMatchObject({
      code: 'E_AGENT_ANSWER_INVALID', message: expect.stringContaining('(POST /v1/probe): not a probe result: echo.'),
    });
  });
  it('takes an answer that matches, typed by the route', async () => {
    const r = await api().get(ROUTES.responder);
    expect(r.senders.peak).toBe(0);
  });
});
