import dgram from 'node:dgram';
import { afterEach, describe, expect, it } from 'vitest';
import { closeIdleProbeSockets, ProbeClient, probeSocketStats } from './client.js';
import { UdpResponder } from './responder.js';
import { encodeProbe, FLAG_NO_REPLY, ProbeType } from './wire.js';

describe('ProbeClient.open', () => {
  it('refuses a source address this host does not have, instead of waiting forever', async () => {
    // 192.0.2.1 (TEST-NET-1) is on no interface here: bind fails with EADDRNOTAVAIL.
    await expect(ProbeClient.open(Buffer.from('k'.repeat(16)), '127.0.0.1', 7, '192.0.2.1')).rejects.toMatchObject({ code: 'E_PROBE_SOURCE' });
  });
  it('opens from a local source', async () => {
    const c = await ProbeClient.open(Buffer.from('k'.repeat(16)), '127.0.0.1', 7, '127.0.0.1');
    c.close();
  });
});

describe('probe sockets kept for the next peer', () => {
  const key = Buffer.from('client-pool-key-0123456789');
  const responders: UdpResponder[] = [];
  afterEach(async () => {
    closeIdleProbeSockets();
    for (const r of responders.splice(0)) await r.stop();
  });
  const responder = async (address: string) => {
    const r = new UdpResponder({ key, port: 0, addresses: [address] });
    await r.start();
    responders.push(r);
    return r;
  };

  it('a clean run hands its socket to the next client from the same source; replies come from the new peer only', async () => {
    const a = await responder('127.79.0.1');
    const b = await responder('127.79.0.2');
    const first = await ProbeClient.open(key, '127.79.0.1', a.boundPort, '127.79.1.1');
    expect(await first.echo(64, 1000)).toBeDefined();
    first.close();
    const before = probeSocketStats();
    const second = await ProbeClient.open(key, '127.79.0.2', b.boundPort, '127.79.1.1');
    expect(probeSocketStats()).toEqual({ created: before.created, reused: before.reused + 1 });
    expect(second.local().address).toBe('127.79.1.1');
    const r = await second.echo(64, 1000);
    expect(r?.seq).toBe(1);
    // Counted by the new peer, under the new client's session; the old peer saw only the first.
    expect(await second.tally(500)).toEqual({ packets: 1, bytes: 64 });
    expect(b.tallyOf(second.session.toString(16))).toBe(1);
    expect(a.counters.received).toBe(1);
    second.close();
  });

  it("a reply of the old peer's session reaching the reused socket is ignored", async () => {
    const a = await responder('127.79.0.3');
    const b = await responder('127.79.0.4');
    const first = await ProbeClient.open(key, '127.79.0.3', a.boundPort, '127.79.1.2');
    expect(await first.echo(64, 1000)).toBeDefined();
    const oldSession = first.session;
    first.close();
    const reused = probeSocketStats().reused;
    const second = await ProbeClient.open(key, '127.79.0.4', b.boundPort, '127.79.1.2');
    expect(probeSocketStats().reused).toBe(reused + 1);
    const port = second.local().port;
    // A signed reply with seq 1 of the old session, sent from the new peer's own address and port
    // (the only source a connected socket takes): the client waits for seq 1 of its own session.
    const late = dgram.createSocket({ type: 'udp4', reuseAddr: true });
    await new Promise<void>((r) => late.bind(0, '127.79.0.4', r));
    const pending = second.echo(64, 300, FLAG_NO_REPLY);
    late.send(encodeProbe(key, { type: ProbeType.EchoReply, flags: 0, session: oldSession, seq: 1, sentMs: Date.now() }), port, '127.79.1.2');
    expect(await pending).toBeUndefined();
    late.close();
    second.close();
  });

  it('a run with an unanswered request closes its socket: the next client gets a new one', async () => {
    const a = await responder('127.79.0.5');
    const first = await ProbeClient.open(key, '127.79.0.5', a.boundPort, '127.79.1.3');
    // No reply is asked for: it times out, and an ICMP error might still be on its way.
    expect(await first.echo(64, 100, FLAG_NO_REPLY)).toBeUndefined();
    first.close();
    const before = probeSocketStats();
    const second = await ProbeClient.open(key, '127.79.0.5', a.boundPort, '127.79.1.3');
    expect(probeSocketStats()).toEqual({ created: before.created + 1, reused: before.reused });
    expect(await second.echo(64, 1000)).toBeDefined();
    second.close();
  });
});
