// ICMP echo through the system's `ping` (iputils or busybox): raw ICMP needs NET_RAW, which the
// pod-plane agent does not have; ping may still work there through an ICMP datagram socket
// (net.ipv4.ping_group_range). Where it cannot, the probe is skipped with the reason, never failed.
import { execFile } from 'node:child_process';
import { isIP } from 'node:net';
import { PodpathError } from '../util/errors.js';
import type { IcmpEchoResult } from '../evidence/probe-run.js';
export type { IcmpEchoResult };

/**
 * Reads ping's summary. iputils: `3 packets transmitted, 3 received, 0% packet loss, time 411ms`
 * and `rtt min/avg/max/mdev = 0.027/0.039/0.048/0.008 ms`; busybox: `3 packets transmitted,
 * 3 packets received, 0% packet loss` and `round-trip min/avg/max = 0.1/0.2/0.3 ms`.
 */
export function parsePing(target: string, stdout: string, stderr: string, code: number | 'ENOENT'): IcmpEchoResult {
  const base = { kind: 'icmp-echo' as const, target };
  if (code === 'ENOENT') return { ...base, sent: 0, received: 0, skipped: 'no ping program on this node' };
  const err = stderr.trim();
  if (/Operation not permitted|cap_net_raw|permission denied/i.test(err)) {
    return { ...base, sent: 0, received: 0, skipped: 'ICMP not allowed here: ping needs NET_RAW or a group in net.ipv4.ping_group_range' };
  }
  const counts = /(?<!\d)(\d+) packets transmitted, (\d+) (?:packets )?received/.exec(stdout);
  if (!counts) {
    const line = err.split('\n').find((l) => l.trim()) ?? `ping exited ${code}`;
    return { ...base, sent: 0, received: 0, error: line.replace(/^\S*ping:\s*/, '').slice(0, 200) };
  }
  const out: IcmpEchoResult = { ...base, sent: Number(counts[1]), received: Number(counts[2]) };
  const rtt = /(?:rtt|round-trip) min\/avg\/max(?:\/mdev)? = ([\d.]+)\/([\d.]+)\/([\d.]+)/.exec(stdout);
  if (rtt) out.rttMs = { min: Number(rtt[1]), avg: Number(rtt[2]), max: Number(rtt[3]) };
  return out;
}

export async function icmpEcho(opts: { host: string; count?: number; source?: string; ping?: string }): Promise<IcmpEchoResult> {
  // Only IP literals reach ping's argument list: no name lookups, no option injection.
  if (isIP(opts.host) === 0) throw new PodpathError('E_PROBE_TARGET', `ICMP target must be an IP address: ${JSON.stringify(opts.host.slice(0, 64))}`);
  if (opts.source !== undefined && isIP(opts.source) === 0) throw new PodpathError('E_PROBE_SOURCE', `ICMP source must be an IP address: ${JSON.stringify(opts.source.slice(0, 64))}`);
  const count = Math.min(Math.max(opts.count ?? 3, 1), 10);
  const argv = ['-n', '-q', '-c', String(count), '-i', '0.2', '-W', '1', ...(opts.source ? ['-I', opts.source] : []), opts.host];
  return new Promise((resolve) => {
    execFile(opts.ping ?? 'ping', argv, { timeout: 2000 + count * 1200, maxBuffer: 64 * 1024, env: { LC_ALL: 'C', PATH: process.env.PATH ?? '/usr/bin:/bin' } }, (e, stdout, stderr) => {
      const err = e as (NodeJS.ErrnoException & { code?: number | string }) | null;
      const code = err?.code === 'ENOENT' ? 'ENOENT' : typeof err?.code === 'number' ? err.code : err ? 1 : 0;
      resolve(parsePing(opts.host, String(stdout), String(stderr), code));
    });
  });
}
