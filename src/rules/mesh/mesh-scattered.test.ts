import { RuleTester } from '../../engine/rule-tester.js';
import rule from './mesh-scattered.js';
import { loadMesh } from '../../../test/helpers/mesh-fixtures.js';

new RuleTester().run(rule, {
  valid: [
    { name: 'recorded healthy lab', evidence: { mesh: loadMesh('healthy') } },
    { name: 'recorded seed-003 size cut: every failing cell is the cut\'s', evidence: { mesh: loadMesh('size-cut') } },
  ],
  invalid: [
    {
      name: 'recorded rp-filter on n2: the pod-plane cells into n2 besides the one-way pair follow no pattern (n2\'s pod agent was unreachable)',
      evidence: { mesh: loadMesh('rp-filter-n2') },
      errors: [{ messageId: 'reach', data: { pairs: 'n3 -> n2, n4 -> n2, n1 -> n2', failing: 3 }, severity: 'warning', message: /losses placed at: receiver-rp-filter/ }],
    },
  ],
});
