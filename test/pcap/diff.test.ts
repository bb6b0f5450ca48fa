import { describe, expect, it } from 'vitest';
import { CaptureDiffEngine } from '../../src/pcap/diff/engine.js';
import { finishCaptureDiff } from '../../src/pcap/diff/result.js';
import { diffFindings } from './helpers/judged.js';
import { diffJson, diffJsonSchema } from '../../src/report/capture-diff-json.js';
import { RateMeter } from '../../src/pcap/diff/columns.js';
import { datagramSize, KeyHasher, type KeyOptions } from '../../src/pcap/diff/key.js';
import { AddressTable } from '../../src/pcap/diff/columns.js';
import { TCP_SYN, type DecodedPacket } from '../../src/pcap/types.js';
import { layers, pkt, type PktSpec } from './helpers/packets.js';

const A = '10.0.0.1';
const B = '10.0.0.2';

/** One packet as both captures see it: the receiver's clock is `offset` ahead, 1 ms later. */
function both(spec: PktSpec, offset: number, recvFrame: number, arrives: boolean, change?: Partial<PktSpec>) {
  const s = pkt(spec);
  const r = arrives ? pkt({ ...spec, ...change, frame: recvFrame, t: spec.t + offset + 0.001, ttl: (spec.ttl ?? 64) - 1 }) : undefined;
  return { s, r };
}

function run(senderPkts: DecodedPacket[], receiverPkts: DecodedPacket[]) {
  const e = new CaptureDiffEngine();
  for (const p of receiverPkts) e.addReceiver(p);
  for (const p of senderPkts) e.addSender(p);
  const d = finishCaptureDiff(e, { senderFile: 'a.pcap', receiverFile: 'b.pcap' });
  return { d, findings: diffFindings(d) };
}

const addrs = new AddressTable();
function keyOf(p: DecodedPacket, opts?: KeyOptions): string {
  const h = new KeyHasher((a) => addrs.id(a), opts);
  expect(h.hash(p)).toBe(true);
  return `${h.h1}/${h.h2}`;
}

describe('diff building blocks', () => {
  it('keys ignore TTL and, for VXLAN, the NATed outer ports and addresses', () => {
    const inner = layers({ src: '10.244.1.2', dst: '10.244.2.3', proto: 'tcp', sport: 1000, dport: 80, flags: TCP_SYN, seq: 7 });
    const a = pkt({ frame: 1, t: 0, src: A, dst: B, sport: 40000, dport: 4789, ttl: 64, inner, id: 9 });
    const b = pkt({ frame: 5, t: 9, src: '192.168.9.9', dst: B, sport: 51111, dport: 4789, ttl: 60, inner, id: 9 });
    expect(keyOf(a)).toBe(keyOf(b));
    expect(keyOf({ ...a, tunnel: { ...a.tunnel!, inner: { ...inner, ip: { ...inner.ip!, ttl: 3, id: 77 } } } })).not.toBe(keyOf(a));
    const c = pkt({ frame: 1, t: 0, src: A, dst: B, id: 10 });
    const c2 = pkt({ frame: 1, t: 0, src: A, dst: B, id: 10, sport: 1234 });
    expect(keyOf(c)).not.toBe(keyOf(c2));
    expect(keyOf(c, { nat: true })).toBe(keyOf(c2, { nat: true }));
    expect(keyOf({ ...c, ip: { ...c.ip!, ttl: 9 } })).toBe(keyOf(c));
  });

  it('sizes a first fragment by its whole datagram', () => {
    const first = pkt({ frame: 1, t: 0, src: A, dst: B, len: 1500, fragment: { offset: 0, more: true } });
    first.l4!.length = 1481;
    expect(datagramSize(first)).toBe(1501);
    const last = pkt({ frame: 2, t: 0, src: A, dst: B, len: 21, fragment: { offset: 1480, more: false } });
    expect(datagramSize(last)).toBe(1501);
  });

  it('measures the rate over the last second', () => {
    const m = new RateMeter();
    for (let i = 0; i < 10; i++) m.add(i * 0.1, 1000);
    expect(m.add(0.95, 1000)).toBe(11000);
    expect(m.add(2.5, 8)).toBe(8);
    expect(m.peak).toBe(11000);
  });
});

describe('diff verdicts', () => {
  it('finds size loss, a rate blackhole, one-way loss and the clock offset', () => {
    const offset = 5.25;
    const sender: DecodedPacket[] = [];
    const receiver: DecodedPacket[] = [];
    let sf = 0;
    let rf = 0;
    let id = 0;
    const add = (spec: Omit<PktSpec, 'frame' | 'id'>, arrives: boolean) => {
      const { s, r } = both({ ...spec, frame: ++sf, id: ++id }, offset, rf + 1, arrives);
      sender.push(s);
      if (r) {
        rf++;
        receiver.push(r);
      }
    };
    // 0..10 s: small packets both ways at 10/s, and one 1600-byte datagram a second that never arrives.
    for (let i = 0; i < 100; i++) {
      const t = i * 0.1;
      add({ t, src: A, dst: B, len: 200 }, true);
      add({ t: t + 0.01, src: B, dst: A, len: 200 }, true);
      if (i % 10 === 5) add({ t: t + 0.02, src: A, dst: B, len: 1600 }, false);
    }
    // 10..11 s: a burst of 300 x 1400 bytes; after the 60th everything from A is dropped until 14 s.
    for (let i = 0; i < 300; i++) add({ t: 10 + i / 300, src: A, dst: B, len: 1400 }, i < 60);
    for (let i = 0; i < 90; i++) {
      const t = 11 + i * 0.1;
      add({ t, src: A, dst: B, len: 200 }, t >= 14);
      add({ t: t + 0.01, src: B, dst: A, len: 200 }, true);
    }
    const { d, findings } = run(sender, receiver);
    expect(d.sender.host).toBe(A);
    expect(d.receiver.host).toBe(B);
    expect(d.clock.offset).toBeCloseTo(offset + 0.001, 6);
    expect(d.forward.maxDeliveredSize).toBe(1400);
    expect(d.forward.size).toMatchObject({ threshold: 1400, lostAbove: 10, lostAtOrBelowOutsideRuns: 0 });
    const bh = d.forward.runs.filter((r) => r.kind === 'blackhole');
    expect(bh).toHaveLength(1);
    expect(bh[0]!.packets).toBe(240 + 30);
    expect(bh[0]!.seconds).toBeCloseTo(14 - (10 + 60 / 300), 3);
    expect(bh[0]!.rateAtStart).toBeGreaterThan(bh[0]!.rateOkBefore * 0.9);
    expect(d.reverse.lost).toBe(0);
    expect(d.reverse.sent).toBeGreaterThan(180); // 190, less those within 0.2 s of the edges
    const ids = findings.map((f) => f.ruleId);
    expect(ids).toEqual(expect.arrayContaining(['diff-loss-size', 'diff-loss-rate', 'diff-reverse-direction']));
    expect(findings.find((f) => f.ruleId === 'diff-reverse-direction')?.messageId).toBe('oneWay');
    expect(ids).not.toContain('diff-loss-scattered');
    expect(ids).not.toContain('diff-capture-overlap');
    expect(findings.find((f) => f.ruleId === 'diff-loss-size')!.message).toContain('larger than 1400 bytes (IP; UDP payload 1372) was lost: 10 packets of 1401-1600 bytes; 270 smaller ones were lost, all inside the loss window(s) reported separately');
    expect(findings.find((f) => f.ruleId === 'diff-loss-rate')!.message).toMatch(/^from \+10\.2 s everything 10\.0\.0\.1 -> 10\.0\.0\.2 was lost for 3\.8 s: 270 packets of all sizes \(200-1400 bytes\)/);
    const doc = diffJson(d, findings, 1, 'test');
    expect(() => diffJsonSchema.parse(doc)).not.toThrow();
  });

  it('finds the two nodes among many peers: the pair both captures share', () => {
    const sender: DecodedPacket[] = [];
    const receiver: DecodedPacket[] = [];
    // The sender talks mostly to a third node the receiver never sees.
    for (let i = 0; i < 50; i++) sender.push(pkt({ frame: sender.length + 1, t: i * 0.1, src: A, dst: '10.0.0.9', id: 500 + i }));
    for (let i = 0; i < 10; i++) {
      sender.push(pkt({ frame: sender.length + 1, t: i * 0.1 + 0.05, src: A, dst: B, id: i + 1 }));
      if (i !== 4) receiver.push(pkt({ frame: receiver.length + 1, t: i * 0.1 + 0.051, src: A, dst: B, id: i + 1 }));
    }
    const { d } = run(sender, receiver);
    expect([d.sender.host, d.receiver.host]).toEqual([A, B]);
    expect(d.forward).toMatchObject({ sent: 10, lost: 1 });
  });

  it('does not call packets outside the receiver window lost, and says the captures overlap badly (seed 003: 90 s vs 33 s)', () => {
    const sender: DecodedPacket[] = [];
    const receiver: DecodedPacket[] = [];
    for (let i = 0; i < 90; i++) {
      const fwd = pkt({ frame: sender.length + 1, t: i, src: A, dst: B, id: i + 1 });
      sender.push(fwd);
      if (i >= 30 && i < 63) receiver.push(pkt({ frame: receiver.length + 1, t: i + 0.002, src: A, dst: B, id: i + 1 }));
    }
    const { d, findings } = run(sender, receiver);
    expect(d.forward.lost).toBe(0);
    expect(d.forward.outsideOverlap).toBe(57);
    const f = findings.find((x) => x.ruleId === 'diff-capture-overlap')!;
    expect(f.message).toContain('overlap for 32.0 s only: sender 89.0 s, receiver 32.0 s');
  });

  it('calls an outage at an ordinary rate a time window, not a rate limit', () => {
    const sender: DecodedPacket[] = [];
    const receiver: DecodedPacket[] = [];
    for (let i = 0; i < 200; i++) {
      const t = i * 0.1;
      sender.push(pkt({ frame: i + 1, t, src: A, dst: B, id: i + 1, len: 300 }));
      if (t < 5 || t >= 8) receiver.push(pkt({ frame: receiver.length + 1, t: t + 0.001, src: A, dst: B, id: i + 1, len: 300 }));
    }
    const { d, findings } = run(sender, receiver);
    expect(d.forward.runs.map((r) => r.kind)).toEqual(['window']);
    const f = findings.find((x) => x.ruleId === 'diff-loss-window')!;
    expect(f.message).toMatch(/^everything 10\.0\.0\.1 -> 10\.0\.0\.2 was lost between \+5\.0 s and \+8\.0 s \(3\.0 s\): 30 packets, nothing got through in between/);
    expect(findings.map((x) => x.ruleId)).not.toContain('diff-loss-rate');
  });

  it('does not call TCP lost when segmentation offload merged it at one end', () => {
    const sender: DecodedPacket[] = [];
    const receiver: DecodedPacket[] = [];
    // The sender's TSO hands tcpdump 2 x 2920-byte segments; the wire and the receiver carry 4.
    sender.push(pkt({ frame: 1, t: 0, src: A, dst: B, id: 49 }));
    receiver.push(pkt({ frame: 1, t: 0, src: A, dst: B, id: 49 }));
    for (let i = 0; i < 2; i++) sender.push(pkt({ frame: i + 2, t: 1 + i, src: A, dst: B, proto: 'tcp', id: i + 1, len: 2960, seq: 1000 + i * 2920 }));
    for (let i = 0; i < 4; i++) receiver.push(pkt({ frame: i + 2, t: 1 + i / 2, src: A, dst: B, proto: 'tcp', id: 100 + i, len: 1500, seq: 1000 + i * 1460 }));
    sender.push(pkt({ frame: 4, t: 3, src: A, dst: B, id: 50 }));
    receiver.push(pkt({ frame: 6, t: 3, src: A, dst: B, id: 50 }));
    const { d, findings } = run(sender, receiver);
    expect(d.segmentationOffload).toEqual({ suspected: true, largestTcpSender: 2960, largestTcpReceiver: 1500 });
    expect(d.forward).toMatchObject({ lost: 0, notComparable: 2, delivered: 2 });
    expect(findings.map((f) => f.ruleId)).toContain('diff-segmentation-offload');
    expect(findings.map((f) => f.ruleId)).not.toContain('diff-loss-size');
  });

  it('reports scattered loss, loss both ways, and packets altered on the way', () => {
    const sender: DecodedPacket[] = [];
    const receiver: DecodedPacket[] = [];
    for (let i = 0; i < 100; i++) {
      const s = pkt({ frame: sender.length + 1, t: i * 0.5, src: A, dst: B, id: i + 1 });
      sender.push(s);
      if (i % 10 !== 3) receiver.push(pkt({ frame: receiver.length + 1, t: i * 0.5, src: A, dst: B, id: i + 1, csum: i === 50 ? { status: 'bad', got: 0x1234, expected: 0x4321, cause: 'wire' } : undefined }));
      const back = pkt({ frame: receiver.length + 1, t: i * 0.5 + 0.2, src: B, dst: A, id: 1000 + i });
      receiver.push(back);
      if (i % 20 !== 7) sender.push({ ...back, frameNumber: sender.length + 1 });
    }
    const { d, findings } = run(sender, receiver);
    expect(d.forward).toMatchObject({ sent: 100, lost: 10, delivered: 90 });
    expect(d.forward.lostFrames.count).toBe(10);
    expect(d.reverse).toMatchObject({ lost: 5 });
    expect(d.altered.count).toBe(1);
    const ids = findings.map((f) => f.ruleId);
    expect(ids).toEqual(expect.arrayContaining(['diff-loss-scattered', 'diff-reverse-direction', 'diff-altered']));
    expect(findings.find((f) => f.ruleId === 'diff-reverse-direction')?.messageId).toBe('lost');
    expect(findings.find((f) => f.ruleId === 'diff-altered')!.message).toContain('outer checksum (sent right, arrived wrong) (1)');
  });
});
