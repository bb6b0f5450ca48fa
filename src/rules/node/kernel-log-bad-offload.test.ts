import { RuleTester, loadFixture } from '../../engine/rule-tester.js';
import rule from './kernel-log-bad-offload.js';

const healthy = loadFixture('healthy-flannel-node.json');
const seed = loadFixture('seed-002-lro-forwarding.json');
const log = seed.kernelLog!;

new RuleTester().run(rule, {
  valid: [
    { name: 'healthy node: no matches in the kernel log', facts: healthy },
    { name: 'other patterns only', facts: { kernelLog: { ...log, matches: [{ pattern: 'martian-source', line: 'IPv4: martian source 10.244.1.5 from 10.244.2.3, on dev eth0', source: 'dmesg' }] } } },
  ],
  invalid: [
    {
      name: 'seed 002: WARNING with __skb_gso_segment, ip_forward, virtio_net',
      facts: seed,
      errors: [{ messageId: 'forwarded', data: { count: 1, frames: '__skb_gso_segment, ip_forward', driver: 'virtio_net' }, evidence: [/caps=\(0x00003021001b5889/, /WARNING: CPU: 1 PID: 0 at net\/core\/dev.c:2496 skb_warn_bad_offload/] }],
    },
    {
      name: 'the WARNING line alone (no trace collected)',
      facts: { kernelLog: { ...log, matches: log.matches.slice(0, 1) } },
      errors: [{ messageId: 'local', data: { frames: '-', driver: '?' } }],
    },
  ],
  skipped: [{ name: 'kernel log not readable', facts: { kernelLog: log, missing: [{ evidence: 'kernelLog', code: 'commandNeedsRoot', data: { command: 'dmesg', error: 'dmesg: read kernel buffer failed: Operation not permitted' }, reason: '' }] }, reason: 'no kernel log: `dmesg` needs root (podpath is not running as root): `dmesg: read kernel buffer failed: Operation not permitted`' }],
});
