import { RuleTester, loadFixture } from '../engine/rule-tester.js';
import type { NodeFacts } from '../evidence/node-facts.js';
import rule from './vxlan-nat-checksum.js';

const healthy = loadFixture('healthy-flannel-node.json');
const seed004 = loadFixture('seed-004-calico-vxlan-nat-checksum.json');
const oldKernel = (facts: NodeFacts, release: string): NodeFacts => ({ ...facts, kernel: { source: 'uname -r', release, uname: release } });
const txOff = (facts: NodeFacts): NodeFacts => ({
  ...facts,
  nics: (facts.nics ?? []).map((n) => ({ ...n, features: { ...n.features, 'tx-checksum-ip-generic': { on: false, fixed: false } } })),
});
// flannel-b's KUBE-POSTROUTING (test/fixtures/sources/net/flannel-b/iptables-save): the form after kubernetes#92035.
const fixedPostrouting = (facts: NodeFacts): NodeFacts => {
  const ipt = facts.packetFilter?.iptables ?? {};
  return {
    ...facts,
    packetFilter: {
      sources: ['test/fixtures/sources/net/flannel-b/iptables-save'],
      iptables: {
        ...ipt,
        nat: {
          ...ipt.nat,
          'KUBE-POSTROUTING': {
            name: 'KUBE-POSTROUTING',
            rules: [
              '-A KUBE-POSTROUTING -m mark ! --mark 0x4000/0x4000 -j RETURN',
              '-A KUBE-POSTROUTING -j MARK --set-xmark 0x4000/0x0',
              '-A KUBE-POSTROUTING -m comment --comment "kubernetes service traffic requiring SNAT" -j MASQUERADE --random-fully',
            ],
          },
        },
      },
    },
  };
};

new RuleTester().run(rule, {
  valid: [
    { name: 'healthy node: kernel 6.18 has the fix (pre-fix KUBE-POSTROUTING does no harm)', facts: healthy },
    { name: 'old kernel, but tx checksum offload off on flannel.1', facts: txOff(oldKernel(healthy, '4.19.90-17.ky10.aarch64')) },
    { name: 'stable kernel with the fix: 4.19.123', facts: oldKernel(healthy, '4.19.123') },
    { name: 'seed 004 after `ethtool --offload vxlan.calico rx off tx off`', facts: txOff(seed004) },
  ],
  invalid: [
    {
      name: 'seed 004: Calico VXLAN, kernel without the fix, offload on, no iptables evidence',
      facts: seed004,
      errors: [{ messageId: 'triggerUnknown', severity: 'error', data: { dev: 'vxlan.calico', release: '3.10.0-1160.el7.x86_64' }, evidence: ['tx-checksum-ip-generic: on'] }],
    },
    {
      name: 'flannel node on Kylin 4.19.90 with the pre-fix KUBE-POSTROUTING (lab iptables-save of flannel-a)',
      facts: oldKernel(healthy, '4.19.90-17.ky10.aarch64'),
      errors: [{ messageId: 'preFixMasquerade', severity: 'error', data: { dev: 'flannel.1', basis: '4.19.90 < 4.19.123' }, evidence: [/-m mark --mark 0x4000\/0x4000 -j MASQUERADE --random-fully/] }],
    },
    {
      name: 'fixed KUBE-POSTROUTING does not clear the kernel side (seed 004 ran v1.21)',
      facts: fixedPostrouting(oldKernel(healthy, '5.4.40')),
      errors: [{ messageId: 'triggerNotSeen', severity: 'warning', data: { basis: '5.4.40 < 5.4.41' }, evidence: [/! --mark 0x4000\/0x4000 -j RETURN/] }],
    },
  ],
  skipped: [
    { name: 'no ethtool output at all', facts: { kernel: seed004.kernel }, reason: 'no nics' },
    { name: 'ethtool was not run on the overlay device', facts: { ...oldKernel(healthy, '4.19.90'), nics: healthy.nics?.filter((n) => n.name !== 'flannel.1') }, reason: 'no ethtool -k for flannel.1' },
  ],
});
