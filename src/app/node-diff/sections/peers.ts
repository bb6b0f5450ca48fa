// The one comparison only two nodes allow: does each node's view of the other (neighbour entry for
// the peer's VTEP address, FDB entry for the peer's VTEP MAC, route to the peer's pod subnet) match
// what the peer really has? A stale VtepMAC (flannel.1 recreated, systemd MACAddressPolicy) or a
// wrong public IP shows here and nowhere else. MACs and addresses are the substance, so not masked.
import type { NodeContext } from '../context.js';
import type { NodeDiffSink } from '../sink.js';
import { worded, type DiffValue, type NodeDiffNote } from '../../../evidence/node-diff-notes.js';
import { cidrContains } from '../../../util/ipv4.js';

export function comparePeers(sink: NodeDiffSink, a: NodeContext, b: NodeContext): void {
  view(sink, a, b, 'A', 'B');
  view(sink, b, a, 'B', 'A');
}

/** What `x` (named X) holds about `y` (named Y). */
function view(sink: NodeDiffSink, x: NodeContext, y: NodeContext, X: 'A' | 'B', Y: 'A' | 'B'): void {
  const put = (key: string, seen: DiffValue, real: DiffValue, note: NodeDiffNote, evSeen: { source: string; text: string }[], evReal: { source: string; text: string }[], relevance: 'high' | 'medium' = 'high') => {
    // Values go on the side they were read from: X's view on X's side, Y's truth on Y's side.
    const [va, vb] = X === 'A' ? [seen, real] : [real, seen];
    const [ea, eb] = X === 'A' ? [evSeen, evReal] : [evReal, evSeen];
    // The two always differ (what X holds against what Y is).
    sink.value('peers', key, va, vb, relevance, { note, evA: ea, evB: eb });
  };
  for (const vy of y.overlays) {
    const vx = x.overlays.find((o) => o.name === vy.name);
    const overlayIp = vy.addresses.find((ad) => ad.family === 'inet')?.address;
    if (!vx || !overlayIp || !vy.mac) continue;
    const yMac = vy.mac.toLowerCase();
    const yLine = { source: vy.source, text: `${vy.name} link/ether ${yMac} inet ${overlayIp}${vy.vxlan?.local ? ` local ${vy.vxlan.local}` : ''}` };
    const neighbours = x.facts.neighbours;
    const neigh = neighbours?.items.find((n) => n.dev === vx.name && n.address === overlayIp);
    if (neighbours && neigh?.lladdr && neigh.lladdr.toLowerCase() !== yMac) {
      put(`peers.${X}-view-of-${Y}.vtep-mac`, `neighbour ${overlayIp} -> ${neigh.lladdr.toLowerCase()}`, `${vy.name} MAC ${yMac}`, { code: 'staleVtepMac', data: { x: X, y: Y } }, [{ source: neighbours.source, text: neigh.line }], [yLine]);
    }
    const fdb = x.facts.fdb;
    const local = vy.vxlan?.local;
    if (fdb && local) {
      const mac = neigh?.lladdr?.toLowerCase() ?? yMac;
      const entries = fdb.items.filter((f) => f.dev === vx.name && f.mac.toLowerCase() === mac && f.dst !== undefined);
      if (entries.length > 0 && !entries.some((f) => f.dst === local)) {
        // An address Y holds on another interface: flannel picked the wrong interface (high). Not
        // Y's at all: a stale IP, or a public-ip-overwrite behind NAT that one node cannot confirm.
        const held = entries.some((f) => f.dst !== undefined && y.ownAddresses.has(f.dst));
        put(
          `peers.${X}-view-of-${Y}.fdb-dst`,
          `fdb ${mac} -> ${entries.map((f) => f.dst).join(', ')}`,
          `${vy.name} local ${local}`,
          held
            ? { code: 'fdbWrongInterface', data: { x: X, y: Y } }
            : { code: 'fdbForeignAddress', data: { x: X, y: Y } },
          entries.map((f) => ({ source: fdb.source, text: f.line })),
          [yLine],
          held ? 'high' : 'medium',
        );
      }
    }
    const routes = x.facts.routes;
    const subnet = y.ownPodSubnet;
    if (routes && subnet && x.ownPodSubnet !== subnet) {
      const hasRoute = routes.items.some((r) => r.dst !== 'default' && r.table === 'main' && r.type === 'unicast' && cidrContains(r.dst, subnet));
      const hasOverlayRoutes = routes.items.some((r) => r.dev === vx.name);
      if (!hasRoute && hasOverlayRoutes) {
        put(`peers.${X}-view-of-${Y}.route`, worded('noRoute'), worded('itsPodSubnet', { subnet }), { code: 'noPeerRoute', data: { x: X, y: Y } }, [], []);
      }
    }
  }
}
