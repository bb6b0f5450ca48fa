// Names for the layers of a decoded packet, shared by the analyzers and the output.
import type { DecodedPacket, L4Info, PacketLayers } from '../types.js';

export type Scope = 'outer' | 'inner';

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

const LAYER_LABEL: Record<string, string> = {
  ipv4: 'IPv4 header',
  udp: 'UDP',
  tcp: 'TCP',
  icmp: 'ICMP',
  icmpv6: 'ICMPv6',
};

/** `outer UDP`, `inner IPv4 header`. */
export function layerLabel(layer: string): string {
  const [scope, proto] = layer.split('-', 2);
  return `${scope} ${LAYER_LABEL[proto ?? ''] ?? proto}`;
}

/** `外层 UDP`, `内层 IPv4 首部`. */
export function layerLabelZh(layer: string): string {
  const [scope, proto] = layer.split('-', 2);
  return `${scope === 'inner' ? '内层' : '外层'} ${proto === 'ipv4' ? 'IPv4 首部' : (LAYER_LABEL[proto ?? ''] ?? proto)}`;
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
