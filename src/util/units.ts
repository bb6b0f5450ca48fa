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
