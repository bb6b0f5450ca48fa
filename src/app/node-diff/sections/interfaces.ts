// NIC drivers and offloads, MTUs, VXLAN device settings: compared by role (the underlay NIC, each
// overlay device, the CNI bridge, the pod veths as a group), never by ifindex or MAC.
import { worded } from '../../../evidence/node-diff-notes.js';
import type { EvidenceLine, Link, Nic } from '../../../evidence/node-facts.js';
import { describeLink } from '../../../evidence/links.js';
import { EPHEMERAL_IFACE, type NodeContext } from '../context.js';
import type { NodeDiffSink } from '../sink.js';
import type { Relevance } from '../../../evidence/node-diff.js';

/** Offloads that change what a VXLAN packet looks like on the wire or whether a forwarded one survives. */
const KEY_FEATURE = /checksum|segmentation|large-receive|generic-receive|rx-gro|udp[-_]tnl|udp-fragmentation|scatter-gather|rx-udp/;

function ev(l: Link): EvidenceLine[] {
  return [{ source: l.source, text: describeLink(l) }];
}

/** Links of one node keyed by role: `<underlay>`, overlay names, cni0, and other stable names. */
function byRole(ctx: NodeContext): Map<string, Link> {
  const m = new Map<string, Link>();
  for (const l of ctx.facts.links?.items ?? []) {
    const role = ctx.roleOf(l.name);
    if (role !== undefined && role !== 'lo' && !m.has(role)) m.set(role, l);
  }
  return m;
}

export function compareInterfaces(sink: NodeDiffSink, a: NodeContext, b: NodeContext): void {
  if (a.facts.links && b.facts.links) compareLinks(sink, a, b);
  if (a.facts.nics && b.facts.nics) compareNics(sink, a, b);
}

function compareLinks(sink: NodeDiffSink, a: NodeContext, b: NodeContext): void {
  const la = byRole(a);
  const lb = byRole(b);
  if (a.underlay && b.underlay) sink.value('nic', 'underlay.name', a.underlay.name, b.underlay.name, 'low', { note: { code: 'underlayNic' } });
  for (const role of new Set([...la.keys(), ...lb.keys()])) {
    const x = la.get(role);
    const y = lb.get(role);
    const isOverlay = a.view.vxlan.some((d) => d.link === x) || b.view.vxlan.some((d) => d.link === y);
    const important = role === '<underlay>' || isOverlay || /^(cni\d*|cbr\d+)$/.test(role);
    if (!x || !y) {
      sink.value(isOverlay ? 'vxlan' : 'mtu', `link.${role}`, x ? worded('presentKind', { kind: x.kind }) : undefined, y ? worded('presentKind', { kind: y.kind }) : undefined, important ? 'high' : 'low', {
        note: { code: important ? 'podPathInterfaceOneSided' : 'interfaceOneSided' },
        evA: x ? ev(x) : [],
        evB: y ? ev(y) : [],
      });
      continue;
    }
    sink.value('mtu', `mtu.${role}`, x.mtu, y.mtu, important ? 'high' : 'low', { evA: ev(x), evB: ev(y) });
    if (x.kind !== y.kind) sink.value('nic', `kind.${role}`, x.kind, y.kind, important ? 'medium' : 'low');
    if (isOverlay) compareVxlan(sink, role, a, b, x, y);
  }
  // Pod veths: many, named per pod; what must agree is the set of MTUs they use.
  const podMtus = (ctx: NodeContext) => new Set((ctx.facts.links?.items ?? []).filter((l) => l.kind === 'veth' && EPHEMERAL_IFACE.test(l.name)).map((l) => String(l.mtu)));
  const ma = podMtus(a);
  const mb = podMtus(b);
  if (ma.size > 0 && mb.size > 0) sink.value('mtu', 'mtu.pod-veths', [...ma].sort().join(','), [...mb].sort().join(','), 'high', { note: { code: 'podVethMtus' } });
}

function compareVxlan(sink: NodeDiffSink, role: string, a: NodeContext, b: NodeContext, x: Link, y: Link): void {
  const vx = x.vxlan;
  const vy = y.vxlan;
  if (!vx || !vy) return;
  const evs = { evA: ev(x), evB: ev(y) };
  // A field one side's output did not show (older iproute2, `ip link` without -d) is not a difference.
  const both = <T>(p: T | undefined, q: T | undefined): [T | undefined, T | undefined] => (p === undefined || q === undefined ? [undefined, undefined] : [p, q]);
  // The port each sends to as the network view reads it (`dstport 0` is the kernel default, the same
  // port as a shown 8472); compared only when both devices show one.
  const port = (ctx: NodeContext, l: Link) => (l.vxlan?.port === undefined ? undefined : ctx.view.vxlan.find((d) => d.link === l)?.port);
  const [pa, pb] = [port(a, x), port(b, y)];
  const shown = (p: typeof pa) => (p === undefined ? undefined : p.from === 'dstport-0' ? worded('dstportDefault', { port: p.value }) : String(p.value));
  if (pa?.value !== pb?.value) sink.value('vxlan', `vxlan.${role}.dstport`, ...both(shown(pa), shown(pb)), 'high', { note: { code: 'vxlanPort' }, ...evs });
  sink.value('vxlan', `vxlan.${role}.id`, vx.id, vy.id, 'high', { note: { code: 'vxlanVni' }, ...evs });
  sink.value('vxlan', `vxlan.${role}.udpcsum`, ...both(vx.udpCsum, vy.udpCsum), 'high', { note: { code: 'vxlanUdpCsum' }, ...evs });
  sink.value('vxlan', `vxlan.${role}.learning`, ...both(vx.learning, vy.learning), 'medium', evs);
  const devRole = (ctx: NodeContext, dev: string | undefined) => (dev === undefined ? undefined : (ctx.roleOf(dev) ?? dev));
  sink.value('vxlan', `vxlan.${role}.dev`, ...both(devRole(a, vx.dev), devRole(b, vy.dev)), 'medium', { note: { code: 'vxlanDevRole' }, ...evs });
  const localRole = (ctx: NodeContext, local: string | undefined) => {
    if (local === undefined) return undefined;
    const holder = ctx.facts.links?.items.find((l) => l.addresses.some((ad) => ad.address === local));
    return holder ? worded('addressOf', { role: ctx.roleOf(holder.name) ?? holder.name }) : worded('addressNotHeld');
  };
  sink.value('vxlan', `vxlan.${role}.local`, ...both(localRole(a, vx.local), localRole(b, vy.local)), 'high', { note: { code: 'vxlanLocalRole' }, ...evs });
}

function nicsByRole(ctx: NodeContext): Map<string, Nic> {
  const m = new Map<string, Nic>();
  for (const n of ctx.facts.nics ?? []) {
    const role = ctx.roleOf(n.name);
    if (role !== undefined && !m.has(role)) m.set(role, n);
  }
  return m;
}

function compareNics(sink: NodeDiffSink, a: NodeContext, b: NodeContext): void {
  const na = nicsByRole(a);
  const nb = nicsByRole(b);
  for (const role of new Set([...na.keys(), ...nb.keys()])) {
    const x = na.get(role);
    const y = nb.get(role);
    if (!x || !y) continue;
    const important = role === '<underlay>' || a.overlays.some((o) => o.name === role);
    const rel: Relevance = important ? 'high' : 'low';
    const evA = [{ source: x.sources[0] ?? 'ethtool', text: `${x.name}: driver ${x.driver ?? '?'} version ${x.driverVersion ?? '?'} firmware ${x.firmwareVersion ?? '?'}` }];
    const evB = [{ source: y.sources[0] ?? 'ethtool', text: `${y.name}: driver ${y.driver ?? '?'} version ${y.driverVersion ?? '?'} firmware ${y.firmwareVersion ?? '?'}` }];
    sink.value('nic', `nic.${role}.driver`, x.driver, y.driver, rel, { evA, evB });
    sink.value('nic', `nic.${role}.driver-version`, x.driverVersion, y.driverVersion, important ? 'medium' : 'low', { evA, evB });
    sink.value('nic', `nic.${role}.firmware`, x.firmwareVersion, y.firmwareVersion, important ? 'medium' : 'low', { evA, evB });
    for (const f of new Set([...Object.keys(x.features), ...Object.keys(y.features)])) {
      const fx = x.features[f];
      const fy = y.features[f];
      const show = (v: typeof fx) => (v === undefined ? undefined : `${v.on ? 'on' : 'off'}${v.fixed ? ' [fixed]' : ''}`);
      if (fx?.on === fy?.on && fx !== undefined && fy !== undefined) continue;
      const relevance: Relevance = KEY_FEATURE.test(f) && important ? 'high' : KEY_FEATURE.test(f) ? 'medium' : 'low';
      sink.value('offload', `offload.${role}.${f}`, show(fx), show(fy), relevance, {
        evA: fx ? [{ source: x.sources.find((s) => /-k/.test(s)) ?? x.sources[0] ?? 'ethtool -k', text: `${f}: ${show(fx) ?? ''}` }] : [],
        evB: fy ? [{ source: y.sources.find((s) => /-k/.test(s)) ?? y.sources[0] ?? 'ethtool -k', text: `${f}: ${show(fy) ?? ''}` }] : [],
      });
    }
  }
}
