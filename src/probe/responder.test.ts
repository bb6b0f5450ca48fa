import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import dgram from 'node:dgram';
import { randomBytes } from 'node:crypto';
import { UdpResponder } from './responder.js';
import { encodeProbe, decodeProbe, ProbeType, MIN_PROBE_LEN, FLAG_SHORT_REPLY, newSessionId } from './wire.js';
import { udpEcho } from './udp-echo.js';
import { sizeSweep } from './size-sweep.js';
import { rateRamp } from './rate-ramp.js';

const key = Buffer.from('0123456789abcdef-test-key');
let responder: UdpResponder;
let port: number;

beforeAll(async () => {
  responder = new UdpResponder({ key, port: 0, addresses: ['127.0.0.1'], repliesPerSecond: 100_000, replyBurst: 10_000 });
  await responder.start();
  port = responder.boundPort;
});
afterAll(async () => {
  await responder.stop();
});

function exchange(buf: Buffer, timeoutMs = 300): Promise<Buffer | undefined> {
  return new Promise((resolve) => {
    const s = dgram.createSocket('udp4');
    const t = setTimeout(() => { s.close(); resolve(undefined); }, timeoutMs);
    s.on('message', (m) => { clearTimeout(t); s.close(); resolve(m); });
    s.send(buf, port, '127.0.0.1');
  });
}

describe('wire format', () => {
  it('round-trips a header and refuses a tampered datagram', () => {
    const h = { type: ProbeType.EchoRequest, flags: 1, session: 42n, seq: 7, sentMs: 1234.5 };
    const buf = encodeProbe(key, h, 100);
    expect(buf.length).toBe(100);
    expect(decodeProbe(key, buf)).toEqual({ ok: true, header: { ...h, copies: 1 } });
    buf[30] ^= 1;
    expect(decodeProbe(key, buf)).toEqual({ ok: false, reason: 'bad-mac' });
    expect(decodeProbe(Buffer.from('another-key-0123456789'), encodeProbe(key, h))).toEqual({ ok: false, reason: 'bad-mac' });
  });
});

describe('UdpResponder', () => {
  it('echoes a valid probe with the same size, and a short reply when asked', async () => {
    const session = newSessionId();
    const full = await exchange(encodeProbe(key, { type: ProbeType.EchoRequest, flags: 0, session, seq: 1, sentMs: Date.now() }, 1200));
    expect(full?.length).toBe(1200);
    const short = await exchange(encodeProbe(key, { type: ProbeType.EchoRequest, flags: FLAG_SHORT_REPLY, session, seq: 2, sentMs: Date.now() }, 1200));
    expect(short?.length).toBe(MIN_PROBE_LEN);
  });

  it('answers nothing to junk, wrong keys or stale probes, and counts each', async () => {
    const before = { ...responder.counters };
    expect(await exchange(Buffer.from('hello'))).toBeUndefined();
    expect(await exchange(randomBytes(200))).toBeUndefined();
    const wrongKey = Buffer.from('not-the-right-key-at-all');
    expect(await exchange(encodeProbe(wrongKey, { type: ProbeType.EchoRequest, flags: 0, session: 1n, seq: 1, sentMs: Date.now() }))).toBeUndefined();
    expect(await exchange(encodeProbe(key, { type: ProbeType.EchoRequest, flags: 0, session: 1n, seq: 1, sentMs: Date.now() - 3_600_000 }))).toBeUndefined();
    const c = responder.counters;
    expect(c.tooShort - before.tooShort).toBe(1);
    expect(c.badMagic - before.badMagic).toBe(1);
    expect(c.badMac - before.badMac).toBe(1);
    expect(c.stale - before.stale).toBe(1);
  });

  it('survives a bounded fuzz of random datagrams, keeps memory bounded and still answers valid probes', async () => {
    const s = dgram.createSocket('udp4');
    for (let i = 0; i < 3000; i++) {
      const len = (i * 7919) % 1500;
      s.send(randomBytes(len), port, '127.0.0.1');
      if (i % 200 === 0) await new Promise((r) => setTimeout(r, 1));
    }
    await new Promise((r) => setTimeout(r, 200));
    s.close();
    expect(responder.memory.sessions).toBeLessThanOrEqual(1024);
    const r = await udpEcho({ key, host: '127.0.0.1', port, count: 5, intervalMs: 1 });
    expect(r.received).toBe(5);
  });
});

describe('probes on loopback', () => {
  it('udp echo reports no loss and the peer tally', async () => {
    const r = await udpEcho({ key, host: '127.0.0.1', port, count: 10, intervalMs: 1, size: 300 });
    expect(r).toMatchObject({ sent: 10, received: 10, lossPct: 0, arrivedAtPeer: 10 });
    expect(r.rttMs!.min).toBeGreaterThan(0);
  });

  it('udp echo to a port with no responder loses everything', async () => {
    const r = await udpEcho({ key, host: '127.0.0.1', port: 9, count: 3, intervalMs: 1, timeoutMs: 200 });
    expect(r.received).toBe(0);
    expect(r.lossPct).toBe(100);
  });

  it('size sweep reaches the maximum on loopback', async () => {
    const r = await sizeSweep({ key, host: '127.0.0.1', port, max: 9000 });
    expect(r.largestPassing).toBe(9000);
  });

  it('rate ramp stays under its default cap and reports no loss on loopback', async () => {
    const r = await rateRamp({ key, host: '127.0.0.1', port, stepMs: 150, factor: 2, maxRateBps: 4_000_000 });
    expect(r.stoppedBy).toBe('max-rate');
    expect(r.steps.at(-1)!.rateBps).toBe(4_000_000);
    expect(r.steps.every((s) => s.lossPct === 0 && s.arrived === s.sent)).toBe(true);
  });
});

describe('replays (issue 9, item 14)', () => {
  /** A real datagram as the probe client sends it, caught by a socket standing in for the responder. */
  async function capture(flags = 0): Promise<{ datagram: Buffer; session: string }> {
    const trap = dgram.createSocket('udp4');
    await new Promise<void>((r) => trap.bind(0, '127.0.0.1', r));
    const caught = new Promise<Buffer>((r) => trap.once('message', (m) => r(m)));
    const { ProbeClient } = await import('./client.js');
    const client = await ProbeClient.open(key, '127.0.0.1', trap.address().port);
    void client.echo(64, 50, flags);
    const datagram = await caught;
    client.close();
    trap.close();
    return { datagram, session: client.session.toString(16) };
  }

  async function socketOn(): Promise<{ s: dgram.Socket; replies: () => number }> {
    const s = dgram.createSocket('udp4');
    let n = 0;
    s.on('message', () => { n++; });
    await new Promise<void>((r) => s.bind(0, '127.0.0.1', r));
    return { s, replies: () => n };
  }

  it('a captured datagram sent again 200 times (from a forged source too) is answered once and tallied once', async () => {
    const { datagram, session } = await capture();
    const before = { ...responder.counters };
    const sender = await socketOn();
    const victim = await socketOn();
    sender.s.send(datagram, port, '127.0.0.1');
    await new Promise((r) => setTimeout(r, 100));
    for (let i = 0; i < 200; i++) {
      await new Promise<void>((r) => victim.s.send(datagram, port, '127.0.0.1', () => r()));
      if (i % 50 === 0) await new Promise((r) => setTimeout(r, 1));
    }
    await new Promise((r) => setTimeout(r, 300));
    sender.s.close();
    victim.s.close();
    expect(sender.replies()).toBe(1);
    expect(victim.replies()).toBe(0);
    expect(responder.tallyOf(session)).toBe(1);
    expect(responder.counters.answered - before.answered).toBe(1);
    expect(responder.counters.replayed - before.replayed).toBe(200);
  });

  it('the copies a rate ramp declares are counted; one more is a replay', async () => {
    const { ProbeClient } = await import('./client.js');
    const client = await ProbeClient.open(key, '127.0.0.1', port);
    const before = responder.counters.replayed;
    const buf = client.encode(100, 0x02 /* no reply */, 5);
    for (let i = 0; i < 6; i++) await client.sendRaw(buf);
    const t = await client.tally(300);
    client.close();
    expect(t?.packets).toBe(5);
    expect(responder.counters.replayed - before).toBe(1);
  });
});

describe('UdpResponder: concurrent senders', () => {
  it('counts the senders it serves at once: from the first request to the tally request, or until they fall idle', async () => {
    const r = new UdpResponder({ key, port: 0, addresses: ['127.0.0.1'], repliesPerSecond: 100_000, replyBurst: 10_000 });
    await r.start();
    try {
      const p = r.boundPort;
      // three echo runs at once from three addresses: three served at once, none once they asked for their tallies
      await Promise.all(['127.0.0.2', '127.0.0.3', '127.0.0.4'].map((source) => udpEcho({ key, host: '127.0.0.1', port: p, source, count: 10, intervalMs: 10 })));
      expect(r.senders).toMatchObject({ active: 0, peak: 3 });
      // five more, one after the other: never more than one at a time, the peak stays
      for (const source of ['127.0.0.5', '127.0.0.6', '127.0.0.7', '127.0.0.8', '127.0.0.9']) {
        await udpEcho({ key, host: '127.0.0.1', port: p, source, count: 3, intervalMs: 5 });
      }
      expect(r.senders).toMatchObject({ active: 0, peak: 3 });
      // a sender that never asks for its tally (a size sweep) counts until it falls idle
      await sizeSweep({ key, host: '127.0.0.1', port: p, source: '127.0.0.10', max: 1000, repeats: 1 });
      expect(r.senders.active).toBe(1);
      await new Promise((res) => setTimeout(res, 600));
      expect(r.senders.active).toBe(0);
      // junk and wrong keys are not senders
      const s = dgram.createSocket('udp4');
      await new Promise<void>((res) => s.bind(0, '127.0.0.11', () => res()));
      s.send(encodeProbe(Buffer.from('not-the-right-key-at-all'), { type: ProbeType.EchoRequest, flags: 0, session: 9n, seq: 1, sentMs: Date.now() }), p, '127.0.0.1');
      await new Promise((res) => setTimeout(res, 100));
      s.close();
      expect(r.senders.active).toBe(0);
      expect(r.senders.peak).toBe(3);
    } finally {
      await r.stop();
    }
  });
});
