// Parsers for `ethtool -k DEV` (features), `ethtool -i DEV` (driver info) and `ethtool -S DEV`
// (the driver's counters). Pure.
import type { z } from 'zod';
import type { Feature } from '../../evidence/node-facts.js';

type FeatureT = z.infer<typeof Feature>;

const FEATURE = /^\s*([a-z0-9][a-z0-9-]*):\s+(on|off)(?:\s+\[(fixed|requested on|requested off)\])?\s*$/;

/**
 * `tx-checksum-ip-generic: on`, `large-receive-offload: off [fixed]`, `tx-tcp-segmentation: off
 * [requested on]`. Also reads the `Actual changes:` list `ethtool -K` prints (seed 004).
 */
export function parseEthtoolFeatures(text: string): Record<string, FeatureT> {
  const out: Record<string, FeatureT> = {};
  for (const raw of text.split('\n')) {
    const m = FEATURE.exec(raw);
    if (!m) continue;
    const [, name, state, note] = m;
    if (!name) continue;
    const f: FeatureT = { on: state === 'on', fixed: note === 'fixed' };
    if (note === 'requested on') f.requested = true;
    else if (note === 'requested off') f.requested = false;
    out[name] = f;
  }
  return out;
}

export interface DriverInfo {
  driver?: string;
  driverVersion?: string;
  firmwareVersion?: string;
  busInfo?: string;
}

/** `driver: virtio_net`, `version: 1.0.0`, `firmware-version: `, `bus-info: 0000:00:03.0`. */
export function parseEthtoolDriver(text: string): DriverInfo {
  const kv = new Map<string, string>();
  for (const raw of text.split('\n')) {
    const i = raw.indexOf(':');
    if (i <= 0) continue;
    const k = raw.slice(0, i).trim();
    const v = raw.slice(i + 1).trim();
    if (/^[a-z-]+$/.test(k) && v !== '' && !kv.has(k)) kv.set(k, v);
  }
  const info: DriverInfo = {};
  const set = (key: keyof DriverInfo, from: string): void => {
    const v = kv.get(from);
    if (v !== undefined) info[key] = v;
  };
  set('driver', 'driver');
  set('driverVersion', 'version');
  set('firmwareVersion', 'firmware-version');
  set('busInfo', 'bus-info');
  return info;
}

/**
 * `ethtool -S`: `NIC statistics:` then `     rx_crc_errors: 0` lines. Names are the driver's own and
 * may hold spaces, dots or a queue prefix (`rxq0: rx_bytes`, vmxnet3's `TSO pkts tx`): everything
 * before the last `: ` of a line ending in a number.
 */
export function parseEthtoolStats(text: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const raw of text.split('\n')) {
    const m = /^\s*(\S[^\n]{0,127}?):\s+(\d{1,20})\s*$/.exec(raw);
    if (!m || /^NIC statistics$/.test(m[1]!)) continue;
    const name = m[1]!.trim();
    if (!(name in out)) out[name] = Number(m[2]);
  }
  return out;
}
