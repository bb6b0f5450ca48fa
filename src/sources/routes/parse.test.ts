import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Route, RouteGet } from '../../evidence/node-facts.js';
import { parseIpLinkText, mergeAddresses, parseIpAddressText } from '../links/parse.js';
import { parseIpRouteGet, parseIpRoutes } from './parse.js';
import { routeGetTargets } from './read.js';

const fixture = (p: string): string => readFileSync(new URL(`../../../test/fixtures/sources/net/${p}`, import.meta.url), 'utf8');

describe('parseIpRoutes (ip route show table all, flannel-style namespace)', () => {
  const routes = parseIpRoutes(fixture('flannel-a/ip_route_show_table_all'));

  it('reads every route line, v4 and v6', () => {
    expect(routes).toHaveLength(28);
    for (const r of routes) expect(() => Route.parse(r)).not.toThrow();
  });

  it('reads the flannel peer route with onlink', () => {
    expect(routes.find((r) => r.dst === '10.244.2.0/24')).toEqual({
      dst: '10.244.2.0/24', type: 'unicast', via: '10.244.2.0', dev: 'flannel.1', table: 'main', onlink: true,
      line: '10.244.2.0/24 via 10.244.2.0 dev flannel.1 onlink',
    });
  });

  it('reads types, tables, proto, scope, src and metric', () => {
    expect(routes.find((r) => r.dst === '10.244.1.0' && r.type === 'local')).toMatchObject({ dev: 'flannel.1', table: 'local', proto: 'kernel', scope: 'host', src: '10.244.1.0' });
    expect(routes.find((r) => r.type === 'broadcast' && r.dst === '10.244.1.255')?.dev).toBe('cni0');
    expect(routes.find((r) => r.dst === '192.0.2.0/24')?.type).toBe('unreachable');
    expect(routes.find((r) => r.dst === '198.51.100.0/24')?.type).toBe('blackhole');
    expect(routes.filter((r) => r.dst === 'default').map((r) => [r.table, r.via, r.metric])).toEqual([
      ['100', '172.31.250.254', 50], ['main', '172.31.250.2', 100],
    ]);
    expect(routes.find((r) => r.dst === '10.244.1.0/24')).toMatchObject({ onlink: false, scope: 'link', src: '10.244.1.1', proto: 'kernel' });
  });

  it('handles multipath, IPv6 gateways and junk', () => {
    const r = parseIpRoutes('default proto static metric 1\n\tnexthop via 10.0.0.1 dev eth0 weight 1\n\tnexthop via 10.0.0.2 dev eth1 weight 1\n10.1.0.0/16 via inet6 fe80::1 dev eth0\nnonsense here\n\n');
    expect(r.map((x) => [x.dst, x.via, x.dev])).toEqual([['default', '10.0.0.1', 'eth0'], ['10.1.0.0/16', 'fe80::1', 'eth0']]);
  });
});

describe('parseIpRouteGet', () => {
  it('types seed 001\'s wrong answer as local', () => {
    const g = parseIpRouteGet(fixture('seeds/seed001_ip_route_get_10.187.0.0_broken'), '10.187.0.0', 'seed');
    expect(g).toEqual({ target: '10.187.0.0', type: 'local', dev: 'lo', src: '10.187.0.0', line: 'local 10.187.0.0 dev lo src 10.187.0.0 uid 0', source: 'seed' });
    expect(() => RouteGet.parse(g)).not.toThrow();
    expect(parseIpRouteGet(fixture('seeds/seed001_ip_route_get_10.187.0.0_after_nm_restart'), '10.187.0.0', 's')).toMatchObject({ type: 'broadcast', dev: 'cni0', src: '10.187.0.1' });
  });

  it('reads real answers: unicast via flannel.1, local, unreachable, blackhole', () => {
    expect(parseIpRouteGet(fixture('flannel-a/ip_route_get_10.244.2.5'), '10.244.2.5', 's')).toMatchObject({ type: 'unicast', via: '10.244.2.0', dev: 'flannel.1', src: '10.244.1.0' });
    // The local flannel address, healthy: it is the node's own, so the kernel says local/lo too.
    expect(parseIpRouteGet(fixture('flannel-a/ip_route_get_10.244.1.0'), '10.244.1.0', 's')).toMatchObject({ type: 'local', dev: 'lo' });
    expect(parseIpRouteGet(fixture('flannel-a/ip_route_get_192.0.2.1'), '192.0.2.1', 's')?.type).toBe('unreachable');
    expect(parseIpRouteGet(fixture('flannel-a/ip_route_get_198.51.100.1'), '198.51.100.1', 's')?.type).toBe('blackhole');
    expect(parseIpRouteGet('', 'x', 's')).toBeUndefined();
    expect(parseIpRouteGet('RTNETLINK answers: Something odd', 'x', 's')).toBeUndefined();
  });
});

describe('routeGetTargets', () => {
  it('asks about the flannel.1 address and each peer gateway behind it', () => {
    const links = mergeAddresses(parseIpLinkText(fixture('flannel-a/ip_-s_-d_link'), 'l'), parseIpAddressText(fixture('flannel-a/ip_-d_address'), 'a'));
    const routes = parseIpRoutes(fixture('flannel-a/ip_route_show_table_all'));
    expect(routeGetTargets(links, routes)).toEqual(['10.244.1.0', '10.244.2.0']);
    expect(routeGetTargets([], routes)).toEqual([]);
  });

  it('also asks about peers routed through the underlay (flannel DirectRouting)', () => {
    const links = mergeAddresses(parseIpLinkText(fixture('flannel-a/ip_-s_-d_link'), 'l'), parseIpAddressText(fixture('flannel-a/ip_-d_address'), 'a'));
    const routes = parseIpRoutes(`${fixture('flannel-a/ip_route_show_table_all')}10.244.3.0/24 via 172.31.250.3 dev eth0\n10.99.0.0/24 via 172.31.250.3 dev eth0\n`);
    expect(routeGetTargets(links, routes, '10.244.0.0/16')).toEqual(['10.244.1.0', '10.244.2.0', '10.244.3.0']);
    expect(routeGetTargets(links, routes)).toEqual(['10.244.1.0', '10.244.2.0']);
    // `ip link` without -d shows no kind: flannel.1 is still the VXLAN device, by its name.
    const plain = mergeAddresses(parseIpLinkText(fixture('flannel-a/ip_-s_-d_link').replace(/^ {4}(vxlan|veth|bridge|bridge_slave) .*\n/gm, ''), 'l'), parseIpAddressText(fixture('flannel-a/ip_-d_address'), 'a'));
    expect(routeGetTargets(plain, routes)).toEqual(['10.244.1.0', '10.244.2.0']);
  });
});

describe('a Calico-style node (vxlan.calico, VNI 4096, UDP 4789)', () => {
  it('reads the device, its route, and where the kernel sends the peer', () => {
    const links = mergeAddresses(parseIpLinkText(fixture('calico/ip_-s_-d_link'), 'l'), parseIpAddressText(fixture('calico/ip_-d_address'), 'a'));
    const v = links.find((l) => l.name === 'vxlan.calico');
    expect(v).toMatchObject({ kind: 'vxlan', mtu: 1410, vxlan: { id: 4096, port: 4789, local: '10.10.72.11', dev: 'eth0', learning: false } });
    expect(links.find((l) => l.name === 'cali1a2b3c4d5e')?.kind).toBe('veth');
    const routes = parseIpRoutes(fixture('calico/ip_route_show_table_all'));
    expect(routeGetTargets(links, routes)).toEqual(['166.166.104.10', '166.166.166.175']);
    expect(parseIpRouteGet(fixture('calico/ip_route_get_166.166.166.175'), '166.166.166.175', 's')).toMatchObject({ type: 'unicast', dev: 'vxlan.calico', via: '166.166.166.175', src: '166.166.104.10' });
  });
});
