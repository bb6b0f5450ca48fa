// Keeps the API reachable for token holders while anyone can open connections to it: a cap per
// source address (IPv6: per /64, which one host usually has whole) and in all, and a deadline by
// which a connection must have sent an authorized request's headers; until then it is closed at
// the deadline whatever it does (slow headers, nothing at all, a TLS handshake never finished).
import type net from 'node:net';
import { isIPv6 } from 'node:net';

export interface ConnectionGuardOptions {
  perSource: number;
  total: number;
  /** Time from accept to an authorized request's headers. */
  authDeadlineMs: number;
  onRefused?: (source: string, why: 'per-source' | 'total') => void;
}

/** The address a connection counts against: IPv4 as is, IPv4-mapped IPv6 as IPv4, IPv6 by /64. */
export function sourceKey(address: string | undefined): string {
  if (!address) return '?';
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return mapped[1]!;
  if (!isIPv6(address)) return address;
  const [head, tail = ''] = address.split('::');
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const groups = address.includes('::') ? [...h, ...Array(8 - h.length - t.length).fill('0'), ...t] : h;
  return `${groups.slice(0, 4).map((g) => (g || '0').toLowerCase().replace(/^0+(?=.)/, '')).join(':')}::/64`;
}

export class ConnectionGuard {
  private readonly bySource = new Map<string, number>();
  private readonly deadlines = new Map<string, NodeJS.Timeout>();
  private total = 0;

  constructor(private readonly o: ConnectionGuardOptions) {}

  /** Call from the server's 'connection' event (the raw TCP socket, before any TLS). */
  admit(socket: net.Socket): void {
    const source = sourceKey(socket.remoteAddress);
    const n = this.bySource.get(source) ?? 0;
    if (n >= this.o.perSource || this.total >= this.o.total) {
      this.o.onRefused?.(source, n >= this.o.perSource ? 'per-source' : 'total');
      socket.destroy();
      return;
    }
    this.bySource.set(source, n + 1);
    this.total++;
    const id = connectionId(socket);
    const timer = setTimeout(() => socket.destroy(), this.o.authDeadlineMs);
    timer.unref();
    this.deadlines.set(id, timer);
    socket.once('close', () => {
      clearTimeout(timer);
      this.deadlines.delete(id);
      this.total--;
      const left = (this.bySource.get(source) ?? 1) - 1;
      if (left > 0) this.bySource.set(source, left);
      else this.bySource.delete(source);
    });
  }

  /** The connection sent an authorized request: it lives by the server's keep-alive rules from now on. */
  authorized(socket: net.Socket): void {
    const id = connectionId(socket);
    const timer = this.deadlines.get(id);
    if (timer) clearTimeout(timer);
    this.deadlines.delete(id);
  }

  get open(): number {
    return this.total;
  }
}

/** The same for the raw socket and the TLS socket on top of it: both see the same peer. */
function connectionId(socket: net.Socket): string {
  return `${socket.remoteAddress}|${socket.remotePort}`;
}
