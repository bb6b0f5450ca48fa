import { describe, expect, it } from 'vitest';
import { buildPhases, DEFAULT_OPTIONS, kubeProxyRules, labNamespaces, nodeFiles, nodeIpBatch, fdbLines, planLab, podIpBatch } from '../../src/lab/topology.js';
import { isLabNamespace, labsOf, stableMac, validateLabName, calicoVethName } from '../../src/lab/names.js';
import { PodpathError } from '../../src/util/errors.js';

const flannel = planLab({ ...DEFAULT_OPTIONS, name: 'a', service: true });
const calico = planLab({ ...DEFAULT_OPTIONS, name: 'c', cni: 'calico-vxlan', underlay: 'veth', nodes: 2, pods: 2 });

describe('lab names', () => {
  it('keeps other labs and other engineers\' namespaces out', () => {
    expect(isLabNamespace('pplab-a-n1', 'a')).toBe(true);
    expect(isLabNamespace('pplab-a-n12p3', 'a')).toBe(true);
    expect(isLabNamespace('pplab-a-sw', 'a')).toBe(true);
    expect(isLabNamespace('pplab-ab-n1', 'a')).toBe(false);
    expect(isLabNamespace('ppa-n1', 'a')).toBe(false);
    expect(isLabNamespace('pplab-a-n1-x', 'a')).toBe(false);
    expect(labsOf(['pplab-a-n1', 'pplab-b-sw', 'ppd1-x', 'pplab-a-n1p1'])).toEqual(['a', 'b']);
  });
  it('refuses lab names that could reach outside the prefix', () => {
    for (const bad of ['', 'A', 'a-b', 'a.b', 'x'.repeat(11), '../x']) expect(() => validateLabName(bad)).toThrow(PodpathError);
  });
  it('makes stable, locally administered unicast MACs and Calico-style veth names', () => {
    const mac = stableMac('x');
    expect(mac).toBe(stableMac('x'));
    expect(mac).not.toBe(stableMac('y'));
    expect(mac).toMatch(/^0e(:[0-9a-f]{2}){5}$/);
    expect(calicoVethName('pplab-c-n1p1')).toMatch(/^cali[0-9a-f]{11}$/);
  });
});

describe('lab plan', () => {
  it('addresses flannel nodes as flanneld does', () => {
    const n2 = flannel.nodes[1]!;
    expect(n2).toMatchObject({ name: 'n2', ns: 'pplab-a-n2', eth0Ip: '192.168.77.12', podCidr: '10.244.2.0/24', switchPort: 'portn2' });
    expect(n2.vtep).toMatchObject({ dev: 'flannel.1', vni: 1, port: 8472, mtu: 1450, ip: '10.244.2.0', local: '192.168.77.12' });
    expect(n2.pods[0]).toMatchObject({ ns: 'pplab-a-n2p1', ip: '10.244.2.2', prefixLen: 24, gateway: '10.244.2.1', mtu: 1450 });
    expect(flannel.service).toMatchObject({ clusterIp: '10.96.0.10', backend: { node: 'n3', ip: '10.244.3.2' } });
  });
  it('programs the VXLAN device, neighbours, routes and fdb for every peer', () => {
    const n1 = flannel.nodes[0]!;
    const lines = nodeIpBatch(flannel, n1);
    expect(lines).toContain(`link add flannel.1 address ${n1.vtep.mac} mtu 1450 type vxlan id 1 local 192.168.77.11 dev eth0 dstport 8472 nolearning noudpcsum`);
    expect(lines).toContain('addr add 10.244.1.0/32 dev flannel.1');
    expect(lines).toContain('addr add 10.244.1.1/24 dev cni0');
    for (const peer of flannel.nodes.slice(1)) {
      expect(lines).toContain(`route replace ${peer.podCidr} via ${peer.vtep.ip} dev flannel.1 onlink`);
      expect(lines).toContain(`neigh replace ${peer.vtep.ip} lladdr ${peer.vtep.mac} dev flannel.1 nud permanent`);
    }
    expect(fdbLines(flannel, n1)).toEqual(flannel.nodes.slice(1).map((p) => `fdb replace ${p.vtep.mac} dev flannel.1 dst ${p.eth0Ip} self permanent`));
    expect(lines.some((l) => l.includes(n1.vtep.mac) && l.startsWith('neigh'))).toBe(false);
  });
  it('builds Calico VXLAN with routed /32 pods and a blackhole for the own block', () => {
    const n1 = calico.nodes[0]!;
    expect(n1.vtep).toMatchObject({ dev: 'vxlan.calico', vni: 4096, port: 4789 });
    expect(n1.podCidr).toBe('10.244.1.0/26');
    const lines = nodeIpBatch(calico, n1);
    expect(lines).toContain('route add blackhole 10.244.1.0/26');
    expect(lines).toContain(`route replace 10.244.2.0/26 via 10.244.2.0 dev vxlan.calico onlink`);
    expect(lines.some((l) => l.includes('cni0'))).toBe(false);
    expect(lines).toContain(`route add 10.244.1.2/32 dev ${n1.pods[1]!.hostVeth} scope link`);
    expect(podIpBatch(n1.pods[0]!)).toEqual(['link set lo up', 'link set eth0 up', 'addr add 10.244.1.1/32 dev eth0', 'route add 169.254.1.1 dev eth0 scope link', 'route add default via 169.254.1.1 dev eth0']);
  });
  it('creates every namespace first and every link from inside namespaces (nothing on the host)', () => {
    const phases = buildPhases(flannel);
    const first = phases[0]!;
    expect(first).toHaveLength(1);
    expect(first[0]!.stdin!.trim().split('\n')).toEqual(['pplab-a-sw', 'pplab-a-n1', 'pplab-a-n1p1', 'pplab-a-n2', 'pplab-a-n2p1', 'pplab-a-n3', 'pplab-a-n3p1'].map((n) => `netns add ${n}`));
    for (const step of phases.slice(1).flat()) expect(step.ns).toMatch(/^pplab-a-/);
    const veth = planLab({ ...DEFAULT_OPTIONS, name: 'v', underlay: 'veth', nodes: 2 });
    expect(buildPhases(veth)[2]![0]!.argv).toEqual(['ip', 'link', 'add', 'eth0', 'mtu', '1500', 'type', 'veth', 'peer', 'name', 'eth0', 'mtu', '1500', 'netns', 'pplab-v-n2']);
  });
  it('writes kube-proxy rules in the fixed and the pre-1.17.9 form', () => {
    const fixed = kubeProxyRules(flannel, 'fixed');
    expect(fixed).toContain('-A KUBE-MARK-MASQ -j MARK --set-xmark 0x4000/0x4000');
    expect(fixed).toContain('-A KUBE-POSTROUTING -m mark ! --mark 0x4000/0x4000 -j RETURN');
    expect(fixed).toContain('-j DNAT --to-destination 10.244.3.2:53');
    expect(fixed).toMatch(/^\*nat\n[\s\S]*COMMIT\n$/);
    const prefix = kubeProxyRules(flannel, 'prefix');
    expect(prefix).not.toContain('RETURN');
    expect(prefix).toContain('-m mark --mark 0x4000/0x4000 -j MASQUERADE --random-fully');
  });
  it('writes the node files flanneld leaves', () => {
    const files = nodeFiles(flannel, flannel.nodes[1]!);
    expect(files['run/flannel/subnet.env']).toBe('FLANNEL_NETWORK=10.244.0.0/16\nFLANNEL_SUBNET=10.244.2.1/24\nFLANNEL_MTU=1450\nFLANNEL_IPMASQ=true\n');
    expect(JSON.parse(files['etc/kube-flannel/net-conf.json']!)).toEqual({ Network: '10.244.0.0/16', Backend: { Type: 'vxlan' } });
    expect(JSON.parse(files['etc/cni/net.d/10-flannel.conflist']!).plugins[0].type).toBe('flannel');
    expect(nodeFiles(calico, calico.nodes[0]!)).toHaveProperty(['etc/cni/net.d/10-calico.conflist']);
  });
  it('refuses impossible options with stable codes', () => {
    const bad = (o: Partial<typeof DEFAULT_OPTIONS>) => () => planLab({ ...DEFAULT_OPTIONS, ...o });
    expect(bad({ nodes: 1 })).toThrow(/--nodes/);
    expect(bad({ underlay: 'veth', nodes: 3 })).toThrow(/exactly two/);
    expect(bad({ mtu: 100 })).toThrow(/--mtu/);
    expect(bad({ service: true, pods: 0 })).toThrow(/--service/);
    try {
      bad({ nodes: 0 })();
    } catch (e) {
      expect((e as PodpathError).code).toBe('E_LAB_OPTION');
    }
  });
  it('derives the overlay MTU from the underlay MTU', () => {
    const p = planLab({ ...DEFAULT_OPTIONS, name: 'm', mtu: 9000 });
    expect(p.nodes[0]!.vtep.mtu).toBe(8950);
    expect(p.nodes[0]!.pods[0]!.mtu).toBe(8950);
  });
});

describe('lab plan with two subnets (--subnets 2)', () => {
  const two = planLab({ ...DEFAULT_OPTIONS, name: 's', nodes: 4, subnets: 2 });
  it('puts the first half of the nodes on 192.168.77.0/24, the rest on 192.168.78.0/24, each with its router leg as gateway', () => {
    expect(two.nodes.map((n) => [n.name, n.eth0Ip, n.subnet, n.gateway])).toEqual([
      ['n1', '192.168.77.11', 0, '192.168.77.1'], ['n2', '192.168.77.12', 0, '192.168.77.1'],
      ['n3', '192.168.78.13', 1, '192.168.78.1'], ['n4', '192.168.78.14', 1, '192.168.78.1'],
    ]);
    expect(two.subnets).toEqual(['192.168.77.0/24', '192.168.78.0/24']);
    expect(nodeIpBatch(two, two.nodes[2]!)).toContain('route add default via 192.168.78.1 dev eth0');
    // VXLAN to a peer on the other segment goes to its address, through the router
    expect(fdbLines(two, two.nodes[0]!)).toContain(`fdb replace ${two.nodes[3]!.vtep.mac} dev flannel.1 dst 192.168.78.14 self permanent`);
    expect(planLab({ ...DEFAULT_OPTIONS, name: 'o', nodes: 5, subnets: 2 }).nodes.map((n) => n.subnet)).toEqual([0, 0, 0, 1, 1]);
  });
  it('builds two bridges in the switch and a router namespace with a leg on each, forwarding', () => {
    expect(labNamespaces(two)).toEqual(['pplab-s-sw', 'pplab-s-rt', 'pplab-s-n1', 'pplab-s-n1p1', 'pplab-s-n2', 'pplab-s-n2p1', 'pplab-s-n3', 'pplab-s-n3p1', 'pplab-s-n4', 'pplab-s-n4p1']);
    expect(isLabNamespace('pplab-s-rt', 's')).toBe(true);
    expect(labsOf(['pplab-s-rt'])).toEqual(['s']);
    const phases = buildPhases(two);
    const sysctl = phases[1]!.find((s) => s.ns === 'pplab-s-rt')!;
    expect(sysctl.argv).toContain('net.ipv4.ip_forward=1');
    const sw = phases[2]![0]!.stdin!.split('\n');
    expect(sw).toEqual(expect.arrayContaining([
      'link add br0 type bridge', 'link add br1 type bridge',
      'link set portn2 master br0', 'link set portn3 master br1',
      'link add portrt0 mtu 1500 type veth peer name rt0 mtu 1500 netns pplab-s-rt', 'link set portrt0 master br0',
      'link add portrt1 mtu 1500 type veth peer name rt1 mtu 1500 netns pplab-s-rt', 'link set portrt1 master br1',
    ]));
    const router = phases[3]!.find((s) => s.ns === 'pplab-s-rt')!;
    expect(router.stdin!.trim().split('\n')).toEqual(['link set lo up', 'addr add 192.168.77.1/24 dev rt0', 'link set rt0 up', 'addr add 192.168.78.1/24 dev rt1', 'link set rt1 up']);
    // one subnet: no router, the old single bridge, the absent gateway
    expect(flannel.router).toBeUndefined();
    expect(buildPhases(flannel)[2]![0]!.stdin).not.toContain('br1');
  });
  it('needs the bridge underlay and takes only 1 or 2', () => {
    expect(() => planLab({ ...DEFAULT_OPTIONS, name: 'x', underlay: 'veth', nodes: 2, subnets: 2 })).toThrow(/--subnets 2 .* --underlay bridge/);
    expect(() => planLab({ ...DEFAULT_OPTIONS, name: 'x', subnets: 3 })).toThrow(/--subnets must be 1 or 2/);
  });
});
