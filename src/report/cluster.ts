// Text for `podpath cluster ...`: install/uninstall steps, the agents' status, a summary of the
// cluster facts. Names come from the API server or a customer's dump: every one goes through
// displayLine (control characters as visible escapes, long values clipped).
import { maxOf } from '../util/arrays.js';
import type { ClusterFacts } from '../evidence/cluster-facts.js';
import type { AgentStatus, InstallStep } from '../app/cluster/install.js';
import { displayLine } from '../util/terminal-safe.js';

const d = (s: string, max = 120) => displayLine(s, max);

export function renderSteps(steps: InstallStep[]): string {
  return steps
    .map((s) => `${s.action.padEnd(10)} ${s.kind}/${d(s.namespace ? `${s.namespace}/${s.name}` : s.name)}${s.why ? `  (${s.why})` : ''}`)
    .join('\n') + '\n';
}

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => maxOf(rows.map((r) => r[i]!.length)));
  return rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join('  ')).join('\n') + '\n';
}

export function renderAgentStatus(s: AgentStatus, namespace: string): string {
  const out: string[] = [];
  out.push(table([
    ['DAEMONSET', 'DESIRED', 'READY', 'UP-TO-DATE', 'AVAILABLE'],
    ...s.daemonSets.map((ds) => ds.present ? [`${d(namespace)}/${ds.name}`, String(ds.desired), String(ds.ready), String(ds.updated), String(ds.available)] : [`${d(namespace)}/${ds.name}`, '-', '-', '-', 'not installed']),
  ]));
  if (s.pods.length === 0) out.push('no agent pods\n');
  else {
    out.push('\n' + table([
      ['NODE', 'PLANE', 'POD', 'READY', 'RESTARTS', 'PHASE'],
      ...s.pods.map((p) => [d(p.node, 63), p.plane, d(p.name, 63), p.ready ? 'yes' : 'no', String(p.restarts), d(p.phase, 20)]),
    ]));
  }
  return out.join('');
}

export function renderClusterFacts(f: ClusterFacts): string {
  const lines: string[] = [];
  const src = f.source.kind === 'api' ? `API ${d(f.source.server ?? '')} (context ${d(f.source.context ?? '')})` : `${f.source.files?.length ?? 0} dump file(s)`;
  lines.push(`Read from ${src}: ${Object.entries(f.counts).map(([k, n]) => `${n} ${d(k, 60)}`).join(', ') || 'nothing'}.`);
  for (const p of f.partial) lines.push(`PARTIAL ${p.code}: ${d(p.resource, 200)}: ${d(p.message, 300)} - what is absent there is unknown, not missing.`);
  for (const n of f.nodes) {
    const ready = n.conditions.value.find((c) => c.type === 'Ready')?.status ?? '?';
    const bits = [
      `ip ${n.internalIPs.value.map((x) => d(x, 45)).join(',') || '-'}`,
      `podCIDR ${n.podCIDRs.value.map((x) => d(x, 45)).join(',') || '-'}`,
      `Ready=${d(ready, 10)}`,
      n.unschedulable.value ? 'unschedulable' : '',
      n.kernelVersion ? `kernel ${d(n.kernelVersion.value, 60)}` : '',
      n.flannel?.vtepMAC ? `flannel VtepMAC ${d(n.flannel.vtepMAC.value, 20)}` : n.flannel?.backendDataProblem ? `flannel backend-data: ${d(n.flannel.backendDataProblem, 80)}` : '',
      n.flannel?.publicIP ? `public-ip ${d(n.flannel.publicIP.value, 45)}` : '',
      n.calico?.ipv4VXLANTunnelAddr ? `calico tunnel ${d(n.calico.ipv4VXLANTunnelAddr.value, 45)} mac ${n.calico.vxlanTunnelMACAddr ? d(n.calico.vxlanTunnelMACAddr.value, 20) : 'unknown'}` : '',
    ].filter(Boolean);
    lines.push(`node ${d(n.name, 63)}: ${bits.join(', ')}`);
  }
  const nc = f.flannelNetConf;
  if (nc) lines.push(`flannel net-conf (${d(`${nc.from.namespace ?? ''}/${nc.from.name}`)}): network ${d(nc.network ?? '-')}, backend ${d(nc.backendType ?? '-')}, port ${nc.port ?? 'default'}, VNI ${nc.vni ?? 'default'}, MTU ${nc.mtu ?? 'auto'}${nc.problem ? `, ${nc.problem}` : ''}`);
  for (const p of f.calico.ippools) lines.push(`Calico IPPool ${d(p.name, 63)} (${d(p.apiVersion, 40)}): cidr ${d(p.cidr ?? '-', 45)}, vxlanMode ${d(p.vxlanMode, 20)}, ipipMode ${d(p.ipipMode, 20)}`);
  for (const c of f.calico.felixConfigurations) lines.push(`FelixConfiguration ${d(c.name, 63)}: vxlanPort ${c.vxlanPort ?? 'default 4789'}, vxlanVNI ${c.vxlanVNI ?? 'default 4096'}, vxlanMTU ${c.vxlanMTU ?? 'auto'}${c.featureDetectOverride ? `, featureDetectOverride ${d(Object.entries(c.featureDetectOverride).map(([k, v]) => `${k}=${v}`).join(','), 200)}` : ''}`);
  if (f.kubeProxy) lines.push(`kube-proxy mode ${d(f.kubeProxy.mode.value, 20)}${f.kubeProxy.modeAsWritten === '' ? ' (mode "" = iptables)' : ''}`);
  if (f.dns) lines.push(`cluster DNS ${d(`${f.dns.service.namespace}/${f.dns.service.name}`)} ${f.dns.service.clusterIPs.map((x) => d(x, 45)).join(',')}: ${f.dns.endpoints.length} endpoint(s) ${f.dns.endpoints.map((e) => `${d(e.ip, 45)}${e.nodeName ? `@${d(e.nodeName, 63)}` : ''}`).join(' ')}`);
  for (const n of f.notes) lines.push(`note: ${d(n, 300)}`);
  return lines.join('\n') + '\n';
}
