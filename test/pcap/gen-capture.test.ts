// The benchmark's generator says how many bad checksums of each layer its capture holds; tshark
// and tcpdump must count exactly that (the benchmark relies on it to check podpath).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { generateCapture } from '../../bench/gen-capture.js';
import { missingRequirement } from '../helpers/env.js';

const skip = missingRequirement({ tools: ['tshark', 'tcpdump'] });
const dir = mkdtempSync(join(tmpdir(), 'pp-gen-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.skipIf(skip)('bench/gen-capture.ts', () => {
  it('writes the bad-checksum counts that tshark and tcpdump find, and a prefix for a smaller N', () => {
    const file = join(dir, 'g.pcapng');
    const e = generateCapture({ packets: 5000, out: file, format: 'pcapng', seed: 3 });
    expect(JSON.parse(readFileSync(`${file}.expected.json`, 'utf8'))).toEqual(e);
    // Every kind of fault is there, in both layers.
    const modes = new Set(Object.keys(e.fields).filter((k) => k.includes('/bad/')).map((k) => k.split('/')[3]));
    expect(modes).toEqual(new Set(['wire', 'offload', 'lco', 'nat-ffff']));
    expect(e.badInner.tcp + e.badInner.udp).toBeGreaterThan(0);

    const tshark = execFileSync('tshark', ['-r', file, '-n', '-d', 'udp.port==8472,vxlan', '-o', 'ip.check_checksum:TRUE', '-o', 'udp.check_checksum:TRUE', '-o', 'tcp.check_checksum:TRUE',
      '-T', 'fields', '-e', 'ip.checksum.status', '-e', 'udp.checksum.status', '-e', 'tcp.checksum.status', '-e', 'icmp.checksum.status', '-e', 'icmpv6.checksum.status'],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], maxBuffer: 1 << 28 });
    const layers = ['ip', 'udp', 'tcp', 'icmp', 'icmpv6'] as const;
    const ts = { ip: 0, udp: 0, tcp: 0, icmp: 0, icmpv6: 0 };
    for (const line of tshark.trimEnd().split('\n')) {
      line.split('\t').forEach((col, i) => {
        for (const v of col.split(',')) if (v === '0') ts[layers[i]]++;
      });
    }
    expect(ts).toEqual(e.bad);

    const tcpdump = execFileSync('tcpdump', ['-vv', '-nn', '-r', file], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], maxBuffer: 1 << 28 });
    const count = (re: RegExp): number => tcpdump.match(re)?.length ?? 0;
    expect({
      ip: count(/bad cksum [0-9a-f]+ \(->[0-9a-f]+\)!/g),
      udp: count(/\[bad udp cksum 0x[0-9a-f]+ -> 0x[0-9a-f]+!\]/g),
      tcp: count(/\(incorrect -> 0x[0-9a-f]+\)/g),
      icmp: count(/wrong icmp cksum/g),
      icmpv6: count(/\[bad icmp6 cksum/g),
    }).toEqual(e.bad);

    // Same seed, fewer packets: the first frames are the same bytes.
    const small = join(dir, 's.pcapng');
    const s = generateCapture({ packets: 1000, out: small, format: 'pcapng', seed: 3 });
    expect(readFileSync(file).subarray(0, s.fileBytes).equals(readFileSync(small))).toBe(true);
  }, 60_000);
});
