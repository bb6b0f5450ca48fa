import { describe, expect, it } from 'vitest';
import { Readable } from 'node:stream';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readCapture } from './index.js';
import type { RawFrame, ReadSummary } from '../types.js';

const FIXTURES = join(import.meta.dirname, '../../../test/fixtures/pcap');

// --- tiny builders for hand-made edge cases ------------------------------------------------
function u16(v: number, le: boolean): number[] {
  return le ? [v & 0xff, v >>> 8] : [v >>> 8, v & 0xff];
}
function u32(v: number, le: boolean): number[] {
  const b = [(v >>> 24) & 0xff, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff];
  return le ? b.reverse() : b;
}
function pcapHeader(o: { le?: boolean; magic?: number; snaplen?: number; linkType?: number } = {}): number[] {
  const le = o.le ?? true;
  return [...u32(o.magic ?? 0xa1b2c3d4, le), ...u16(2, le), ...u16(4, le), ...u32(0, le), ...u32(0, le), ...u32(o.snaplen ?? 65535, le), ...u32(o.linkType ?? 1, le)];
}
function pcapRecord(data: number[], o: { le?: boolean; sec?: number; frac?: number; caplen?: number; len?: number } = {}): number[] {
  const le = o.le ?? true;
  return [...u32(o.sec ?? 1, le), ...u32(o.frac ?? 0, le), ...u32(o.caplen ?? data.length, le), ...u32(o.len ?? data.length, le), ...data];
}
function block(type: number, body: number[], le = true, o: { total?: number; trailer?: number } = {}): number[] {
  const padded = [...body, ...new Array((4 - (body.length % 4)) % 4).fill(0)];
  const total = padded.length + 12;
  return [...u32(type, le), ...u32(o.total ?? total, le), ...padded, ...u32(o.trailer ?? o.total ?? total, le)];
}
function shb(le = true): number[] {
  return block(0x0a0d0d0a, [...u32(0x1a2b3c4d, le), ...u16(1, le), ...u16(0, le), ...u32(0xffffffff, le), ...u32(0xffffffff, le)], le);
}
function idb(linkType: number, le = true, tsresol?: number, snaplen = 0): number[] {
  const opts = tsresol === undefined ? [] : [...u16(9, le), ...u16(1, le), tsresol, 0, 0, 0, ...u16(0, le), ...u16(0, le)];
  return block(1, [...u16(linkType, le), ...u16(0, le), ...u32(snaplen, le), ...opts], le);
}
function epb(ifId: number, data: number[], le = true, ts: [number, number] = [0, 0], caplen = data.length): number[] {
  return block(6, [...u32(ifId, le), ...u32(ts[0], le), ...u32(ts[1], le), ...u32(caplen, le), ...u32(data.length, le), ...data], le);
}

interface Collected {
  frames: (Omit<RawFrame, 'data'> & { bytes: number[] })[];
  summary: ReadSummary;
}
async function collect(input: Uint8Array | number[] | string | NodeJS.ReadableStream): Promise<Collected> {
  const frames: Collected['frames'] = [];
  const src = Array.isArray(input) || input instanceof Uint8Array ? Readable.from([Buffer.from(input)]) : input;
  const summary = await readCapture(src, (f) => {
    const { data, ...rest } = f;
    frames.push({ ...rest, bytes: [...data] });
  });
  return { frames, summary };
}

describe('readCapture: classic pcap', () => {
  it('reads both byte orders with microsecond and nanosecond magics', async () => {
    for (const le of [true, false]) {
      const usec = await collect([...pcapHeader({ le }), ...pcapRecord([1, 2, 3], { le, sec: 10, frac: 250 })]);
      expect(usec.summary).toEqual({ format: 'pcap', frames: 1, bytesRead: 43, linkTypes: [1] });
      expect(usec.frames[0]).toMatchObject({ frameNumber: 1, tsSec: 10, tsNsec: 250_000, capLen: 3, origLen: 3, fileOffset: 24, bytes: [1, 2, 3] });
      const nsec = await collect([...pcapHeader({ le, magic: 0xa1b23c4d }), ...pcapRecord([9], { le, sec: 5, frac: 123456789 })]);
      expect(nsec.frames[0]).toMatchObject({ tsSec: 5, tsNsec: 123456789 });
    }
  });

  it('masks the link-type field as LT_LINKTYPE does (FCS length bits above bit 26)', async () => {
    const { summary, frames } = await collect([...pcapHeader({ linkType: 0x14000000 | 1 }), ...pcapRecord([0])]);
    expect(summary.linkTypes).toEqual([1]);
    expect(frames[0].linkType).toBe(1);
  });

  it('carries records across arbitrary chunk boundaries', async () => {
    const bytes = [...pcapHeader(), ...Array.from({ length: 50 }, (_, i) => pcapRecord(Array.from({ length: i + 1 }, () => i))).flat()];
    const chunks = [];
    for (let i = 0; i < bytes.length; i += 7) chunks.push(Buffer.from(bytes.slice(i, i + 7)));
    const { frames, summary } = await collect(Readable.from(chunks));
    expect(summary.error).toBeUndefined();
    expect(frames.length).toBe(50);
    expect(frames[49].bytes).toEqual(new Array(50).fill(49));
  });

  it('keeps the first snaplen bytes of a record longer than the snaplen but within the maximum', async () => {
    const { frames } = await collect([...pcapHeader({ snaplen: 4 }), ...pcapRecord([1, 2, 3, 4, 5, 6]), ...pcapRecord([7])]);
    expect(frames.map((f) => f.bytes)).toEqual([[1, 2, 3, 4], [7]]);
  });

  it('refuses a captured length beyond libpcap maximum, keeping the frames before it', async () => {
    const { frames, summary } = await collect([...pcapHeader(), ...pcapRecord([1]), ...pcapRecord([], { caplen: 300_000 })]);
    expect(frames.length).toBe(1);
    expect(summary.error).toMatchObject({ code: 'E_PCAP_BAD_LENGTH', offset: 24 + 17 });
  });

  it('reports truncation inside a record header and inside the data', async () => {
    const good = [...pcapHeader(), ...pcapRecord([1, 2])];
    expect((await collect([...good, 1, 2, 3])).summary.error).toMatchObject({ code: 'E_PCAP_TRUNCATED', offset: good.length });
    const cut = await collect([...good, ...pcapRecord([1, 2, 3, 4]).slice(0, 18)]);
    expect(cut.frames.length).toBe(1);
    expect(cut.summary.error).toMatchObject({ code: 'E_PCAP_TRUNCATED', offset: good.length });
    expect((await collect(pcapHeader().slice(0, 10))).summary.error?.code).toBe('E_PCAP_TRUNCATED');
  });

  it('names empty input, unknown magic and a missing file', async () => {
    expect((await collect([])).summary.error).toMatchObject({ code: 'E_PCAP_EMPTY', offset: 0 });
    expect((await collect([...'GET / HTTP/1.1\r\n\r\n'].map((c) => c.charCodeAt(0)))).summary.error?.code).toBe('E_PCAP_BAD_MAGIC');
    expect((await collect('/nonexistent/podpath.pcap')).summary.error).toMatchObject({ code: 'E_INPUT', message: expect.stringContaining('ENOENT') });
    expect((await collect(FIXTURES)).summary.error).toMatchObject({ code: 'E_INPUT', message: expect.stringContaining('EISDIR') });
  });

  it('reads a real LINUX_SLL2 capture made by tcpdump -i any with every frame tcpdump reads', async () => {
    const { frames, summary } = await collect(join(FIXTURES, 'sll2-any.pcap'));
    expect(summary).toMatchObject({ format: 'pcap', linkTypes: [276] });
    expect(summary.error).toBeUndefined();
    expect(frames.length).toBe(44); // tcpdump --count -r sll2-any.pcap
    expect(frames.every((f) => f.linkType === 276 && f.capLen === f.bytes.length)).toBe(true);
  });

  it('works on a file through a small read size (records cross reads)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pp-reader-'));
    try {
      const recs = Array.from({ length: 3000 }, (_, i) => pcapRecord(new Array(100 + (i % 17)).fill(i & 0xff))).flat();
      const path = join(dir, 'x.pcap');
      writeFileSync(path, Buffer.from([...pcapHeader(), ...recs]));
      let n = 0;
      let ok = true;
      const summary = await readCapture(
        path,
        (f) => {
          n++;
          ok &&= f.data.length === 100 + ((f.frameNumber - 1) % 17) && f.data[0] === ((f.frameNumber - 1) & 0xff);
        },
        { chunkSize: 64 * 1024 },
      );
      expect(summary.error).toBeUndefined();
      expect(n).toBe(3000);
      expect(ok).toBe(true);
      expect(summary.bytesRead).toBe(24 + recs.length);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reads records far larger than a read from a file (D-Bus link type allows 128 MiB), small ones between', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pp-reader-'));
    try {
      const sizes = [10, 700_000, 33, 3_000_000, 262_200, 1, 5_000_000, 70_000, 64];
      const parts = [Buffer.from(pcapHeader({ linkType: 231, snaplen: 0 }))];
      for (const [i, n] of sizes.entries()) {
        const data = Buffer.alloc(n, (i * 37 + 5) & 0xff);
        if (n >= 8) data.writeUInt32BE(n, 0); // a distinct head, where it fits
        parts.push(Buffer.from(u32(i, true).concat(u32(0, true), u32(n, true), u32(n, true))), data);
      }
      const path = join(dir, 'big.pcap');
      writeFileSync(path, Buffer.concat(parts));
      for (const chunkSize of [64 * 1024, undefined]) {
        const seen: number[] = [];
        let ok = true;
        const summary = await readCapture(
          path,
          (f) => {
            const i = f.frameNumber - 1;
            seen.push(f.data.length);
            ok &&= f.tsSec === i && f.data[f.data.length - 1] === ((i * 37 + 5) & 0xff) && (f.data.length < 8 || Buffer.from(f.data).readUInt32BE(0) === f.data.length);
          },
          { chunkSize },
        );
        expect(summary.error).toBeUndefined();
        expect(seen).toEqual(sizes);
        expect(ok).toBe(true);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('keeps exact offsets beyond 4 GiB (no 32-bit arithmetic)', async () => {
    // 4.3 GB of synthetic 64 KiB records, streamed from one reused 1 MiB chunk.
    const recLen = 65536;
    const chunk = Buffer.alloc(1 << 20);
    for (let p = 0; p < chunk.length; p += recLen) chunk.set(pcapRecord([], { caplen: recLen - 16, len: recLen - 16 }), p);
    const chunks = 4100;
    async function* gen() {
      yield Buffer.from(pcapHeader({ snaplen: 262144 }));
      for (let i = 0; i < chunks; i++) yield chunk;
    }
    let last = 0;
    let frames = 0;
    const summary = await readCapture(Readable.from(gen()), (f) => {
      frames++;
      last = f.fileOffset;
    });
    expect(summary.error).toBeUndefined();
    expect(frames).toBe(chunks * 16);
    expect(last).toBe(24 + (chunks * 16 - 1) * recLen);
    expect(last).toBeGreaterThan(2 ** 32);
  });
});

describe('readCapture: pcapng', () => {
  it('reads sections of both byte orders, each with its own interfaces and timestamp resolution', async () => {
    const pkt = [0xde, 0xad, 0xbe, 0xef, 0x01];
    const bytes = [
      ...shb(true),
      ...idb(1, true),
      ...idb(101, true, 9),
      ...epb(1, pkt, true, [0, 1_500_000_123]),
      ...block(0x0bad, [1, 2, 3, 4]), // unknown block: skipped
      ...epb(0, [7], true, [0, 2_000_001]),
      ...shb(false),
      ...idb(276, false, 0x80 | 10, 2),
      ...epb(0, [1, 2, 3, 4], false, [0, 3 * 1024 + 512]),
      ...block(3, [...u32(3, false), 9, 9, 9], false), // SPB
      ...block(2, [...u16(0, false), ...u16(0, false), ...u32(0, false), ...u32(0, false), ...u32(1, false), ...u32(1, false), 5], false), // obsolete PB
    ];
    const { frames, summary } = await collect(bytes);
    expect(summary.error).toBeUndefined();
    expect(summary).toMatchObject({ format: 'pcapng', frames: 5, linkTypes: [1, 101, 276] });
    expect(frames.map((f) => [f.interfaceId, f.linkType, f.tsSec, f.tsNsec, f.bytes])).toEqual([
      [1, 101, 1, 500_000_123, pkt],
      [0, 1, 2, 1000, [7]],
      [0, 276, 3, 500_000_000, [1, 2]], // snaplen 2 keeps two bytes
      [0, 276, 0, 0, [9, 9]],
      [0, 276, 0, 0, [5]],
    ]);
  });

  it('converts 64-bit nanosecond timestamps exactly', async () => {
    // 1_700_000_000.123456789 s in ns = 0x1797_4b6b_1c89_7315 (checked with BigInt below).
    const ns = 1_700_000_000_123_456_789n;
    const hi = Number(ns >> 32n);
    const lo = Number(ns & 0xffffffffn);
    const { frames } = await collect([...shb(), ...idb(1, true, 9), ...epb(0, [1], true, [hi, lo])]);
    expect([frames[0].tsSec, frames[0].tsNsec]).toEqual([1_700_000_000, 123_456_789]);
  });

  it('adds the interface if_tsoffset (signed seconds) to its timestamps', async () => {
    const le = true;
    const opts = [...u16(14, le), ...u16(8, le), ...u32(0xfffffff6, le), ...u32(0xffffffff, le), ...u16(0, le), ...u16(0, le)]; // -10 s
    const idbWithOffset = block(1, [...u16(1, le), ...u16(0, le), ...u32(0, le), ...opts], le);
    const { frames } = await collect([...shb(), ...idbWithOffset, ...epb(0, [1], le, [0, 100_000_250])]);
    expect([frames[0].tsSec, frames[0].tsNsec]).toEqual([90, 250_000]);
  });

  it('refuses lying block lengths with E_PCAP_BAD_BLOCK after the good frames', async () => {
    const good = [...shb(), ...idb(1), ...epb(0, [1, 2, 3, 4])];
    const cases: [string, number[]][] = [
      ['length < 12', [...u32(6, true), ...u32(8, true), 0, 0, 0, 0]],
      ['not a multiple of 4', block(6, new Array(24).fill(0), true, { total: 38 })],
      ['trailer mismatch', block(0x99, [0, 0, 0, 0], true, { trailer: 20 })],
      ['too large', [...u32(6, true), ...u32(0x7ffffff0, true), 0, 0, 0, 0]],
    ];
    for (const [what, bad] of cases) {
      const { frames, summary } = await collect([...good, ...bad]);
      expect(frames.length, what).toBe(1);
      expect(summary.error, what).toMatchObject({ code: 'E_PCAP_BAD_BLOCK', offset: good.length });
    }
  });

  it('names a packet for an undescribed interface, a captured length beyond its block, and truncation', async () => {
    const base = [...shb(), ...idb(1)];
    expect((await collect([...base, ...epb(3, [1])])).summary.error?.code).toBe('E_PCAP_NO_INTERFACE');
    expect((await collect([...shb(), ...epb(0, [1])])).summary.error?.code).toBe('E_PCAP_NO_INTERFACE');
    expect((await collect([...base, ...epb(0, [1, 2, 3, 4], true, [0, 0], 200)])).summary.error?.code).toBe('E_PCAP_BAD_LENGTH');
    expect((await collect([...base, ...epb(0, [1, 2, 3, 4]).slice(0, 30)])).summary.error?.code).toBe('E_PCAP_TRUNCATED');
    expect((await collect([...shb().slice(0, 8), ...u32(0x12345678, true)])).summary.error?.code).toBe('E_PCAP_BAD_MAGIC');
  });

  it('reads a real dumpcap capture with two interfaces of different link types (libpcap 1.10 refuses it)', async () => {
    const { frames, summary } = await collect(join(FIXTURES, 'multi-linktype.pcapng'));
    expect(summary.error).toBeUndefined();
    expect(summary.linkTypes).toEqual([113, 1]);
    expect(frames.length).toBe(60); // capinfos: 40 Linux cooked + 20 Ethernet
    expect(frames.filter((f) => f.linkType === 1).length).toBe(20);
  });
});

describe('readCapture: control', () => {
  it('stops with E_ABORTED when the signal is aborted', async () => {
    const ac = new AbortController();
    ac.abort();
    const summary = await readCapture(join(FIXTURES, 'vxlan.pcap'), () => undefined, { signal: ac.signal });
    expect(summary.error?.code).toBe('E_ABORTED');
  });

  it('passes an exception thrown by the callback to the caller', async () => {
    await expect(
      readCapture(join(FIXTURES, 'vxlan.pcap'), () => {
        throw new Error('consumer bug');
      }),
    ).rejects.toThrow('consumer bug');
  });
});
