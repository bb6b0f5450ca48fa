// The agent API through the API server's pod proxy: a real agent on loopback, reached through the
// loopback API server's proxy, which forwards as kube-apiserver does (test/helpers/fake-apiserver.ts
// proxyToPod: Authorization deleted by the authentication filter, pod's IP and port from the pod
// object, 503 "error trying to reach service" when the pod cannot be dialled). Every answer is still
// validated by its route's schema and read up to the same limit.
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import { mkdtempSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AgentAnswerError, AgentApi } from '../../src/api/client.js';
import { FallbackMemo, type AgentPod } from '../../src/api/reach.js';
import { ROUTES } from '../../src/api/routes.js';
import { startAgent, type RunningAgent } from '../../src/agent/server.js';
import { makeSelfSigned } from '../../src/agent/self-signed.js';
import { connectKube } from '../../src/sources/kube/client.js';
import { agentPod } from '../helpers/agent-pods.js';
import { missingRequirement } from '../helpers/env.js';
import { startFakeApiServer, type FakeApiServer } from '../helpers/fake-apiserver.js';

const KUBE_TOKEN = 'kube-token-proxy-0123456789abcdef';
const TOKEN = 'agent-token-proxy-0123456789abcdef';

describe.skipIf(missingRequirement({ tools: ['openssl'] }))('the agent API through the API server\'s pod proxy', () => {
  let api: FakeApiServer;
  let agent: RunningAgent;
  let hostile: http.Server;
  let closedPort: number;
  const pod = (name: string): AgentPod => ({ kube: connectKube({ kubeconfig: api.kubeconfig() }), namespace: 'podpath', name });

  beforeAll(async () => {
    api = await startFakeApiServer({ token: KUBE_TOKEN });
    agent = await startAgent({
      key: randomBytes(32), token: TOKEN, addresses: ['127.0.0.1'], probePort: 0, apiPort: 0,
      root: mkdtempSync(path.join(tmpdir(), 'pp-proxy-')), log: () => undefined,
    });
    // A hostile "agent" behind the proxy: answers that break the schema, or never end.
    hostile = http.createServer((req, res) => {
      if (req.url === '/v1/counters') return void res.writeHead(200).end(JSON.stringify({ atMs: 1, udp: { InErrors: 'many' }, netstat: {}, interfaces: {} }));
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
    });
    await new Promise<void>((r) => hostile.listen(0, '127.0.0.1', r));
    const closed = http.createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    closedPort = (closed.address() as AddressInfo).port;
    await new Promise<void>((r) => closed.close(() => r()));
    api.put(agentPod({ plane: 'host', name: 'podpath-host-a1b2c', node: 'node-a', hostIP: '127.0.0.1', apiPort: agent.apiPort }) as never);
    api.put(agentPod({ plane: 'host', name: 'podpath-host-hostile', node: 'node-h', hostIP: '127.0.0.1', apiPort: (hostile.address() as AddressInfo).port }) as never);
    api.put(agentPod({ plane: 'host', name: 'podpath-host-gone', node: 'node-g', hostIP: '127.0.0.1', apiPort: closedPort }) as never);
    api.put(agentPod({ plane: 'host', name: 'podpath-host-pending', node: 'node-p', hostIP: '127.0.0.1', phase: 'Pending' }) as never);
  }, 60_000);
  afterAll(async () => {
    await agent?.stop();
    hostile?.closeAllConnections();
    hostile?.close();
    await api?.close();
  });

  it('reaches the agent with its token in X-Podpath-Token; the API server keeps Authorization to itself', async () => {
    const a = new AgentApi('192.0.2.1', agent.apiPort, TOKEN, undefined, { pod: pod('podpath-host-a1b2c'), mode: 'proxy' });
    expect(a.via).toBe('proxy');
    const r = await a.get(ROUTES.responder);
    expect(r.senders.active).toBe(0);
    const c = await a.get(ROUTES.counters);
    expect(c.udp).toBeDefined();
    // The API server saw the kubeconfig's credential, never the agent's token...
    const seen = api.requests.filter((q) => q.path.includes('/proxy/'));
    expect(seen.map((q) => `${q.method} ${q.path}`)).toEqual([
      `GET /api/v1/namespaces/podpath/pods/podpath-host-a1b2c:${agent.apiPort}/proxy/v1/responder`,
      `GET /api/v1/namespaces/podpath/pods/podpath-host-a1b2c:${agent.apiPort}/proxy/v1/counters`,
    ]);
    expect(seen.every((q) => q.auth === `Bearer ${KUBE_TOKEN}`)).toBe(true);
    // ...and the agent received no Authorization at all, only X-Podpath-Token.
    expect(api.proxied.map((p) => [p.target, p.headers.authorization, p.headers['x-podpath-token']])).toEqual([
      [`http://127.0.0.1:${agent.apiPort}/v1/responder`, undefined, TOKEN],
      [`http://127.0.0.1:${agent.apiPort}/v1/counters`, undefined, TOKEN],
    ]);
  });

  it("passes the agent's own refusals through: a POST body outside the schema, a wrong token", async () => {
    const a = new AgentApi('192.0.2.1', agent.apiPort, TOKEN, undefined, { pod: pod('podpath-host-a1b2c'), mode: 'proxy' });
    const e = await a.post(ROUTES.meshRound, { surely: 'not a round' } as never).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(AgentAnswerError);
    expect(e).toMatchObject({ status: 400, agentCode: 'E_BAD_REQUEST' });
    const wrong = new AgentApi('192.0.2.1', agent.apiPort, 'not-the-token-0123456789', undefined, { pod: pod('podpath-host-a1b2c'), mode: 'proxy' });
    await expect(wrong.get(ROUTES.responder)).rejects.toMatchObject({ code: 'E_AGENT_UNAUTHORIZED', message: 'the agent pod podpath/podpath-host-a1b2c (through the API server ' + api.url + ') refused the token' });
  });

  it('validates and limits every answer as a direct one', async () => {
    const port = (hostile.address() as AddressInfo).port;
    const h = new AgentApi('192.0.2.1', port, TOKEN, undefined, { pod: pod('podpath-host-hostile'), mode: 'proxy' });
    await expect(h.get(ROUTES.counters)).rejects.toMatchObject({ code: 'E_AGENT_ANSWER_INVALID', message: expect.stringContaining('udp.InErrors: Expected number, received string') });
    await expect(h.get(ROUTES.responder)).rejects.toMatchObject({ code: 'E_AGENT_ANSWER' });
  });

  it("the API server's own refusals are one line with a code: no such pod, pod not reachable, pod without an address, our credential", async () => {
    const gone = new AgentApi('192.0.2.1', 7947, TOKEN, undefined, { pod: pod('podpath-host-nope'), mode: 'proxy' });
    await expect(gone.get(ROUTES.responder)).rejects.toMatchObject({ code: 'E_KUBE_NOT_FOUND', message: expect.stringContaining('NotFound: pods "podpath-host-nope" not found') });
    const down = new AgentApi('192.0.2.1', closedPort, TOKEN, undefined, { pod: pod('podpath-host-gone'), mode: 'proxy' });
    await expect(down.get(ROUTES.responder)).rejects.toMatchObject({
      code: 'E_AGENT_UNREACHABLE',
      message: `the API server ${api.url} could not reach the agent pod podpath/podpath-host-gone (ServiceUnavailable: error trying to reach service: dial tcp 127.0.0.1:${closedPort}: connect: connection refused): is its pod running and ready?`,
    });
    const pending = new AgentApi('192.0.2.1', 7947, TOKEN, undefined, { pod: pod('podpath-host-pending'), mode: 'proxy' });
    await expect(pending.get(ROUTES.responder)).rejects.toMatchObject({ code: 'E_AGENT_UNREACHABLE', message: expect.stringContaining('(BadRequest: address not allowed)') });
    const kube = connectKube({ kubeconfig: api.kubeconfig({ token: 'expired-kube-token-0123456789' }) });
    const denied = new AgentApi('192.0.2.1', agent.apiPort, TOKEN, undefined, { pod: { kube, namespace: 'podpath', name: 'podpath-host-a1b2c' }, mode: 'proxy' });
    await expect(denied.get(ROUTES.responder)).rejects.toMatchObject({ code: 'E_KUBE_UNAUTHORIZED' });
  });

  it('an agent on TLS: the proxy path says https:, the API server talks TLS to the pod', async () => {
    const cert = makeSelfSigned(['127.0.0.1']);
    const tlsAgent = await startAgent({
      key: randomBytes(32), token: TOKEN, addresses: ['127.0.0.1'], probePort: 0, apiPort: 0, tls: { cert: cert.certPem, key: cert.keyPem },
      root: mkdtempSync(path.join(tmpdir(), 'pp-proxy-tls-')), log: () => undefined,
    });
    try {
      api.put(agentPod({ plane: 'host', name: 'podpath-host-tls', node: 'node-t', hostIP: '127.0.0.1', apiPort: tlsAgent.apiPort }) as never);
      const a = new AgentApi('192.0.2.1', tlsAgent.apiPort, TOKEN, { fingerprint256: cert.fingerprint256 }, { pod: pod('podpath-host-tls'), mode: 'proxy' });
      expect((await a.get(ROUTES.responder)).senders.active).toBe(0);
      expect(api.requests.at(-1)!.path).toBe(`/api/v1/namespaces/podpath/pods/https:podpath-host-tls:${tlsAgent.apiPort}/proxy/v1/responder`);
      expect(api.proxied.at(-1)!.target).toBe(`https://127.0.0.1:${tlsAgent.apiPort}/v1/responder`);
    } finally {
      await tlsAgent.stop();
    }
  });

  it('fallback: a direct connection that cannot be made goes through the proxy, once said, then remembered', async () => {
    const events: string[] = [];
    const memo = new FallbackMemo((e) => events.push(`${e.direct} -> ${e.pod}: ${e.why}`));
    const before = api.proxied.length;
    // The node address refuses (the agent listens on 127.0.0.1 only); the pod proxy reaches it at the pod's IP.
    const mk = () => new AgentApi('127.0.0.2', agent.apiPort, TOKEN, undefined, { pod: pod('podpath-host-a1b2c'), mode: 'fallback', memo });
    const first = mk();
    expect(first.via).toBe('direct');
    expect((await first.get(ROUTES.responder)).senders.active).toBe(0);
    expect(first.via).toBe('proxy');
    // A new client for the same agent (the mesh makes one per request) goes to the proxy at once.
    expect(mk().via).toBe('proxy');
    await mk().get(ROUTES.responder);
    expect(events).toEqual([`http://127.0.0.2:${agent.apiPort} -> podpath/podpath-host-a1b2c: ECONNREFUSED`]);
    expect(api.proxied.slice(before).map((p) => p.target)).toEqual([1, 2].map(() => `http://127.0.0.1:${agent.apiPort}/v1/responder`));
  });
});
