// Parser for `bridge fdb show` (also `bridge -s -s -d -t fdb show` as sosreport runs it). Pure.
import type { z } from 'zod';
import type { FdbEntry } from '../../evidence/node-facts.js';

type FdbEntryT = z.infer<typeof FdbEntry>;

/**
 * `e2:00:6c:cf:88:7a dev flannel.1 dst 172.31.250.2 [used 0/2] self permanent`. `bridge fdb show
 * dev X` prints no `dev`: pass X as `defaultDev`.
 */
export function parseBridgeFdb(text: string, defaultDev?: string): FdbEntryT[] {
  const out: FdbEntryT[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    const tokens = line.split(/\s+/);
    const mac = tokens[0] ?? '';
    if (!/^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/i.test(mac)) continue;
    const at = (k: string): string | undefined => {
      const i = tokens.indexOf(k);
      return i >= 0 ? tokens[i + 1] : undefined;
    };
    const dev = at('dev') ?? defaultDev;
    if (!dev) continue;
    const e: FdbEntryT = { mac: mac.toLowerCase(), dev, self: tokens.includes('self'), permanent: tokens.includes('permanent'), line };
    const dst = at('dst');
    if (dst) e.dst = dst;
    out.push(e);
  }
  return out;
}
