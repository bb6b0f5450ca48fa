import { describe, expect, it } from 'vitest';
import { CaptureAnalyzer } from '../../src/pcap/analyze/capture-analysis.js';
import { FrameSet } from '../../src/pcap/analyze/frame-set.js';
import { formatFrames } from '../../src/report/capture-text.js';
import { frameFilter } from '../../src/rules/shared/capture.js';
import { isExponentialBackoff } from '../../src/pcap/analyze/handshakes.js';
import { analyzeJson, analyzeJsonSchema } from '../../src/report/capture-json.js';
import { exitCodeFor } from '../../src/app/pcap.js';
import { analyzed, judged } from './helpers/judged.js';
import { TCP_ACK, TCP_RST, TCP_SYN, type DecodedPacket } from '../../src/pcap/types.js';
import { layers, pkt } from './helpers/packets.js';

const READ = { format: 'pcap' as const, frames: 0, bytesRead: 0, linkTypes: [1] };

function analyze(pkts: DecodedPacket[]) {
  const a = new CaptureAnalyzer();
  for (const p of pkts) a.add(p);
  return judged(a.finish('test.pcap', { ...READ, frames: pkts.length }));
}

describe('frame sets', () => {
  it('compresses, caps and builds an exact display filter', () => {
    const s = new FrameSet(3);
    for (const f of [1, 2, 3, 7, 9, 10, 20, 21]) s.add(f);
    const j = s.toJSON();
    expect(j.ranges).toEqual([{ from: 1, to: 3 }, { from: 7, to: 7 }, { from: 9, to: 10 }]);
    expect(j.truncated).toBe(true);
    expect(j.count).toBe(8);
    expect(frameFilter(j)).toBeUndefined();
    expect(formatFrames(j)).toBe('1-3, 7, 9-10 (+2 more)');
    const ok = new FrameSet();
    for (const f of [12, 13, 14, 18]) ok.add(f);
    expect(frameFilter(ok.toJSON())).toBe('frame.number in {12..14, 18}');
  });
});

describe('checksums', () => {
  it('says which sender sends wire-bad sums, and that the others are fine (seed 000)', () => {
    const pkts: DecodedPacket[] = [];
    let frame = 1;
    for (let i = 0; i < 5; i++) {
      pkts.push(pkt({ frame: frame++, t: i, src: '10.0.0.1', dst: '10.0.0.3', csum: { status: 'bad', got: 0x7a0d, expected: 0x4acd, cause: 'wire' } }));
      pkts.push(pkt({ frame: frame++, t: i, src: '10.0.0.2', dst: '10.0.0.3' }));
    }
    const a = analyze(pkts);
    const udp = a.checksums.layers.find((l) => l.layer === 'outer-udp')!;
    expect(udp).toMatchObject({ ok: 5, bad: 5, badByCause: { wire: 5, offload: 0, lco: 0, unknown: 0 } });
    const f = a.findings.find((x) => x.ruleId === 'checksum-wire')!;
    expect(f.severity).toBe('error');
    expect(f.message).toContain('5 outer UDP checksums to port 8472 are wrong on the wire');
    expect(f.message).toContain('seen from sender 10.0.0.1 only (1 other sender fine: 10.0.0.2)');
    expect(f.message).toContain('; e.g. frame 1: 0x7a0d -> 0x4acd');
    expect(f.location?.filter).toBe('frame.number in {1, 3, 5, 7, 9}');
    expect(exitCodeFor(a.findings)).toBe(1);
  });

  it('calls offload-only bad sums artefacts that prove nothing', () => {
    const a = analyze([
      pkt({ frame: 1, t: 0, src: '10.0.0.1', dst: '10.0.0.3', csum: { status: 'bad', got: 0x1, expected: 0x2, cause: 'offload' } }),
      pkt({ frame: 2, t: 0, src: '10.0.0.1', dst: '10.0.0.3', csum: { status: 'bad', got: 0x1, expected: 0x2, cause: 'lco' } }),
    ]);
    expect(a.findings.map((f) => `${f.ruleId}/${f.messageId}`)).toEqual(['checksum-artefacts/artefactsOnly']);
    expect(a.findings[0]!.message).toMatch(/^all 2 bad checksums are offload artefacts: this capture was taken on the sending host \(or behind a veth\), they prove nothing/);
    expect(exitCodeFor(a.findings)).toBe(0);
  });

  it('names the 0xffff outer VXLAN sum of seed 004 once, not also as a generic wire error', () => {
    const inner = layers({ src: '166.166.104.10', dst: '166.166.166.168', proto: 'tcp', sport: 35632, dport: 8082, flags: TCP_SYN, len: 60 });
    const a = analyze([pkt({ frame: 1, t: 0, src: '10.10.72.11', dst: '10.10.72.10', dport: 4789, len: 110, inner, csum: { status: 'bad', got: 0xffff, expected: 0x3af0, cause: 'wire' } })]);
    expect(a.findings.map((f) => f.ruleId)).toEqual(['checksum-vxlan-ffff']);
    expect(a.findings[0]!.message).toContain('0xffff');
  });
});

describe('handshakes', () => {
  it('recognises the doubling back-off with jitter, and not a steady retry', () => {
    expect(isExponentialBackoff([1.003, 2.003, 4.008, 8.024, 16.1, 32.2])).toBe(true);
    expect(isExponentialBackoff([1, 1, 1, 1])).toBe(false);
    expect(isExponentialBackoff([1, 2])).toBe(false);
    // Kernels >= 6.7: four linear retries first (tcp_syn_linear_timeouts=4).
    expect(isExponentialBackoff([1.031, 1.024, 1.024, 1.028, 1.02, 2.016, 4.068, 8.188, 16.132, 32.768])).toBe(true);
  });

  it('names a handshake that completes only after the 63 s back-off (seed 004, inner TCP)', () => {
    const times = [0, 1, 3, 7, 15, 31, 63];
    const pkts = times.map((t, i) => {
      const inner = layers({ src: '166.166.104.10', dst: '166.166.166.168', proto: 'tcp', sport: 35632, dport: 8082, flags: TCP_SYN, seq: 3025623348, len: 60 });
      const bad = i < 6;
      return pkt({ frame: i + 1, t: 100 + t + i * 0.003, src: '10.10.72.11', dst: '10.10.72.10', dport: 4789, len: 110, inner, csum: bad ? { status: 'bad', got: 0xffff, expected: 0x3af0, cause: 'wire' } : { status: 'none', got: 0 } });
    });
    pkts.push(pkt({ frame: 8, t: 163.1, src: '10.10.72.10', dst: '10.10.72.11', dport: 4789, inner: layers({ src: '166.166.166.168', dst: '166.166.104.10', proto: 'tcp', sport: 8082, dport: 35632, flags: TCP_SYN | TCP_ACK, len: 60 }) }));
    pkts.push(pkt({ frame: 9, t: 163.2, src: '10.10.72.11', dst: '10.10.72.10', dport: 4789, inner: layers({ src: '166.166.104.10', dst: '166.166.166.168', proto: 'tcp', sport: 35632, dport: 8082, flags: TCP_ACK, len: 52 }) }));
    const a = analyze(pkts);
    expect(a.handshakes).toMatchObject({ total: 1, completed: 1, completedFirstTry: 0 });
    const h = a.handshakes.notable[0]!;
    expect(h).toMatchObject({ scope: 'inner', state: 'completed', backoff: true, synsWithBadOuterChecksum: 6 });
    expect(h.synIntervals.map(Math.round)).toEqual([1, 2, 4, 8, 16, 32]);
    const f = a.findings.find((x) => x.ruleId === 'handshake-slow')!;
    expect(f.message).toContain('exponential back-off');
    expect(f.message).toContain('63 s in all');
    expect(f.location?.filter).toBe('frame.number in {1..9}');
  });

  it('flags SYN-ACKs that are never acknowledged (seed 001)', () => {
    const c = { src: '10.187.0.0', dst: '10.187.1.24', sport: 45920, dport: 9153 };
    const s = { src: '10.187.1.24', dst: '10.187.0.0', sport: 9153, dport: 45920 };
    const a = analyze([
      pkt({ frame: 1, t: 0, ...c, proto: 'tcp', flags: TCP_SYN, seq: 1103099580 }),
      pkt({ frame: 2, t: 0.001, ...s, proto: 'tcp', flags: TCP_SYN | TCP_ACK, seq: 1670919335 }),
      pkt({ frame: 3, t: 1, ...s, proto: 'tcp', flags: TCP_SYN | TCP_ACK, seq: 1670919335 }),
      pkt({ frame: 4, t: 1.05, ...c, proto: 'tcp', flags: TCP_SYN, seq: 1103099580 }),
      pkt({ frame: 5, t: 1.051, ...s, proto: 'tcp', flags: TCP_SYN | TCP_ACK, seq: 1670919335 }),
      pkt({ frame: 6, t: 3, ...s, proto: 'tcp', flags: TCP_SYN | TCP_ACK, seq: 1670919335 }),
      pkt({ frame: 7, t: 9.4, ...c, proto: 'tcp', flags: TCP_SYN, seq: 1103099580 }),
      pkt({ frame: 8, t: 9.401, ...s, proto: 'tcp', flags: TCP_SYN | TCP_ACK, seq: 1670919335 }),
      pkt({ frame: 9, t: 30, src: '10.0.0.9', dst: '10.0.0.8', proto: 'udp', dport: 53 }),
    ]);
    const f = a.findings.find((x) => x.ruleId === 'handshake-synack-no-ack')!;
    expect(f.severity).toBe('error');
    expect(f.message).toContain('10.187.0.0:45920 -> 10.187.1.24:9153: SYN x3');
    expect(f.message).toContain('SYN-ACK x5');
    expect(f.location?.frames?.count).toBe(8);
  });
});

describe('refused handshakes', () => {
  it('says a connection was refused, as information', () => {
    const a = analyze([
      pkt({ frame: 1, t: 0, src: '10.0.0.1', dst: '10.0.0.2', proto: 'tcp', sport: 40000, dport: 81, flags: TCP_SYN, seq: 5 }),
      pkt({ frame: 2, t: 0.001, src: '10.0.0.2', dst: '10.0.0.1', proto: 'tcp', sport: 81, dport: 40000, flags: TCP_RST | TCP_ACK, seq: 0, ack: 6 }),
    ]);
    expect(a.handshakes.notable[0]!.state).toBe('reset');
    const f = a.findings.find((x) => x.ruleId === 'handshake-refused')!;
    expect(f.severity).toBe('info');
    expect(f.message).toBe('1 TCP connection attempt was refused (RST to the SYN); 10.0.0.1:40000 -> 10.0.0.2:81: SYN x1');
    expect(f.location?.filter).toBe('frame.number in {1..2}');
  });
});

describe('sizes', () => {
  it('buckets per flow and says nothing above 1500 appears when a flow hugs that edge (seed 003)', () => {
    const pkts: DecodedPacket[] = [];
    for (let i = 0; i < 40; i++) pkts.push(pkt({ frame: i + 1, t: i, src: '172.22.1.199', dst: '172.16.1.194', sport: 50000 + i, len: i % 2 ? 1500 : 90 }));
    const a = analyze(pkts);
    const flow = a.sizes.flows[0]!;
    expect(flow.flow).toBe('172.22.1.199 > 172.16.1.194 udp/8472');
    expect(flow.buckets).toEqual([20, 0, 0, 0, 0, 0, 20, 0, 0]);
    expect(flow.maxIpLength).toBe(1500);
    const f = a.findings.find((x) => x.ruleId === 'size-ceiling')!;
    expect(f.message).toContain('nothing above 1500 bytes (IP) ever appears');
    expect(f.location?.filter).toBe('ip.src == 172.22.1.199 && ip.dst == 172.16.1.194 && ip.len == 1500');
  });
});

describe('json', () => {
  it('validates against the documented schema', () => {
    const a = analyze([pkt({ frame: 1, t: 0, src: '10.0.0.1', dst: '10.0.0.3', csum: { status: 'bad', got: 1, expected: 2, cause: 'unknown' } })]);
    const doc = analyzeJson([analyzed(a)], 1, 'test');
    expect(() => analyzeJsonSchema.parse(doc)).not.toThrow();
    expect(doc.files[0]!.findings[0]!.ruleId).toBe('checksum-unknown');
    expect(doc.files[0]!.findings[0]!.location).toEqual({ file: 'test.pcap', frames: { count: 1, ranges: [{ from: 1, to: 1 }], truncated: false }, filter: 'frame.number in {1}' });
  });
});
