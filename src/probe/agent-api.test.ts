import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import http from 'node:http';
import type net from 'node:net';
import { AgentApi } from './agent-api.js';

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
    await expect(api().get('/huge')).rejects.toMatchObject({ code: 'E_AGENT_ANSWER' });
  });
  it("says the agent's own error code", async () => {
    // control characters from the peer are shown as escapes, never passed to the terminal
    await expect(api().get('/busy')).rejects.toThrow('answered 429 to GET /busy: E_PROBE_RATE 30 probe requests in the last minute already\\x1b[8m hidden\\nforged line');
  });
  it('an answer that is not JSON is E_AGENT', async () => {
    await expect(api().get('/x')).rejects.toMatchObject({ code: 'E_AGENT' });
  });
});
