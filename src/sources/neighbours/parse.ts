// Parser for `ip [-s -s] neigh show`. Pure; unknown lines skipped.
import type { z } from 'zod';
import type { Neighbour } from '../../evidence/node-facts.js';

type NeighbourT = z.infer<typeof Neighbour>;

const STATES = new Set(['PERMANENT', 'NOARP', 'REACHABLE', 'STALE', 'FAILED', 'INCOMPLETE', 'DELAY', 'PROBE', 'NONE']);

/**
 * `10.244.2.0 dev flannel.1 lladdr e2:00:6c:cf:88:7a used 1/2/2probes 0 PERMANENT`. Output of
 * `ip neigh show dev X` has no `dev`: pass X as `defaultDev`.
 */
export function parseIpNeigh(text: string, defaultDev?: string): NeighbourT[] {
  const out: NeighbourT[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '') continue;
    const tokens = line.split(/\s+/);
    const address = tokens[0] ?? '';
    if (!/^[0-9a-f:.]+$/i.test(address) || !/[.:]/.test(address)) continue;
    const at = (k: string): string | undefined => {
      const i = tokens.indexOf(k);
      return i >= 0 ? tokens[i + 1] : undefined;
    };
    const dev = at('dev') ?? defaultDev;
    if (!dev) continue;
    const n: NeighbourT = { address, dev, states: tokens.filter((t) => STATES.has(t)), line };
    const lladdr = at('lladdr');
    if (lladdr) n.lladdr = lladdr.toLowerCase();
    out.push(n);
  }
  return out;
}
