// Every route of the API's table is served by a real agent, and the agent serves nothing else: each
// answer is read by the typed client through its route's schema, each POST's body through its own
// (a body outside the schema is 400 E_BAD_REQUEST, so the route exists and checks what it takes).
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AgentApi, AgentAnswerError } from '../api/client.js';
import { ROUTES, TOKEN_HEADER, type AgentRoute, type RouteName } from '../api/routes.js';
import { startAgent, type RunningAgent } from './server.js';

const TOKEN = 'token-routes-0123456789abcdef';
let agent: RunningAgent;
let api: AgentApi;

beforeAll(async () => {
  agent = await startAgent({
    key: randomBytes(32), token: TOKEN, addresses: ['127.0.0.1'], probePort: 0, apiPort: 0,
    root: mkdtempSync(path.join(tmpdir(), 'pp-routes-')), log: () => undefined,
  });
  api = new AgentApi('127.0.0.1', agent.apiPort, TOKEN);
});
afterAll(async () => {
  await agent?.stop();
});

/** What each GET route's answer must hold besides its schema (the client already checked that). */
const GETS: Record<Extract<RouteName, 'health' | 'metrics' | 'counters' | 'facts' | 'responder'>, (a: unknown) => void> = {
  health: (a) => expect(a).toBe('ok\n'),
  metrics: (a) => expect(a).toContain('podpath_agent_'),
  counters: (a) => expect(a).toMatchObject({ udp: expect.any(Object) }),
  facts: (a) => expect(a).toMatchObject({ schemaVersion: expect.any(Number) }),
  responder: (a) => expect(a).toMatchObject({ senders: { active: 0 } }),
};

describe('the agent serves exactly the routes of the API table', () => {
  it('every GET route answers what its schema says', async () => {
    for (const [name, check] of Object.entries(GETS)) {
      const route = ROUTES[name as keyof typeof GETS] as AgentRoute<'GET', undefined>;
      check(await api.get(route));
    }
  }, 60_000);
  it('every POST route reads its body with its schema', async () => {
    for (const name of Object.keys(ROUTES) as RouteName[]) {
      const route = ROUTES[name];
      if (route.method !== 'POST') continue;
      const e = await api.post(route as AgentRoute<'POST'>, { surely: 'not a request' } as never).catch((x: unknown) => x);
      expect(e, name).toBeInstanceOf(AgentAnswerError);
      expect(e, name).toMatchObject({ status: 400, agentCode: 'E_BAD_REQUEST' });
    }
  });
  it('every route is a GET or a POST the table lists, and a path outside it is 404', async () => {
    expect(Object.keys(GETS).length + Object.values(ROUTES).filter((r) => r.method === 'POST').length).toBe(Object.keys(ROUTES).length);
    const outside: AgentRoute<'GET', undefined> = { ...ROUTES.counters, path: '/v1/countersx' };
    await expect(api.get(outside)).rejects.toMatchObject({ status: 404, agentCode: 'E_NOT_FOUND' });
    const wrongMethod: AgentRoute<'POST'> = { ...ROUTES.probe, method: 'POST', path: ROUTES.counters.path };
    await expect(api.post(wrongMethod, { host: '127.0.0.1' } as never)).rejects.toMatchObject({ status: 404 });
  });
});

describe('the token, in Authorization or in X-Podpath-Token', () => {
  // kube-apiserver consumes Authorization before its pod proxy forwards a request: the token then comes in X-Podpath-Token.
  const ask = (headers: Record<string, string>) => fetch(`http://127.0.0.1:${agent.apiPort}${ROUTES.responder.path}`, { headers }).then((r) => r.status);
  it('takes either header; a wrong X-Podpath-Token is refused even beside a right bearer token', async () => {
    expect(await ask({ authorization: `Bearer ${TOKEN}` })).toBe(200);
    expect(await ask({ [TOKEN_HEADER]: TOKEN })).toBe(200);
    expect(await ask({ [TOKEN_HEADER]: `${TOKEN}x` })).toBe(401);
    expect(await ask({ [TOKEN_HEADER]: 'x', authorization: `Bearer ${TOKEN}` })).toBe(401);
    expect(await ask({})).toBe(401);
  });
});
