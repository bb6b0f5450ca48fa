// `podpath cluster doctor` on the lab: the lab writes the API objects flannel / Calico would (its
// nodes' annotations, net-conf, IPPool, FelixConfiguration) as a kubectl dump, each node's facts
// are collected inside its namespace (`podpath collect --root`), and the cluster rules judge them
// together: nothing on a healthy lab, and the lab faults that break the cluster's view are named.
// Cluster rules with no lab fault (yet): fleet-split, vxlan-nat-checksum-range, calico-crosssubnet-underlay
// (their tests use recorded data: seed 000, kubview's EKS nodes, the composed CrossSubnet pool);
// peer-vtep-stale is seen here only as a consequence of duplicate-public-ip.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { missingRequirement } from '../helpers/env.js';
import { healFaults, injectFault } from '../../src/lab/faults/index.js';
import { KUBE_OBJECTS_FILE } from '../../src/lab/kube-objects.js';
import { labDown, labUp } from '../../src/lab/lifecycle.js';
import { DEFAULT_OPTIONS, type LabOptions, type LabPlan } from '../../src/lab/topology.js';
import type { ClusterDoctorReport } from '../../src/report/cluster-doctor-model.js';
import { podpathArgs } from '../helpers/podpath.js';

const skip = missingRequirement({ root: true, tools: ['ip', 'nft', 'bridge', 'iptables', 'ethtool'] });
const pexec = promisify(execFile);
const LAB = 'ppclrule';
const CLI = [process.execPath, ...podpathArgs()];

/** Each node's facts, collected in its namespace, into a directory of `<node>.json`. */
async function collectAll(plan: LabPlan): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'podpath-lab-cluster-'));
  for (const n of plan.nodes) {
    const { stdout } = await pexec('ip', ['netns', 'exec', n.ns, ...CLI, 'collect', '--root', n.root, '--json'], { encoding: 'utf8', maxBuffer: 64 << 20 });
    writeFileSync(join(dir, `${n.name}.json`), stdout);
  }
  return dir;
}

async function clusterDoctor(plan: LabPlan): Promise<ClusterDoctorReport> {
  const nodes = await collectAll(plan);
  try {
    const out = await pexec(CLI[0]!, [...CLI.slice(1), 'cluster', 'doctor', '--from', join(plan.dir, KUBE_OBJECTS_FILE), '--nodes-from', nodes, '-o', 'json'], { encoding: 'utf8', maxBuffer: 64 << 20 }).then(
      (r) => r.stdout,
      (e: { stdout?: string; stderr?: string; code?: number }) => {
        if (!e.stdout) throw new Error(`cluster doctor failed (${e.code}): ${e.stderr ?? ''}`);
        return e.stdout;
      },
    );
    return JSON.parse(out) as ClusterDoctorReport;
  } finally {
    rmSync(nodes, { recursive: true, force: true });
  }
}

async function freshLab(o: Partial<LabOptions> = {}): Promise<LabPlan> {
  await labDown(LAB);
  return (await labUp({ ...DEFAULT_OPTIONS, name: LAB, ...o })).state.plan;
}

const found = (r: ClusterDoctorReport) => r.findings.map((f) => `${f.ruleId}/${f.messageId}`);

describe.skipIf(skip)('cluster doctor on the lab', () => {
  /** The healthy flannel lab of the first case, reused by the fault that only rewrites its API objects. */
  let healthy: LabPlan | undefined;
  afterAll(async () => {
    await labDown(LAB);
  });

  it('healthy flannel lab: every node tied by name, every cluster rule judged, no finding', async () => {
    const plan = await freshLab();
    healthy = plan;
    const r = await clusterDoctor(plan);
    expect(r.nodes.map((n) => [n.name, n.matchedBy])).toEqual(plan.nodes.map((n) => [n.name, 'name']));
    expect(found(r)).toEqual([]);
    // flannel writes no Calico IPPool: that rule says so rather than passing.
    expect(r.results.filter((x) => x.status === 'skipped').map((x) => `${x.ruleId}: ${x.reason}`)).toEqual(['calico-crosssubnet-underlay: no Calico IPPool in the cluster facts']);
  }, 240_000);

  it('duplicate-public-ip: public-ip-wrong names the two nodes with one public-ip; heal writes the objects back', async () => {
    // The fault changes only the lab's API objects: the healthy lab above serves, no second lab up.
    const plan = healthy ?? await freshLab();
    const file = join(plan.dir, KUBE_OBJECTS_FILE);
    const before = readFileSync(file, 'utf8');
    const applied = await injectFault(LAB, 'duplicate-public-ip');
    const [n1, n3] = [plan.nodes[0]!, plan.nodes[plan.nodes.length - 1]!];
    expect([applied.node, applied.peer]).toEqual([n1.name, n3.name]);
    try {
      const r = await clusterDoctor(plan);
      // peer-vtep-stale fires too: it finds n2's FDB entry for n1 by n1's advertised public-ip, which is
      // now n3's address, and so holds n3's VtepMAC against n1's (a consequence of the duplicate).
      expect(found(r).sort()).toEqual(['peer-vtep-stale/staleFdb', 'public-ip-wrong/duplicate', 'public-ip-wrong/notOwn']);
      const msg = (id: string) => r.findings.find((f) => `${f.ruleId}/${f.messageId}` === id)!.message;
      expect(msg('public-ip-wrong/duplicate')).toContain(`Nodes ${n1.name}, ${n3.name} all advertise public-ip ${n3.eth0Ip}`);
      expect(msg('public-ip-wrong/notOwn')).toContain(`Node ${n1.name} advertises public-ip ${n3.eth0Ip}, but no interface of ${n1.name} holds ${n3.eth0Ip}`);
    } finally {
      await healFaults(LAB, 'duplicate-public-ip');
    }
    expect(readFileSync(file, 'utf8')).toBe(before);
  }, 240_000);

  it('stale-vtep-mac: vtep-annotation-stale names the node whose flannel.1 MAC changed', async () => {
    const plan = await freshLab();
    const applied = await injectFault(LAB, 'stale-vtep-mac');
    const r = await clusterDoctor(plan);
    expect(found(r)).toEqual(['vtep-annotation-stale/flannelMac']);
    const node = plan.nodes[0]!;
    expect(r.findings[0]!.message).toContain(`Node ${node.name} advertises VtepMAC ${node.vtep.mac}`);
    expect(applied.node).toBe(node.name);
  }, 240_000);

  it('route-hijack: pod-cidr-routes names the node that lost its routes to the other nodes\' podCIDRs', async () => {
    const plan = await freshLab();
    const applied = await injectFault(LAB, 'route-hijack');
    const r = await clusterDoctor(plan);
    const [n1, n2, n3] = plan.nodes;
    expect(applied.node).toBe(n1!.name);
    // The fault (seed 001) is judged on the node by peer-pod-routes-missing; the cluster names each
    // podCIDR n1 has no route to, from the Node objects' spec.podCIDRs.
    expect(found(r)).toEqual(['pod-cidr-routes/missingRoute', 'pod-cidr-routes/missingRoute']);
    expect(r.findings.map((f) => f.message.split(':')[0])).toEqual([`${n1!.name} has no route to ${n2!.name}'s podCIDR ${n2!.podCidr}`, `${n1!.name} has no route to ${n3!.name}'s podCIDR ${n3!.podCidr}`]);
  }, 240_000);

  it('vxlan-port-mismatch: overlay-settings-mismatch names the node on port 4789 (net-conf: 8472)', async () => {
    const plan = await freshLab();
    await injectFault(LAB, 'vxlan-port-mismatch');
    const r = await clusterDoctor(plan);
    expect(found(r)).toEqual(['overlay-settings-mismatch/notConfigured']);
    expect(r.findings[0]!.message).toBe(`flannel.1 dstport is 4789 on ${plan.nodes[0]!.name}, but ConfigMap/kube-flannel/kube-flannel-cfg data["net-conf.json"] says 8472`);
  }, 240_000);

  it('mtu-mismatch (veth underlay): overlay-settings-mismatch names the node whose eth0 carries less', async () => {
    const plan = await freshLab({ nodes: 2, underlay: 'veth' });
    await injectFault(LAB, 'mtu-mismatch');
    const r = await clusterDoctor(plan);
    expect(found(r)).toEqual(['overlay-settings-mismatch/differs']);
    expect(r.findings[0]!.message).toContain(`eth0 mtu is 1450 on ${plan.nodes[1]!.name}, but 1500 on the other 1 node(s)`);
  }, 240_000);

  it('stale-vtep-mac on Calico: vtep-annotation-stale names the node whose vxlan.calico MAC changed', async () => {
    const plan = await freshLab({ cni: 'calico-vxlan' });
    await injectFault(LAB, 'stale-vtep-mac');
    const r = await clusterDoctor(plan);
    expect(found(r)).toEqual(['vtep-annotation-stale/calicoMac']);
    expect(r.findings[0]!.message).toContain(`Node ${plan.nodes[0]!.name} advertises VXLANTunnelMACAddr ${plan.nodes[0]!.vtep.mac}`);
  }, 240_000);

  it('healthy Calico VXLAN lab: no finding', async () => {
    const plan = await freshLab({ cni: 'calico-vxlan' });
    const r = await clusterDoctor(plan);
    expect(found(r)).toEqual([]);
    expect(r.nodes.every((n) => n.matchedBy === 'name')).toBe(true);
  }, 240_000);
});
