// DNS queries over UDP and TCP, as seed 001's `dig` to the cluster DNS: a hand-made query packet
// (a dozen lines; no library needed) and the answer's rcode and count.
import dgram from 'node:dgram';
import net from 'node:net';
import { randomInt } from 'node:crypto';
import { round } from './udp-echo.js';
import type { DnsResult } from '../evidence/probe-run.js';
export type { DnsResult };

export function encodeQuery(id: number, name: string, qtype = 1): Buffer {
  const labels = name.replace(/\.$/, '').split('.').filter(Boolean);
  const parts = [Buffer.from([id >> 8, id & 0xff, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0])];
  for (const l of labels) parts.push(Buffer.from([l.length]), Buffer.from(l, 'ascii'));
  parts.push(Buffer.from([0, qtype >> 8, qtype & 0xff, 0, 1]));
  return Buffer.concat(parts);
}

export function decodeAnswerHeader(buf: Buffer): { id: number; rcode: number; answers: number } | undefined {
  if (buf.length < 12) return undefined;
  return { id: buf.readUInt16BE(0), rcode: buf[3]! & 0x0f, answers: buf.readUInt16BE(6) };
}

export async function dnsQuery(opts: { server: string; port?: number; name: string; transport: 'udp' | 'tcp'; timeoutMs?: number }): Promise<DnsResult> {
  const id = randomInt(0, 0xffff);
  const query = encodeQuery(id, opts.name);
  const base = { kind: 'dns' as const, server: `${opts.server}:${opts.port ?? 53}`, name: opts.name, transport: opts.transport };
  const start = performance.now();
  try {
    const answer = opts.transport === 'udp'
      ? await udpExchange(opts.server, opts.port ?? 53, query, opts.timeoutMs ?? 2000)
      : await tcpExchange(opts.server, opts.port ?? 53, query, opts.timeoutMs ?? 2000);
    const h = decodeAnswerHeader(answer);
    if (!h || h.id !== id) return { ...base, ok: false, error: 'malformed answer' };
    return { ...base, ok: h.rcode === 0, rcode: h.rcode, answers: h.answers, ms: round(performance.now() - start) };
  } catch (e) {
    return { ...base, ok: false, error: (e as Error).message };
  }
}

function udpExchange(host: string, port: number, query: Buffer, timeoutMs: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const s = dgram.createSocket(host.includes(':') ? 'udp6' : 'udp4');
    const timer = setTimeout(() => { s.close(); reject(new Error('TIMEOUT')); }, timeoutMs);
    s.on('message', (m) => { clearTimeout(timer); s.close(); resolve(m); });
    s.on('error', (e) => { clearTimeout(timer); s.close(); reject(e); });
    s.send(query, port, host);
  });
}

function tcpExchange(host: string, port: number, query: Buffer, timeoutMs: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const s = net.connect({ host, port });
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => { s.destroy(); reject(new Error('TIMEOUT')); }, timeoutMs);
    s.on('connect', () => {
      const len = Buffer.alloc(2);
      len.writeUInt16BE(query.length);
      s.write(Buffer.concat([len, query]));
    });
    s.on('data', (d) => {
      chunks.push(d);
      const all = Buffer.concat(chunks);
      if (all.length >= 2 && all.length >= 2 + all.readUInt16BE(0)) {
        clearTimeout(timer);
        s.destroy();
        resolve(all.subarray(2, 2 + all.readUInt16BE(0)));
      }
    });
    s.on('error', (e: NodeJS.ErrnoException) => { clearTimeout(timer); reject(new Error(e.code ?? e.message)); });
  });
}
