// The `podpath pcap` commands run as a user runs them: a child process, real files and pipes,
// exit codes, the one-line error on a cut capture, and `-` for standard input.
import { describe, expect, it, beforeAll, afterAll } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildFrame, encodeCapture, type FrameRecord } from '../support/pcap-writer.js';
import { analyzeJsonSchema } from '../../src/report/capture-json.js';
import { diffJsonSchema } from '../../src/report/capture-diff-json.js';
import { missingRequirement } from '../helpers/env.js';
import { generateCapture } from '../../bench/gen-capture.js';
import { podpathArgs } from '../helpers/podpath.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const fixture = (name: string) => join(root, 'test/fixtures/pcap-analyze', name);

// Asynchronous on purpose: a test that runs podpath a dozen times with spawnSync blocks the worker's
// event loop for as long, and under CI's load vitest's own RPC to the worker times out.
function podpath(args: string[], input?: Buffer): Promise<{ code: number | null; stdout: string; stderr: string }> {
  // A fixed locale: the language follows LANG when --lang is not given.
  const env = { ...process.env, LC_ALL: '', LC_MESSAGES: '', LANG: 'C' };
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...podpathArgs(), ...args], { cwd: root, env, timeout: 60_000 });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString() }));
    child.stdin.on('error', () => {}); // podpath may exit before reading all of it
    child.stdin.end(input);
  });
}

describe('podpath pcap (child process)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ppb-cli-'));
  const clean = join(dir, 'clean.pcap');
  const ffff = join(dir, 'ffff.pcap');
  const cut = join(dir, 'cut.pcap');

  beforeAll(() => {
    const udp = (i: number, checksum: 'correct' | 'nat-ffff'): FrameRecord => ({
      tsSec: 1_700_000_000 + i,
      tsNsec: 0,
      data: buildFrame({
        eth: {},
        ip: { version: 4, src: '10.10.72.11', dst: '10.10.72.10', id: 100 + i },
        l4: {
          kind: 'udp',
          srcPort: 40000 + i,
          dstPort: 4789,
          checksum,
          vxlan: { vni: 4096, inner: { eth: {}, ip: { version: 4, src: '166.166.104.10', dst: '166.166.166.168' }, l4: { kind: 'udp', srcPort: 5353, dstPort: 53, payload: 40 } } },
        },
      }),
    });
    writeFileSync(clean, encodeCapture({ format: 'pcap' }, [0, 1, 2, 3].map((i) => udp(i, 'correct'))));
    writeFileSync(ffff, encodeCapture({ format: 'pcapng' }, [0, 1, 2].map((i) => udp(i, i < 2 ? 'nat-ffff' : 'correct'))));
    // A real capture cut in the middle of its last record.
    const whole = readFileSync(fixture('synack-no-ack-server.pcap'));
    writeFileSync(cut, whole.subarray(0, whole.length - 30));
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('exits 0 with no findings and prints no colour codes when not on a terminal', async () => {
    const r = await podpath(['pcap', 'analyze', clean]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n')[0]).toBe('No findings.');
    expect(r.stdout.includes('\u001b[')).toBe(false);
  });

  it('exits 1 with findings, findings first, and names the 0xffff VXLAN sum (pcapng)', async () => {
    const r = await podpath(['pcap', 'analyze', ffff]);
    expect(r.code).toBe(1);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toMatch(/^ERROR 2 outer VXLAN UDP checksums are 0xffff and wrong \(from 10\.10\.72\.11\)/);
    expect(lines[1]).toBe('       frames: 1-2');
    expect(lines[2]).toBe('       filter: frame.number in {1..2}');
  });

  it('prints partial results, one error line with the byte offset, and exits 2 on a cut capture', async () => {
    const r = await podpath(['pcap', 'analyze', cut]);
    expect(r.code).toBe(2);
    const err = r.stderr.trim().split('\n');
    expect(err).toHaveLength(1);
    expect(err[0]).toMatch(/^podpath: E_PCAP_TRUNCATED: .*cut\.pcap: .* \(at byte \d+\)$/);
    // The frames before the cut were analyzed: the handshake verdict is still there.
    expect(r.stdout).toContain('TCP handshake never completed');
    expect(r.stdout).toMatch(/cut\.pcap: pcap, 15 frames/);
  });

  it('reads standard input with -, and --json validates against the documented schema', async () => {
    const r = await podpath(['pcap', 'analyze', '--json', '-'], readFileSync(fixture('syn-backoff-63s-server.pcap')));
    expect(r.code).toBe(1);
    const doc = analyzeJsonSchema.parse(JSON.parse(r.stdout));
    expect(doc.schemaVersion).toBe(2);
    expect(doc.exitCode).toBe(1);
    expect(doc.files[0]!.file).toBe('<stdin>');
    expect(doc.files[0]!.findings.map((f) => f.ruleId)).toContain('handshake-slow');
    // The one Finding shape: the rule, its message in the run's language, where in the capture.
    const slow = doc.files[0]!.findings.find((f) => f.ruleId === 'handshake-slow')!;
    expect(slow).toMatchObject({ severity: 'warning', messageId: 'slowOne', location: { file: '<stdin>', filter: expect.stringMatching(/^frame\.number in \{/) } });
    expect(slow.remediation.length).toBeGreaterThan(0);
  });

  it.skipIf(missingRequirement({ tools: ['tcpdump'] }))('reads a live pipe: tcpdump -w - | podpath pcap analyze -', () => {
    const cmd = `tcpdump -r ${fixture('synack-no-ack-client.pcap')} -w - 2>/dev/null | ${process.execPath} ${podpathArgs()[0]} pcap analyze -`;
    const r = spawnSync('sh', ['-c', cmd], { cwd: root, encoding: 'utf8', timeout: 60_000 });
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/^ERROR 1 TCP handshake never completed/);
    expect(r.stdout).toContain('<stdin>: pcap, 16 frames');
  });

  it('ends quietly with its own exit code when the reader closes the pipe early (| head)', async () => {
    // 20,000 generated packets: the document is far larger than a pipe's buffer, so the write
    // meets the closed pipe.
    const big = join(dir, 'big.pcap');
    generateCapture({ packets: 20_000, out: big, seed: 3, format: 'pcap' });
    const cmd = `${process.execPath} ${podpathArgs()[0]} pcap analyze --json ${big} | head -c 20 >/dev/null; echo "podpath exit \${PIPESTATUS[0]}" >&2`;
    const r = spawnSync('bash', ['-c', cmd], { cwd: root, encoding: 'utf8', timeout: 60_000 });
    expect(r.stderr).toBe('podpath exit 1\n'); // findings, as without the pipe; no stack trace
  });

  it('--json keeps the read error in the document', async () => {
    const r = await podpath(['pcap', 'analyze', '--json', cut]);
    expect(r.code).toBe(2);
    const doc = analyzeJsonSchema.parse(JSON.parse(r.stdout));
    expect(doc.files[0]!.read.error).toMatchObject({ code: 'E_PCAP_TRUNCATED' });
  });

  it('diff of two captures of the same packets finds nothing lost and exits 0', async () => {
    const r = await podpath(['pcap', 'diff', '--json', fixture('syn-backoff-63s-client.pcap'), fixture('syn-backoff-63s-server.pcap')]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const doc = diffJsonSchema.parse(JSON.parse(r.stdout));
    expect(doc.result.forward.lost).toBe(0);
    expect(doc.result.reverse.lost).toBe(0);
    expect(doc.result.matched).toBe(doc.result.sender.ipPackets);
  });

  it('diff prints its results and the error line, and exits 2, when a capture is cut', async () => {
    const r = await podpath(['pcap', 'diff', fixture('synack-no-ack-client.pcap'), cut]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toMatch(/^podpath: E_PCAP_TRUNCATED: .*cut\.pcap: .* \(at byte \d+\)$/);
    expect(r.stdout).toContain('Delivery');
  });

  describe('a capture that cannot be opened has no result on stdout (issue 9, item 17)', () => {
    const unreadable = () => {
      const random = join(dir, 'random.pcap');
      writeFileSync(random, Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919 + 13) & 255)));
      const empty = join(dir, 'empty.pcap');
      writeFileSync(empty, '');
      const header = join(dir, 'header-cut.pcap');
      writeFileSync(header, readFileSync(clean).subarray(0, 10));
      return [
        { file: join(dir, 'missing.pcap'), code: 'E_INPUT' },
        { file: random, code: 'E_PCAP_BAD_MAGIC' },
        { file: empty, code: 'E_PCAP_EMPTY' },
        { file: header, code: 'E_PCAP_TRUNCATED' },
      ];
    };
    // Every way a result shows: the verdict line, a file's summary, the diff tables.
    const RESULT = /No findings|frames|Captures|Delivery|"files"|"result"/;

    it('pcap analyze, text and --json: nothing on stdout, one error line naming the file, exit 2', async () => {
      for (const { file, code } of unreadable()) {
        for (const json of [[], ['--json']]) {
          const r = await podpath(['pcap', 'analyze', ...json, file]);
          expect(r.code, `${file} ${json}`).toBe(2);
          expect(r.stdout, `${file} ${json}`).toBe('');
          expect(r.stderr).toMatch(new RegExp(`^podpath: ${code}: .*${file.split('/').pop()!.replace('.', '\\.')}: [^\\n]*\\n$`));
        }
      }
    });

    it('pcap analyze of several files: the readable ones are reported, each unreadable one named with its code, exit 2', async () => {
      const bad = unreadable();
      const r = await podpath(['pcap', 'analyze', clean, bad[1]!.file, ffff, bad[0]!.file]);
      expect(r.code).toBe(2);
      expect(r.stdout).toMatch(/clean\.pcap: pcap, 4 frames/);
      expect(r.stdout).toMatch(/ffff\.pcap: pcapng, 3 frames/);
      expect(r.stdout).not.toMatch(/random\.pcap|missing\.pcap/);
      const err = r.stderr.trim().split('\n');
      expect(err).toHaveLength(2);
      expect(err[0]).toMatch(/^podpath: E_PCAP_BAD_MAGIC: .*random\.pcap: /);
      expect(err[1]).toMatch(/^podpath: E_INPUT: .*missing\.pcap: /);
      const j = await podpath(['pcap', 'analyze', '--json', clean, bad[1]!.file]);
      expect(j.code).toBe(2);
      const doc = analyzeJsonSchema.parse(JSON.parse(j.stdout));
      expect(doc.exitCode).toBe(2);
      expect(doc.files.map((f) => f.file)).toEqual([clean]);
    });

    it('pcap diff, text and --json, with either side unreadable: nothing on stdout, exit 2', async () => {
      for (const { file, code } of unreadable()) {
        for (const [sender, receiver] of [[file, clean], [clean, file]]) {
          for (const json of [[], ['--json']]) {
            const r = await podpath(['pcap', 'diff', ...json, sender!, receiver!]);
            expect(r.code, `${sender} ${receiver} ${json}`).toBe(2);
            expect(r.stdout, `${sender} ${receiver} ${json}`).not.toMatch(RESULT);
            expect(r.stdout).toBe('');
            expect(r.stderr).toMatch(new RegExp(`^podpath: ${code}: `));
            expect(r.stderr.trim().split('\n')).toHaveLength(1);
          }
        }
      }
    });

    it('a capture cut after some frames keeps its partial result, marked as cut', async () => {
      const r = await podpath(['pcap', 'analyze', cut]);
      expect(r.stdout).toMatch(/cut short at byte \d+ \(E_PCAP_TRUNCATED\): only its first 15 frames/);
      const d = await podpath(['pcap', 'diff', fixture('synack-no-ack-client.pcap'), cut]);
      expect(d.stdout).toMatch(/the receiver's capture was cut short at byte \d+ \(E_PCAP_TRUNCATED\)/);
    });
  });

  it('speaks Chinese with --lang zh, and refuses an unknown language', async () => {
    const r = await podpath(['pcap', 'analyze', '--lang', 'zh', fixture('synack-no-ack-server.pcap')]);
    expect(r.code).toBe(1);
    expect(r.stdout.split('\n')[0]).toMatch(/^错误 {2}1 个 TCP 握手始终未完成：服务端回了 SYN-ACK，但客户端的 ACK 始终没有回来；内层 10\.244\.0\.1:\d+ -> 10\.244\.0\.2:9153/);
    expect(r.stdout).toContain('帧号： 1-2, 5-16');
    // The tables speak Chinese too, and stay aligned (a Chinese character takes two columns).
    expect(r.stdout).toMatch(/synack-no-ack-server\.pcap：pcap，\d+ 帧（IP \d+ 个，隧道封装 \d+ 个）/);
    const lines = r.stdout.split('\n');
    const head = lines.find((l) => l.startsWith('层  '))!;
    expect(head).toMatch(/^层 +正确 +错误 +无 +无法校验 +线路错误 +卸载 +LCO +未知$/);
    const row = lines[lines.indexOf(head) + 1]!;
    expect(row).toMatch(/^外层 IPv4 首部 +\d+/);
    // Columns line up in terminal columns: the header's last cell ends where the row's does.
    const width = (t: string) => [...t].reduce((n, ch) => n + ((ch.codePointAt(0) ?? 0) >= 0x2e80 ? 2 : 1), 0);
    expect(width(row)).toBe(width(head));
    expect(r.stdout).toContain('TCP 握手：共 1 个，完成 0 个');
    expect(r.stdout).toMatch(/（内层）10\.244\.0\.1:\d+ -> 10\.244\.0\.2:9153 +SYN-ACK 无 ACK/);
    expect(r.stdout).toContain('大小（IP 总长度，各区间的报文数）');
    const bad = await podpath(['pcap', 'analyze', '--lang', 'fr', clean]);
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim()).toBe('podpath: E_BAD_LANG: unknown language "fr": use zh or en');
  });

  it('rejects a bad --vxlan-port with a usage error', async () => {
    const r = await podpath(['pcap', 'analyze', '--vxlan-port', '70000', clean]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('a UDP port, 1-65535');
  });
});
