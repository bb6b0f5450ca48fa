// The layers of a decoded packet and their endpoints, shared by the analyzers.
import type { DecodedPacket, L4Info, PacketLayers } from '../types.js';

export type { Scope } from '../../evidence/capture-summary.js';
import type { Scope } from '../../evidence/capture-summary.js';

export interface ScopedLayers {
  scope: Scope;
  layers: PacketLayers;
}

/** The outer packet and, when it carries a tunnel, the inner one. */
export function scopes(pkt: DecodedPacket): ScopedLayers[] {
  const out: ScopedLayers[] = [{ scope: 'outer', layers: pkt }];
  if (pkt.tunnel) out.push({ scope: 'inner', layers: pkt.tunnel.inner });
  return out;
}

export function l4Name(l4: L4Info): string {
  return l4.kind;
}

export function endpoint(addr: string, port: number | undefined): string {
  if (port === undefined) return addr;
  return addr.includes(':') ? `[${addr}]:${port}` : `${addr}:${port}`;
}

export function tsOf(pkt: { tsSec: number; tsNsec: number }): number {
  return pkt.tsSec + pkt.tsNsec / 1e9;
}

/** Wireshark field prefix for an address family. */
export function ipField(addr: string): 'ip' | 'ipv6' {
  return addr.includes(':') ? 'ipv6' : 'ip';
}
