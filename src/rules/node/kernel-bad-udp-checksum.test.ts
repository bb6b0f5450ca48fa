import { RuleTester, loadFixture } from '../../engine/rule-tester.js';
import rule from './kernel-bad-udp-checksum.js';

const seed = loadFixture('seed-000-kylin-bad-udp-checksum.json');
const boot = seed.boot;
if (!boot) throw new Error('fixture lacks boot');

new RuleTester().run(rule, {
  valid: [
    { name: 'healthy node on kernel 6.18', facts: loadFixture('healthy-flannel-node.json') },
    {
      name: 'seed 000 after the fix: booted 52.22',
      facts: { ...seed, kernel: { source: 'uname -a', release: '4.19.90-52.22.v2207.ky10.x86_64', uname: 'Linux TKVMJT0240 4.19.90-52.22.v2207.ky10.x86_64 #1 SMP Tue Mar 14 12:19:10 CST' } },
    },
    { name: 'the untested 52.45 build is not called bad', facts: { ...seed, kernel: { source: 'uname -r', release: '4.19.90-52.45.v2207.ky10.x86_64', uname: '4.19.90-52.45.v2207.ky10.x86_64' } } },
  ],
  invalid: [
    {
      name: 'seed 000: Kylin 52.49, boot entry 2 is 52.22',
      facts: seed,
      errors: [{ messageId: 'fallbackGood', data: { goodIndex: 2, currentIndex: 0, installedAt: '2025-08-07T01:34:25Z', replaced: '4.19.90-52.45.v2207.ky10', goodKernel: '4.19.90-52.22.v2207.ky10' }, evidence: ['#3 SMP Thu Jul 24 02:43:35 CST 2025', /InstaLLed:kernel-4\.19\.90-52\.49/, '2 : Kylin Linux Advanced Server (4.19.90-52.22.v2207.ky10.x86_64) V10 (Lance)'] }],
    },
    {
      name: 'only 52.45 left in the boot menu: older but untested',
      facts: { ...seed, boot: { ...boot, entries: boot.entries.filter((e) => e.index !== 2) } },
      errors: [{ messageId: 'fallbackUntested', data: { goodIndex: 1, goodKernel: '4.19.90-52.45.v2207.ky10' } }],
    },
    {
      name: 'no boot menu and no package history (sosreport without them)',
      facts: { kernel: seed.kernel },
      errors: [{ messageId: 'noFallback', data: { installedAt: '?', knownGood: '4.19.90-52.22.v2207.ky10' } }],
    },
  ],
  skipped: [{ name: 'no kernel section', facts: { missing: [] }, reason: 'no kernel' }],
});
