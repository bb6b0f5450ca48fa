// lab selftest: a two-node flannel lab with no injected fault, but with the paths broken kernels
// get wrong: node-to-service traffic whose outer VXLAN header is masqueraded (kube-proxy's pre-
// v1.17.9 rules), VXLAN with and without outer UDP checksums, tx checksum offload on and off on the
// VXLAN device. Real datagrams are sent; the receiver's eth0 is captured both ways (tcpdump -w,
// read back with podpath's analyzer and with tcpdump -vv) and its /proc/net/snmp read; each path
// gets delivered / corrupted / dropped.
import { join } from 'node:path';
import { outerUdpFromPcap, type OuterUdpFromPcap } from './capture.js';
import { labDown, labUp } from './lifecycle.js';
import { run, runRaw } from './run.js';
import { kubePostroutingRules, fdbLines, peerRouteLines, vtepCreateLines, type LabPlan, type NodePlan } from './topology.js';
import {
  classifyOuterChecksums, readSnmp, sendUdp, startCapture, stopProcess, udpArrivals, type OuterUdpVerdicts,
} from './traffic.js';

export interface SelftestOptions {
  name: string;
  count: number;
  keep: boolean;
}

export interface PathResult {
  variant: string;
  udpcsum: boolean;
  vxlanTxOffload: boolean;
  path: 'pod-to-pod' | 'node-to-pod' | 'node-to-service';
  sent: number;
  delivered: number;
  dropped: number;
  corrupted: number;
  verdict: 'delivered' | 'corrupted' | 'dropped' | 'partial';
  /** how: the outer UDP checksums the receiver saw (podpath's pcap reader, with the cause of bad sums) */
  outer: OuterUdpFromPcap;
  /** the same capture as tcpdump -vv judges it (a peer tool, to cross-check) */
  tcpdump: Pick<OuterUdpVerdicts, 'packets' | 'ok' | 'zero' | 'bad'>;
  /** the capture's checksum verdicts explained: wire error, offload artefact, zero sum, ok */
  how: string;
  receiver: { udpInCsumErrors: number; udpInErrors: number };
  /** packets the sender's KUBE-POSTROUTING MASQUERADE rule NATed (inner + outer when the outer is NATed) */
  masqueraded?: number;
  capture: string;
}

export interface SelftestReport {
  kernel: string;
  lab: string;
  count: number;
  results: PathResult[];
  ms: number;
}

const PORT = 5353;

export async function runSelftest(o: SelftestOptions): Promise<SelftestReport> {
  const t0 = performance.now();
  const kernel = (await run({ argv: ['uname', '-r'] })).trim();
  const { state } = await labUp({ name: o.name, nodes: 2, cni: 'flannel', underlay: 'veth', pods: 1, mtu: 1500, service: true });
  const plan = state.plan;
  const [sender, receiver] = plan.nodes as [NodePlan, NodePlan];
  const results: PathResult[] = [];
  try {
    // The pre-fix kube-proxy form on the sender: node-to-service traffic keeps mark 0x4000 into
    // the VXLAN device and its outer header is masqueraded too.
    await run({ ns: sender.ns, argv: ['iptables-restore', '--noflush'], stdin: ['*nat', '-F KUBE-POSTROUTING', ...kubePostroutingRules('prefix'), 'COMMIT', ''].join('\n') });
    // Every datagram to the receiver pod's closed ports is answered (ICMP port unreachable, which
    // quotes it): no rate limit, so each answer in the capture proves its datagram was taken.
    await run({ ns: receiver.pods[0]!.ns, argv: ['sysctl', '-q', '-w', 'net.ipv4.icmp_ratelimit=0'] });
    for (const udpcsum of [false, true]) {
      for (const tx of [true, false]) {
        await configureVtep(plan, udpcsum, tx);
        const variant = `${udpcsum ? 'udpcsum' : 'noudpcsum'}, tx offload ${tx ? 'on' : 'off'}`;
        const pod = receiver.pods[0]!;
        const paths: { path: PathResult['path']; ns: string; dst: string; port: number }[] = [
          { path: 'pod-to-pod', ns: sender.pods[0]!.ns, dst: pod.ip, port: PORT },
          { path: 'node-to-pod', ns: sender.ns, dst: pod.ip, port: PORT },
          { path: 'node-to-service', ns: sender.ns, dst: plan.service!.clusterIp, port: 53 },
        ];
        for (const p of paths) {
          const file = join(plan.dir, `selftest-${udpcsum ? 'csum' : 'nocsum'}-tx${tx ? 'on' : 'off'}-${p.path}.pcap`);
          results.push({ variant, udpcsum, vxlanTxOffload: tx, ...(await measurePath(plan, sender, receiver, p, file, o.count)) });
        }
      }
    }
  } finally {
    if (!o.keep) await labDown(o.name);
  }
  return { kernel, lab: o.name, count: o.count, results, ms: Math.round(performance.now() - t0) };
}

/** Recreates flannel.1 on every node with or without outer UDP checksums, and sets its tx offload. */
async function configureVtep(plan: LabPlan, udpcsum: boolean, tx: boolean): Promise<void> {
  await Promise.all(plan.nodes.map(async (n) => {
    const v = { ...n.vtep, udpcsum };
    await run({ ns: n.ns, argv: ['ip', '-batch', '-'], stdin: [`link del ${v.dev}`, ...vtepCreateLines(v), ...peerRouteLines(plan, n)].join('\n') + '\n' });
    await run({ ns: n.ns, argv: ['bridge', '-batch', '-'], stdin: fdbLines(plan, n).join('\n') + '\n' });
    await run({ ns: n.ns, argv: ['ethtool', '-K', v.dev, 'tx', tx ? 'on' : 'off'] });
  }));
}

async function masqueradeCount(ns: string): Promise<number> {
  const r = await runRaw({ ns, argv: ['iptables', '-t', 'nat', '-L', 'KUBE-POSTROUTING', '-v', '-x', '-n'] });
  const line = r.stdout.split('\n').find((l) => /MASQUERADE/.test(l));
  return line ? Number(line.trim().split(/\s+/)[0]) : 0;
}

async function measurePath(
  plan: LabPlan, sender: NodePlan, receiver: NodePlan,
  p: { path: PathResult['path']; ns: string; dst: string; port: number }, file: string, count: number,
): Promise<Omit<PathResult, 'variant' | 'udpcsum' | 'vxlanTxOffload'>> {
  const pod = receiver.pods[0]!;
  const port = receiver.vtep.port;
  // Both directions: the answers going back (ICMP errors for the datagrams nothing listens to) show
  // which datagrams the receiver took; the counts below are of the sender's packets only.
  const cap = await startCapture(receiver.ns, 'eth0', file, ['udp', 'port', String(port)]);
  const [nodeBefore, podBefore, masqBefore] = await Promise.all([readSnmp(receiver.ns), readSnmp(pod.ns), masqueradeCount(sender.ns)]);
  await sendUdp(p.ns, p.dst, p.port, 64, count);
  await new Promise((r) => setTimeout(r, 300));
  const [nodeAfter, podAfter, masqAfter] = await Promise.all([readSnmp(receiver.ns), readSnmp(pod.ns), masqueradeCount(sender.ns)]);
  await stopProcess(cap);
  const outer = await outerUdpFromPcap(file, port, sender.eth0Ip);
  const peer = classifyOuterChecksums((await runRaw({ argv: ['tcpdump', '-r', file, '-nn', '-vv'] })).stdout, port, sender.eth0Ip);
  const delivered = Math.min(count, udpArrivals(podAfter) - udpArrivals(podBefore));
  const inCsum = (nodeAfter['Udp:InCsumErrors'] ?? 0) - (nodeBefore['Udp:InCsumErrors'] ?? 0);
  const inErr = (nodeAfter['Udp:InErrors'] ?? 0) - (nodeBefore['Udp:InErrors'] ?? 0);
  // Only the receiving kernel's verdict proves a wire error: a capture across a veth shows partial
  // (offload) sums as "bad" for packets that arrive fine.
  const corrupted = inCsum;
  const dropped = count - delivered;
  const verdict: PathResult['verdict'] = delivered === count ? 'delivered' : corrupted > 0 ? 'corrupted' : delivered === 0 ? 'dropped' : 'partial';
  return {
    path: p.path, sent: count, delivered, dropped, corrupted, verdict, outer, how: explain(outer, inCsum, delivered, count),
    tcpdump: { packets: peer.packets, ok: peer.ok, zero: peer.zero, bad: peer.bad },
    receiver: { udpInCsumErrors: inCsum, udpInErrors: inErr },
    masqueraded: p.path === 'node-to-service' ? masqAfter - masqBefore : undefined,
    capture: file,
  };
}

export function formatSelftest(r: SelftestReport): string {
  const lines = [`selftest on kernel ${r.kernel}: ${r.count} UDP datagrams per path, receiver-side capture and /proc/net/snmp (${r.ms} ms)`];
  let variant = '';
  for (const x of r.results) {
    if (x.variant !== variant) {
      variant = x.variant;
      lines.push(`  flannel.1 ${variant}`);
    }
    const masq = x.masqueraded !== undefined ? `; MASQUERADE hits ${x.masqueraded} (${x.masqueraded > x.sent ? 'outer header NATed too' : 'inner only'})` : '';
    lines.push(`    ${x.path.padEnd(16)} ${x.verdict.toUpperCase().padEnd(9)} ${x.delivered}/${x.sent} delivered, corrupted ${x.corrupted}, dropped ${x.dropped}; ${x.how}; receiver InCsumErrors +${x.receiver.udpInCsumErrors}${masq}`);
  }
  return lines.join('\n') + '\n';
}

function explain(outer: OuterUdpFromPcap, inCsum: number, delivered: number, sent: number): string {
  if (outer.packets === 0) return 'no VXLAN packet reached the receiver';
  const parts: string[] = [];
  if (outer.zero > 0) parts.push(`${outer.zero} with outer sum 0 (no cksum)`);
  if (outer.ok > 0) parts.push(`${outer.ok} with outer sum ok`);
  if (outer.bad > 0) {
    const values = [...new Set(outer.badValues.map((v) => v.split(' ')[0]))].slice(0, 3).join(', ');
    const causes = Object.entries(outer.causes).map(([c, n]) => `${n} ${c}`).join(', ') + (outer.answered ? `, ${outer.answered} of them answered` : '');
    parts.push(inCsum > 0
      ? `${outer.bad} with a bad outer UDP sum (${values}; ${causes}): the receiver dropped ${inCsum} (InCsumErrors)`
      : `${outer.bad} with a bad-looking outer sum (${values}; podpath's classifier: ${causes}) yet ${delivered}/${sent} delivered, InCsumErrors +0 (a veth hands partial-checksum packets over unverified)`);
  }
  return parts.join('; ');
}
