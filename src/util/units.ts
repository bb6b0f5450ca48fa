// Rates and durations as people type them: 20mbit, 22100K (iperf3's bits), 1g; 30s, 500ms, 2m.
import { PodpathError } from './errors.js';

export function parseRate(text: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*([kmg]?)(bit|bps|b)?(?:\/s)?$/i.exec(text.trim());
  if (!m) throw new PodpathError('E_BAD_RATE', `cannot read the rate "${text}" (examples: 20mbit, 22100K, 1g)`);
  const mult = { '': 1, k: 1e3, m: 1e6, g: 1e9 }[m[2]!.toLowerCase() as '' | 'k' | 'm' | 'g'];
  return Math.round(Number(m[1]) * mult);
}

export function parseDuration(text: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*(ms|s|m)?$/i.exec(text.trim());
  if (!m) throw new PodpathError('E_BAD_DURATION', `cannot read the duration "${text}" (examples: 500ms, 30s, 2m)`);
  const mult = { ms: 1, s: 1000, m: 60_000 }[(m[2] ?? 's').toLowerCase() as 'ms' | 's' | 'm'];
  return Math.round(Number(m[1]) * mult);
}

export function formatRate(bps: number): string {
  if (bps >= 1e9) return `${(bps / 1e9).toFixed(2)} Gbit/s`;
  if (bps >= 1e6) return `${(bps / 1e6).toFixed(1)} Mbit/s`;
  if (bps >= 1e3) return `${(bps / 1e3).toFixed(0)} kbit/s`;
  return `${bps} bit/s`;
}

/**
 * A rate as iperf3's `-b` reads it: a number with K, M or G (powers of 1000, bits per second).
 * `-b 14.2 Mbit/s` is not that: iperf3 takes "14.2" (bit/s) and ignores the rest.
 */
export function iperfRate(bps: number): string {
  const trim = (x: string) => x.replace(/\.0+$/, '');
  if (bps >= 1e9) return `${trim((bps / 1e9).toFixed(2))}G`;
  if (bps >= 1e6) return `${trim((bps / 1e6).toFixed(1))}M`;
  if (bps >= 1e3) return `${Math.round(bps / 1e3)}K`;
  return `${Math.max(1, Math.round(bps))}`;
}
