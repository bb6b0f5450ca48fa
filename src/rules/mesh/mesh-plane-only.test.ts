import { RuleTester } from '../../engine/rule-tester.js';
import rule from './mesh-plane-only.js';
import { dead, editCells, loadMesh } from '../../../test/helpers/mesh-fixtures.js';

new RuleTester().run(rule, {
  valid: [
    { name: 'recorded healthy lab', evidence: { mesh: loadMesh('healthy') } },
    { name: 'recorded forward-drop on n4: one node, not a plane everywhere', evidence: { mesh: loadMesh('forward-drop-n4') } },
    { name: 'edited from the healthy recording: everything fails (mesh-all-fail)', evidence: { mesh: editCells(loadMesh('healthy'), () => true, dead) } },
  ],
  invalid: [
    {
      name: 'edited from the healthy recording: the overlay planes fail for every pair, the underlay passes',
      evidence: { mesh: editCells(loadMesh('healthy'), (c) => c.plane !== 'host->host', dead) },
      errors: [{ messageId: 'reach', data: { planes: 'host->pod, pod->host, pod->pod', passingPlanes: 'host->host', failing: 36 }, message: /^Every pair fails on host->pod, pod->host, pod->pod \(36 cells\) while every pair passes on host->host$/ }],
    },
  ],
});
