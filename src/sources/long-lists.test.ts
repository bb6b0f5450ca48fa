// 150,000-line inputs for every parser that reads a long list, and the report of a finding with
// 150,000 evidence lines (issue 9, item 7: 150,000 matching dnf lines ended in "E_INTERNAL: Maximum
// call stack size exceeded", no report: an array spread into push() put every line on the stack;
// then every one of them was printed: a report shows the first 50 and counts the rest).
import { execFile } from 'node:child_process';
import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { parseAptHistory, parseDnfRpmLog, parseDpkgL, parseRpmQa, parseYumLog } from './packages/parse.js';
import { scanKernelLog } from './kernel-log/parse.js';
import { parseIpRoutes } from './routes/parse.js';
import { parseConntrackStats, parseProcConntrackStat } from './conntrack/parse.js';
import { parseIptablesSave, parseNftRuleset } from './packet-filter/parse.js';
import { parseIptablesListing } from './packet-filter/listing.js';
import { parseBridgeFdb } from './fdb/parse.js';
import { parseIpNeigh } from './neighbours/parse.js';
import { walkIptables, walkNft } from '../rules/shared/kb-shared.js';
import { maxOf, minOf, pushAll } from '../util/arrays.js';
import { podpathArgs } from '../../test/helpers/podpath.js';
import { LIMITS } from '../util/limits.js';

const N = 150_000;
const lines = (f: (i: number) => string): string => Array.from({ length: N }, (_, i) => f(i)).join('\n');
const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');

describe('parsers of long lists take 150,000 lines', () => {
  it('package history and inventories', () => {
    expect(parseDnfRpmLog(lines((i) => `2025-08-07T01:34:25Z SUBDEBUG Upgraded: kernel-${i}`))).toHaveLength(N);
    expect(parseYumLog(lines((i) => `Mar 15 11:22:33 Installed: kernel-3.10.0-${i}.el7.x86_64`))).toHaveLength(N);
    expect(parseAptHistory(`Start-Date: 2024-01-01  10:00:00\nInstall: ${Array.from({ length: N }, (_, i) => `linux-image-${i}:amd64 (6.1.${i}-1)`).join(', ')}`)).toHaveLength(N);
    expect(parseRpmQa(lines((i) => `kernel-4.19.90-${i}.ky10.x86_64`))).toHaveLength(N);
    expect(parseDpkgL(lines((i) => `ii  linux-image-6.1.0-${i}-amd64  6.1.76-1  amd64  Linux`))).toHaveLength(N);
  });

  it('kernel log, routes, conntrack, fdb, neighbours', () => {
    expect(scanKernelLog(lines(() => 'kernel: nf_conntrack: table full, dropping packet'), undefined, N).hits).toHaveLength(N);
    expect(parseIpRoutes(lines((i) => `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255} via 10.0.0.1 dev eth0 proto static`))).toHaveLength(N);
    expect(parseConntrackStats(lines((i) => `cpu=${i} found=1 invalid=2 insert=0 insert_failed=1 drop=1`)).insert_failed).toBe(N);
    expect(parseProcConntrackStat(`entries searched\n${lines(() => '00000001 00000002')}`).stats.searched).toBe(2 * N);
    expect(parseBridgeFdb(lines((i) => `e2:00:${((i >> 8) & 255).toString(16).padStart(2, '0')}:${(i & 255).toString(16).padStart(2, '0')}:88:7a dev flannel.1 dst 172.31.250.2 self permanent`))).toHaveLength(N);
    expect(parseIpNeigh(lines((i) => `10.244.${(i >> 8) & 255}.${i & 255} dev flannel.1 lladdr e2:00:6c:cf:88:7a PERMANENT`))).toHaveLength(N);
  });

  it('iptables-save, iptables -nvL and nft rulesets, and walking them', () => {
    const save = parseIptablesSave(`*filter\n:FORWARD DROP [0:0]\n:BIG - [0:0]\n-A FORWARD -j BIG\n${lines((i) => `-A BIG -s 10.0.${i >> 8}.${i & 255}/32 -j ACCEPT`)}\nCOMMIT\n`);
    expect(save.filter!.BIG!.rules).toHaveLength(N);
    // The jump into BIG brings its 150,000 rules into FORWARD's walk in one push.
    expect(walkIptables(save, 'filter', 'FORWARD')).toHaveLength(N + 1);
    const listed = parseIptablesListing(`Chain BIG (1 references)\n pkts bytes target prot opt in out source destination\n${lines((i) => `0 0 ACCEPT all -- * * 10.0.${i >> 8}.${i & 255} 0.0.0.0/0 /* c${i} */ mark match 0x4000/0x4000`)}`);
    expect(listed.BIG!.rules).toHaveLength(N);
    const nft = parseNftRuleset(`table inet t {\nchain input {\ntype filter hook input priority 0; policy drop;\njump big\n}\nchain big {\n${lines((i) => `ip saddr 10.0.${i >> 8}.${i & 255} counter packets 1 bytes 2 accept # handle ${i}`)}\n}\n}\n`);
    const t = nft[0]!;
    expect(t.chains[1]!.rules).toHaveLength(N);
    expect(walkNft(t, t.chains[0]!)).toHaveLength(N + 1);
    // One rule spread over 150,000 lines (a long anonymous set): joined, counted once per line.
    const multi = parseNftRuleset(`table inet t {\nchain c {\nip saddr {\n${lines((i) => `10.0.${i >> 8}.${i & 255},`)}\n} accept\n}\n}\n`);
    expect(multi[0]!.chains[0]!.rules).toHaveLength(1);
  });

  it('array helpers: no argument spread', () => {
    const big = Array.from({ length: 500_000 }, (_, i) => i);
    expect(pushAll([-1], big)).toHaveLength(500_001);
    expect(maxOf(big)).toBe(499_999);
    expect(minOf(big)).toBe(0);
    expect(maxOf([])).toBe(-Infinity);
    expect(minOf([], 7)).toBe(7);
  });
});

describe('doctor on a bundle with 150,000 matching dnf lines', () => {
  let dir: string | undefined;
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const doctor = (bundle: string, args: string[]) => promisify(execFile)(process.execPath, [...podpathArgs(), 'doctor', '--from', bundle, '--no-color', ...args], {
    cwd: ROOT, maxBuffer: 256 * 1024 * 1024,
  }).then((r) => ({ code: 0, ...r }), (e: { code: number; stdout: string; stderr: string }) => e);

  it('reports the finding with its first 50 evidence lines and a count of the rest (text, zh, Markdown, JSON), no E_INTERNAL', async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'podpath-h9-dnf-'));
    const bundle = path.join(dir, 'b');
    await cp(path.join(ROOT, 'test/fixtures/bundles/seed000-kylin-52.49'), bundle, { recursive: true });
    // The running kernel's install, and 150,000 packages replaced in the same transaction: every one
    // of them is evidence of the finding (short lines: the whole log stays under the 8 MiB read limit).
    const log = `2025-08-07T01:34:25Z SUBDEBUG Installed: kernel-4.19.90-52.49.v2207.ky10.x86_64\n${lines((i) => `2025-08-07T01:34:25Z SUBDEBUG Upgraded: kernel-${i}`)}\n`;
    await writeFile(path.join(bundle, 'var/log/dnf.rpm.log'), log);

    const json = await doctor(bundle, ['-o', 'json']);
    expect(json.stderr).not.toMatch(/E_INTERNAL|Maximum call stack/);
    expect(json.code).toBe(1);
    const finding = (JSON.parse(json.stdout) as { findings: { ruleId: string; evidence: unknown[]; evidenceOmitted?: number }[] }).findings.find((f) => f.ruleId === 'kernel-bad-udp-checksum');
    expect(finding?.evidence).toHaveLength(LIMITS.findingEvidenceLines.value);
    // The JSON keeps the count of what it left out: every dnf line is still counted.
    const omitted = finding?.evidenceOmitted ?? 0;
    expect(omitted + LIMITS.findingEvidenceLines.value).toBeGreaterThan(N);

    for (const [args, more] of [[[], `… and ${omitted} more lines`], [['--lang', 'zh'], `… 另有 ${omitted} 行`], [['-o', 'markdown'], `- … and ${omitted} more lines`], [['-o', 'html'], `… and ${omitted} more lines`]] as const) {
      const run = await doctor(bundle, [...args]);
      expect(run.stderr).not.toMatch(/E_INTERNAL|Maximum call stack/);
      expect(run.code).toBe(1);
      expect(run.stdout).toContain('kernel-bad-udp-checksum');
      expect(run.stdout).toContain(more);
      expect(run.stdout).not.toContain('Upgraded: kernel-149999');
      expect(run.stdout.split('\n').filter((l) => l.includes('SUBDEBUG Upgraded: kernel-')).length).toBeLessThan(LIMITS.findingEvidenceLines.value);
      expect(run.stdout).not.toContain('E_FILE_CUT');
    }
  }, 120_000);
});
