import { RuleTester } from '../../engine/rule-tester.js';
import rule from './mesh-protocol-only.js';
import { dead, editCells, icmpStillPasses, loadMesh } from '../../../test/helpers/mesh-fixtures.js';

new RuleTester().run(rule, {
  valid: [
    { name: 'recorded healthy lab', evidence: { mesh: loadMesh('healthy') } },
    { name: 'recorded bad UDP checksum on n2: its peers were not verified, no ICMP was sent', evidence: { mesh: loadMesh('bad-udp-checksum-n2') } },
    { name: 'edited from the healthy recording: n2 loses everything, ICMP included', evidence: { mesh: editCells(loadMesh('healthy'), (c) => c.from === 'n2', dead) } },
  ],
  invalid: [
    {
      name: 'edited from the healthy recording: what n2 sends on the overlay loses UDP and TCP, its ICMP comes back (the checksum class)',
      evidence: { mesh: editCells(loadMesh('healthy'), (c) => c.plane !== 'host->host' && c.from === 'n2', icmpStillPasses) },
      errors: [{ messageId: 'icmpOnly', data: { failing: 9, planes: 'host->pod, pod->host, pod->pod' }, evidence: [/UDP 0\/5 back \(0 arrived at the peer\), TCP 0\/3 connected, ICMP 3\/3/] }],
    },
  ],
});
