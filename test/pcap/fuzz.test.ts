// Mutates real captures at random (seeded, so a failure replays) and checks that the reader and
// the decoders never throw, always finish, and either deliver frames or name the problem.
import { describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { Readable } from 'node:stream';
import { join, resolve } from 'node:path';
import { readCapture } from '../../src/pcap/reader/index.js';
import { decodeFrame } from '../../src/pcap/decode/index.js';
import { buildFrame, encodeCapture, type FrameRecord } from '../support/pcap-writer.js';
import { runPodpath } from './helpers/child.js';

const ROOT = resolve(import.meta.dirname, '../..');
const FIXTURES = join(ROOT, 'test/fixtures/pcap');
const CORPUS = resolve(ROOT, '../shared/conformance/tcpdump');

const CODES = new Set(['E_PCAP_BAD_MAGIC', 'E_PCAP_TRUNCATED', 'E_PCAP_BAD_BLOCK', 'E_PCAP_BAD_LENGTH', 'E_PCAP_NO_INTERFACE', 'E_PCAP_EMPTY']);
const ITERATIONS_PER_CAPTURE = 150;
/** Bounds the whole run (not an assertion): stop mutating once this much time went by. */
const TIME_BUDGET_MS = 8000;

function mulberry32(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const INTERESTING = [0, 1, 0xff, 0xffff, 0x7fffffff, 0xffffffff, 0x10000, 28, 12, 262145];

function mutate(src: Uint8Array, rnd: () => number): Uint8Array {
  let b: Uint8Array = Uint8Array.from(src);
  const pick = (n: number) => Math.floor(rnd() * n);
  const rounds = 1 + pick(4);
  for (let r = 0; r < rounds && b.length > 0; r++) {
    const at = pick(b.length);
    switch (pick(6)) {
      case 0: // flip bits
        b[at] ^= 1 << pick(8);
        break;
      case 1: // random byte
        b[at] = pick(256);
        break;
      case 2: {
        // an interesting 32-bit value, either byte order (lengths, ids, link types)
        const v = INTERESTING[pick(INTERESTING.length)];
        const le = rnd() < 0.5;
        for (let i = 0; i < 4 && at + i < b.length; i++) b[at + i] = (le ? v >>> (8 * i) : v >>> (8 * (3 - i))) & 0xff;
        break;
      }
      case 3: // truncate
        b = b.subarray(0, at);
        break;
      case 4: {
        // delete a range
        const n = 1 + pick(16);
        b = Uint8Array.from([...b.subarray(0, at), ...b.subarray(Math.min(b.length, at + n))]);
        break;
      }
      default: {
        // duplicate a range (records repeated, misaligned)
        const n = 1 + pick(64);
        b = Uint8Array.from([...b.subarray(0, at + n), ...b.subarray(at, Math.min(b.length, at + n)), ...b.subarray(at + n)]);
      }
    }
  }
  return b;
}

describe('fuzzing the reader and decoders with mutated real captures', () => {
  const captures = [
    join(FIXTURES, 'vxlan-veth-offload.pcap'),
    join(FIXTURES, 'sll2-any.pcap'),
    join(FIXTURES, 'multi-linktype.pcapng'),
    join(FIXTURES, 'vxlan.pcap'),
    join(FIXTURES, 'vxlan-nano.pcap'),
    ...['gso-ipv6-vxlan-ipv4.pcap', 'geneve.pcap', 'ospf3_auth.pcapng', 'time_2107.pcapng'].map((f) => join(CORPUS, f)).filter((f) => existsSync(f)),
  ];

  it('never throws, always finishes, and delivers frames or an error code', async () => {
    const started = Date.now();
    let runs = 0;
    let withError = 0;
    let decoded = 0;
    for (const [k, path] of captures.entries()) {
      const original = readFileSync(path);
      const rnd = mulberry32(0x5eed + k);
      for (let i = 0; i < ITERATIONS_PER_CAPTURE && Date.now() - started < TIME_BUDGET_MS; i++) {
        const input = mutate(original, rnd);
        let frames = 0;
        // Feed it in uneven pieces so records also cross chunk boundaries.
        const cut = Math.floor(rnd() * input.length);
        const summary = await readCapture(Readable.from([Buffer.from(input.subarray(0, cut)), Buffer.from(input.subarray(cut))]), (f) => {
          frames++;
          const p = decodeFrame(f, { vxlanPorts: [9999] });
          expect(p.frameNumber).toBe(f.frameNumber);
          decoded++;
        });
        runs++;
        expect(summary.frames).toBe(frames);
        if (summary.error) {
          withError++;
          expect(CODES.has(summary.error.code), `${path} #${i}: ${summary.error.code}`).toBe(true);
          expect(summary.error.offset).toBeGreaterThanOrEqual(0);
          expect(summary.error.offset).toBeLessThanOrEqual(input.length);
        }
        // A clean end with no frame is possible (packets cut away, or a packet block turned into
        // an unknown block type, which pcapng says to skip): nothing more to check then.
      }
    }
    console.log(`fuzz: ${runs} mutated captures, ${withError} refused with a code, ${decoded} frames decoded`);
    expect(runs).toBeGreaterThan(50);
    expect(withError).toBeGreaterThan(0);
    expect(decoded).toBeGreaterThan(1000);
  }, 60_000);
});

// ---------------------------------------------------------------------------------------------
// The real CLI on hostile captures (issue 9: capture fuzz). Seeds built here: classic pcap in both
// byte orders, microsecond and nanosecond; pcapng in both byte orders with many interfaces and
// if_tsresol; SLL2 (`tcpdump -i any`) frames; VXLAN inside them. Hostile shapes: giant snaplen and
// caplen fields, pcapng blocks with absurd lengths, long and overrunning option lists, a packet on
// an interface that was never described, timestamps 10^8 s apart; then random mutations of all of
// these. Each sample runs as a child (`pcap analyze`, `pcap diff`, text and --json), and must end
// with exit 0, 1 or 2, no stack trace, every stderr line `podpath: E_...: ...` (one per file
// that failed), peak RSS under CLI_RSS_BOUND_MIB, and no result on stdout for a capture of which
// nothing could be read (a capture cut after some frames keeps its partial result, marked as cut).
// Seeded: set PODPATH_FUZZ_SEED to replay; the seed is in every failure message.

const CLI_SEED = Number(process.env.PODPATH_FUZZ_SEED ?? 0x9c1a7);
const CLI_SAMPLES = 24;
/** Stops starting new children past this (the whole test stays well under 60 s). */
const CLI_TIME_BUDGET_MS = 40_000;
/** Stated bound on a child's peak RSS on these small captures (tsx included; the plain run takes ~90 MiB). */
const CLI_RSS_BOUND_MIB = 300;

function sll2(ip: Uint8Array): Uint8Array {
  const h = new Uint8Array(20 + ip.length);
  const v = new DataView(h.buffer);
  v.setUint16(0, 0x0800);
  v.setUint32(4, 3);
  v.setUint16(8, 1);
  h[10] = 4; // sent by us
  h[11] = 6;
  h.set([2, 0, 0, 0, 0, 1], 12);
  h.set(ip, 20);
  return h;
}

function vxlanFrame(i: number, eth: boolean): Uint8Array {
  return buildFrame({
    ...(eth ? { eth: {} } : {}),
    ip: { version: 4, src: '10.10.72.11', dst: '10.10.72.10', id: i },
    l4: {
      kind: 'udp', srcPort: 40000 + i, dstPort: 8472, checksum: 'correct',
      vxlan: { vni: 1, inner: { eth: {}, ip: { version: 4, src: '10.244.1.2', dst: '10.244.2.3', id: i }, l4: { kind: 'tcp', srcPort: 5000, dstPort: 80, seq: i * 100, flags: 0x18, payload: 60 } } },
    },
  });
}

/** pcapng blocks by hand, for what the writer will not write. */
function block(type: number, body: Uint8Array, le: boolean, lengthField?: number): Uint8Array {
  const padded = (body.length + 3) & ~3;
  const b = new Uint8Array(12 + padded);
  const v = new DataView(b.buffer);
  v.setUint32(0, type, le);
  v.setUint32(4, lengthField ?? b.length, le);
  b.set(body, 8);
  v.setUint32(8 + padded, lengthField ?? b.length, le);
  return b;
}
function shb(le: boolean): Uint8Array {
  const body = new Uint8Array(16);
  const v = new DataView(body.buffer);
  v.setUint32(0, 0x1a2b3c4d, le);
  v.setUint16(4, 1, le);
  v.setInt32(8, -1, le);
  v.setInt32(12, -1, le);
  return block(0x0a0d0d0a, body, le);
}
function idb(le: boolean, options: Uint8Array = new Uint8Array(0), linkType = 1): Uint8Array {
  const body = new Uint8Array(8 + options.length);
  const v = new DataView(body.buffer);
  v.setUint16(0, linkType, le);
  v.setUint32(4, 262144, le);
  body.set(options, 8);
  return block(1, body, le);
}
function epb(le: boolean, ifid: number, tsUnits: bigint, data: Uint8Array, capLen = data.length): Uint8Array {
  const body = new Uint8Array(20 + ((data.length + 3) & ~3));
  const v = new DataView(body.buffer);
  v.setUint32(0, ifid, le);
  v.setUint32(4, Number(tsUnits >> 32n), le);
  v.setUint32(8, Number(tsUnits & 0xffffffffn), le);
  v.setUint32(12, capLen, le);
  v.setUint32(16, data.length, le);
  body.set(data, 20);
  return block(6, body, le);
}
const cat = (...parts: Uint8Array[]) => Uint8Array.from(Buffer.concat(parts));

/** Well-formed seeds and deliberately hostile shapes, each with a name. */
function cliSeeds(): { name: string; bytes: Uint8Array }[] {
  const frames = (n: number, eth = true, jump = false): FrameRecord[] =>
    Array.from({ length: n }, (_, i) => ({ tsSec: 1_763_000_000 + i + (jump && i === n - 1 ? 99_999_900 : 0), tsNsec: i * 1000, data: vxlanFrame(i, eth) }));
  const out: { name: string; bytes: Uint8Array }[] = [];
  for (const byteOrder of ['le', 'be'] as const) {
    for (const precision of ['us', 'ns'] as const) out.push({ name: `pcap-${byteOrder}-${precision}`, bytes: encodeCapture({ format: 'pcap', byteOrder, precision }, frames(40)) });
    out.push({ name: `pcapng-${byteOrder}`, bytes: encodeCapture({ format: 'pcapng', byteOrder, interfaces: [{ tsResol: 9 }, { tsResol: 6, name: 'eth1' }, { tsResol: 0x80 | 20 }] }, frames(40).map((f, i) => ({ ...f, interfaceId: i % 3 }))) });
  }
  out.push({ name: 'sll2-vxlan', bytes: encodeCapture({ format: 'pcap', linkType: 276 }, frames(30, false).map((f) => ({ ...f, data: sll2(f.data) }))) });
  out.push({ name: 'span-1e8', bytes: encodeCapture({ format: 'pcap', precision: 'ns' }, frames(30, true, true)) });
  // Giant snaplen in the header; a record claiming 0xfffffff0 captured bytes.
  const giant = encodeCapture({ format: 'pcap', snapLen: 0xffffffff }, frames(5));
  new DataView(giant.buffer, giant.byteOffset).setUint32(24 + 8, 0xfffffff0, true);
  out.push({ name: 'giant-caplen', bytes: giant });
  for (const le of [true, false]) {
    const t = (s: number) => BigInt(s) * 1_000_000n;
    const ok = epb(le, 0, t(1_763_000_000), vxlanFrame(1, true));
    // A block whose length field says almost 4 GiB.
    out.push({ name: `pcapng-absurd-block-${le}`, bytes: cat(shb(le), idb(le), ok, block(6, new Uint8Array(40), le, 0xfffffff0), ok) });
    // 20,000 empty options with no end-of-options, then one running past the block.
    const opts = new Uint8Array(20_000 * 4 + 4);
    const ov = new DataView(opts.buffer);
    for (let i = 0; i < 20_000; i++) ov.setUint16(i * 4, 0x7fff, le);
    ov.setUint16(80_000, 2, le);
    ov.setUint16(80_002, 0xfff0, le);
    out.push({ name: `pcapng-option-run-${le}`, bytes: cat(shb(le), idb(le, opts), ok, ok) });
    // 3,000 interfaces, one packet on each, and one on an interface never described.
    const idbs = Array.from({ length: 3000 }, () => idb(le));
    const pkts = Array.from({ length: 3000 }, (_, i) => epb(le, i, t(1_763_000_000 + i), vxlanFrame(i, true)));
    out.push({ name: `pcapng-3000-interfaces-${le}`, bytes: cat(shb(le), ...idbs, ...pkts, epb(le, 999_999, t(1), vxlanFrame(0, true))) });
    // Timestamps 10^8 s apart, and the largest a 64-bit microsecond field holds.
    out.push({ name: `pcapng-far-times-${le}`, bytes: cat(shb(le), idb(le), ok, epb(le, 0, t(1_863_000_000), vxlanFrame(2, true)), epb(le, 0, 0xffffffffffffffffn, vxlanFrame(3, true))) });
    // A captured length larger than the block.
    out.push({ name: `pcapng-caplen-past-block-${le}`, bytes: cat(shb(le), idb(le), epb(le, 0, t(1_763_000_000), vxlanFrame(1, true), 0x7fffffff)) });
  }
  return out;
}

describe('fuzzing the pcap CLI (child processes) with hostile and mutated captures', () => {
  it('exits 0/1/2, one error line per failed file, no stack trace, bounded memory, no result without frames', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pp-pcapfuzz-'));
    const started = Date.now();
    const rnd = mulberry32(CLI_SEED);
    const seeds = cliSeeds();
    const failures: string[] = [];
    let ran = 0;
    const exits: Record<string, number> = {};
    let maxRss = 0;
    try {
      const reference = join(dir, 'reference.pcap');
      writeFileSync(reference, seeds[0]!.bytes);
      // The time budget bounds the random mutations only: every hostile seed runs, however slow the machine.
      for (let s = 0; s < CLI_SAMPLES && (s < seeds.length || Date.now() - started < CLI_TIME_BUDGET_MS); s++) {
        // The hostile shapes first, as they are; then random mutations of any seed.
        const seed = seeds[s % seeds.length]!;
        const bytes = s < seeds.length ? seed.bytes : mutate(seed.bytes, rnd);
        const name = `${s < seeds.length ? '' : 'mutated-'}${seed.name}`;
        const file = join(dir, `${s}-${name}.pcap`);
        writeFileSync(file, bytes);
        const json = rnd() < 0.5 ? ['--json'] : [];
        // The far-apart timestamps go through diff against themselves (its rate meters once took
        // 3.9 GB for them); every third sample is a diff against a clean reference, either way round.
        const span = seed.name === 'span-1e8';
        const diff = span || s % 3 === 2;
        const pair = span ? [file, file] : rnd() < 0.5 ? [file, reference] : [reference, file];
        const args = diff ? ['pcap', 'diff', ...json, ...pair] : ['pcap', 'analyze', ...json, file];
        const r = await runPodpath(args, { timeoutMs: 60_000 });
        ran++;
        exits[String(r.code)] = (exits[String(r.code)] ?? 0) + 1;
        maxRss = Math.max(maxRss, r.peakMiB ?? 0);
        const what = `seed ${CLI_SEED} sample ${s} (${name}): podpath ${args.join(' ')}`;
        const problem = (p: string) => failures.push(`${what}: ${p}\n  exit ${r.code} ${r.signal ?? ''}; stderr: ${r.stderr.slice(0, 400)}`);
        if (r.code === null || ![0, 1, 2].includes(r.code)) problem('exit code');
        if (/^\s+at /m.test(r.stderr) || /^\s+at /m.test(r.stdout)) problem('stack trace');
        const errLines = r.stderr.split('\n').filter((l) => l !== '');
        if (errLines.length > 1 || errLines.some((l) => !/^podpath: E_[A-Z0-9_]+: /.test(l))) problem('stderr is not one `podpath: E_...` line');
        if ((r.code === 2) !== (errLines.length > 0)) problem('exit 2 without an error line, or an error line without exit 2');
        if (r.peakMiB === undefined || r.peakMiB > CLI_RSS_BOUND_MIB) problem(`peak RSS ${r.peakMiB?.toFixed(0)} MiB`);
        if (r.code === 2 && r.stdout !== '') {
          // A result beside an error must be a partial one, marked as cut.
          if (json.length) {
            const doc = JSON.parse(r.stdout) as { files?: { read: { frames: number; error?: unknown } }[]; result?: { sender: { frames: number; error?: unknown }; receiver: { frames: number; error?: unknown } } };
            const sides = doc.files?.map((f) => ({ frames: f.read.frames, error: f.read.error })) ?? [doc.result!.sender, doc.result!.receiver];
            if (!sides.some((x) => x.error !== undefined) || sides.some((x) => x.error !== undefined && x.frames === 0)) problem('a result printed for a capture with no frame read');
          } else if (!/cut short at byte \d+/.test(r.stdout)) problem('a result printed beside the error, not marked as cut');
        }
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    console.log(`pcap CLI fuzz (seed ${CLI_SEED}): ${ran} runs, exits ${JSON.stringify(exits)}, peak RSS up to ${maxRss.toFixed(0)} MiB`);
    if (failures.length) console.log(`pcap CLI fuzz failed; replay with PODPATH_FUZZ_SEED=${CLI_SEED}`);
    expect(failures).toEqual([]);
    expect(ran).toBeGreaterThanOrEqual(seeds.length);
  }, 240_000);
});
