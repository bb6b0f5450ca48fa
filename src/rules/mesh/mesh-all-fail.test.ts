import { RuleTester } from '../../engine/rule-tester.js';
import rule from './mesh-all-fail.js';
import { dead, editCells, loadMesh } from '../../../test/helpers/mesh-fixtures.js';

new RuleTester().run(rule, {
  valid: [
    { name: 'recorded healthy lab', evidence: { mesh: loadMesh('healthy') } },
    { name: 'recorded seed-003 size cut', evidence: { mesh: loadMesh('size-cut') } },
    { name: 'edited from the healthy recording: the overlay fails everywhere but the underlay passes (mesh-plane-only)', evidence: { mesh: editCells(loadMesh('healthy'), (c) => c.plane !== 'host->host', dead) } },
  ],
  invalid: [
    {
      name: 'edited from the healthy recording: every cell of every plane unreachable',
      evidence: { mesh: editCells(loadMesh('healthy'), () => true, dead) },
      errors: [{ messageId: 'reach', data: { failing: 48, planes: 'host->host, host->pod, pod->host, pod->pod' }, severity: 'critical', message: /^Every pair fails on every plane measured/, evidence: [/UDP 0\/5 back \(0 arrived at the peer\), TCP 0\/3 connected, ICMP 0\/3/, /and 42 more failing cells/] }],
    },
  ],
});
