import { RuleTester, loadFixture } from '../../engine/rule-tester.js';
import rule from './kernel-log-bad-offload.js';

const healthy = loadFixture('healthy-flannel-node.json');
const seed = loadFixture('seed-002-lro-forwarding.json');
const log = seed.kernelLog!;
const at = (line: string) => ({ pattern: 'skb-warn-bad-offload', line, source: 'dmesg' });

// A bond transmit trace as kernel 4.18 prints it (RHEL 8, bond of an ixgbe and an igb NIC): synthetic, built
// from the frames bond_start_xmit / validate_xmit_skb / __skb_gso_segment take in that kernel's source.
const bondTrace = [
  at('WARNING: CPU: 3 PID: 0 at net/core/dev.c:3036 skb_warn_bad_offload+0x7e/0xe0'),
  at('igb: caps=(0x000007c000194bb3, 0x0000000000000000) len=2962 data_len=2896 gso_size=1448 gso_type=1 ip_summed=3'),
  at('Call Trace:'),
  at(' __skb_gso_segment+0xd7/0x120'),
  at(' validate_xmit_skb+0x13a/0x2e0'),
  at(' dev_hard_start_xmit+0x9f/0x200'),
  at(' bond_start_xmit+0x1a5/0x430 [bonding]'),
];

new RuleTester().run(rule, {
  valid: [
    { name: 'healthy node: no matches in the kernel log', facts: healthy },
    { name: 'other patterns only', facts: { kernelLog: { ...log, matches: [{ pattern: 'martian-source', line: 'IPv4: martian source 10.244.1.5 from 10.244.2.3, on dev eth0', source: 'dmesg' }] } } },
  ],
  invalid: [
    {
      name: 'seed 002 without its ethtool output: WARNING with __skb_gso_segment, ip_forward, virtio_net: LRO off on the virtio_net NICs, found by driver',
      facts: { ...seed, nics: undefined },
      errors: [{
        messageId: 'forwarded',
        data: { count: 1, driver: 'virtio_net' },
        evidence: [/caps=\(0x00003021001b5889/, /WARNING: CPU: 1 PID: 0 at net\/core\/dev.c:2496 skb_warn_bad_offload/],
        commands: [
          'for n in $(ls /sys/class/net); do [ "$(basename "$(readlink -f "/sys/class/net/$n/device/driver")")" = virtio_net ] && ethtool -k "$n" 2>/dev/null | grep -q "large-receive-offload: on$" && ethtool -K "$n" lro off && echo "$n" >> /var/tmp/podpath-lro-off; done; cat /var/tmp/podpath-lro-off',
          'while read -r n; do ethtool -K "$n" lro on; done < /var/tmp/podpath-lro-off && rm -f /var/tmp/podpath-lro-off',
        ],
      }],
    },
    {
      name: 'seed 002 (eth0 is virtio_net with LRO on): ethtool -K eth0 lro off, and back on',
      facts: seed,
      errors: [{ messageId: 'forwarded', commands: ['ethtool -K eth0 lro off', 'ethtool -K eth0 lro on'] }],
    },
    {
      name: 'a forwarding trace whose driver is not named: no placeholder, every NIC with LRO on',
      facts: { kernelLog: { ...log, matches: log.matches.filter((m) => !/virtio_net|virtnet/.test(m.line)) } },
      errors: [{ messageId: 'forwardedNoDriver', commands: ['for n in $(ls /sys/class/net); do ethtool -k "$n" 2>/dev/null | grep -q "large-receive-offload: on$" && ethtool -K "$n" lro off && echo "$n" >> /var/tmp/podpath-lro-off; done; cat /var/tmp/podpath-lro-off'] }],
    },
    {
      name: 'a bond transmit trace (synthetic, RHEL 8 frames): GSO and scatter-gather off on the bond devices',
      facts: { kernelLog: { ...log, matches: bondTrace } },
      errors: [{ messageId: 'stacked', data: { count: 1 }, commands: ['for n in $(ls /sys/class/net); do { [ -d "/sys/class/net/$n/bonding" ] || [ -e "/proc/net/vlan/$n" ]; } && ethtool -K "$n" gso off sg off && echo "$n" >> /var/tmp/podpath-gso-off; done; cat /var/tmp/podpath-gso-off'] }],
    },
    {
      name: 'the same with the bond known from the links: ethtool -K bond0',
      facts: { kernelLog: { ...log, matches: bondTrace }, links: { source: 'ip -d link', items: [{ name: 'bond0', kind: 'bond', mtu: 1500, flags: [], addresses: [], source: 'ip -d link' }] } },
      errors: [{ messageId: 'stacked', commands: ['ethtool -K bond0 gso off sg off', 'ethtool -K bond0 sg on gso on'] }],
    },
    {
      name: 'the WARNING line alone (no trace collected): compare offloads, no driver placeholder',
      facts: { kernelLog: { ...log, matches: log.matches.slice(0, 1) } },
      errors: [{ messageId: 'local', data: { frames: 'skb_warn_bad_offload' } }],
    },
  ],
  skipped: [{ name: 'kernel log not readable', facts: { kernelLog: log, missing: [{ evidence: 'kernelLog', code: 'commandNeedsRoot', data: { command: 'dmesg', error: 'dmesg: read kernel buffer failed: Operation not permitted' }, reason: '' }] }, reason: 'no kernel log: `dmesg` needs root (podpath is not running as root): `dmesg: read kernel buffer failed: Operation not permitted`' }],
});
