// Which UDP ports carry VXLAN or Geneve: one 64 Ki-entry table per options object, built once.
import type { DecodeOptions } from '../types.js';

export const TUNNEL_NONE = 0;
export const TUNNEL_VXLAN = 1;
export const TUNNEL_GENEVE = 2;

/** VXLAN's IANA port, flannel's (Linux default) port, and Geneve's. */
export const DEFAULT_VXLAN_PORTS = [4789, 8472];
export const DEFAULT_GENEVE_PORTS = [6081];

const cache = new WeakMap<DecodeOptions, Uint8Array>();
const byValue = new Map<string, Uint8Array>();
let defaultTable: Uint8Array | undefined;

function build(vxlan: number[], geneve: number[]): Uint8Array {
  const t = new Uint8Array(65536);
  for (const p of vxlan) if (p >= 0 && p < 65536) t[p] = TUNNEL_VXLAN;
  for (const p of geneve) if (p >= 0 && p < 65536) t[p] = TUNNEL_GENEVE;
  return t;
}

export function tunnelPorts(opts: DecodeOptions | undefined): Uint8Array {
  if (!opts || (!opts.vxlanPorts?.length && !opts.genevePorts?.length)) {
    return (defaultTable ??= build(DEFAULT_VXLAN_PORTS, DEFAULT_GENEVE_PORTS));
  }
  let t = cache.get(opts);
  if (!t) {
    // Also by value, so a caller building a fresh options object per frame stays fast.
    const key = `${opts.vxlanPorts?.join(',') ?? ''}|${opts.genevePorts?.join(',') ?? ''}`;
    t = byValue.get(key);
    if (!t) {
      t = build([...DEFAULT_VXLAN_PORTS, ...(opts.vxlanPorts ?? [])], [...DEFAULT_GENEVE_PORTS, ...(opts.genevePorts ?? [])]);
      if (byValue.size >= 16) byValue.clear();
      byValue.set(key, t);
    }
    cache.set(opts, t);
  }
  return t;
}
