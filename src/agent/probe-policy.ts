// Where a token holder may make this agent send probes. Only to another podpath agent, proven
// before anything else is sent: an echo whose reply carries a valid HMAC of the shared key comes
// back from the target's probe port. Or to addresses the operator allow-listed at start
// (--allow-probe CIDR,...). TCP handshakes only to the proven agent's probe port (its TCP
// responder) or to allow-listed addresses; ICMP echoes only to a proven agent or allow-listed
// addresses; DNS queries only to allow-listed servers.
import { BlockList, isIP } from 'node:net';
import { PodpathError } from '../util/errors.js';
import { MIN_PROBE_LEN } from '../probe/wire.js';
import type { AgentProbeRequest } from '../api/probe-request.js';
import type { ProbeRefusal } from '../evidence/probe-run.js';


export class AllowList {
  private readonly list = new BlockList();
  readonly entries: string[] = [];

  /** Parses `10.0.0.0/8,192.168.1.7,fd00::/8`; a bad entry is a usage error. */
  static parse(spec: string[]): AllowList {
    const a = new AllowList();
    for (const raw of spec.flatMap((s) => s.split(',')).map((s) => s.trim()).filter(Boolean)) {
      const [addr, bits, extra] = raw.split('/');
      const family = isIP(addr ?? '');
      const max = family === 6 ? 128 : 32;
      const prefix = bits === undefined ? max : Number(bits);
      if (!family || extra !== undefined || !Number.isInteger(prefix) || prefix < 0 || prefix > max || (bits !== undefined && !/^\d+$/.test(bits))) {
        throw new PodpathError('E_USAGE', `--allow-probe takes IP addresses or CIDRs (10.0.0.0/8, fd00::/8), not ${JSON.stringify(raw.slice(0, 64))}`);
      }
      a.list.addSubnet(addr!, prefix, family === 6 ? 'ipv6' : 'ipv4');
      a.entries.push(`${addr}/${prefix}`);
    }
    return a;
  }

  allows(address: string): boolean {
    const family = isIP(address);
    return family !== 0 && this.list.check(address, family === 6 ? 'ipv6' : 'ipv4');
  }
}

/** Echo attempts that prove the target is an agent; each waits this long for the signed reply. */
export const VERIFY_ATTEMPTS = 3;
export const VERIFY_TIMEOUT_MS = 500;

const TALLY_BYTES = 3 * MIN_PROBE_LEN;
const DNS_BYTES = 2 * 300;
/** An ICMP echo request as ping sends it: 56 bytes of data, 8 of ICMP and 20 of IP header. */
const ICMP_BYTES = 84;

/**
 * The most UDP payload bytes a request can make the agent send, from its options alone: what the
 * budgets are checked against before anything is sent.
 */
export function plannedBytes(r: AgentProbeRequest): number {
  let bytes = VERIFY_ATTEMPTS * MIN_PROBE_LEN;
  if (r.echo) bytes += r.echo.count * Math.max(r.echo.size, MIN_PROBE_LEN) + TALLY_BYTES;
  if (r.sweep) {
    // two ends, four usual edges and the one after each, then a bisection of what is left
    const tries = 2 + 8 + Math.ceil(Math.log2(Math.max(2, r.sweep.max)));
    bytes += tries * r.sweep.repeats * r.sweep.max;
  }
  if (r.ramp) {
    const watchEchoes = Math.ceil((r.ramp.maxDurationMs + 3 * r.ramp.recoveryWatchMs) / 50) * 64;
    bytes += Math.ceil((r.ramp.maxRateBps / 8) * (r.ramp.maxDurationMs / 1000)) + watchEchoes + 64 * TALLY_BYTES;
  }
  if (r.dns) bytes += DNS_BYTES;
  if (r.icmp) bytes += r.icmp.count * ICMP_BYTES;
  return bytes;
}

/** The parts of a request this policy lets run, once it is known whether the target is a proven agent. */
export function gate(r: AgentProbeRequest, allow: AllowList, verified: boolean): { request: AgentProbeRequest; refused: ProbeRefusal[] } {
  const refused: ProbeRefusal[] = [];
  const listed = allow.allows(r.host);
  const request = { ...r };
  if (r.tcp && !listed && !(verified && r.tcp.port === r.port)) {
    refused.push({ probe: 'tcp', code: 'E_PROBE_NOT_ALLOWED', message: `TCP to ${r.host}:${r.tcp.port}: only the agent's own probe port (${r.port}), or an address given to --allow-probe` });
    request.tcp = undefined;
  }
  if (r.icmp && !listed && !verified) {
    refused.push({ probe: 'icmp', code: 'E_PROBE_NOT_ALLOWED', message: `ICMP to ${r.host}: only a proven agent, or an address given to --allow-probe` });
    request.icmp = undefined;
  }
  if (r.dns && !allow.allows(r.dns.server)) {
    refused.push({ probe: 'dns', code: 'E_PROBE_NOT_ALLOWED', message: `DNS to ${r.dns.server}: only servers given to --allow-probe` });
    request.dns = undefined;
  }
  return { request, refused };
}
