// lab status: what exists now (namespaces, node addresses and VXLAN devices, as the kernel reports
// them) next to what the state says (plan, injected faults).
import { isLabNamespace } from './names.js';
import { listNamespaces, runRaw } from './run.js';
import { readState } from './state.js';

export interface NodeStatus {
  name: string;
  ns: string;
  present: boolean;
  root: string;
  addresses: { dev: string; addrs: string[]; mtu?: number; mac?: string; state?: string }[];
  vtep?: { dev: string; mac?: string; port?: number; vni?: number; mtu?: number; udpcsum?: boolean };
  pods: { name: string; ns: string; ip: string; present: boolean }[];
}

export interface LabStatus {
  name: string;
  exists: boolean;
  stateFound: boolean;
  namespaces: string[];
  cni?: string;
  underlay?: string;
  switchNs?: string;
  /** The router between the segments and its legs (--subnets 2). */
  router?: { ns: string; legs: string[] };
  service?: { clusterIp: string; backend: string };
  nodes: NodeStatus[];
  faults: { name: string; node?: string; peer?: string; options: Record<string, string>; notes: string[]; doctor?: { node: string; rule: string; command: string } }[];
}

interface IpAddrJson {
  ifname: string;
  mtu?: number;
  address?: string;
  operstate?: string;
  addr_info?: { local: string; prefixlen: number }[];
}
interface IpLinkJson {
  address?: string;
  mtu?: number;
  linkinfo?: { info_kind?: string; info_data?: { id?: number; port?: number; udp_csum?: boolean } };
}

export async function labStatus(lab: string): Promise<LabStatus> {
  const namespaces = (await listNamespaces()).filter((ns) => isLabNamespace(ns, lab)).sort();
  const state = await readState(lab);
  const st: LabStatus = { name: lab, exists: namespaces.length > 0, stateFound: !!state, namespaces, nodes: [], faults: [] };
  if (!state) return st;
  const plan = state.plan;
  st.cni = plan.options.cni;
  st.underlay = plan.options.underlay;
  st.switchNs = plan.switchNs;
  if (plan.router) st.router = { ns: plan.router.ns, legs: plan.router.legs.map((l) => `${l.dev} ${l.ip} (${l.cidr})`) };
  if (plan.service) st.service = { clusterIp: plan.service.clusterIp, backend: `${plan.service.backend.pod} ${plan.service.backend.ip}` };
  st.faults = state.faults.map((f) => ({ name: f.name, node: f.node, peer: f.peer, options: f.options, notes: f.notes, doctor: f.doctor }));
  st.nodes = await Promise.all(plan.nodes.map(async (n) => {
    const present = namespaces.includes(n.ns);
    const ns: NodeStatus = {
      name: n.name, ns: n.ns, present, root: n.root, addresses: [],
      pods: n.pods.map((p) => ({ name: p.name, ns: p.ns, ip: p.ip, present: namespaces.includes(p.ns) })),
    };
    if (!present) return ns;
    const addr = await runRaw({ ns: n.ns, argv: ['ip', '-j', 'addr', 'show'] });
    if (addr.code === 0) {
      for (const l of JSON.parse(addr.stdout) as IpAddrJson[]) {
        if (l.ifname === 'lo') continue;
        ns.addresses.push({ dev: l.ifname, mtu: l.mtu, mac: l.address, state: l.operstate, addrs: (l.addr_info ?? []).map((a) => `${a.local}/${a.prefixlen}`) });
      }
    }
    const link = await runRaw({ ns: n.ns, argv: ['ip', '-j', '-d', 'link', 'show', 'dev', n.vtep.dev] });
    if (link.code === 0) {
      const l = (JSON.parse(link.stdout) as IpLinkJson[])[0];
      const d = l?.linkinfo?.info_data;
      ns.vtep = { dev: n.vtep.dev, mac: l?.address, mtu: l?.mtu, port: d?.port, vni: d?.id, udpcsum: d?.udp_csum };
    }
    return ns;
  }));
  return st;
}

export function formatStatus(s: LabStatus): string {
  if (!s.exists && !s.stateFound) return `lab ${s.name}: not running\n`;
  const out: string[] = [];
  out.push(`lab ${s.name}: ${s.cni ?? '?'} over ${s.underlay ?? '?'} underlay${s.switchNs ? ` (switch ${s.switchNs})` : ''}${s.stateFound ? '' : ' (no state.json: a crashed run; `lab down` removes it)'}`);
  if (s.router) out.push(`  router ${s.router.ns}: ${s.router.legs.join(', ')}`);
  if (s.service) out.push(`  service ${s.service.clusterIp} -> ${s.service.backend}`);
  for (const n of s.nodes) {
    out.push(`  ${n.name} (${n.ns})${n.present ? '' : ' MISSING'}  root ${n.root}`);
    for (const a of n.addresses) out.push(`    ${a.dev.padEnd(16)} ${String(a.state ?? '').padEnd(8)} mtu ${a.mtu ?? '?'}  ${a.mac ?? ''}  ${a.addrs.join(' ')}`);
    if (n.vtep) out.push(`    vxlan: vni ${n.vtep.vni ?? '?'} dstport ${n.vtep.port ?? '?'} ${n.vtep.udpcsum ? 'udpcsum' : 'noudpcsum'}`);
    for (const p of n.pods) out.push(`    pod ${p.name} ${p.ip} (${p.ns})${p.present ? '' : ' MISSING'}`);
  }
  if (s.faults.length === 0) out.push('  faults: none');
  for (const f of s.faults) {
    out.push(`  fault ${f.name}${f.node ? ` on ${f.node}` : ''}${f.peer ? ` (peer ${f.peer})` : ''}${Object.keys(f.options).length ? ' ' + JSON.stringify(f.options) : ''}`);
    for (const note of f.notes) out.push(`    ${note}`);
  }
  if (!s.stateFound) out.push(`  namespaces: ${s.namespaces.join(', ')}`);
  return out.join('\n') + '\n';
}
