import { RuleTester } from '../../engine/rule-tester.js';
import type { NodeFacts } from '../../evidence/node-facts.js';
import { loadKbNode } from '../../../test/fixtures/evidence/kb/load.js';
import rule from './conntrack-near-full.js';

const good = loadKbNode('good');
const ct = (count: number | undefined, max: number | undefined): Pick<NodeFacts, 'conntrack'> => ({ conntrack: { count, max, stats: {}, sources: ['/proc/sys/net/netfilter/nf_conntrack_count'] } });
// As the kernel prints it (net/netfilter/nf_conntrack_core.c, net_warn_ratelimited).
const fullLine = '[1234567.891011] nf_conntrack: nf_conntrack: table full, dropping packet';

new RuleTester().run(rule, {
  valid: [
    { name: 'real node: 1 of 262144', facts: good },
    { name: 'just under 80%', facts: ct(79_999, 100_000) },
    {
      name: 'the expectation table filling is another thing (helpers), not the connection table',
      facts: { ...ct(10, 100_000), kernelLog: { matches: [{ pattern: 'nf-conntrack-expectation-full', line: 'nf_conntrack: expectation table full', source: 'dmesg' }], linesScanned: 10, sources: ['dmesg'] } },
    },
  ],
  invalid: [
    { name: '90% full', facts: ct(236_000, 262_144), errors: [{ messageId: 'nearFull', severity: 'error', data: { percent: 90, suggestedMax: 524_288, max: 262_144 }, evidence: ['nf_conntrack_count 236000 / nf_conntrack_max 262144'] }] },
    { name: '80% full', facts: ct(80_000, 100_000), errors: [{ messageId: 'filling', severity: 'warning', data: { percent: 80 } }] },
    {
      name: 'table full in the kernel log, even though the count has dropped since',
      facts: { ...ct(1_000, 65_536), kernelLog: { matches: [{ pattern: 'nf-conntrack-table-full', line: fullLine, source: 'dmesg' }], linesScanned: 500, sources: ['dmesg'] } },
      errors: [{ messageId: 'tableFull', severity: 'error', data: { times: 1 }, evidence: ['table full, dropping packet', 'nf_conntrack_max 65536'] }],
    },
    {
      name: 'the kernel log line alone is enough (kubernetes#71261: dmesg -T, no counters); the size kube-proxy set gives the fix',
      facts: {
        kernelLog: { matches: [{ pattern: 'nf-conntrack-table-full', line: '[Tue Nov 20 22:30:22 2018] nf_conntrack: table full, dropping packet', source: 'transcript.txt:1' }], linesScanned: 4, sources: ['transcript.txt:1'] },
        componentLog: { matches: [{ pattern: 'kube-proxy-conntrack-max', line: 'I1120 15:18:19.757786   26448 conntrack.go:52] Setting nf_conntrack_max to 786432', source: 'transcript.txt:6' }], sources: ['transcript.txt:6'] },
      },
      errors: [{ messageId: 'tableFull', data: { times: 1, max: 786432, suggestedMax: 1572864 }, evidence: ['table full, dropping packet', 'Setting nf_conntrack_max to 786432'] }],
    },
  ],
  skipped: [
    { name: 'no conntrack section', facts: { links: good.links }, reason: 'no conntrack' },
    {
      name: 'a kernel log without the line, and no counters: not judged (a grep of a log proves no absence)',
      facts: { kernelLog: { matches: [], linesScanned: 3, sources: ['transcript.txt:1'] } },
      reason: 'count or max not collected',
    },
    { name: 'conntrack section without count/max', facts: { conntrack: { stats: { insert_failed: 0 }, sources: ['conntrack -S'] } }, reason: 'count or max not collected' },
  ],
});
