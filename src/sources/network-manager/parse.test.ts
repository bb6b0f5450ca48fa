import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseIsActive, parseNmcliDevices, parseUnmanagedDevices, processListHas } from './parse.js';

const fx = (path: string) => readFileSync(new URL(`../../../test/fixtures/sources/${path}`, import.meta.url), 'utf8');

describe('NetworkManager', () => {
  it('reads the unmanaged-devices line of seed 001, and none from a default NetworkManager.conf', () => {
    expect(parseUnmanagedDevices(fx('network-manager/seed001-k8s.conf'))).toEqual([
      'interface-name:cali*', 'interface-name:tunl*', 'interface-name:vxlan.calico', 'interface-name:flannel*',
      'interface-name:veth*', 'interface-name:cni0', 'interface-name:docker0',
    ]);
    expect(parseUnmanagedDevices(fx('network-manager/NetworkManager.conf'))).toEqual([]);
  });

  it('ignores unmanaged-devices outside [keyfile] and reads += appends', () => {
    expect(parseUnmanagedDevices('[main]\nunmanaged-devices=interface-name:x\n[keyfile]\nunmanaged-devices+=interface-name:flannel*,interface-name:cni0\n')).toEqual([
      'interface-name:flannel*', 'interface-name:cni0',
    ]);
  });

  it('reads nmcli -t device and the nmcli dev table alike', () => {
    const terse = parseNmcliDevices(fx('network-manager/nmcli-t-device'));
    expect(terse.find((d) => d.device === 'flannel.1')).toEqual({ device: 'flannel.1', type: 'vxlan', state: 'connected (externally)', connection: 'flannel.1' });
    expect(terse.find((d) => d.device === 'lo')).toEqual({ device: 'lo', type: 'loopback', state: 'unmanaged', connection: undefined });
    const table = parseNmcliDevices(fx('network-manager/nmcli-dev'));
    expect(table.map((d) => [d.device, d.state, d.connection])).toEqual([
      ['eno1', 'connected', 'Wired connection 1'],
      ['cni0', 'connected (externally)', 'cni0'],
      ['flannel.1', 'connected (externally)', 'flannel.1'],
      ['lo', 'unmanaged', undefined],
    ]);
    expect(parseNmcliDevices('eth\\:0:ethernet:connected:x')[0]!.device).toBe('eth:0');
  });

  it('reads systemctl is-active and a process list', () => {
    expect(parseIsActive('active\n')).toBe(true);
    expect(parseIsActive('inactive\n')).toBe(false);
    expect(parseIsActive('')).toBeUndefined();
    expect(processListHas(fx('cni/ps-auxwww-kube-proxy'), /(^|\/|\s)NetworkManager(\s|$)/)).toBe(true);
    expect(processListHas(fx('../bundles/sos-4.0-netns/sos_commands/process/ps_auxwww'), /(^|\/|\s)NetworkManager(\s|$)/)).toBe(false);
  });
});
