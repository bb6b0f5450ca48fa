// Real captures recorded by test/fixtures/pcap-analyze/record.sh (namespaces, VXLAN on 8472,
// nftables dropping inner SYNs or SYN-ACKs): the handshake verdicts of seeds 001 and 004.
import { describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { analyzeCapture } from '../../src/pcap/analyze/run.js';
import { missingRequirement } from '../helpers/env.js';
import { tsharkCount } from './helpers/tshark.js';

const fixture = (name: string) => fileURLToPath(new URL(`../fixtures/pcap-analyze/${name}`, import.meta.url));

describe('analyze on recorded captures', () => {
  it('names the 1, 2, 4, 8, 16, 32 s SYN back-off of a handshake that completes after ~63 s (seed 004)', async () => {
    const a = await analyzeCapture(fixture('syn-backoff-63s-server.pcap'), 'server.pcap');
    expect(a.read.error).toBeUndefined();
    expect(a.handshakes).toMatchObject({ total: 1, completed: 1, completedFirstTry: 0 });
    const h = a.handshakes.notable[0]!;
    expect(h).toMatchObject({ scope: 'inner', client: expect.stringMatching(/^10\.244\.0\.1:\d+$/), server: '10.244.0.2:8080', state: 'completed', backoff: true });
    expect(h.synIntervals.map((x) => Math.round(Math.log2(x)))).toEqual([0, 1, 2, 3, 4, 5]);
    expect(h.completedAfter).toBeGreaterThan(62);
    expect(h.completedAfter).toBeLessThan(70);
    const f = a.findings.find((x) => x.id === 'handshake-slow')!;
    expect(f.severity).toBe('warning');
    expect(f.message).toContain("1 with the kernel's exponential back-off");
    expect(f.filter).toMatch(/^frame\.number in \{/);
    // The capture is on a veth: the outer sums are offload / LCO artefacts, and said to be.
    expect(a.checksums.layers.find((l) => l.layer === 'outer-udp')!.badByCause).toMatchObject({ wire: 0, unknown: 0 });
    expect(a.findings.find((x) => x.id === 'checksum-artefacts-only')?.severity).toBe('info');
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
    const f = a.findings.find((x) => x.id === 'handshake-synack-no-ack')!;
    expect(f.severity).toBe('error');
    expect(f.message).toMatch(/^1 TCP handshake never completed: the server answered with SYN-ACK but no ACK came back; inner 10\.244\.0\.1:\d+ -> 10\.244\.0\.2:9153/);
  });

  it.skipIf(missingRequirement({ tools: ['tshark'] }))('prints display filters that tshark accepts and that show exactly the frames of each finding', async () => {
    let checked = 0;
    for (const name of ['syn-backoff-63s-server.pcap', 'syn-backoff-linear-client.pcap', 'synack-no-ack-server.pcap']) {
      const a = await analyzeCapture(fixture(name), name);
      for (const f of a.findings) {
        if (!f.filter || !f.frames) continue;
        expect(tsharkCount(fixture(name), f.filter), `${name}: ${f.id}: ${f.filter}`).toBe(f.frames.count);
        checked++;
      }
    }
    expect(checked).toBeGreaterThanOrEqual(6);
  });
});
