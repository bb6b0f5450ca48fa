// Real traffic inside lab namespaces: UDP datagrams (bash /dev/udp, one socket each), TCP
// connects, ping; counters from /proc/net/snmp; a receiver-side tcpdump capture.
import { spawn, type ChildProcess } from 'node:child_process';
import { PodpathError } from '../util/errors.js';
import { run, runRaw } from './run.js';

/** /proc/net/snmp of a namespace as { 'Udp:InCsumErrors': n, ... }. */
export function parseSnmp(text: string): Record<string, number> {
  const out: Record<string, number> = {};
  const lines = text.split('\n').filter((l) => l.trim());
  for (let i = 0; i + 1 < lines.length; i += 2) {
    const head = lines[i]!.trim().split(/\s+/);
    const vals = lines[i + 1]!.trim().split(/\s+/);
    const proto = head[0]!;
    for (let j = 1; j < head.length; j++) out[`${proto}${head[j]}`] = Number(vals[j]);
  }
  return out;
}

export async function readSnmp(ns: string): Promise<Record<string, number>> {
  return parseSnmp(await run({ ns, argv: ['cat', '/proc/net/snmp'] }));
}

/** /proc/net/netstat (TcpExt:, IpExt:) parses the same way. */
export async function readNetstat(ns: string): Promise<Record<string, number>> {
  return parseSnmp(await run({ ns, argv: ['cat', '/proc/net/netstat'] }));
}

/** Sends `count` UDP datagrams of `size` bytes payload, each from a new socket. */
export async function sendUdp(ns: string, ip: string, port: number, size: number, count = 1): Promise<void> {
  const script = `p=$(head -c ${size} /dev/zero | tr '\\0' x); for i in $(seq ${count}); do printf %s "$p" >/dev/udp/${ip}/${port} 2>/dev/null; done; true`;
  await run({ ns, argv: ['bash', '-c', script] });
}

/** Datagrams that reached the UDP layer of a namespace (delivered to a socket or answered NoPorts). */
export function udpArrivals(s: Record<string, number>): number {
  return (s['Udp:InDatagrams'] ?? 0) + (s['Udp:NoPorts'] ?? 0);
}

/** One ping with a payload size and DF set; true when the echo reply came back. */
export async function ping(ns: string, ip: string, opts: { size?: number; timeoutS?: number; count?: number } = {}): Promise<boolean> {
  const r = await runRaw({ ns, argv: ['ping', '-n', '-q', '-c', String(opts.count ?? 1), '-W', String(opts.timeoutS ?? 1), '-M', 'do', '-s', String(opts.size ?? 56), ip] });
  return r.code === 0;
}

/** TCP connect from `ns` to ip:port; true when the handshake completed within timeoutMs. */
export async function tcpConnect(ns: string, ip: string, port: number, timeoutMs = 3000): Promise<boolean> {
  const r = await runRaw({ ns, argv: ['timeout', String(timeoutMs / 1000), 'bash', '-c', `exec 3<>/dev/tcp/${ip}/${port}`] });
  return r.code === 0;
}

/** A TCP listener in a namespace (node's net server: accepts and closes). Stop it with .kill(). */
export async function startTcpListener(ns: string, port: number): Promise<ChildProcess> {
  // errors on accepted sockets (a client that resets) must not end the listener
  const js = `require('net').createServer((s)=>{s.on('error',()=>{});s.end('ok\\n')}).listen(${port},'0.0.0.0',()=>console.log('ready'))`;
  return startReady(['ip', 'netns', 'exec', ns, process.execPath, '-e', js], /ready/, 'stdout');
}

/** tcpdump writing a pcap in a namespace; resolves once it listens. Stop with stopCapture. */
export function startCapture(ns: string, dev: string, file: string, filter: string[]): Promise<ChildProcess> {
  return startReady(['ip', 'netns', 'exec', ns, 'tcpdump', '-i', dev, '--immediate-mode', '-U', '-nn', '-w', file, ...filter], /listening on/, 'stderr');
}

export function stopProcess(child: ChildProcess, signal: NodeJS.Signals = 'SIGINT'): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
    child.once('close', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill(signal);
  });
}

function startReady(argv: string[], ready: RegExp, stream: 'stdout' | 'stderr'): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(argv[0]!, argv.slice(1), { stdio: ['ignore', 'pipe', 'pipe'] });
    let seen = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new PodpathError('E_LAB_TRAFFIC', `${argv.join(' ')} did not start: ${seen.trim()}`));
    }, 10_000);
    child[stream].setEncoding('utf8').on('data', (d: string) => {
      seen += d;
      if (ready.test(seen)) {
        clearTimeout(timer);
        resolve(child);
      }
    });
    const other = stream === 'stdout' ? child.stderr : child.stdout;
    other.resume();
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(new PodpathError('E_LAB_TOOL', `${argv[0]}: ${e.message}`));
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      reject(new PodpathError('E_LAB_TRAFFIC', `${argv.join(' ')} exited (${code}): ${seen.trim()}`));
    });
  });
}

export interface OuterUdpVerdicts {
  packets: number;
  ok: number;
  zero: number;
  bad: number;
  /** the wrong values seen on the wire, with what they should have been */
  badValues: string[];
  sourcePorts: number[];
}

/**
 * Classifies the outer UDP checksum of each captured VXLAN packet from `tcpdump -r FILE -nn -vv`
 * text: `[udp sum ok]`, `[no cksum]`, `[bad udp cksum 0xffff -> 0x3af0!]`; with `from`, only the packets
 * from that source address.
 */
export function classifyOuterChecksums(text: string, port: number, from?: string): OuterUdpVerdicts {
  const v: OuterUdpVerdicts = { packets: 0, ok: 0, zero: 0, bad: 0, badValues: [], sourcePorts: [] };
  const src = from === undefined ? '[\\d.]+' : from.replace(/\./g, '\\.');
  const re = new RegExp(`^\\s*${src}\\.(\\d+) > [\\d.]+\\.${port}: (\\[[^\\]]*\\])?`, 'gm');
  for (const m of text.matchAll(re)) {
    v.packets++;
    v.sourcePorts.push(Number(m[1]));
    const tag = m[2] ?? '';
    if (tag.includes('udp sum ok')) v.ok++;
    else if (tag.includes('no cksum')) v.zero++;
    else if (tag.includes('bad udp cksum')) {
      v.bad++;
      v.badValues.push(tag.replace(/^\[bad udp cksum |!?\]$/g, ''));
    }
  }
  return v;
}

/** Sends one datagram and tells whether it reached the UDP layer of `toNs`. */
export async function udpReaches(fromNs: string, toNs: string, ip: string, port: number, size: number, waitMs = 200): Promise<boolean> {
  const before = udpArrivals(await readSnmp(toNs));
  await sendUdp(fromNs, ip, port, size, 1);
  await new Promise((r) => setTimeout(r, waitMs));
  return udpArrivals(await readSnmp(toNs)) > before;
}
