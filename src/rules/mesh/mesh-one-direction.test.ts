import { RuleTester } from '../../engine/rule-tester.js';
import rule from './mesh-one-direction.js';
import { editCells, loadMesh, unreachable } from '../../../test/helpers/mesh-fixtures.js';

new RuleTester().run(rule, {
  valid: [
    { name: 'recorded healthy lab', evidence: { mesh: loadMesh('healthy') } },
    { name: 'recorded bad UDP checksum on n2: one node', evidence: { mesh: loadMesh('bad-udp-checksum-n2') } },
  ],
  invalid: [
    {
      name: 'recorded rp-filter on n2 (asymmetric route to n1\'s pods): n1 -> n2 host->pod fails, n2 -> n1 passes',
      evidence: { mesh: loadMesh('rp-filter-n2') },
      errors: [{ messageId: 'reach', data: { pairs: 'n1 -> n2', planes: 'host->pod', receivers: 'n2' }, evidence: [/host->pod n1 -> n2 \(10\.244\.2\.2\): UDP 0\/3 back/, /the way back: host->pod n2 -> n1/, /loss placed at receiver-rp-filter: n2: \/proc\/net\/netstat IPReversePathFilter \+3/] }],
    },
    {
      name: 'recorded rp-filter on n2 across the subnets (its way back to n3\'s pods by the router, strict rp_filter): n3 -> n2 host->pod fails, n2 -> n3 passes, the receiver\'s rp_filter placed',
      evidence: { mesh: loadMesh('rp-filter-n2-across') },
      errors: [{ messageId: 'reach', data: { pairs: 'n3 -> n2', planes: 'host->pod', receivers: 'n2' }, evidence: [/host->pod n3 -> n2 \(10\.244\.2\.2\): UDP 0\/3 back/, /the way back: host->pod n2 -> n3/, /loss placed at receiver-rp-filter: n2: \/proc\/net\/netstat IPReversePathFilter \+3/] }],
    },
    {
      name: 'edited from the healthy recording: n1 -> n3 and n2 -> n4 fail on pod->pod, the ways back pass',
      evidence: { mesh: editCells(loadMesh('healthy'), (c) => c.plane === 'pod->pod' && ((c.from === 'n1' && c.to === 'n3') || (c.from === 'n2' && c.to === 'n4')), unreachable) },
      errors: [{ messageId: 'reach', data: { receivers: 'n3, n4', failing: 2 } }],
    },
  ],
});
