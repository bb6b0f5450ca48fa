import { RuleTester } from '../../engine/rule-tester.js';
import type { Evidence } from '../../evidence/evidence.js';
import type { NodeFacts } from '../../evidence/node-facts.js';
import { loadFixture } from '../../engine/rule-tester.js';
import { labEvidence, labNodeFacts, NODE_A } from '../../../test/helpers/cluster-evidence.js';
import rule from './fleet-split.js';

// Seed 000's node (recorded Kylin facts: 4.19.90-52.49.v2207.ky10.x86_64) as a third node, failing;
// the lab pair healthy on their Debian kernel.
const kylin = loadFixture('seed-000-kylin-bad-udp-checksum.json');
// The lab ran on Debian 12 (test/fixtures/sources/net/README.md).
const DEBIAN = { os: { source: '/etc/os-release', id: 'debian', versionId: '12', prettyName: 'Debian GNU/Linux 12 (bookworm)', idLike: [] } };
function fleet(o: { kylinFailing: boolean; aFailing?: boolean; a?: NodeFacts }): Evidence {
  const ev = labEvidence({ a: o.a ?? labNodeFacts('a', DEBIAN), b: labNodeFacts('b', DEBIAN) });
  ev.nodes = [
    { ...ev.nodes![0]!, health: { failing: o.aFailing ?? false, ruleIds: o.aFailing ? ['udp-csum-errors'] : [] } },
    { ...ev.nodes![1]!, health: { failing: false, ruleIds: [] } },
    { name: 'kylin-1', matchedBy: 'none', from: 'bundles/kylin-1.tar.xz', facts: kylin, health: { failing: o.kylinFailing, ruleIds: o.kylinFailing ? ['kernel-bad-udp-checksum', 'udp-csum-errors'] : [] } },
  ];
  return ev;
}
// Node a on another kernel build of the same release line than b: it alone fails.
const aOtherBuild = labNodeFacts('a', { kernel: { source: 'uname -a', release: '6.1.0-18-amd64', version: '#1 SMP PREEMPT_DYNAMIC Debian 6.1.69-1 (2023-12-30)', arch: 'x86_64', hostname: NODE_A, uname: 'Linux node-a 6.1.0-18-amd64 #1 SMP PREEMPT_DYNAMIC Debian 6.1.69-1 (2023-12-30) x86_64 GNU/Linux' } });

new RuleTester().run(rule, {
  valid: [
    { name: 'all nodes healthy, same kernel build', evidence: { ...labEvidence(), nodes: labEvidence().nodes!.map((n) => ({ ...n, health: { failing: false, ruleIds: [] } })) } },
    { name: 'the failing node shares its build with a healthy one', evidence: (() => { const e = labEvidence(); e.nodes = e.nodes!.map((n, i) => ({ ...n, health: { failing: i === 0, ruleIds: i === 0 ? ['udp-csum-errors'] : [] } })); return e; })() },
  ],
  invalid: [
    {
      name: 'seed 000: the Kylin node fails, runs the known bad build, and its kernel and OS split it from the lab pair',
      evidence: fleet({ kylinFailing: true }),
      errors: [
        { messageId: 'knownBad', severity: 'error', data: { count: 1, nodes: 'kylin-1', release: '4.19.90-52.49.v2207.ky10.x86_64', otherCount: 2, others: '6.1.0-18-amd64 (2)' }, commands: ['grubby --set-default /boot/vmlinuz-4.19.90-52.22.v2207.ky10.x86_64  # on each of kylin-1; then reboot', 'podpath diff test/fixtures/sources/net/node-a bundles/kylin-1.tar.xz'] },
        { messageId: 'splits', data: { attribute: 'kernel build', failCount: 1, failing: 'kylin-1', healthyCount: 2 } },
        { messageId: 'splits', data: { attribute: 'OS', failing: 'kylin-1', others: 'Debian GNU/Linux 12 (bookworm)' } },
      ],
    },
    {
      name: 'node a alone fails and alone runs Debian 6.1.69-1',
      evidence: (() => { const e = labEvidence({ a: aOtherBuild }); e.nodes = e.nodes!.map((n) => ({ ...n, health: { failing: n.name === NODE_A, ruleIds: n.name === NODE_A ? ['overlay-rx-zero'] : [] } })); return e; })(),
      errors: [{ messageId: 'splits', data: { attribute: 'kernel build', value: '6.1.0-18-amd64 #1 SMP PREEMPT_DYNAMIC Debian 6.1.69-1 (2023-12-30)', failing: NODE_A }, evidence: [/Debian 6\.1\.69-1/, /Debian 6\.1\.76-1/] }],
    },
  ],
  skipped: [
    { name: 'one node\'s facts: nothing to split', evidence: { nodes: [labEvidence().nodes![0]!] }, reason: /fewer than 2 nodes/ },
  ],
});
