// Every cluster rule over recorded `kubectl get -o json|yaml` output only (test/fixtures/kube/SOURCES.md:
// `nodes-eks-kubectl-list.json` from chookapp/kubview, `ippoollist-v3-calicoctl.yaml` from calico#6301,
// `felixconfiguration-crd-v1-checksum-override.yaml` from cluster-api-provider-azure), handed over as a
// user would: one .tar.gz, read through `--from`'s reader. What the recordings hold is judged; what they
// lack (no node's own facts, no flannel annotations) is a skip with its reason, never a pass.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runRules } from '../../src/engine/run-rules.js';
import { clusterRules } from '../../src/rules/cluster-rules.js';
import { buildClusterFacts } from '../../src/sources/kube/build.js';
import { readKubeDumps } from '../../src/sources/kube/files.js';
import { gzip, tarOf } from '../helpers/tar-craft.js';

const FX = join(__dirname, '../fixtures/kube/api');
const tmp = mkdtempSync(join(tmpdir(), 'podpath-recorded-dumps-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('the cluster rules over recorded dumps in a tarball', () => {
  it('EKS 1.14 nodes (kernel 4.14.154, kube-proxy v1.14.8), calico#6301 pools, the CAPZ Felix override', async () => {
    const file = join(tmp, 'cluster.tgz');
    writeFileSync(file, gzip(tarOf(['nodes-eks-kubectl-list.json', 'ippoollist-v3-calicoctl.yaml', 'felixconfiguration-crd-v1-checksum-override.yaml'].map((f) => ({ name: `dump/${f}`, data: readFileSync(join(FX, f), 'utf8') })))));
    const cluster = buildClusterFacts(await readKubeDumps([file]));
    expect(cluster.nodes.map((n) => n.name)).toEqual(['ip-192-168-4-135.eu-central-1.compute.internal', 'ip-192-168-47-102.eu-central-1.compute.internal']);
    const { results, findings } = runRules(clusterRules, { cluster });
    const outcome = Object.fromEntries(results.map((r) => [r.ruleId, r.status === 'skipped' ? `skipped: ${r.reason}` : r.status]));
    expect(outcome).toEqual({
      // Neither pool is CrossSubnet (one has no vxlanMode at all: unset, calico#6301): judged, nothing found.
      'calico-crosssubnet-underlay': 'pass',
      // No node's own facts in the bag ("nodes"): the rules that compare with them say so.
      'fleet-split': 'skipped: no nodes; fewer than 2 nodes\' facts judged: no split between failing and healthy nodes to look for',
      'overlay-settings-mismatch': 'skipped: no nodes',
      'peer-vtep-stale': 'skipped: no nodes',
      'pod-cidr-routes': 'skipped: no nodes',
      'public-ip-wrong': 'skipped: no node carries flannel\'s public-ip annotation',
      'vtep-annotation-stale': 'skipped: no nodes',
      // Both nodes in seed 004's range through kube-proxy's version, whatever Felix does.
      'vxlan-nat-checksum-range': 'fail',
    });
    expect(findings.map((f) => [f.ruleId, f.messageId])).toEqual([['vxlan-nat-checksum-range', 'kubeProxy']]);
    expect(findings[0]!.evidence.map((e) => e.source)).toContain('Node/ip-192-168-4-135.eu-central-1.compute.internal status.nodeInfo.kubeProxyVersion');
  });
});
