// TCP handshake timing to a port: what `curl` to a service showed the operators of seeds 001/004.
import net from 'node:net';
import { round } from './udp-echo.js';
import type { TcpConnectResult } from '../evidence/probe-run.js';
export type { TcpConnectResult };

export async function tcpConnect(opts: { host: string; port: number; attempts?: number; timeoutMs?: number; source?: string }): Promise<TcpConnectResult> {
  const attempts = opts.attempts ?? 3;
  const connectMs: number[] = [];
  const failures: Record<string, number> = {};
  for (let i = 0; i < attempts; i++) {
    const r = await connectOnce(opts.host, opts.port, opts.timeoutMs ?? 3000, opts.source);
    if (typeof r === 'number') connectMs.push(round(r));
    else failures[r] = (failures[r] ?? 0) + 1;
  }
  return { kind: 'tcp-connect', target: `${opts.host}:${opts.port}`, attempts, connected: connectMs.length, connectMs, failures };
}

function connectOnce(host: string, port: number, timeoutMs: number, source?: string): Promise<number | string> {
  return new Promise((resolve) => {
    const start = performance.now();
    const socket = net.connect({ host, port, localAddress: source });
    const done = (v: number | string) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(v);
    };
    const timer = setTimeout(() => done('TIMEOUT'), timeoutMs);
    socket.once('connect', () => done(performance.now() - start));
    socket.once('error', (e: NodeJS.ErrnoException) => done(e.code ?? 'ERROR'));
  });
}
