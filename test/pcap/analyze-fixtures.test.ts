// Real captures recorded by test/fixtures/pcap-analyze/record.sh (namespaces, VXLAN on 8472,
// nftables dropping inner SYNs or SYN-ACKs): the handshake verdicts of seeds 001 and 004.
import { describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildFrame, encodeCapture } from '../support/pcap-writer.js';
import { analyzeCapture as measure } from '../../src/pcap/analyze/run.js';
import { judged } from './helpers/judged.js';

const analyzeCapture = async (file: string, label: string) => judged(await measure(file, label));
import { missingRequirement } from '../helpers/env.js';
import { tshark, tsharkCount } from './helpers/tshark.js';

const fixture = (name: string) => fileURLToPath(new URL(`../fixtures/pcap-analyze/${name}`, import.meta.url));

describe('analyze on recorded captures', () => {
  it.skipIf(missingRequirement({ tools: ['tshark'] }))('names a pod flow capped at the overlay MTU inside the tunnel, with a filter on the inner layer', async () => {
    // 40 VXLAN packets (4789, which Wireshark decodes by default): the pod flow alternates
    // 1450-byte and 90-byte inner packets, so its outer flow tops out at 1500, the inner at 1450.
    const dir = mkdtempSync(join(tmpdir(), 'pp-inner-'));
    try {
      const file = join(dir, 'inner.pcap');
      const frames = Array.from({ length: 40 }, (_, i) => ({
        tsSec: 1_700_000_000 + i,
        tsNsec: 0,
        data: buildFrame({
          eth: {},
          ip: { version: 4, src: '192.168.1.11', dst: '192.168.1.12', id: i },
          l4: { kind: 'udp', srcPort: 50000, dstPort: 4789, checksum: 'none', vxlan: { vni: 4096, inner: { eth: {}, ip: { version: 4, src: '10.244.1.5', dst: '10.244.2.7', id: i }, l4: { kind: 'udp', srcPort: 40000, dstPort: 5000, payload: i % 2 ? 1450 - 28 : 90 - 28 } } } },
        }),
      }));
      writeFileSync(file, encodeCapture({ format: 'pcap' }, frames));
      const a = await analyzeCapture(file, 'inner.pcap');
      const pod = a.sizes.flows.find((f) => f.scope === 'inner')!;
      expect(pod).toMatchObject({ flow: '10.244.1.5 > 10.244.2.7 udp/5000', maxIpLength: 1450, atMax: 20, packets: 40 });
      expect(a.sizes.flows.find((f) => f.scope === 'outer')).toMatchObject({ flow: '192.168.1.11 > 192.168.1.12 udp/4789', maxIpLength: 1500 });
      const f = a.findings.find((x) => x.ruleId === 'size-ceiling' && x.message.startsWith('inner '))!;
      expect(f.message).toMatch(/^inner 10\.244\.1\.5 > 10\.244\.2\.7 udp\/5000: nothing above 1450 bytes \(IP\) ever appears/);
      expect(f.location?.filter).toBe('ip.src#2 == 10.244.1.5 && ip.dst#2 == 10.244.2.7 && ip.len#2 == 1450');
      expect(await tsharkCount(file, f.location!.filter!)).toBe(20);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });


  it.skipIf(missingRequirement({ tools: ['tshark'] }))('counts pod flows inside the tunnel as flows of their own, as tshark sees the inner IP layer', async () => {
    const file = fixture('syn-backoff-63s-server.pcap');
    const a = await analyzeCapture(file, 'server.pcap');
    const outer = a.sizes.flows.filter((f) => f.scope === 'outer');
    const inner = a.sizes.flows.filter((f) => f.scope === 'inner');
    expect(outer.map((f) => f.flow)).toEqual(expect.arrayContaining(['10.99.0.1 > 10.99.0.2 udp/8472', '10.99.0.2 > 10.99.0.1 udp/8472']));
    const pod = inner.find((f) => f.src === '10.244.0.1' && f.dst === '10.244.0.2')!;
    expect(pod).toMatchObject({ proto: 'tcp', port: 8080 });
    // tshark: frames whose second IP layer is this pod pair, and that layer's largest length.
    const rows = (await tshark(['-r', file, '-n', '-d', 'udp.port==8472,vxlan', '-Y', 'ip.src#2 == 10.244.0.1 && ip.dst#2 == 10.244.0.2 && tcp', '-T', 'fields', '-e', 'ip.len']))
      .split('\n')
      .filter((l) => l.trim() !== '');
    expect(pod.packets).toBe(rows.length);
    expect(pod.maxIpLength).toBe(Math.max(...rows.map((r) => Number(r.split(',')[1]))));
    // Every outer packet still counts once in its outer flow.
    expect(outer.reduce((n, f) => n + f.packets, 0)).toBe(a.packets.ip);
  });


  it('names the 1, 2, 4, 8, 16, 32 s SYN back-off of a handshake that completes after ~63 s (seed 004)', async () => {
    const a = await analyzeCapture(fixture('syn-backoff-63s-server.pcap'), 'server.pcap');
    expect(a.read.error).toBeUndefined();
    expect(a.handshakes).toMatchObject({ total: 1, completed: 1, completedFirstTry: 0 });
    const h = a.handshakes.notable[0]!;
    expect(h).toMatchObject({ scope: 'inner', client: expect.stringMatching(/^10\.244\.0\.1:\d+$/), server: '10.244.0.2:8080', state: 'completed', backoff: true });
    expect(h.synIntervals.map((x) => Math.round(Math.log2(x)))).toEqual([0, 1, 2, 3, 4, 5]);
    expect(h.completedAfter).toBeGreaterThan(62);
    expect(h.completedAfter).toBeLessThan(70);
    const f = a.findings.find((x) => x.ruleId === 'handshake-slow')!;
    expect(f.severity).toBe('warning');
    expect(f.message).toContain("1 with the kernel's exponential back-off");
    expect(f.location?.filter).toMatch(/^frame\.number in \{/);
    // The capture is on a veth: the outer sums are offload / LCO artefacts, and said to be.
    expect(a.checksums.layers.find((l) => l.layer === 'outer-udp')!.badByCause).toMatchObject({ wire: 0, unknown: 0 });
    expect(a.findings.find((x) => x.ruleId === 'checksum-artefacts' && x.messageId === 'artefactsOnly')?.severity).toBe('info');
  });

  it('accepts the linear first retries of kernels >= 6.7 as the same back-off', async () => {
    const a = await analyzeCapture(fixture('syn-backoff-linear-client.pcap'), 'client.pcap');
    const h = a.handshakes.notable[0]!;
    expect(h.syns.length).toBe(11);
    expect(h.backoff).toBe(true);
    expect(h.state).toBe('completed');
  });

  it('flags SYN-ACKs that never get an ACK (seed 001)', async () => {
    const a = await analyzeCapture(fixture('synack-no-ack-server.pcap'), 'server.pcap');
    expect(a.handshakes).toMatchObject({ total: 1, completed: 0 });
    const h = a.handshakes.notable[0]!;
    expect(h.state).toBe('synack-no-ack');
    expect(h.syns.length).toBeGreaterThanOrEqual(3);
    expect(h.synAcks.length).toBeGreaterThan(h.syns.length);
    const f = a.findings.find((x) => x.ruleId === 'handshake-synack-no-ack')!;
    expect(f.severity).toBe('error');
    expect(f.message).toMatch(/^1 TCP handshake never completed: the server answered with SYN-ACK but no ACK came back; inner 10\.244\.0\.1:\d+ -> 10\.244\.0\.2:9153/);
  });

  it.skipIf(missingRequirement({ tools: ['tshark'] }))('prints display filters that tshark accepts and that show exactly the frames of each finding', async () => {
    let checked = 0;
    for (const name of ['syn-backoff-63s-server.pcap', 'syn-backoff-linear-client.pcap', 'synack-no-ack-server.pcap']) {
      const a = await analyzeCapture(fixture(name), name);
      for (const f of a.findings) {
        if (!f.location?.filter || !f.location.frames) continue;
        expect(await tsharkCount(fixture(name), f.location.filter), `${name}: ${f.ruleId}: ${f.location.filter}`).toBe(f.location.frames.count);
        checked++;
      }
    }
    expect(checked).toBeGreaterThanOrEqual(6);
  });
});
