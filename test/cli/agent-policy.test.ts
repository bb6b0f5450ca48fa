// Where a token holder may make an agent send probes (issue 9, item 13): only to podpath agents,
// proven by a signed reply before anything else, or to addresses the operator allow-listed; TCP
// only to the agent's probe port; DNS only to allow-listed servers; a byte budget per request.
// Every "victim" is a real socket on loopback that counts what reached it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import dgram from 'node:dgram';
import net from 'node:net';
import { spawnAgent, auth, type SpawnedAgent } from '../helpers/agent.js';

let agent: SpawnedAgent;
let allowing: SpawnedAgent;

/** A UDP socket that counts datagrams and bytes, and reflects each one back verbatim. */
async function udpVictim(address: string, reflect: boolean) {
  const s = dgram.createSocket('udp4');
  const seen = { datagrams: 0, bytes: 0 };
  s.on('message', (m, r) => {
    seen.datagrams++;
    seen.bytes += m.length;
    if (reflect) s.send(m, r.port, r.address);
  });
  await new Promise<void>((r) => s.bind(0, address, r));
  return { port: s.address().port, seen, close: () => s.close() };
}

async function tcpVictim(address: string) {
  let accepted = 0;
  const server = net.createServer((c) => { accepted++; c.destroy(); });
  await new Promise<void>((r) => server.listen(0, address, r));
  return { port: (server.address() as net.AddressInfo).port, accepted: () => accepted, close: () => server.close() };
}

const post = (a: SpawnedAgent, body: unknown) => fetch(`${a.base}/v1/probe`, {
  method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify(body), signal: AbortSignal.timeout(60_000),
});

beforeAll(async () => {
  agent = await spawnAgent(['--listen', '127.0.0.1']);
  allowing = await spawnAgent(['--listen', '127.0.0.2', '--allow-probe', '127.0.0.53/32,fd00::/8']);
});
afterAll(async () => {
  await agent.stop();
  await allowing.stop();
});

describe('item 13: probes go only to agents or allow-listed addresses', () => {
  it('65 MB of echo to a UDP port that is not an agent (a reflector, even): at most 3 datagrams of 44 bytes reach it', async () => {
    const victim = await udpVictim('127.0.0.1', true);
    try {
      const res = await post(agent, { host: '127.0.0.1', port: victim.port, echo: { count: 1000, size: 65507 }, sweep: { max: 65507, repeats: 10 } });
      expect(res.status).toBe(200);
      const r = (await res.json()) as { verified: boolean; refused: { probe: string; code: string }[]; echo: { sent: number; received: number }; sweep?: unknown };
      expect(r.verified).toBe(false);
      expect(r.refused).toEqual([expect.objectContaining({ probe: 'all', code: 'E_PROBE_NOT_ALLOWED' })]);
      expect(r.echo).toMatchObject({ sent: 3, received: 0 });
      expect(r.sweep).toBeUndefined();
      await new Promise((r2) => setTimeout(r2, 200));
      expect(victim.seen).toEqual({ datagrams: 3, bytes: 3 * 44 });
    } finally {
      victim.close();
    }
  }, 60_000);

  it('a proven agent is probed in full', async () => {
    const res = await post(agent, { host: '127.0.0.2', port: allowing.probePort, echo: { count: 5, size: 200 } });
    const r = (await res.json()) as { verified: boolean; echo: { sent: number; received: number; arrivedAtPeer: number } };
    expect(r.verified).toBe(true);
    expect(r.echo).toMatchObject({ sent: 5, received: 5, arrivedAtPeer: 5 });
  });

  it('TCP: no handshake to a port that is not the proven agent\'s probe port, nor to a host that is not an agent', async () => {
    const victim = await tcpVictim('127.0.0.2');
    try {
      // the target is an agent, the TCP port is another service on it: refused, the rest runs
      let res = await post(agent, { host: '127.0.0.2', port: allowing.probePort, echo: { count: 2 }, tcp: { port: victim.port, attempts: 10 } });
      let r = (await res.json()) as { verified?: boolean; refused?: { probe: string }[]; tcp?: { connected: number }; echo?: unknown };
      expect(r.refused).toEqual([expect.objectContaining({ probe: 'tcp', code: 'E_PROBE_NOT_ALLOWED' })]);
      expect(r.tcp).toBeUndefined();
      expect(r.echo).toBeDefined();
      // the target is no agent at all (the TCP listener's own port as the probe port)
      res = await post(agent, { host: '127.0.0.2', port: victim.port, tcp: { port: victim.port, attempts: 10 } });
      r = (await res.json()) as typeof r;
      expect(r.verified).toBe(false);
      expect(victim.accepted()).toBe(0);
      // the agent's own probe port (its TCP responder) is allowed
      res = await post(agent, { host: '127.0.0.2', port: allowing.probePort, tcp: { port: allowing.probePort, attempts: 2 } });
      r = (await res.json()) as typeof r;
      expect(r.tcp).toMatchObject({ connected: 2 });
    } finally {
      victim.close();
    }
  });

  it('DNS only to allow-listed servers', async () => {
    const dns = await udpVictim('127.0.0.53', false);
    try {
      let res = await post(agent, { host: '127.0.0.2', port: allowing.probePort, dns: { server: '127.0.0.53', port: dns.port, name: 'example.test' } });
      let r = (await res.json()) as { refused?: { probe: string }[]; dns?: unknown[] };
      expect(r.refused).toEqual([expect.objectContaining({ probe: 'dns', code: 'E_PROBE_NOT_ALLOWED' })]);
      expect(r.dns).toBeUndefined();
      await new Promise((r2) => setTimeout(r2, 200));
      expect(dns.seen.datagrams).toBe(0);
      // the agent started with --allow-probe 127.0.0.53/32 queries it (the UDP query; TCP finds no listener)
      res = await post(allowing, { host: '127.0.0.1', port: agent.probePort, dns: { server: '127.0.0.53', port: dns.port, name: 'example.test' } });
      r = (await res.json()) as typeof r;
      expect(r.refused).toBeUndefined();
      expect(r.dns).toHaveLength(2);
      expect(dns.seen.datagrams).toBe(1);
    } finally {
      dns.close();
    }
  });

  it('an allow-listed address is probed without proof (a plain UDP port there)', async () => {
    const victim = await udpVictim('127.0.0.53', false);
    try {
      const res = await post(allowing, { host: '127.0.0.53', port: victim.port, echo: { count: 4, size: 100 } });
      const r = (await res.json()) as { verified?: boolean; echo: { sent: number } };
      expect(r.verified).toBeUndefined();
      expect(r.echo.sent).toBe(4);
      await new Promise((r2) => setTimeout(r2, 200));
      expect(victim.seen.datagrams).toBe(4 + 3); // the echoes and the tally requests
    } finally {
      victim.close();
    }
  });

  it('a request that could send more than its budget is refused with 429 and its code, before sending anything', async () => {
    const victim = await udpVictim('127.0.0.53', false);
    try {
      const res = await post(allowing, { host: '127.0.0.53', port: victim.port, ramp: { maxRateBps: 1_000_000_000, maxDurationMs: 120_000 } });
      expect(res.status).toBe(429);
      expect(await res.json()).toMatchObject({ error: 'E_PROBE_BUDGET' });
      expect(victim.seen.datagrams).toBe(0);
    } finally {
      victim.close();
    }
  });
});
