import { RuleTester, loadFixture } from '../../engine/rule-tester.js';
import type { NodeFacts } from '../../evidence/node-facts.js';
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

// What doctor --peer measured in the lab with `lab fault vxlan-nat-checksum` on this node (kernel
// 6.18, pre-fix KUBE-POSTROUTING): DNS to the ClusterIP over UDP timed out, the peer's InCsumErrors
// rose meanwhile, the overlay (pod-IP) echo came back.
type Probe = NonNullable<NodeFacts['probes']>[number];
const src = (label: string, target: string) => `probe ${target} ${label} (this node -> 192.168.77.12)`;
const overlayEcho = (received: number): Probe => ({
  peer: '192.168.77.12', label: 'overlay', from: 'this node', to: '192.168.77.12', sender: 'local', target: '10.244.2.0', source: src('overlay', '10.244.2.0'),
  echo: { sent: 20, received, sendErrors: {} }, devices: { local: {}, peer: {} }, counters: [],
});
const serviceDns = (csum: number): Probe => ({
  peer: '192.168.77.12', label: 'underlay', from: 'this node', to: '192.168.77.12', sender: 'local', target: '192.168.77.12', source: src('underlay', '192.168.77.12'),
  devices: { local: {}, peer: {} },
  dns: [
    { server: '10.96.0.10:53', name: 'kubernetes.default.svc.cluster.local', transport: 'udp', ok: false, error: 'TIMEOUT' },
    { server: '10.96.0.10:53', name: 'kubernetes.default.svc.cluster.local', transport: 'tcp', ok: true, rcode: 0 },
  ],
  counters: [{ node: 'peer', counter: 'Udp.InCsumErrors', delta: csum, seconds: 3.1, source: src('underlay', '192.168.77.12') }],
});
const probed = (facts: NodeFacts, probes: Probe[]): NodeFacts => ({ ...facts, probes });

new RuleTester().run(rule, {
  valid: [
    { name: 'probes: service DNS fails but the peer counted no bad checksum (not this fault)', facts: probed(healthy, [overlayEcho(20), serviceDns(0)]) },
    { name: 'probes: pod-IP probes fail too (the overlay itself is broken: other rules)', facts: probed(healthy, [overlayEcho(0), serviceDns(2)]) },
    {
      // doctor --peer judges the peer on the same probes with `sender` flipped: the node running
      // doctor sent these, so they say nothing about the peer's own service traffic.
      name: 'probes as the peer\'s report sees them: sent by the other node (sender peer), however `from` reads',
      facts: probed(healthy, [overlayEcho(20), serviceDns(2)].map((p) => ({ ...p, sender: 'peer' as const }))),
    },
    { name: 'healthy node: kernel 6.18 has the fix (pre-fix KUBE-POSTROUTING does no harm)', facts: healthy },
    { name: 'old kernel, but tx checksum offload off on flannel.1', facts: txOff(oldKernel(healthy, '4.19.90-17.ky10.aarch64')) },
    { name: 'stable kernel with the fix: 4.19.123', facts: oldKernel(healthy, '4.19.123') },
    { name: 'seed 004 after `ethtool --offload vxlan.calico rx off tx off`', facts: txOff(seed004) },
  ],
  invalid: [
    {
      name: 'probes (lab, kernel 6.18): service DNS times out, pod-IP echo passes, peer InCsumErrors +2: measured, and the version does not explain it',
      facts: probed(healthy, [overlayEcho(20), serviceDns(2)]),
      errors: [{
        messageId: 'seenByProbes', severity: 'critical', data: { csum: 2, peer: '192.168.77.12' }, phrases: { failures: ['failureDns'] },
        message: /fails \(DNS udp to 10\.96\.0\.10:53: TIMEOUT\)/, messageZh: /访问 Service 失败\(DNS udp 到 10\.96\.0\.10:53:TIMEOUT\)/,
        evidence: ['20/20 came back', 'DNS udp 10.96.0.10:53', 'InCsumErrors +2'],
      }],
    },
    {
      name: 'probes on a kernel without the fix (4.19): the same symptom, and the version explains it',
      facts: probed(oldKernel(healthy, '4.19.90-17.ky10.aarch64'), [overlayEcho(20), serviceDns(2)]),
      errors: [{ messageId: 'seenByProbesOldKernel', severity: 'critical', data: { csum: 2 } }],
    },
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
    { name: 'no ethtool output at all', facts: { kernel: seed004.kernel }, reason: 'no NIC offload features' },
    { name: 'ethtool was not run on the overlay device', facts: { ...oldKernel(healthy, '4.19.90'), nics: healthy.nics?.filter((n) => n.name !== 'flannel.1') }, reason: 'no `ethtool -k` for flannel.1' },
  ],
});
