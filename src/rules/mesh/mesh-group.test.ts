import { RuleTester } from '../../engine/rule-tester.js';
import rule from './mesh-group.js';
import type { MeshMatrix } from '../../evidence/mesh-matrix.js';
import { editCells, icmpStillPasses, loadMesh } from '../../../test/helpers/mesh-fixtures.js';

/** The healthy recording with a kernel-build label: n1 and n3 (one per subnet) on the broken build. */
function labelled(): MeshMatrix {
  const m = loadMesh('healthy');
  for (const n of m.nodes) n.labels['node.kubernetes.io/kernel'] = n.name === 'n1' || n.name === 'n3' ? '5.4.0-1045-bad' : '5.4.0-1050';
  return m;
}

new RuleTester().run(rule, {
  valid: [
    { name: 'recorded healthy lab', evidence: { mesh: loadMesh('healthy') } },
    { name: 'recorded seed-003 size cut: a cut, not a group', evidence: { mesh: loadMesh('size-cut') } },
  ],
  invalid: [
    {
      name: 'edited from the healthy recording: the nodes of one kernel build (a label, across both subnets) lose what they send on the overlay',
      evidence: { mesh: editCells(labelled(), (c) => c.plane !== 'host->host' && (c.from === 'n1' || c.from === 'n3'), icmpStillPasses) },
      errors: [{
        messageId: 'reach',
        data: { group: 'node.kubernetes.io/kernel=5.4.0-1045-bad', nodes: 'n1, n3', failing: 18 },
        message: /^The nodes with node\.kubernetes\.io\/kernel=5\.4\.0-1045-bad \(n1, n3\) fail: the pairs they send from fail on host->pod, pod->host, pod->pod \(18 cells\)/,
        phrases: { side: ['row'] },
      }],
    },
    {
      name: 'edited from the healthy recording: the subnet 192.168.78.0/24 loses what is sent to it on the underlay, within it too',
      evidence: { mesh: editCells(loadMesh('healthy'), (c) => c.plane === 'host->host' && (c.to === 'n3' || c.to === 'n4'), icmpStillPasses) },
      errors: [{ messageId: 'reach', data: { group: '192.168.78.0/24', nodes: 'n3, n4' }, message: /they also share lab\.podpath\.io\/subnet=1/, phrases: { side: ['col'] } }],
    },
  ],
});
