import { RuleTester, loadFixture } from '../../engine/rule-tester.js';
import rule from './udp-csum-errors.js';

const healthy = loadFixture('healthy-flannel-node.json');
const seed = loadFixture('seed-000-kylin-bad-udp-checksum.json');
// A probe entry as src/evidence/probe-evidence.ts defines it; only its counters matter here.
const probe = (delta: number) => ({
  peer: '172.31.251.1',
  label: 'underlay' as const,
  from: '172.31.251.1',
  to: 'this node',
  target: '172.31.251.2:8472',
  source: 'probe 172.31.251.1 underlay (172.31.251.1 -> this node)',
  counters: [
    { node: 'peer' as const, counter: 'Udp.OutDatagrams', delta: 20, seconds: 10, source: 'peer /proc/net/snmp' },
    { node: 'local' as const, counter: 'Udp.InCsumErrors', delta, seconds: 10, source: '/proc/net/snmp before/after probe' },
  ],
});

new RuleTester().run(rule, {
  valid: [
    { name: 'healthy node: InCsumErrors 0', facts: healthy },
    { name: 'non-zero since boot, but no rise during probes', facts: { ...seed, probes: [probe(0)] } },
  ],
  invalid: [
    {
      name: 'seed 000 lab reproduction: receiver counted 5 (one snapshot)',
      facts: seed,
      errors: [{ messageId: 'sinceBoot', data: { count: 5, inErrors: 5, port: 8472 }, evidence: ['Udp: InErrors 5 InCsumErrors 5'] }],
    },
    {
      name: 'with the kernel naming the sender (flannel-io/flannel#1279 line form)',
      facts: { ...seed, kernelLog: { matches: [{ pattern: 'udp-bad-checksum', line: 'UDP: bad checksum. From 172.31.251.1:47873 to 172.31.251.2:8472 ulen 92', source: 'dmesg' }], linesScanned: 40, sources: ['dmesg'] } },
      errors: [{ messageId: 'sinceBoot', evidence: ['Udp: InErrors 5 InCsumErrors 5', 'UDP: bad checksum. From 172.31.251.1:47873 to 172.31.251.2:8472 ulen 92'] }],
    },
    {
      // Old iproute2 prints `dstport 0` for the kernel default: the capture must be on 8472, not port 0.
      name: 'a VXLAN device showing dstport 0 (CentOS 7): the capture command names the kernel default port',
      facts: { ...seed, links: { source: 'ip -d link', items: seed.links!.items.map((l) => (l.vxlan ? { ...l, vxlan: { ...l.vxlan, port: 0 } } : l)) } },
      errors: [{ messageId: 'sinceBoot', data: { port: 8472 }, commands: ['tcpdump -nn -vv -i any -c 50 udp port 8472 | grep -B1 "bad udp cksum"'] }],
    },
    {
      name: 'a Calico node: the capture is on vxlan.calico\'s port',
      facts: { ...seed, links: { source: 'ip -d link', items: [{ name: 'vxlan.calico', kind: 'vxlan', mtu: 1450, flags: [], addresses: [], source: 'ip -d link', vxlan: { id: 4096, port: 4789 } }] } },
      errors: [{ messageId: 'sinceBoot', data: { port: 4789 } }],
    },
    {
      name: 'rising during probes',
      facts: { ...healthy, probes: [probe(12)] },
      errors: [{ messageId: 'rising', data: { delta: 12, seconds: 10 }, evidence: ['Udp InCsumErrors +12 in 10 s'] }],
    },
  ],
  skipped: [
    { name: 'no /proc/net/snmp', facts: {}, reason: 'no SNMP counters' },
    { name: 'snmp without a Udp table', facts: { snmp: { tables: { Ip: { Forwarding: 1 } }, source: '/proc/net/snmp' } }, reason: 'no Udp InCsumErrors' },
  ],
});
