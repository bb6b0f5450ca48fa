import { RuleTester } from '../../engine/rule-tester.js';
import type { NodeFacts } from '../../evidence/node-facts.js';
import { loadKbNode, readConntrackStats } from '../../../test/fixtures/evidence/kb/load.js';
import rule from './conntrack-insert-failed.js';

const good = loadKbNode('good');
// conntrack -S as conntrack 1.4.x prints it on a node with the DNS race (one line per CPU).
const racy = `cpu=0   \tfound=12 invalid=310 insert=0 insert_failed=917 drop=917 early_drop=0 error=0 search_restart=44
cpu=1   \tfound=9 invalid=288 insert=0 insert_failed=1022 drop=1022 early_drop=0 error=0 search_restart=31
`;
const stats = (text: string): Pick<NodeFacts, 'conntrack'> => ({ conntrack: { stats: readConntrackStats(text), sources: ['conntrack -S'] } });

new RuleTester().run(rule, {
  valid: [{ name: 'real node: insert_failed 0 on every CPU', facts: good }],
  invalid: [
    { name: 'insert_failed summed over CPUs (1939)', facts: stats(racy), errors: [{ messageId: 'insertFailed', severity: 'warning', data: { insertFailed: 1939, drop: 1939 }, evidence: ['insert_failed=1939'] }] },
    {
      name: 'a few insert failures: the milder message',
      facts: { ...stats('cpu=0 found=0 invalid=0 insert=0 insert_failed=3 drop=3 early_drop=0 error=0 search_restart=0\n'), kernel: { source: 'uname -a', release: '4.19.90-52.22.v2207.ky10.x86_64', uname: 'Linux n1 4.19.90-52.22.v2207.ky10.x86_64' } },
      errors: [{ messageId: 'insertFailedFew', severity: 'info', data: { insertFailed: 3 }, evidence: ['kernel 4.19.90-52.22'] }],
    },
  ],
  skipped: [
    { name: 'no conntrack', facts: { links: good.links }, reason: 'no conntrack' },
    { name: 'count/max only, no conntrack -S', facts: { conntrack: { count: 5, max: 100, stats: {}, sources: ['/proc'] } }, reason: 'conntrack -S' },
  ],
});
