import { RuleTester } from '../../engine/rule-tester.js';
import rule from './mesh-node.js';
import { editCells, loadMesh, unreachable } from '../../../test/helpers/mesh-fixtures.js';

new RuleTester().run(rule, {
  valid: [
    { name: 'recorded healthy lab', evidence: { mesh: loadMesh('healthy') } },
    { name: 'recorded seed-003 size cut: the cut claims its cells, no node is named', evidence: { mesh: loadMesh('size-cut') } },
  ],
  invalid: [
    {
      name: 'recorded bad UDP checksum on n2: its overlay cells fail, the underlay passes, checksums counted',
      evidence: { mesh: loadMesh('bad-udp-checksum-n2') },
      errors: [{
        messageId: 'reach',
        data: { node: 'n2', failing: 12, passingPlanes: 'host->host' },
        message: /^n2 is the broken node: the pairs it sends from and receives on fail on host->pod; the pairs it receives on fail on pod->host, pod->pod \(12 cells\)/,
        messageZh: /^n2 是故障节点/,
        evidence: [/host->pod n2 -> n3 \(10\.244\.3\.2\): UDP 0\/3 back/, /loss placed at receiver-kernel-checksum: n3: \/proc\/net\/snmp Udp InCsumErrors \+5/, /could not be measured \(E_AGENT_UNREACHABLE\)/],
        phrases: { side: ['both', 'col'] },
      }],
    },
    {
      name: 'recorded forward-drop on n4: what is sent to its pod fails, the next step is forwarding',
      evidence: { mesh: loadMesh('forward-drop-n4') },
      errors: [{ messageId: 'reach', data: { node: 'n4', failing: 6 }, phrases: { side: ['col'] }, evidence: [/pod->pod n1 -> n4/] }],
    },
    {
      name: 'edited from the healthy recording: everything n3 sends on the underlay is lost',
      evidence: { mesh: editCells(loadMesh('healthy'), (c) => c.plane === 'host->host' && c.from === 'n3', unreachable) },
      errors: [{ messageId: 'reach', data: { node: 'n3', planes: 'host->host', failing: 3 }, phrases: { side: ['row'] } }],
    },
    {
      name: 'edited from the seed-003 recording: only n1 stops at 1400 bytes, both ways, the router healed',
      evidence: { mesh: editCells(loadMesh('healthy'), (c) => c.plane === 'host->host' && (c.from === 'n1' || c.to === 'n1'), (c) => ({ ...c, sweep: { maxTried: 3000, largestPassing: 1400, smallestFailing: 1401, tries: [] } })) },
      errors: [{ messageId: 'size', data: { node: 'n1', limit: '1400', failing: 6 }, phrases: { side: ['both'] } }],
    },
  ],
});
