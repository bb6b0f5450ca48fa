// `podpath doctor`, run inside a lab node (`ip netns exec <node> ... doctor --root <node root>`),
// reports nothing on a healthy lab and names each node-visible injected fault as its top finding.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { missingRequirement } from '../helpers/env.js';
import { FAULTS, injectFault } from '../../src/lab/faults/index.js';
import { labDown, labUp } from '../../src/lab/lifecycle.js';
import { DEFAULT_OPTIONS, type LabPlan } from '../../src/lab/topology.js';
import { ping, sendUdp } from '../../src/lab/traffic.js';
import { podpathArgs } from '../helpers/podpath.js';

const skip = missingRequirement({ root: true, tools: ['ip', 'nft', 'tcpdump', 'ping', 'bridge', 'iptables', 'ethtool'] });
const pexec = promisify(execFile);
const LAB = 'e2edoc';

interface DoctorJson {
  findings: { ruleId: string; severity: string }[];
  summary: { rules: number; findings: number };
}

async function doctor(plan: LabPlan, node: string): Promise<DoctorJson> {
  const n = plan.nodes.find((x) => x.name === node)!;
  const argv = ['netns', 'exec', n.ns, process.execPath, ...podpathArgs(), 'doctor', '--root', n.root, '-o', 'json'];
  // doctor exits non-zero when it has findings; its report is on stdout either way.
  const stdout = await pexec('ip', argv, { encoding: 'utf8', maxBuffer: 32 << 20 }).then(
    (r) => r.stdout,
    (e: { stdout?: string; stderr?: string; code?: number }) => {
      if (!e.stdout) throw new Error(`doctor failed (${e.code}): ${e.stderr ?? ''}`);
      return e.stdout;
    },
  );
  return JSON.parse(stdout) as DoctorJson;
}

/** Cross-node traffic so counters (InCsumErrors, RX) move the way they would on a cluster. */
async function traffic(plan: LabPlan): Promise<void> {
  for (const from of plan.nodes) {
    for (const to of plan.nodes) if (from !== to) await ping(from.pods[0]!.ns, to.pods[0]!.ip);
  }
  await sendUdp(plan.nodes[0]!.ns, plan.service!.clusterIp, 53, 20, 3);
  await new Promise((r) => setTimeout(r, 200));
}

// Every fault whose evidence one node can show, and the rule doctor must name first there.
const cases = FAULTS.filter((f) => f.doctor).map((f) => ({ fault: f.name, on: f.doctor!.on, top: f.doctor!.rule }));

describe.skipIf(skip)('doctor on the lab', () => {
  afterAll(async () => {
    await labDown(LAB);
  });

  it('finds nothing on a healthy lab, on any node', async () => {
    await labDown(LAB);
    const { plan } = (await labUp({ ...DEFAULT_OPTIONS, name: LAB, service: true })).state;
    await traffic(plan);
    for (const n of plan.nodes) {
      const d = await doctor(plan, n.name);
      expect(d.summary.rules).toBeGreaterThan(10);
      expect(d.findings.map((f) => f.ruleId), `healthy ${n.name}`).toEqual([]);
    }
    await labDown(LAB);
  });

  // A fresh lab per fault: counters such as InCsumErrors never go down.
  it('covers the node-visible faults', () => {
    expect(cases.map((c) => c.fault).sort()).toEqual([
      'bad-udp-checksum', 'firewall-vxlan-port', 'forward-drop', 'ip-forward-off', 'offload-lro', 'route-hijack', 'rp-filter-strict', 'vxlan-nat-checksum', 'vxlan-port-mismatch',
    ]);
  });

  it.each(cases)('$fault: doctor on the fault\'s $on names $top first', async ({ fault, top }) => {
    await labDown(LAB);
    const { plan } = (await labUp({ ...DEFAULT_OPTIONS, name: LAB, service: true })).state;
    try {
      const applied = await injectFault(LAB, fault);
      await traffic(plan);
      const d = await doctor(plan, applied.doctor!.node);
      const ids = d.findings.map((f) => f.ruleId);
      expect(ids[0], JSON.stringify(ids)).toBe(top);
      // The asymmetric route comes first, the strict filter right with it.
      if (fault === 'rp-filter-strict') expect(ids).toContain('rp-filter-strict');
    } finally {
      await labDown(LAB);
    }
  });
});
