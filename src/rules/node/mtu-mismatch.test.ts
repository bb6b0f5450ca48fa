import { RuleTester } from '../../engine/rule-tester.js';
import type { NodeFacts } from '../../evidence/node-facts.js';
import { loadKbNode } from '../../../test/fixtures/evidence/kb/load.js';
import rule from './mtu-mismatch.js';

const good = loadKbNode('good');
const bad = loadKbNode('bad');
const withCni = (f: NodeFacts, cni: Partial<NonNullable<NodeFacts['cni']>>): NodeFacts => ({ ...f, cni: { ...(f.cni ?? { configs: [], versions: {}, sources: [] }), ...cni } as NonNullable<NodeFacts['cni']> });
const links = (f: NodeFacts) => f.links?.items ?? [];
// The underlay size sweep doctor --peer recorded in the lab with the switch ports at MTU 1450
// (`podpath lab fault mtu-mismatch`): 1422 bytes cross, 1423 never arrive.
const sweep = (largestPassing: number, smallestFailing: number): NonNullable<NodeFacts['probes']>[number] => ({
  peer: '192.168.77.12', label: 'underlay', from: 'this node', to: '192.168.77.12', sender: 'local', target: '192.168.77.12', devices: { local: {}, peer: {} },
  source: 'probe 192.168.77.12 underlay (this node -> 192.168.77.12)', sweep: { largestPassing, smallestFailing, maxTried: 9000 }, counters: [],
});

new RuleTester().run(rule, {
  valid: [
    { name: 'healthy node: eth0 1500, flannel.1 1450, cni0 and veth 1450, FLANNEL_MTU 1450', facts: good },
    { name: 'only links, no CNI data', facts: { links: good.links } },
    {
      name: 'pod side smaller than the tunnel is fine',
      facts: { links: { source: 'ip -d link', items: links(good).map((l) => (l.name === 'cni0' || l.kind === 'veth' && l.master === 'cni0' ? { ...l, mtu: 1400 } : l)) } },
    },
    { name: 'probes: the path carries the full 1500 (1472 cross; larger ones are fragments, underlay-size-limit\'s case)', facts: { ...good, probes: [sweep(1472, 1473)] } },
  ],
  invalid: [
    {
      name: 'probes: eth0 says 1500, the path carries 1450 (1422-byte payloads), flannel.1 1450 was derived from 1500',
      facts: { ...good, probes: [sweep(1422, 1423)] },
      errors: [{ messageId: 'pathBelowUnderlay', data: { pathMtu: 1450, largest: 1422, underlayMtu: 1500, vxlanMtu: 1450, frame: 1500, limit: 1400 }, evidence: ['largestPassing 1422', 'eth0', 'flannel.1'] }],
    },
    {
      name: 'broken node (real): underlay lowered to 1400 under flannel.1 1450, cni0/veth 1500',
      facts: bad,
      errors: [
        { messageId: 'vxlanAboveUnderlay', data: { vxlan: 'flannel.1', vxlanMtu: 1450, underlay: 'eth0', underlayMtu: 1400, overhead: 50, limit: 1350 }, evidence: ['flannel.1', 'eth0'] },
        { messageId: 'podSideAbove', data: { iface: 'cni0', ifaceMtu: 1500 } },
        { messageId: 'podSideAbove', data: { iface: 'veth2', ifaceMtu: 1500 } },
      ],
    },
    {
      name: 'FLANNEL_MTU differs from flannel.1',
      facts: withCni(good, { flannelSubnetEnv: { network: '10.244.0.0/16', mtu: 1500, source: '/run/flannel/subnet.env' } }),
      errors: [{ messageId: 'subnetEnvDiffers', data: { envMtu: 1500, vxlanMtu: 1450 }, evidence: ['FLANNEL_MTU=1500'] }],
    },
    {
      name: 'CNI conflist mtu above the tunnel',
      facts: withCni(good, { configs: [{ file: '/etc/cni/net.d/10-flannel.conflist', name: 'cbr0', type: 'flannel', plugins: ['flannel', 'portmap'], mtu: 1500 }] }),
      errors: [{ messageId: 'cniConfigAbove', data: { file: '/etc/cni/net.d/10-flannel.conflist', cniMtu: 1500 } }],
    },
    {
      name: 'IPv6 underlay needs 70 bytes: 1450 over 1500 is too much',
      facts: { links: { source: 'ip -d link', items: links(good).filter((l) => l.name === 'eth0' || l.name === 'flannel.1').map((l) => (l.vxlan ? { ...l, vxlan: { ...l.vxlan, local: 'fd00::1', dev: 'eth0' } } : l)) } },
      errors: [{ messageId: 'vxlanAboveUnderlay', data: { overhead: 70, limit: 1430 } }],
    },
  ],
  skipped: [
    { name: 'no links', facts: { cni: good.cni }, reason: 'no links' },
    { name: 'no VXLAN device (host-gw or IP-in-IP node)', facts: { links: { source: 'ip link', items: links(good).filter((l) => l.kind !== 'vxlan') } }, reason: 'no VXLAN device' },
    { name: 'flannel.1 alone, nothing to compare it with', facts: { links: { source: 'ip link', items: links(good).filter((l) => l.kind === 'vxlan') } }, reason: 'nothing to hold flannel.1 MTU against' },
  ],
});
