// The network view on real command output (test/fixtures/sources/net: a flannel and a Calico
// namespace, CentOS 7's iproute2, seed 001's subnet.env) and on the cases that make each answer
// fall back (no dev, no local, old iproute2 without a kind, no VXLAN device at all).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Link, NodeFacts } from '../../src/evidence/node-facts.js';
import { networkView } from '../../src/evidence/network-view.js';
import { mergeAddresses, parseIpAddressText, parseIpLinkText } from '../../src/sources/links/parse.js';
import { parseIpRoutes } from '../../src/sources/routes/parse.js';
import { parseBridgeFdb } from '../../src/sources/fdb/parse.js';
import { parseCniConfig, parseFlannelNetConf, parseFlannelSubnetEnv } from '../../src/sources/cni/parse.js';

const net = (p: string): string => readFileSync(new URL(`../fixtures/sources/net/${p}`, import.meta.url), 'utf8');
const cniFile = (p: string): string => readFileSync(new URL(`../fixtures/sources/cni/${p}`, import.meta.url), 'utf8');

type Facts = Pick<NodeFacts, 'links' | 'routes' | 'fdb' | 'cni'>;

function node(dir: 'flannel-a' | 'calico'): Facts {
  const links = mergeAddresses(parseIpLinkText(net(`${dir}/ip_-s_-d_link`), 'ip -s -d link'), parseIpAddressText(net(`${dir}/ip_-d_address`), 'ip -d address'));
  return {
    links: { items: links, source: 'ip -s -d link' },
    routes: { items: parseIpRoutes(net(`${dir}/ip_route_show_table_all`)), source: 'ip route show table all' },
    ...(dir === 'flannel-a' ? { fdb: { items: parseBridgeFdb(net('flannel-a/bridge_fdb_show')), source: 'bridge fdb show' } } : {}),
  };
}

const link = (name: string, extra: Partial<Link> = {}): Link => ({ name, kind: 'device', mtu: 1500, flags: [], addresses: [], source: 'ip -d link', ...extra });

describe('networkView on a flannel node (real ip/bridge output)', () => {
  const v = networkView(node('flannel-a'));
  it('finds flannel.1 with its VNI, port, VTEP and MTU', () => {
    expect(v.vxlan.map((d) => d.name)).toEqual(['flannel.1']);
    expect(v.primary).toMatchObject({ name: 'flannel.1', flavour: 'flannel', cniName: true, family: 'inet', vni: 1, dstport: 8472, port: { value: 8472, from: 'dstport' }, local: '172.31.250.1', overlayAddress: '10.244.1.0', mtu: 1450 });
  });
  it('finds the underlay through the device\'s dev, with the address VXLAN is sent from', () => {
    expect(v.underlay).toMatchObject({ from: 'vxlan-dev', how: 'dev eth0', address: '172.31.250.1' });
    expect(v.underlay?.link.name).toBe('eth0');
  });
  it('finds the pod subnet on cni0 and the peer subnet routed through flannel.1', () => {
    expect(v.podSubnet).toEqual({ cidr: '10.244.1.0/24', from: 'cni-bridge' });
    expect(v.peerPodSubnets).toEqual(['10.244.2.0/24']);
    expect(v.podNetwork).toBeUndefined();
    expect(v.cni).toEqual({ plugin: 'flannel', from: 'devices' });
    expect(v.kubernetesNode).toEqual({ value: true, why: 'device flannel.1' });
  });
});

describe('networkView on a Calico node (real ip output)', () => {
  const v = networkView(node('calico'));
  it('finds vxlan.calico on 4789 over eth0', () => {
    expect(v.primary).toMatchObject({ name: 'vxlan.calico', flavour: 'calico', vni: 4096, port: { value: 4789, from: 'dstport' }, local: '10.10.72.11', overlayAddress: '166.166.104.10' });
    expect(v.underlay?.link.name).toBe('eth0');
    expect(v.peerPodSubnets).toEqual(['166.166.166.128/26']);
    expect(v.cni).toEqual({ plugin: 'calico', from: 'devices' });
  });
});

describe('where the port comes from', () => {
  const centos7 = parseIpLinkText(net('seeds/centos7_ip_-d_link_show_flannel.1'), 'ip -d link show flannel.1');
  it('CentOS 7 prints no dstport: flannel\'s net-conf.json says, else the kernel default', () => {
    expect(centos7[0]?.vxlan?.port).toBeUndefined();
    const links = { items: centos7, source: 'ip -d link' };
    expect(networkView({ links }).primary?.port).toEqual({ value: 8472, from: 'kernel-default' });
    const conf = { ...parseFlannelNetConf(cniFile('net-conf.json')), source: 'net-conf.json' };
    expect(networkView({ links, cni: { configs: [], versions: {}, sources: [], flannelNetConf: conf } }).primary?.port).toEqual({ value: 8472, from: 'net-conf-default' });
    expect(networkView({ links, cni: { configs: [], versions: {}, sources: [], flannelNetConf: { ...conf, port: 4790 } } }).primary?.port).toEqual({ value: 4790, from: 'net-conf' });
  });
  it('dstport 0 is the kernel default; a Calico device without a port is Calico\'s default', () => {
    const zero = link('flannel.1', { kind: 'vxlan', vxlan: { id: 1, port: 0 } });
    expect(networkView({ links: { items: [zero], source: 'x' } }).primary).toMatchObject({ dstport: 0, port: { value: 8472, from: 'dstport-0' } });
    const calico = link('vxlan.calico', { kind: 'vxlan', vxlan: { id: 4096 } });
    expect(networkView({ links: { items: [calico], source: 'x' } }).primary?.port).toEqual({ value: 4789, from: 'calico-default' });
  });
});

describe('how the underlay is found', () => {
  const routes = parseIpRoutes('default via 10.0.0.254 dev eth0\n10.0.0.0/24 dev eth0 proto kernel scope link src 10.0.0.1\n192.168.9.0/24 dev eth1 proto kernel scope link src 192.168.9.1\n');
  const eth0 = link('eth0', { addresses: [{ family: 'inet', address: '10.0.0.1', prefixLen: 24 }] });
  const eth1 = link('eth1', { addresses: [{ family: 'inet', address: '192.168.9.1', prefixLen: 24 }] });
  const facts = (vx: Link, fdb: string[] = []): Facts => ({
    links: { items: [eth0, eth1, vx], source: 'x' },
    routes: { items: routes, source: 'ip route' },
    fdb: { items: fdb.map((dst, i) => ({ mac: `02:00:00:00:00:0${i}`, dev: vx.name, dst, self: true, permanent: true, line: `... dst ${dst}` })), source: 'bridge fdb' },
  });
  it('the link holding the local address when the device names no dev', () => {
    const vx = link('flannel.1', { kind: 'vxlan', vxlan: { id: 1, local: '192.168.9.1' } });
    expect(networkView(facts(vx)).underlay).toMatchObject({ from: 'vxlan-local', how: 'holds local 192.168.9.1', address: '192.168.9.1', link: { name: 'eth1' } });
  });
  it('the route to the peers in its FDB before the default route', () => {
    const vx = link('flannel.1', { kind: 'vxlan', vxlan: { id: 1 } });
    expect(networkView(facts(vx, ['192.168.9.7'])).underlay).toMatchObject({ from: 'peer-route', how: 'route to peer 192.168.9.7', address: '192.168.9.1', link: { name: 'eth1' } });
    expect(networkView(facts(vx)).underlay).toMatchObject({ from: 'default-route', how: 'default route', link: { name: 'eth0' } });
  });
  it('without a VXLAN device: the NIC routing to peers\' pod subnets (host-gw), else the default route', () => {
    const hostGw = parseIpRoutes('default via 10.0.0.254 dev eth0\n10.244.2.0/24 via 192.168.9.2 dev eth1\n');
    const cni = { configs: [], versions: {}, sources: [], flannelSubnetEnv: { ...parseFlannelSubnetEnv(net('seeds/seed001_subnet.env')), network: '10.244.0.0/16', subnet: '10.244.1.1/24', source: 'subnet.env' } };
    const v = networkView({ links: { items: [eth0, eth1], source: 'x' }, routes: { items: hostGw, source: 'ip route' }, cni });
    expect(v.vxlan).toEqual([]);
    expect(v.underlay).toMatchObject({ from: 'peer-route', link: { name: 'eth1' } });
    expect(v.podSubnet).toEqual({ cidr: '10.244.1.0/24', from: 'subnet.env' });
    expect(networkView({ links: { items: [eth0, eth1], source: 'x' }, routes: { items: routes, source: 'ip route' } }).underlay).toMatchObject({ from: 'default-route', link: { name: 'eth0' } });
  });
});

describe('which links are VXLAN devices', () => {
  it('a CNI name counts without a kind (old iproute2 without -d); another VXLAN device counts by kind', () => {
    const v = networkView({ links: { items: [link('flannel.1'), link('vxlan0', { kind: 'vxlan', vxlan: { id: 42, port: 4790 } }), link('eth0')], source: 'x' } });
    expect(v.vxlan.map((d) => [d.name, d.flavour, d.cniName])).toEqual([['flannel.1', 'flannel', true], ['vxlan0', 'other', false]]);
    // The primary is the one whose details are known.
    expect(v.primary?.name).toBe('vxlan0');
  });
});

describe('pod network, CNI and whether this is a Kubernetes node', () => {
  it('reads seed 001\'s subnet.env', () => {
    const env = { ...parseFlannelSubnetEnv(net('seeds/seed001_subnet.env')), source: '/run/flannel/subnet.env' };
    const v = networkView({ cni: { configs: [], versions: {}, sources: [], plugin: 'flannel', flannelSubnetEnv: env } });
    expect(v.podNetwork).toEqual({ cidr: '10.187.0.0/16', from: 'subnet.env' });
    expect(v.podSubnet).toEqual({ cidr: '10.187.0.0/24', from: 'subnet.env' });
    expect(v.cni).toEqual({ plugin: 'flannel', from: 'cni-facts' });
    expect(v.kubernetesNode).toEqual({ value: true, why: 'flannel /run/flannel/subnet.env' });
  });
  it('a CNI config file makes a Kubernetes node; a plain host is not one', () => {
    const conf = { file: '/etc/cni/net.d/10-calico.conflist', ...parseCniConfig(cniFile('10-calico.conflist'))!, plugins: ['calico'] };
    expect(networkView({ cni: { configs: [conf], versions: {}, sources: [] } }).kubernetesNode).toEqual({ value: true, why: 'CNI config /etc/cni/net.d/10-calico.conflist' });
    const host = parseIpLinkText(net('host/ip_-s_-d_link'), 'ip -s -d link');
    expect(networkView({ links: { items: host, source: 'x' } }).kubernetesNode).toEqual({ value: false, why: 'no CNI config, no flannel/calico device' });
  });
});

describe('a view follows its facts', () => {
  it('is derived again when a section is replaced (the collector fills one object section by section)', () => {
    const f: Facts = { links: { items: [link('eth0')], source: 'x' } };
    expect(networkView(f).vxlan).toEqual([]);
    f.links = { items: [link('flannel.1', { kind: 'vxlan', vxlan: { id: 1 } })], source: 'x' };
    expect(networkView(f).vxlan.map((d) => d.name)).toEqual(['flannel.1']);
  });
  it('finishes on a hostile node: 150,000 routes and 2,000 VXLAN devices with FDB entries', () => {
    const routes = Array.from({ length: 150_000 }, (_, i) => ({ dst: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}/32`, type: 'unicast', dev: 'eth0', table: 'main', onlink: false, line: '' }));
    const devs = Array.from({ length: 2000 }, (_, i) => link(`vx${i}`, { kind: 'vxlan', vxlan: { id: i } }));
    const fdb = devs.map((d, i) => ({ mac: '02:00:00:00:00:01', dev: d.name, dst: `10.0.${(i >> 8) & 255}.${i & 255}`, self: true, permanent: true, line: '' }));
    const v = networkView({ links: { items: [link('eth0'), ...devs], source: 'x' }, routes: { items: routes, source: 'r' }, fdb: { items: fdb, source: 'f' } });
    expect(v.vxlan).toHaveLength(2000);
    expect(v.vxlan.filter((d) => d.underlay?.from === 'peer-route')).toHaveLength(16);
  }, 60_000);
  it('finishes on 20,000 links, each VXLAN device naming its NIC by address and by dev', () => {
    const nics = Array.from({ length: 10_000 }, (_, i) => link(`nic${i}`, { addresses: [{ family: 'inet', address: `10.${(i >> 8) & 255}.${i & 255}.1`, prefixLen: 24 }] }));
    const devs = Array.from({ length: 10_000 }, (_, i) => link(`vx${i}`, { kind: 'vxlan', vxlan: { id: i, local: `10.${(i >> 8) & 255}.${i & 255}.1`, ...(i % 2 ? { dev: `nic${i}` } : {}) } }));
    const v = networkView({ links: { items: [...nics, ...devs], source: 'x' } });
    expect(v.vxlan.filter((d) => d.underlay?.link.name === `nic${d.vni}`)).toHaveLength(10_000);
    expect(v.vxlan.filter((d) => d.underlay?.from === 'vxlan-local')).toHaveLength(5000);
  }, 60_000);
});
