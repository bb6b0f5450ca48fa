import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decidePlugin, parseCniConfig, parseFlannelNetConf, parseFlannelSubnetEnv, scanWorkloads } from './parse.js';

const fx = (name: string) => readFileSync(new URL(`../../../test/fixtures/sources/cni/${name}`, import.meta.url), 'utf8');

describe('CNI', () => {
  it('reads the flannel and calico conflists', () => {
    expect(parseCniConfig(fx('10-flannel.conflist'))).toEqual({ name: 'cbr0', type: 'flannel', plugins: ['flannel', 'portmap'], mtu: undefined });
    expect(parseCniConfig(fx('10-calico.conflist'))).toEqual({ name: 'k8s-pod-network', type: 'calico', plugins: ['calico', 'portmap', 'bandwidth'], mtu: 1450 });
    expect(parseCniConfig('not json')).toBeUndefined();
  });

  it('reads subnet.env of seed 001 and net-conf.json', () => {
    expect(parseFlannelSubnetEnv(fx('seed001-subnet.env'))).toEqual({ network: '10.187.0.0/16', subnet: '10.187.0.1/24', mtu: 1450, ipmasq: true });
    expect(parseFlannelNetConf(fx('net-conf.json'))).toEqual({ network: '10.244.0.0/16', backendType: 'vxlan', port: undefined });
    expect(parseFlannelNetConf('{"Network":"10.1.0.0/16","Backend":{"Type":"vxlan","Port":4789}}')!.port).toBe(4789);
  });

  it('sees flannel in the docker ps line of seed 001, calico and kube-proxy versions in crictl images, the proxy mode in ps', () => {
    const seed = scanWorkloads([fx('seed001-docker-ps-a')]);
    expect([...seed.seen]).toEqual(['flannel']);
    expect(seed.versions).toEqual({});
    const w = scanWorkloads([fx('crictl-images'), fx('ps-auxwww-kube-proxy')]);
    expect(w.versions).toEqual({ calico: '3.19.1', 'kube-proxy': '1.21.14' });
    expect(w.kubeProxyMode).toBe('ipvs');
    expect(scanWorkloads(['k8s_kube-flannel  docker.io/flannel/flannel:v0.22.0-amd64']).versions).toEqual({ flannel: '0.22.0' });
  });

  it('names the plugin', () => {
    expect(decidePlugin(['flannel', 'portmap'], new Set(), false)).toBe('flannel');
    expect(decidePlugin(['calico'], new Set(['flannel']), false)).toBe('canal');
    expect(decidePlugin([], new Set(['calico']), false)).toBe('calico');
    expect(decidePlugin(['bridge'], new Set(), false)).toBe('unknown');
    expect(decidePlugin([], new Set(), false)).toBeUndefined();
  });
});
