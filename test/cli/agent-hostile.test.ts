// The agent's API under hostile requests (issue 9, items 10-15): a separate agent process, real
// sockets on loopback, and the agent's own counters and log lines as the witnesses.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
