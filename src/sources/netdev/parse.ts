// Parser for /proc/net/dev. Pure; header and odd lines skipped.
import type { z } from 'zod';
import type { LinkStats } from '../../evidence/node-facts.js';

/**
 *   face |bytes packets errs drop fifo frame compressed multicast|bytes packets errs drop fifo colls carrier compressed
 *   eth0:  1176      13    0    0    0     0          0         0  1050      14    0    0 ...
 * (kernels before 3.x print no space after the colon: `eth0:1176`).
 */
export function parseProcNetDev(text: string): Record<string, z.infer<typeof LinkStats>> {
  const out: Record<string, z.infer<typeof LinkStats>> = {};
  for (const raw of text.split('\n')) {
    const i = raw.indexOf(':');
    if (i <= 0) continue;
    const name = raw.slice(0, i).trim();
    const v = raw.slice(i + 1).trim().split(/\s+/);
    if (name === '' || name.includes('|') || v.length < 16 || !v.every((x) => /^\d+$/.test(x))) continue;
    const n = v.map(Number);
    out[name] = {
      rxBytes: n[0] ?? 0, rxPackets: n[1] ?? 0, rxErrors: n[2] ?? 0, rxDropped: n[3] ?? 0,
      txBytes: n[8] ?? 0, txPackets: n[9] ?? 0, txErrors: n[10] ?? 0, txDropped: n[11] ?? 0,
    };
  }
  return out;
}
