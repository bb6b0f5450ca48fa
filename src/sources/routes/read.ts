// routes: `ip route show table all`, then `ip route get` for the local overlay address(es) and for
// every route target behind a VXLAN device: the questions seed 001 answered by hand (a flannel
// address that resolves to `local ... dev lo` while cni0 holds the subnet's network address means
// something rewrote the routes).
import type { z } from 'zod';
import type { CommandSpec, EvidenceSource, FactsPart } from '../types.js';
import type { Link, Route, RouteGet } from '../../evidence/node-facts.js';
import { whyMissing } from '../host/types.js';
import { because, missingBecause, type MissingRef } from '../../evidence/missing-reasons.js';
import type { ReasonRef } from '../../util/i18n.js';
import { pushAll } from '../../util/arrays.js';
import { commandLine } from '../host/sos-names.js';
import { parseIpRouteGet, parseIpRoutes } from './parse.js';
import { cidrContains } from '../../util/ipv4.js';
import { isVxlanLink, podNetworkOf } from '../../evidence/network-view.js';

const IP_ROUTE: CommandSpec = { argv: ['ip', 'route', 'show', 'table', 'all'], plugin: 'networking' };
/** Enough for every peer of a large cluster, bounded so a broken node cannot make us run thousands. */
const MAX_ROUTE_GETS = 256;

export const routeGetCommand = (target: string): CommandSpec => ({ argv: ['ip', 'route', 'get', target], plugin: 'networking' });

/**
 * The IPv4 addresses to ask `ip route get` about: overlay addresses first, then the gateway of every
 * route through a VXLAN device, and of every route into the pod network (`overlayNetwork`, flannel's
 * FLANNEL_NETWORK) through another device (flannel DirectRouting sends same-subnet peers via eth0).
 */
export function routeGetTargets(links: Link[], routes: Route[], overlayNetwork?: string): string[] {
  const vxlan = new Set(links.filter(isVxlanLink).map((l) => l.name));
  const bridges = new Set(links.filter((l) => l.kind === 'bridge').map((l) => l.name));
  const inOverlay = (addr: string): boolean => overlayNetwork !== undefined && cidrContains(overlayNetwork, addr);
  const out: string[] = [];
  const add = (a: string | undefined): void => {
    if (a && /^\d+\.\d+\.\d+\.\d+$/.test(a) && !out.includes(a)) out.push(a);
  };
  for (const l of links) if (vxlan.has(l.name)) for (const a of l.addresses) if (a.family === 'inet') add(a.address);
  for (const r of routes) {
    if (!r.dev || r.type !== 'unicast' || r.dst === 'default' || r.table !== 'main') continue;
    const net = r.dst.split('/')[0];
    if (vxlan.has(r.dev)) add(r.via ?? net);
    // A peer's pod subnet through the underlay: ask for the subnet's first address (its flannel.1).
    else if (!bridges.has(r.dev) && net && inOverlay(net)) add(net);
  }
  return out.slice(0, MAX_ROUTE_GETS);
}

export const routesSource: EvidenceSource = {
  id: 'routes',
  provides: ['routes', 'routeGets'],
  reads: ['links', 'cni'],
  commands: [IP_ROUTE],
  files: [],
  async read(host, facts): Promise<FactsPart> {
    const part: FactsPart = {};
    const missing: MissingRef[] = [];
    const out = await host.run(IP_ROUTE);
    const routes = out ? parseIpRoutes(out.stdout) : [];
    if (out && routes.length > 0) part.routes = { items: routes, source: out.source };
    else pushAll(missing, missingBecause('routes', out ? because('noRoutes', { source: out.source }) : whyMissing(host, commandLine(IP_ROUTE.argv))));

    const links = facts.links?.items ?? [];
    const targets = routeGetTargets(links, routes, podNetworkOf(facts)?.cidr);
    const gets: z.infer<typeof RouteGet>[] = [];
    const failed: ReasonRef[] = [];
    for (const t of targets) {
      const cmd = routeGetCommand(t);
      const line = commandLine(cmd.argv);
      const res = await host.run(cmd);
      // Live, `ip route get` of an unreachable/blackhole target prints its answer as an error:
      // the host's reason for the empty output quotes it.
      const reason = res ? undefined : whyMissing(host, line);
      const g = res ? parseIpRouteGet(res.stdout, t, res.source) : parseIpRouteGet(String(reason?.data?.error ?? ''), t, line);
      if (g) gets.push(g);
      // The command line names the target.
      else failed.push(reason ?? because('unreadableAnswer', { command: line }));
    }
    if (gets.length > 0) {
      part.routeGets = gets;
      // Keyed apart from `routeGets`: a rule can still judge the answers there are.
      pushAll(missing, missingBecause('routeGets.partial', ...failed));
    } else if (targets.length === 0) {
      pushAll(missing, missingBecause('routeGets', because(links.length === 0 ? 'noLinksForOverlay' : 'noVxlanToAsk')));
    } else {
      pushAll(missing, missingBecause('routeGets', ...failed));
    }
    if (missing.length > 0) part.missing = missing;
    return part;
  },
};
