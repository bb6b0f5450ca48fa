// Fuzzes bundles: the real fixture bundles made into tarballs (tar, gzip, xz, bzip2), with hostile
// entries added (deep paths, long names, control characters, giant and lying headers, pax sizes,
// devices, links out) and their bytes flipped, cut, duplicated. Many go through the bundle reader
// in process; a sample goes through the real CLI as a child. Seeded: a failure prints its seed
// (PODPATH_FUZZ_SEED=<seed> replays it).
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectFromHost } from '../../src/sources/collect.js';
import { bundleHost } from '../../src/sources/host/bundle.js';
import { isPodpathError } from '../../src/util/errors.js';
import { bzip2, dirEntries, gzip, paxEntry, tarOf, xz, type RawEntry } from '../helpers/tar-craft.js';
import { haveTool } from '../helpers/env.js';
import { leftInTmp, RSS_BOUND_KIB, runCli } from '../helpers/cli.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const FIXTURES = path.join(ROOT, 'test/fixtures/bundles');
const SEED = Number(process.env.PODPATH_FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 31));
/** Bounds the in-process part (not an assertion): stop making cases once this much time went by. */
const IN_PROCESS_BUDGET_MS = Number(process.env.PODPATH_FUZZ_BUDGET_MS ?? 15_000);
const CLI_SAMPLES = 14;
const CLI_CONCURRENCY = 2;

const tmp = mkdtempSync(path.join(os.tmpdir(), 'pph9-bundle-fuzz-'));
const privateTmp = path.join(tmp, 'TMPDIR');
let savedTmpdir: string | undefined;
beforeAll(() => {
  mkdirSync(privateTmp);
  savedTmpdir = process.env.TMPDIR;
  process.env.TMPDIR = privateTmp;
});
afterAll(() => {
  if (savedTmpdir === undefined) delete process.env.TMPDIR;
  else process.env.TMPDIR = savedTmpdir;
  rmSync(tmp, { recursive: true, force: true });
});

function mulberry32(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// eslint-disable-next-line no-control-regex
const RAW_CONTROL = /[\n\r\u001b]/;
const CONTROL = ['\u001b[8m', '\n', '\r', '\u0007', '\u202e', '\t', '\u0000x'];

type Rnd = () => number;
const pick = (rnd: Rnd, n: number) => Math.floor(rnd() * n);

/** Adds hostile entries at random places. */
function mutateEntries(base: RawEntry[], rnd: Rnd, top: string): (RawEntry | Buffer)[] {
  const out: (RawEntry | Buffer)[] = [...base];
  const at = () => pick(rnd, out.length + 1);
  for (let r = 0, rounds = 1 + pick(rnd, 3); r < rounds; r++) {
    switch (pick(rnd, 10)) {
      case 0: // deep path
        out.splice(at(), 0, { name: `${top}/proc/${'d/'.repeat(20 + pick(rnd, 300))}`, type: '5' });
        break;
      case 1: // long name: beyond ustar, beyond NAME_MAX, beyond PATH_MAX
        out.splice(at(), 0, { name: `${top}/sos_commands/x/${'n'.repeat([120, 300, 5000][pick(rnd, 3)]!)}`, data: 'x\n' });
        break;
      case 2: // control characters in a name
        out.splice(at(), 0, { name: `${top}/sos_commands/kernel/uname${CONTROL[pick(rnd, CONTROL.length)]}-a`, data: 'Linux evil\u001b[2J 6.1 #1\n' });
        break;
      case 3: // a header that lies about its size (giant or just wrong)
        out.splice(at(), 0, { name: `${top}/var/log/messages`, size: [2 ** 33, 2 ** 40, 1_000_000, 513][pick(rnd, 4)]!, data: 'short\n' });
        break;
      case 4: // pax header with a huge, negative or silly size / path
        out.splice(at(), 0, paxEntry([{ size: '99999999999999999999' }, { size: '-5' }, { size: '1.5' }, { path: '../../../etc/passwd' }, { path: 'x'.repeat(70_000) }][pick(rnd, 5)]!, rnd() < 0.3));
        break;
      case 5: // devices, FIFOs, links out
        out.splice(at(), 0, [
          { name: `${top}/dev/zero`, type: '3', devmajor: 1, devminor: 5 },
          { name: `${top}/etc/os-release`, type: '6' },
          { name: `${top}/etc/hostname`, type: '1', linkname: '/etc/shadow' },
          { name: `${top}/proc/net`, type: '2', linkname: '../../../../../../etc' },
          { name: `${top}/proc/self`, type: '2', linkname: 'self' },
        ][pick(rnd, 5)]!);
        break;
      case 6: // duplicate an entry
        if (out.length > 0) out.splice(at(), 0, out[pick(rnd, out.length)]!);
        break;
      case 7: // a big, long-lined file where a source reads
        out.splice(at(), 0, { name: `${top}/sos_commands/networking/ip_route_show_table_all`, data: `default via 10.0.0.1 dev eth0 ${' '.repeat(50_000 + pick(rnd, 150_000))}\n` });
        break;
      case 8: // odd modes and owners
        out.splice(at(), 0, { name: `${top}/`, type: '5', mode: 0o7777, uid: 2 ** 21 - 1 });
        break;
      default: // drop an entry
        if (out.length > 1) out.splice(pick(rnd, out.length), 1);
    }
  }
  return out;
}

/** Flips, cuts, duplicates, deletes and inserts bytes. */
function mutateBytes(src: Buffer, rnd: Rnd): Buffer {
  let b = Buffer.from(src);
  for (let r = 0, rounds = pick(rnd, 4); r < rounds && b.length > 0; r++) {
    const at = pick(rnd, b.length);
    switch (pick(rnd, 5)) {
      case 0:
        b[at] ^= 1 << pick(rnd, 8);
        break;
      case 1:
        b = b.subarray(0, at);
        break;
      case 2: {
        const n = 1 + pick(rnd, 2048);
        b = Buffer.concat([b.subarray(0, at + n), b.subarray(at, at + n), b.subarray(at + n)]);
        break;
      }
      case 3:
        b = Buffer.concat([b.subarray(0, at), b.subarray(Math.min(b.length, at + 1 + pick(rnd, 1024)))]);
        break;
      default:
        b = Buffer.concat([b.subarray(0, at), Buffer.from(Array.from({ length: 1 + pick(rnd, 600) }, () => pick(rnd, 256))), b.subarray(at)]);
    }
  }
  return b;
}

const COMPRESSORS: [string, (b: Buffer) => Buffer][] = [
  ['tar', (b) => b],
  ['tar.gz', gzip],
  ...(haveTool('xz') ? ([['tar.xz', xz]] as [string, (b: Buffer) => Buffer][]) : []),
  ...(haveTool('bzip2') ? ([['tar.bz2', bzip2]] as [string, (b: Buffer) => Buffer][]) : []),
];

let made = 0;

interface Case {
  file: string;
  /** A whole fixture tarball cut short and nothing else: podpath must never call it complete. */
  cutOnly: boolean;
}

/** One fuzzed bundle file: a fixture, hostile entries, compressed, then bytes mutated (or pure noise). */
function makeCase(rnd: Rnd): Case {
  const i = ++made;
  if (rnd() < 0.05) {
    const file = path.join(tmp, `case-${i}.bin`);
    writeFileSync(file, Buffer.from(Array.from({ length: pick(rnd, 20_000) }, () => pick(rnd, 256))));
    return { file, cutOnly: false };
  }
  const fixtures = readdirSync(FIXTURES);
  const name = fixtures[pick(rnd, fixtures.length)]!;
  const top = rnd() < 0.5 ? name : `sosreport-${name}`;
  const [ext, comp] = COMPRESSORS[pick(rnd, COMPRESSORS.length)]!;
  const file = path.join(tmp, `case-${i}.${ext}`);
  if (rnd() < 0.15) {
    // Only cut short, anywhere before the two end blocks.
    const whole = tarOf(dirEntries(path.join(FIXTURES, name), top));
    writeFileSync(file, comp(whole.subarray(0, pick(rnd, whole.length - 1024))));
    return { file, cutOnly: true };
  }
  const entries = mutateEntries(dirEntries(path.join(FIXTURES, name), top), rnd, top);
  let bytes = tarOf(entries, { end: rnd() < 0.9 });
  // Mutate before compressing (a damaged tar inside good compression) or after (damaged compression).
  if (rnd() < 0.5) bytes = comp(mutateBytes(bytes, rnd));
  else bytes = mutateBytes(comp(bytes), rnd);
  writeFileSync(file, bytes);
  return { file, cutOnly: false };
}

const INCOMPLETE = ['E_BUNDLE_TRUNCATED', 'E_BUNDLE_DAMAGED', 'E_BUNDLE_EMPTY'];
/** Bounds one case (a limit, not a timing assertion): a bundle that takes this long is a hang. */
const CASE_TIMEOUT_MS = 20_000;

/** Reads a bundle as doctor does; checks TMPDIR while it is open (a tarball must not be unpacked to disk). */
async function readCase(file: string): Promise<{ codes: string[]; messages: string[] }> {
  const host = await bundleHost(file);
  try {
    expect(readdirSync(privateTmp), withSeed(`${file}: written to TMPDIR while open`)).toEqual([]);
    const facts = await collectFromHost(host);
    return { codes: (facts.notes ?? []).map((n) => n.code), messages: (facts.notes ?? []).map((n) => n.message) };
  } finally {
    await host.close();
  }
}

function inTime<T>(p: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(withSeed(`${what}: still reading after ${CASE_TIMEOUT_MS} ms`))), CASE_TIMEOUT_MS);
  });
  return Promise.race([p, late]).finally(() => clearTimeout(timer));
}

function withSeed(what: string): string {
  return `${what} (seed ${SEED}; replay with PODPATH_FUZZ_SEED=${SEED})`;
}

describe(`fuzzing bundles (seed ${SEED})`, () => {
  it('in process: every fuzzed bundle is read or refused with a one-line coded error, and nothing reaches TMPDIR', { timeout: 60_000 }, async () => {
    const rnd = mulberry32(SEED);
    const started = Date.now();
    let cases = 0;
    const outcomes = new Map<string, number>();
    while (Date.now() - started < IN_PROCESS_BUDGET_MS) {
      const { file, cutOnly } = makeCase(rnd);
      cases++;
      let outcome = 'read';
      try {
        const { codes, messages } = await inTime(readCase(file), file);
        for (const m of messages) expect(m, withSeed(file)).not.toMatch(RAW_CONTROL);
        if (cutOnly) expect(codes.some((c) => INCOMPLETE.includes(c)), withSeed(`${file} is cut short, read as complete`)).toBe(true);
        if (codes.length) outcome = `read, ${codes.join('+')}`;
      } catch (e) {
        // A failed check inside readCase is the finding itself: report it as it is.
        if ((e as Error | undefined)?.name === 'AssertionError') throw e;
        expect(isPodpathError(e), withSeed(`${file}: ${String(e)}`)).toBe(true);
        if (isPodpathError(e)) {
          expect(e.code, withSeed(file)).toMatch(/^E_[A-Z_]+$/);
          expect(e.message, withSeed(file)).not.toMatch(RAW_CONTROL);
          outcome = e.code;
        }
      }
      outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
      rmSync(file, { force: true });
      expect(readdirSync(privateTmp), withSeed('left in TMPDIR')).toEqual([]);
    }
    if (process.env.PODPATH_FUZZ_VERBOSE) console.log(cases, [...outcomes]);
    expect(cases).toBeGreaterThan(20);
    // Both kinds of outcome happen: the fuzzing reaches the reader, not only its first check.
    expect([...outcomes.keys()].some((k) => k.startsWith('read')), withSeed(JSON.stringify([...outcomes]))).toBe(true);
    expect([...outcomes.keys()].some((k) => k.startsWith('E_')), withSeed(JSON.stringify([...outcomes]))).toBe(true);
  });

  it('through the real CLI: exit 0-3, at most one coded line on stderr, no stack trace, no temp dir, bounded memory', { timeout: 60_000 }, async () => {
    const rnd = mulberry32(SEED ^ 0x5bd1e995);
    const cases = Array.from({ length: CLI_SAMPLES }, () => makeCase(rnd));
    let next = 0;
    const worker = async () => {
      while (next < cases.length) {
        const { file, cutOnly } = cases[next++]!;
        const r = await runCli(['doctor', '--from', file, '-o', 'json'], { dir: tmp, timeoutMs: 40_000 });
        const what = withSeed(`${path.basename(file)}: exit ${r.code}, stderr ${JSON.stringify(r.stderr)}`);
        expect([0, 1, 2, 3], what).toContain(r.code);
        if (cutOnly) expect(r.code, `${what}: cut short, yet exit 0`).not.toBe(0);
        expect(r.stderr, what).toMatch(/^(podpath: E_[A-Z_]+: [^\n]*\n)?$/);
        expect(r.stderr, what).not.toContain('    at ');
        if (r.code === 2) expect(r.stdout, what).toBe('');
        else expect(() => JSON.parse(r.stdout), what).not.toThrow();
        expect(leftInTmp(r.tmpdir), what).toEqual([]);
        expect(r.rssKiB, what).toBeLessThan(RSS_BOUND_KIB);
      }
    };
    await Promise.all(Array.from({ length: CLI_CONCURRENCY }, worker));
  });
});
