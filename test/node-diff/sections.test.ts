// Each diff section on small variations of one real node: what is a difference, how relevant, and
// what is left out.
import { describe, expect, it } from 'vitest';
import { nodeDiff } from '../../src/app/node-diff/node-diff.js';
import type { Difference } from '../../src/evidence/node-diff.js';
import { makeFacts } from '../../src/engine/facts.js';
import type { NodeFacts } from '../../src/evidence/node-facts.js';
import { loadKbNode } from '../fixtures/evidence/kb/load.js';
import { seed000Pair } from '../fixtures/evidence/kb/seed000.js';

const good = loadKbNode('good');
const { healthy } = seed000Pair();
const find = (a: NodeFacts, b: NodeFacts, key: string): Difference | undefined => nodeDiff(a, b).differences.find((d) => d.key === key);
const nm = (devices: { device: string; type: string; state: string }[], specs: string[] = []): NodeFacts['networkManager'] => ({
  running: true,
  devices,
  unmanagedSpecs: specs.map((spec) => ({ spec, source: '/etc/NetworkManager/conf.d/flannel.conf' })),
  sources: ['nmcli -t device'],
});

describe('NIC drivers', () => {
  it('a different underlay driver is high, its version medium; firmware of an unrelated NIC low', () => {
    const nics = (driver: string, version: string): NodeFacts['nics'] => [
      { ...(healthy.nics?.[0] as NonNullable<NodeFacts['nics']>[number]), driver, driverVersion: version },
      { name: 'eth9', driver: 'e1000', firmwareVersion: version, features: {}, sources: ['ethtool -i eth9'] },
    ];
    const a = makeFacts({ ...healthy, nics: nics('virtio_net', '1.0.0') });
    const d = nodeDiff(a, makeFacts({ ...healthy, nics: nics('vmxnet3', '1.5.0.0-k') })).differences;
    expect(d.find((x) => x.key === 'nic.<underlay>.driver')).toMatchObject({ a: 'virtio_net', b: 'vmxnet3', relevance: 'high' });
    expect(d.find((x) => x.key === 'nic.<underlay>.driver-version')?.relevance).toBe('medium');
    expect(d.find((x) => x.key === 'nic.eth9.firmware')?.relevance).toBe('low');
  });

  it('LRO on the underlay of one node is high (seed 002)', () => {
    const lro = (on: boolean) => makeFacts({ ...healthy, nics: healthy.nics?.map((n) => ({ ...n, features: { ...n.features, 'large-receive-offload': { on, fixed: false } } })) });
    expect(find(lro(false), lro(true), 'offload.<underlay>.large-receive-offload')).toMatchObject({ a: 'off', b: 'on', relevance: 'high' });
  });
});

describe('VXLAN port', () => {
  const withPort = (port: number | undefined) => makeFacts({ ...good, links: { ...good.links!, items: good.links!.items.map((l) => (l.vxlan ? { ...l, vxlan: { ...l.vxlan, port } } : l)) } });
  it('`dstport 0` (CentOS 7: the kernel default) and a shown 8472 are the same port: no difference', () => {
    expect(find(withPort(0), withPort(8472), 'vxlan.flannel.1.dstport')).toBeUndefined();
  });
  it('a port one side does not show is not compared; `dstport 0` against 4789 is', () => {
    expect(find(withPort(8472), withPort(undefined), 'vxlan.flannel.1.dstport')).toBeUndefined();
    expect(find(withPort(0), withPort(4789), 'vxlan.flannel.1.dstport')).toMatchObject({ a: '8472 (dstport 0: kernel default)', b: '4789', relevance: 'high' });
  });
});

describe('NetworkManager', () => {
  it('CNI devices managed on B only is high; veth names are folded; unmanaged specs medium', () => {
    const a = makeFacts({ ...good, networkManager: nm([{ device: 'eth0', type: 'ethernet', state: 'connected' }, { device: 'flannel.1', type: 'vxlan', state: 'unmanaged' }], ['interface-name:flannel*']) });
    const b = makeFacts({ ...good, networkManager: nm([{ device: 'eth0', type: 'ethernet', state: 'connected' }, { device: 'flannel.1', type: 'vxlan', state: 'connected (externally)' }, { device: 'veth1a2b3c4d', type: 'ethernet', state: 'connected (externally)' }, { device: 'veth99887766', type: 'ethernet', state: 'connected (externally)' }]) });
    const d = nodeDiff(a, b).differences;
    expect(d.find((x) => x.key === 'nm.managed-cni-devices')).toMatchObject({ a: undefined, b: 'only here: flannel.1: connected (externally); veth*: connected (externally)', relevance: 'high' });
    expect(d.find((x) => x.key === 'nm.unmanaged-specs')).toMatchObject({ a: 'only here: interface-name:flannel*', relevance: 'medium' });
  });
});

describe('CNI', () => {
  const cni = good.cni as NonNullable<NodeFacts['cni']>;
  it('versions, backend port, FLANNEL_MTU and a stray config file', () => {
    const a = makeFacts({ ...good, cni: { ...cni, versions: { flannel: 'v0.22.3' }, configs: [{ file: '/etc/cni/net.d/10-flannel.conflist', type: 'flannel', plugins: ['flannel', 'portmap'] }] } });
    const b = makeFacts({
      ...good,
      cni: {
        ...cni,
        versions: { flannel: 'v0.19.0' },
        flannelNetConf: { ...(cni.flannelNetConf as NonNullable<typeof cni.flannelNetConf>), port: 4789 },
        flannelSubnetEnv: { ...(cni.flannelSubnetEnv as NonNullable<typeof cni.flannelSubnetEnv>), mtu: 1500 },
        configs: [{ file: '/etc/cni/net.d/10-flannel.conflist', type: 'flannel', plugins: ['flannel', 'portmap'] }, { file: '/etc/cni/net.d/05-cilium.conf', type: 'cilium-cni', plugins: [] }],
      },
    });
    const d = nodeDiff(a, b).differences;
    expect(d.find((x) => x.key === 'cni.version.flannel')).toMatchObject({ a: 'v0.22.3', b: 'v0.19.0', relevance: 'medium' });
    expect(d.find((x) => x.key === 'flannel.net-conf.port')).toMatchObject({ a: undefined, b: '4789', relevance: 'high' });
    expect(d.find((x) => x.key === 'flannel.subnet-env.mtu')).toMatchObject({ a: '1450', b: '1500', relevance: 'high' });
    expect(d.find((x) => x.key === 'cni.config.05-cilium.conf')).toMatchObject({ b: 'present', relevance: 'high' });
  });
});

describe('sysctls and modules', () => {
  it('net.bridge.* present on A only means br_netfilter is missing on B: high', () => {
    const a = makeFacts({ ...good, sysctls: { values: { ...good.sysctls?.values, 'net.bridge.bridge-nf-call-iptables': '1' }, sources: ['sysctl -a'] } });
    expect(find(a, good, 'net.bridge.bridge-nf-call-iptables')).toMatchObject({ a: '1', b: undefined, relevance: 'high' });
  });

  it('counters and per-boot values are never differences', () => {
    const noisy = (n: number) => makeFacts({ ...good, sysctls: { values: { ...good.sysctls?.values, 'net.netfilter.nf_conntrack_count': String(n), 'kernel.random.boot_id': `id-${n}`, 'fs.file-nr': `${n} 0 100` }, sources: ['sysctl -a'] } });
    expect(nodeDiff(noisy(1), noisy(2)).differences).toEqual([]);
  });

  it('a network module loaded on one node only is medium, another module low', () => {
    const mods = (loaded: string[]) => makeFacts({ ...good, modules: { loaded, source: '/proc/modules' } });
    const d = nodeDiff(mods(['vxlan', 'br_netfilter', 'ext4']), mods(['vxlan', 'xfs'])).differences;
    expect(d.find((x) => x.key === 'modules.network')).toMatchObject({ a: 'only here: br_netfilter', relevance: 'medium' });
    expect(d.find((x) => x.key === 'modules.other')?.relevance).toBe('low');
  });
});

describe('packet filter', () => {
  it('a filter table on B only: its FORWARD DROP is compared with the built-in ACCEPT of A (lab forward-drop)', () => {
    const nat = { POSTROUTING: { name: 'POSTROUTING', policy: 'ACCEPT', rules: [] } };
    const a = makeFacts({ ...good, packetFilter: { iptables: { nat }, sources: ['iptables-save'] } });
    const b = makeFacts({ ...good, packetFilter: { iptables: { nat, filter: { INPUT: { name: 'INPUT', policy: 'ACCEPT', rules: [] }, FORWARD: { name: 'FORWARD', policy: 'DROP', rules: [] }, OUTPUT: { name: 'OUTPUT', policy: 'ACCEPT', rules: [] } } }, sources: ['iptables-save'] } });
    const d = nodeDiff(a, b).differences;
    expect(d).toHaveLength(1);
    expect(d[0]).toMatchObject({ key: 'iptables.filter.FORWARD.policy', a: 'ACCEPT (no such table: built-in default)', b: 'DROP', relevance: 'high' });
  });

  it('kube-proxy per-service chains are counted, not listed', () => {
    const pf = (n: number): NodeFacts['packetFilter'] => ({
      iptables: { nat: Object.fromEntries(Array.from({ length: n }, (_, i) => [`KUBE-SVC-${'ABCDEFGHIJKLMNOP'.slice(0, 8)}${i}`, { name: `KUBE-SVC-${i}`, rules: [`-A KUBE-SVC-${i} -j KUBE-SEP-${i}`] }])) },
      sources: ['iptables-save'],
    });
    const d = nodeDiff(makeFacts({ ...good, packetFilter: pf(3) }), makeFacts({ ...good, packetFilter: pf(5) })).differences;
    expect(d).toHaveLength(1);
    expect(d[0]).toMatchObject({ key: 'iptables.nat.per-service-chains', a: '3', b: '5', relevance: 'low' });
  });
});
