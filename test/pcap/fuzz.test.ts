// Mutates real captures at random (seeded, so a failure replays) and checks that the reader and
// the decoders never throw, always finish, and either deliver frames or name the problem.
import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { join, resolve } from 'node:path';
import { readCapture } from '../../src/pcap/reader/index.js';
import { decodeFrame } from '../../src/pcap/decode/index.js';

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
