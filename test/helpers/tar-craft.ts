// Builds tar archives byte by byte, so a test can make what no well-behaved tar writer would:
// setuid files, 0777 directories, device nodes, FIFOs, hard links to /etc/shadow, sizes that lie,
// giant pax headers, names with control characters, 1,100 nested directories.
import { execFileSync } from 'node:child_process';
import { lstatSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';

export interface RawEntry {
  name: string;
  /** '0' file, '1' hard link, '2' symlink, '3' char device, '4' block device, '5' directory, '6' FIFO, 'x'/'g' pax, 'L' GNU long name. */
  type?: string;
  mode?: number;
  uid?: number;
  gid?: number;
  /** Declared size; defaults to the data's length. */
  size?: number;
  linkname?: string;
  data?: Buffer | string;
  devmajor?: number;
  devminor?: number;
  /** Leave the checksum wrong. */
  badChecksum?: boolean;
}

function octal(n: number, width: number): string {
  return n.toString(8).padStart(width - 1, '0') + '\0';
}

/** One 512-byte ustar header. Names longer than 100 bytes go in the prefix field when they can. */
export function tarHeader(e: RawEntry): Buffer {
  const h = Buffer.alloc(512);
  let name = Buffer.from(e.name);
  let prefix = Buffer.alloc(0);
  if (name.length > 100) {
    const cut = e.name.lastIndexOf('/', 155);
    if (cut > 0 && Buffer.byteLength(e.name.slice(cut + 1)) <= 100) {
      prefix = Buffer.from(e.name.slice(0, cut));
      name = Buffer.from(e.name.slice(cut + 1));
    }
  }
  name.copy(h, 0, 0, Math.min(100, name.length));
  const data = e.data === undefined ? Buffer.alloc(0) : Buffer.from(e.data);
  const size = e.size ?? data.length;
  h.write(octal(e.mode ?? 0o644, 8), 100, 'latin1');
  h.write(octal(e.uid ?? 0, 8), 108, 'latin1');
  h.write(octal(e.gid ?? 0, 8), 116, 'latin1');
  if (size < 8 ** 11) h.write(octal(size, 12), 124, 'latin1');
  else {
    // base-256 for sizes of 8 GiB and more, as GNU tar writes them
    h[124] = 0x80;
    let v = BigInt(size);
    for (let i = 135; i > 124; i--) {
      h[i] = Number(v & 0xffn);
      v >>= 8n;
    }
  }
  h.write(octal(1_700_000_000, 12), 136, 'latin1');
  h.write(e.type ?? '0', 156, 'latin1');
  if (e.linkname) Buffer.from(e.linkname).copy(h, 157, 0, 100);
  h.write('ustar\u000000', 257, 'latin1');
  h.write('root', 265, 'latin1');
  h.write('root', 297, 'latin1');
  h.write(octal(e.devmajor ?? 0, 8), 329, 'latin1');
  h.write(octal(e.devminor ?? 0, 8), 337, 'latin1');
  prefix.copy(h, 345, 0, Math.min(155, prefix.length));
  h.fill(0x20, 148, 156);
  let sum = 0;
  for (const b of h) sum += b;
  if (e.badChecksum) sum += 1;
  h.write(octal(sum, 7) + ' ', 148, 'latin1');
  return h;
}

function pad(n: number): Buffer {
  return Buffer.alloc((512 - (n % 512)) % 512);
}

function fitsUstar(name: string): boolean {
  if (Buffer.byteLength(name) <= 100) return true;
  const cut = name.lastIndexOf('/', 155);
  return cut > 0 && Buffer.byteLength(name.slice(cut + 1)) <= 100 && Buffer.byteLength(name.slice(0, cut)) <= 155;
}

/**
 * Header, data and padding of one entry (the data may be shorter than the declared size: a lie).
 * A name too long for ustar gets a pax header before it, as GNU tar and bsdtar write them.
 */
export function tarEntry(e: RawEntry): Buffer {
  const data = e.data === undefined ? Buffer.alloc(0) : Buffer.from(e.data);
  const pax = fitsUstar(e.name) ? [] : [paxEntry({ path: e.name })];
  return Buffer.concat([...pax, tarHeader(e), data, pad(data.length)]);
}

/** A pax extended header ('x') or global one ('g') holding these records. */
export function paxEntry(records: Record<string, string>, global = false): Buffer {
  const body = Object.entries(records)
    .map(([k, v]) => {
      const rest = ` ${k}=${v}\n`;
      let len = rest.length + 1;
      while (String(len).length + Buffer.byteLength(rest) !== len) len = String(len).length + Buffer.byteLength(rest);
      return `${len}${rest}`;
    })
    .join('');
  return tarEntry({ name: global ? 'pax_global_header' : 'PaxHeaders/x', type: global ? 'g' : 'x', data: body });
}

/** The two zero blocks that end an archive. */
export const TAR_END = Buffer.alloc(1024);

export function tarOf(entries: (RawEntry | Buffer)[], opts: { end?: boolean } = {}): Buffer {
  return Buffer.concat([...entries.map((e) => (Buffer.isBuffer(e) ? e : tarEntry(e))), ...(opts.end === false ? [] : [TAR_END])]);
}

export function gzip(b: Buffer): Buffer {
  return gzipSync(b);
}

export function xz(b: Buffer): Buffer {
  return execFileSync('xz', ['-0', '-c', '-T1'], { input: b, maxBuffer: 1 << 30 });
}

export function bzip2(b: Buffer): Buffer {
  // 100 kB blocks (as -1): a cut archive still has whole blocks before the cut.
  return execFileSync('bzip2', ['-1', '-c'], { input: b, maxBuffer: 1 << 30 });
}

/** The smallest bundle podpath recognises, with a real uname: a root directory holding sos_commands/. */
export function minimalBundle(top = 'sosreport-vm'): RawEntry[] {
  return [
    { name: `${top}/`, type: '5', mode: 0o755 },
    { name: `${top}/sos_commands/`, type: '5', mode: 0o755 },
    { name: `${top}/sos_commands/kernel/`, type: '5', mode: 0o755 },
    { name: `${top}/sos_commands/kernel/uname_-a`, data: 'Linux vm 6.1.0-18-amd64 #1 SMP PREEMPT_DYNAMIC Debian 6.1.76-1 (2024-02-01) x86_64 GNU/Linux\n' },
  ];
}

/**
 * A decompression bomb made in well under a second: the compressed form of 64 MiB of zeros is made
 * once and repeated (xz, bzip2 and gzip all read concatenated streams), behind tar headers that
 * declare `files` files of `perFile` bytes each. 16 x 1 GiB in .tar.xz is about 2.5 MB.
 */
export function bomb(comp: (b: Buffer) => Buffer, files: number, perFile: number, top = 'sosreport-vm'): Buffer {
  const block = 64 << 20;
  if (perFile % block !== 0) throw new Error('perFile must be a multiple of 64 MiB');
  const zeros = comp(Buffer.alloc(block));
  const parts: Buffer[] = [comp(tarOf(minimalBundle(top), { end: false }))];
  for (let f = 0; f < files; f++) {
    parts.push(comp(tarHeader({ name: `${top}/var/log/big${f}.log`, size: perFile })));
    for (let i = 0; i < perFile / block; i++) parts.push(zeros);
  }
  parts.push(comp(TAR_END));
  return Buffer.concat(parts);
}

/** A directory (a fixture bundle) as tar entries: directories, files and symlinks, under `top/`. */
export function dirEntries(dir: string, top: string): RawEntry[] {
  const out: RawEntry[] = [{ name: `${top}/`, type: '5', mode: 0o755 }];
  const walk = (abs: string, rel: string) => {
    for (const name of readdirSync(abs).sort()) {
      const a = path.join(abs, name);
      const r = `${rel}/${name}`;
      const st = lstatSync(a);
      if (st.isSymbolicLink()) out.push({ name: r, type: '2', linkname: readlinkSync(a) });
      else if (st.isDirectory()) {
        out.push({ name: `${r}/`, type: '5', mode: 0o755 });
        walk(a, r);
      } else out.push({ name: r, data: readFileSync(a) });
    }
  };
  walk(dir, top);
  return out;
}
