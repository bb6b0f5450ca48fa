// The cluster rules on the upper size: 5,000 nodes in the cluster's facts, 40 of them with
// full facts (each holding a route, a neighbour and an FDB entry for every other node), all in one
// subnet. Every rule must finish (no pairwise work cubed) and report what is there, once: the
// bound is the requirement here, so it is generous.
// Run by test/rules/cluster-scale.test.ts as a process of its own (node --import tsx): the work is one
// synchronous stretch of up to a minute on a loaded 2-core machine, and in the test worker it would hold
// the worker's event loop past vitest's fixed 60 s RPC timeout ("Timeout calling onTaskUpdate").
import { runRules } from '../../src/engine/run-rules.js';
import { clusterRules } from '../../src/rules/cluster-rules.js';
import type { Evidence } from '../../src/evidence/evidence.js';
import { clusterFacts, labNodeFacts, labNodeObjects } from './cluster-evidence.js';

const N = 5000;
const WITH_FACTS = 40;
const ip = (i: number) => `10.${(i >> 8) & 255}.${i & 255}.${10}`;
const cidr = (i: number) => `10.${64 + (i >> 8)}.${i & 255}.0/24`;
const mac = (i: number) => `0e:00:00:00:${((i >> 8) & 255).toString(16).padStart(2, '0')}:${(i & 255).toString(16).padStart(2, '0')}`;

function bigCluster(): Evidence {
  const template = labNodeObjects()[0]!;
  const objects = Array.from({ length: N }, (_, i) => {
    const n = structuredClone(template);
    n.metadata.name = `node-${i}`;
    n.metadata.annotations['flannel.alpha.coreos.com/public-ip'] = ip(i);
    n.metadata.annotations['flannel.alpha.coreos.com/backend-data'] = `{"VNI":1,"VtepMAC":"${mac(i)}"}`;
    (n.raw.spec as Record<string, unknown>).podCIDRs = [cidr(i)];
    ((n.raw.status as Record<string, unknown>).addresses as { type: string; address: string }[])[0]!.address = ip(i);
    return n;
  });
  const cluster = clusterFacts(objects);
  const nodes = Array.from({ length: WITH_FACTS }, (_, i) => {
    const f = labNodeFacts('a');
    f.links!.items = f.links!.items.map((l) => (l.name === 'flannel.1' ? { ...l, mac: mac(i), vxlan: { ...l.vxlan!, local: ip(i) } } : l.name === 'eth0' ? { ...l, addresses: [{ family: 'inet' as const, address: ip(i), prefixLen: 8 }] } : l));
    const others = Array.from({ length: N }, (_, j) => j).filter((j) => j !== i);
    f.routes!.items = [
      { dst: '10.0.0.0/8', type: 'unicast', dev: 'eth0', table: 'main', proto: 'kernel', scope: 'link', onlink: false, line: '10.0.0.0/8 dev eth0 proto kernel scope link' },
      { dst: cidr(i), type: 'unicast', dev: 'cni0', table: 'main', onlink: false, line: `${cidr(i)} dev cni0` },
      ...others.map((j) => ({ dst: cidr(j), type: 'unicast', via: cidr(j).split('/')[0], dev: 'flannel.1', table: 'main', onlink: true, line: `${cidr(j)} via ${cidr(j).split('/')[0]} dev flannel.1 onlink` })),
    ];
    f.fdb!.items = others.map((j) => ({ mac: mac(j), dev: 'flannel.1', dst: ip(j), self: true, permanent: true, line: `${mac(j)} dev flannel.1 dst ${ip(j)} self permanent` }));
    f.neighbours!.items = others.map((j) => ({ address: cidr(j).split('/')[0]!, dev: 'flannel.1', lladdr: mac(j), states: ['PERMANENT'], line: `${cidr(j).split('/')[0]} dev flannel.1 lladdr ${mac(j)} PERMANENT` }));
    return { name: `node-${i}`, matchedBy: 'name' as const, from: `bundles/node-${i}.json`, facts: f, health: { failing: false, ruleIds: [] } };
  });
  // One stale entry on node-1 for node-2, one missing route on node-3: each found once.
  nodes[1]!.facts.fdb!.items.find((e) => e.dst === ip(2))!.mac = '0e:ff:ff:ff:ff:ff';
  nodes[3]!.facts.routes!.items = nodes[3]!.facts.routes!.items.filter((r) => r.dst !== cidr(4));
  return { cluster, nodes };
}

const { findings, results } = runRules(clusterRules, bigCluster());
process.stdout.write(JSON.stringify({
  skipped: results.filter((r) => r.status === 'skipped').map((r) => `${r.ruleId}: ${r.reason}`),
  findings: findings.map((f) => `${f.ruleId}/${f.messageId}`).sort(),
}));
