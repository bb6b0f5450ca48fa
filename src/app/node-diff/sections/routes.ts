// Routes, normalised: each node's own addresses and pod subnet masked, peers' pod-subnet routes
// compared as a set of the cluster's subnets (A's peers plus A's own subnet should equal B's), the
// local table left out (it follows from the addresses).
import type { Route } from '../../../evidence/node-facts.js';
import { isPeerPodAddress, maskText, type NodeContext } from '../context.js';
import type { NodeDiffSink } from '../sink.js';

function shape(ctx: NodeContext, r: Route): string {
  // Who added a route (proto), its scope and preferred source follow from the rest: left out.
  const parts = [r.type !== 'unicast' ? r.type : '', r.dst, r.via ? `via ${r.via}` : '', r.dev ? `dev ${ctx.roleOf(r.dev) ?? '<pod-veth>'}` : '', r.table !== 'main' ? `table ${r.table}` : '', r.metric !== undefined ? `metric ${r.metric}` : '', r.onlink ? 'onlink' : ''];
  let text = maskText(ctx, parts.filter((p) => p !== '').join(' '));
  // The underlay's own subnet and gateway may legitimately differ (nodes in two subnets): masked here, compared below.
  if (isUnderlayConnected(ctx, r)) text = text.replace(r.dst, '<underlay-subnet>');
  if (r.dst === 'default' && r.via) text = text.replace(r.via, '<gateway>');
  return text;
}

/** The underlay's connected subnet: on the underlay, no gateway, not the default (proto kernel, or NetworkManager's copy). */
function isUnderlayConnected(ctx: NodeContext, r: Route): boolean {
  return r.dst !== 'default' && r.via === undefined && r.type === 'unicast' && r.dev !== undefined && ctx.roleOf(r.dev) === '<underlay>' && /\//.test(r.dst) && r.table === 'main';
}

interface Split {
  shapes: string[];
  /** Pod subnets this node routes to other nodes, plus its own: the cluster as this node sees it. */
  clusterSubnets: Set<string>;
  peerVia: Set<string>;
  underlaySubnet?: string;
}

function split(ctx: NodeContext): Split {
  const shapes: string[] = [];
  const clusterSubnets = new Set<string>();
  const peerVia = new Set<string>();
  let underlaySubnet: string | undefined;
  if (ctx.ownPodSubnet) clusterSubnets.add(ctx.ownPodSubnet);
  for (const r of ctx.facts.routes?.items ?? []) {
    if (r.table === 'local' || (r.dev && ctx.roleOf(r.dev) === undefined && r.proto === 'kernel')) continue;
    if (r.dst.includes(':') || r.type === 'broadcast' || r.type === 'multicast') continue;
    const viaOverlay = r.dev !== undefined && ctx.overlays.some((o) => o.name === r.dev);
    if (r.dst !== 'default' && (isPeerPodAddress(ctx, r.dst) || (viaOverlay && !ctx.podNetwork))) {
      clusterSubnets.add(r.dst);
      peerVia.add(maskText(ctx, `dev ${r.dev ? (ctx.roleOf(r.dev) ?? r.dev) : '?'}${r.onlink ? ' onlink' : ''}${r.via ? ' via <peer-vtep>' : ''}`));
      continue;
    }
    if (isUnderlayConnected(ctx, r)) underlaySubnet = r.dst;
    shapes.push(shape(ctx, r));
  }
  return { shapes, clusterSubnets, peerVia, underlaySubnet };
}

export function compareRoutes(sink: NodeDiffSink, a: NodeContext, b: NodeContext): void {
  const ra = a.facts.routes;
  const rb = b.facts.routes;
  if (!ra || !rb) return;
  const sa = split(a);
  const sb = split(b);
  sink.sets('routes', 'routes.shapes', sa.shapes, sb.shapes, 'medium', { note: { code: 'routeShapes' }, sourceA: ra.source, sourceB: rb.source });
  sink.sets('routes', 'routes.cluster-pod-subnets', sa.clusterSubnets, sb.clusterSubnets, 'high', {
    note: { code: 'reachablePodSubnets' },
    sourceA: ra.source,
    sourceB: rb.source,
  });
  sink.sets('routes', 'routes.peer-route-form', sa.peerVia, sb.peerVia, 'high', { note: { code: 'peerRouteForm' } });
  sink.value('routes', 'routes.underlay-subnet', sa.underlaySubnet, sb.underlaySubnet, 'low', { note: { code: 'underlaySubnets' } });
  const ga = a.facts.routeGets;
  const gb = b.facts.routeGets;
  if (ga && gb) {
    const byRole = (ctx: NodeContext, gets: typeof ga) => {
      const m = new Map<string, string>();
      for (const g of gets) {
        const role = ctx.ownAddresses.has(g.target) ? 'own overlay address' : isPeerPodAddress(ctx, g.target) ? 'a peer pod address' : undefined;
        if (role && !m.has(role)) m.set(role, maskText(ctx, `${g.type} dev ${g.dev ? (ctx.roleOf(g.dev) ?? g.dev) : '?'}`));
      }
      return m;
    };
    const xa = byRole(a, ga);
    const xb = byRole(b, gb);
    for (const role of new Set([...xa.keys(), ...xb.keys()])) {
      if (xa.has(role) && xb.has(role)) sink.value('routes', `route-get.${role}`, xa.get(role), xb.get(role), 'high', { note: { code: 'routeGetDiffers' } });
    }
  }
}
