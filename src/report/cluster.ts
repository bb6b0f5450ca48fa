// Text for `podpath cluster ...`: install/uninstall steps, the agents' status, a summary of the
// cluster facts. Names come from the API server or a customer's dump: every one goes through
// displayLine (control characters as visible escapes, long values clipped).
import { maxOf } from '../util/arrays.js';
import type { ClusterFacts } from '../evidence/cluster-facts.js';
import type { AgentStatus, InstallStep } from '../app/cluster/install.js';
import { displayLine } from '../util/terminal-safe.js';
import { t, type Lang, type MessageData } from '../util/i18n.js';
import { clusterText } from '../evidence/cluster-texts.js';
import { TEXT_LABELS, type TextLabel } from './text-labels.js';

const d = (s: string, max = 120) => displayLine(s, max);

export function renderSteps(steps: InstallStep[], lang: Lang = 'en'): string {
  const w = (key: TextLabel, data?: MessageData) => t(TEXT_LABELS[key], lang, data);
  return steps
    .map((s) => `${w(`step_${s.action}`).padEnd(10)} ${s.kind}/${d(s.namespace ? `${s.namespace}/${s.name}` : s.name)}${s.why ? `  (${d(w(`step_${s.why.code}`, s.why.data), 400)})` : ''}`)
    .join('\n') + '\n';
}

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => maxOf(rows.map((r) => r[i]!.length)));
  return rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join('  ')).join('\n') + '\n';
}

export function renderAgentStatus(s: AgentStatus, namespace: string, lang: Lang = 'en'): string {
  const w = (key: TextLabel) => t(TEXT_LABELS[key], lang);
  const out: string[] = [];
  out.push(table([
    ['DAEMONSET', 'DESIRED', 'READY', 'UP-TO-DATE', 'AVAILABLE'],
    ...s.daemonSets.map((ds) => ds.present ? [`${d(namespace)}/${ds.name}`, String(ds.desired), String(ds.ready), String(ds.updated), String(ds.available)] : [`${d(namespace)}/${ds.name}`, '-', '-', '-', w('statusNotInstalled')]),
  ]));
  if (s.pods.length === 0) out.push(`${w('statusNoPods')}\n`);
  else {
    out.push('\n' + table([
      ['NODE', 'PLANE', 'POD', 'READY', 'RESTARTS', 'PHASE'],
      ...s.pods.map((p) => [d(p.node, 63), p.plane, d(p.name, 63), p.ready ? w('statusYes') : w('statusNo'), String(p.restarts), d(p.phase, 20)]),
    ]));
  }
  return out.join('');
}

export function renderClusterFacts(f: ClusterFacts, lang: Lang = 'en'): string {
  const w = (key: TextLabel, data?: MessageData) => t(TEXT_LABELS[key], lang, data);
  const said = (i: { code: string; data: MessageData }) => clusterText(i.code, lang, i.data);
  const sep = w('clusterListSep');
  const lines: string[] = [];
  const counts = Object.entries(f.counts).map(([k, n]) => `${n} ${d(k, 60)}`).join(', ') || w('clusterNothing');
  lines.push(f.source.kind === 'api'
    ? w('clusterReadApi', { server: d(f.source.server ?? ''), context: d(f.source.context ?? ''), counts })
    : w('clusterReadFiles', { n: f.source.files?.length ?? 0, counts }));
  // The server's or kubectl's own words are quoted; podpath's are said in the report's language.
  for (const p of f.partial) lines.push(w('clusterPartial', { code: p.code, resource: d(p.resource, 200), message: p.says ? d(said(p.says), 300) : `\`${d(p.message, 300)}\`` }));
  for (const n of f.nodes) {
    const ready = n.conditions.value.find((c) => c.type === 'Ready')?.status ?? '?';
    const bits = [
      w('clusterIp', { ips: n.internalIPs.value.map((x) => d(x, 45)).join(',') || '-' }),
      w('clusterPodCidr', { cidrs: n.podCIDRs.value.map((x) => d(x, 45)).join(',') || '-' }),
      w('clusterReady', { ready: d(ready, 10) }),
      n.unschedulable.value ? w('clusterUnschedulable') : '',
      n.kernelVersion ? w('clusterKernel', { kernel: d(n.kernelVersion.value, 60) }) : '',
      n.flannel?.vtepMAC ? w('clusterVtepMac', { mac: d(n.flannel.vtepMAC.value, 20) }) : n.flannel?.backendDataProblem ? w('clusterBackendData', { problem: d(said(n.flannel.backendDataProblem), 80) }) : '',
      n.flannel?.publicIP ? w('clusterPublicIp', { ip: d(n.flannel.publicIP.value, 45) }) : '',
      n.calico?.ipv4VXLANTunnelAddr ? w('clusterCalicoTunnel', { address: d(n.calico.ipv4VXLANTunnelAddr.value, 45), mac: n.calico.vxlanTunnelMACAddr ? d(n.calico.vxlanTunnelMACAddr.value, 20) : w('clusterUnknown') }) : '',
    ].filter(Boolean);
    lines.push(w('clusterNode', { name: d(n.name, 63), facts: bits.join(sep) }));
  }
  const nc = f.flannelNetConf;
  if (nc) {
    const conf = w('clusterNetConf', {
      from: d(`${nc.from.namespace ?? ''}/${nc.from.name}`), network: d(nc.network ?? '-'), backend: d(nc.backendType ?? '-'),
      port: nc.port ?? w('clusterDefault'), vni: nc.vni ?? w('clusterDefault'), mtu: nc.mtu ?? w('clusterAuto'),
    });
    lines.push(`${conf}${nc.problem ? `${sep}${said(nc.problem)}` : ''}`);
  }
  for (const p of f.calico.ippools) lines.push(w('clusterPool', { name: d(p.name, 63), api: d(p.apiVersion, 40), cidr: d(p.cidr ?? '-', 45), vxlan: d(p.vxlanMode, 20), ipip: d(p.ipipMode, 20) }));
  for (const c of f.calico.felixConfigurations) {
    const felix = w('clusterFelix', { name: d(c.name, 63), port: c.vxlanPort ?? w('clusterDefaultValue', { value: 4789 }), vni: c.vxlanVNI ?? w('clusterDefaultValue', { value: 4096 }), mtu: c.vxlanMTU ?? w('clusterAuto') });
    lines.push(`${felix}${c.featureDetectOverride ? w('clusterFeatureOverride', { overrides: d(Object.entries(c.featureDetectOverride).map(([k, v]) => `${k}=${v}`).join(','), 200) }) : ''}`);
  }
  if (f.kubeProxy) lines.push(`${w('clusterKubeProxy', { mode: d(f.kubeProxy.mode.value, 20) })}${f.kubeProxy.modeAsWritten === '' ? w('clusterKubeProxyEmpty') : ''}`);
  if (f.dns) {
    const endpoints = f.dns.endpoints.map((e) => `${d(e.ip, 45)}${e.nodeName ? `@${d(e.nodeName, 63)}` : ''}`).join(' ');
    lines.push(w('clusterDns', { service: d(`${f.dns.service.namespace}/${f.dns.service.name}`), ips: f.dns.service.clusterIPs.map((x) => d(x, 45)).join(','), n: f.dns.endpoints.length, endpoints }));
  }
  for (const n of f.notes) lines.push(`${w('note')}: ${d(said(n), 300)}`);
  return lines.join('\n') + '\n';
}
