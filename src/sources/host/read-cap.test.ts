// Every read is capped: files (a bundle directory, --root, the live host) and command output. Built
// from real files made by the test: a 500 MiB sparse /proc/net/snmp, a FIFO, /dev/zero behind a
// link, a command that never stops printing, a 200,000-character line.
import { execFileSync } from 'node:child_process';
import { closeSync, mkdirSync, mkdtempSync, openSync, rmSync, symlinkSync, writeFileSync, ftruncateSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { bundleHost } from './bundle.js';
import { liveHost } from './live.js';
import { cutLongLines, CappedCollector, finishText, policyForPath } from './read-cap.js';
import { LIMITS } from '../../util/limits.js';
import { noteText } from '../../evidence/read-notes.js';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'pph9-readcap-test-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const SNMP = 'Udp: InDatagrams NoPorts InErrors OutDatagrams\nUdp: 10 0 0 10\n';
const MiB = 1024 * 1024;

/** A file of `size` bytes that starts with `text` and takes no disk space (the rest is a hole). */
function sparse(file: string, text: string, size: number): void {
  writeFileSync(file, text);
  const fd = openSync(file, 'r+');
  ftruncateSync(fd, size);
  closeSync(fd);
}

describe('cutLongLines', () => {
  it('cuts only the lines over the limit, and counts them', () => {
    expect(cutLongLines('a\nbbbbbb\ncc', 3)).toEqual({ text: 'a\nbbb\ncc', lines: 1 });
    expect(cutLongLines('short\n', 100)).toEqual({ text: 'short\n', lines: 0 });
    expect(cutLongLines('x'.repeat(10), 4)).toEqual({ text: 'xxxx', lines: 1 });
  });
});

describe('finishText', () => {
  it('drops the partial line at a cut edge, and says what was kept', () => {
    const head = finishText({ data: Buffer.from('one\ntwo\nthr'), size: 1000, cut: true, keep: 'head' }, 'f', { maxBytes: 11, keep: 'head', code: 'E_FILE_CUT' });
    expect(head.text).toBe('one\ntwo\n');
    expect(head.notes).toEqual([expect.objectContaining({ code: 'E_FILE_CUT', message: 'f: 1000 bytes, only the first 11 bytes read (the evidence from it is cut)' })]);
    const tail = finishText({ data: Buffer.from('ne\ntwo\nthree\n'), size: 1000, cut: true, keep: 'tail' }, 'var/log/x', { maxBytes: 13, keep: 'tail', code: 'E_FILE_CUT' });
    expect(tail.text).toBe('two\nthree\n');
    expect(tail.notes[0]?.message).toMatch(/only the last 13 bytes read/);
    // The same note said in Chinese from its codes.
    expect(noteText(head.notes[0]!, 'zh')).toBe('f:1000 bytes,只读取了前 11 bytes(其中的证据不完整)');
  });

  it('leaves a JSON document whole (JSON.parse is linear): only its size is capped', () => {
    const json = JSON.stringify([{ ifname: 'x'.repeat(40_000) }]);
    expect(finishText({ data: Buffer.from(json), size: json.length, cut: false, keep: 'head' }, 'ip -j link', policyForPath('x'), { wholeLines: true }).text).toBe(json);
    expect(finishText({ data: Buffer.from(json), size: json.length, cut: false, keep: 'head' }, 'x', policyForPath('x')).text).toHaveLength(LIMITS.LINE_CHARS.value);
  });
});

describe('CappedCollector', () => {
  it('keeps the first bytes and calls onFull once over the cap, or a rolling window of the last ones', () => {
    let stopped = 0;
    const head = new CappedCollector({ maxBytes: 10, keep: 'head', code: 'X' }, () => stopped++);
    for (let i = 0; i < 5; i++) head.push(Buffer.from('abcdef'));
    expect(head.result()).toMatchObject({ cut: true, size: undefined });
    expect(head.result().data.toString()).toBe('abcdefabcd');
    expect(stopped).toBe(1);
    const tail = new CappedCollector({ maxBytes: 10, keep: 'tail', code: 'X' });
    for (let i = 0; i < 100; i++) tail.push(Buffer.from(`${i % 10}`.repeat(3)));
    expect(tail.result().data.toString()).toBe('6777888999');
    expect(tail.result()).toMatchObject({ cut: true, size: 300 });
  });
});

describe('a bundle directory', () => {
  it('reads at most the file cap of a 500 MiB /proc/net/snmp, and notes the cut', async () => {
    const dir = path.join(tmp, 'big-snmp');
    mkdirSync(path.join(dir, 'proc/net'), { recursive: true });
    sparse(path.join(dir, 'proc/net/snmp'), SNMP, 500 * MiB);
    const host = await bundleHost(dir);
    const f = await host.readFile('/proc/net/snmp');
    // The 8 MiB read end inside the hole's one endless line: that partial line is dropped.
    expect(f?.text).toBe(SNMP);
    expect(host.notes?.().map((n) => n.code)).toEqual(['E_FILE_CUT']);
    expect(host.notes?.()[0]?.message).toBe('proc/net/snmp: 500 MiB, only the first 8 MiB read (the evidence from it is cut)');
  });

  it('refuses a FIFO or a link to a device in place of a file, without blocking on it', async () => {
    const dir = path.join(tmp, 'special');
    mkdirSync(path.join(dir, 'proc/net'), { recursive: true });
    mkdirSync(path.join(dir, 'etc'), { recursive: true });
    execFileSync('mkfifo', [path.join(dir, 'proc/net/snmp')]);
    // Inside the bundle's own tree, so only the type check stops it.
    mkdirSync(path.join(dir, 'dev'));
    execFileSync('mkfifo', [path.join(dir, 'dev/fifo')]);
    symlinkSync('../dev/fifo', path.join(dir, 'etc/os-release'));
    const host = await bundleHost(dir);
    expect(await host.readFile('/proc/net/snmp')).toBeUndefined();
    expect(host.explain('/proc/net/snmp')).toEqual({ code: 'notRegularFile', data: { path: '/proc/net/snmp' } });
    expect(await host.readFile('/etc/os-release')).toBeUndefined();
  });
});

describe('the live host and --root', () => {
  it('caps a file under --root, and refuses /dev/zero behind a link instead of reading it forever', async () => {
    const root = path.join(tmp, 'root');
    mkdirSync(path.join(root, 'proc/net'), { recursive: true });
    mkdirSync(path.join(root, 'etc'), { recursive: true });
    sparse(path.join(root, 'proc/net/snmp'), SNMP, 500 * MiB);
    symlinkSync('/dev/zero', path.join(root, 'etc/os-release'));
    const host = liveHost({ root });
    expect((await host.readFile('/proc/net/snmp'))?.text.startsWith(SNMP)).toBe(true);
    expect(host.notes?.()[0]?.code).toBe('E_FILE_CUT');
    expect(await host.readFile('/etc/os-release')).toBeUndefined();
    expect(host.explain('/etc/os-release')).toEqual({ code: 'notRegularFile', data: { path: '/etc/os-release' } });
  });

  it('stops a command at the output cap and notes it; cuts a 200,000-character line', async () => {
    const host = liveHost();
    const yes = await host.run({ argv: ['yes'], plugin: 'x' });
    expect(yes!.stdout.length).toBeLessThanOrEqual(LIMITS.OUTPUT_BYTES.value);
    expect(yes!.stdout.length).toBeGreaterThan(LIMITS.OUTPUT_BYTES.value - 10);
    expect(host.notes?.()).toEqual([expect.objectContaining({ code: 'E_OUTPUT_CUT', message: 'yes: more than 8 MiB, only the first 8 MiB read (the evidence from it is cut)' })]);
    const wide = await host.run({ argv: ['sh', '-c', 'head -c 200000 /dev/zero | tr "\\0" " "; echo; echo end'], plugin: 'x' });
    expect(wide!.stdout.split('\n').map((l) => l.length)).toEqual([LIMITS.LINE_CHARS.value, 3, 0]);
  });

  it('keeps the end of a log command (dmesg, journalctl): its newest lines', async () => {
    const dir = path.join(tmp, 'bin');
    mkdirSync(dir);
    // A `dmesg` that prints 12 MiB: only the last 8 MiB are kept.
    writeFileSync(path.join(dir, 'dmesg'), '#!/bin/sh\nawk \'BEGIN { for (i = 0; i < 400000; i++) printf "[%10d.000000] line %d\\n", i, i }\'\n', { mode: 0o755 });
    const host = liveHost({ timeoutMs: 60_000 });
    const out = await host.run({ argv: [path.join(dir, 'dmesg')], plugin: 'kernel' });
    expect(out!.stdout.endsWith('line 399999\n')).toBe(true);
    expect(out!.stdout.startsWith('[')).toBe(true);
    expect(host.notes?.()[0]?.message).toMatch(/only the last 8 MiB read/);
  });
});
