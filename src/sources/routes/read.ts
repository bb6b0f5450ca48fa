// routes: `ip route show table all`, then `ip route get` for the local overlay address(es) and for
// every route target behind a VXLAN device: the questions seed 001 answered by hand (a flannel
// address that resolves to `local ... dev lo` means something rewrote the routes).
import type { z } from 'zod';
import type { CommandSpec, EvidenceSource, FactsPart } from '../types.js';
import type { Link, Route, RouteGet } from '../../evidence/node-facts.js';
import { parseIpRouteGet, parseIpRoutes } from './parse.js';

const IP_ROUTE: CommandSpec = { argv: ['ip', 'route', 'show', 'table', 'all'], plugin: 'networking' };
/** Enough for every peer of a large cluster, bounded so a broken node cannot make us run thousands. */
const MAX_ROUTE_GETS = 256;

export const routeGetCommand = (target: string): CommandSpec => ({ argv: ['ip', 'route', 'get', target], plugin: 'networking' });

/** The IPv4 addresses to ask `ip route get` about: overlay addresses first, then peers' gateways. */
export function routeGetTargets(links: Link[], routes: Route[]): string[] {
  const vxlan = new Set(links.filter((l) => l.kind === 'vxlan').map((l) => l.name));
  const out: string[] = [];
  const add = (a: string | undefined): void => {
    if (a && /^\d+\.\d+\.\d+\.\d+$/.test(a) && !out.includes(a)) out.push(a);
  };
  for (const l of links) if (vxlan.has(l.name)) for (const a of l.addresses) if (a.family === 'inet') add(a.address);
  for (const r of routes) {
    if (!r.dev || !vxlan.has(r.dev) || r.type !== 'unicast' || r.dst === 'default') continue;
    add(r.via ?? r.dst.split('/')[0]);
  }
  return out.slice(0, MAX_ROUTE_GETS);
}

export const routesSource: EvidenceSource = {
  id: 'routes',
  provides: ['routes', 'routeGets'],
  commands: [IP_ROUTE],
  files: [],
  async read(host, facts): Promise<FactsPart> {
    const part: FactsPart = {};
    const missing: { evidence: string; reason: string }[] = [];
    const out = await host.run(IP_ROUTE);
    const routes = out ? parseIpRoutes(out.stdout) : [];
    if (out && routes.length > 0) part.routes = { items: routes, source: out.source };
    else missing.push({ evidence: 'routes', reason: '`ip route show table all` not available or empty' });

    const links = facts.links?.items ?? [];
    const targets = routeGetTargets(links, routes);
    if (targets.length === 0) {
      missing.push({ evidence: 'routeGets', reason: links.length === 0 ? 'no links known: cannot tell the overlay addresses' : 'no VXLAN device with an IPv4 address or route: nothing to ask `ip route get` about' });
    } else {
      const gets: z.infer<typeof RouteGet>[] = [];
      for (const t of targets) {
        const res = await host.run(routeGetCommand(t));
        const g = res ? parseIpRouteGet(res.stdout, t, res.source) : undefined;
        if (g) gets.push(g);
        else missing.push({ evidence: 'routeGets', reason: `\`ip route get ${t}\` gave no answer` });
      }
      if (gets.length > 0) part.routeGets = gets;
    }
    if (missing.length > 0) part.missing = missing;
    return part;
  },
};
