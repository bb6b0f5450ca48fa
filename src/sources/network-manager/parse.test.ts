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
    expect(processListHas(fx('cni/ps-auxwww-kube-proxy'), 'NetworkManager')).toBe(true);
    expect(processListHas(fx('../bundles/sos-4.0-netns/sos_commands/process/ps_auxwww'), 'NetworkManager')).toBe(false);
  });

  it('counts a process\'s program, never its arguments: grep NetworkManager or tail -F .../NetworkManager is not NetworkManager running', () => {
    // Real ps output with two such processes (a lab's nodes share the host's process list, and in the
    // e2e run a test's `systemctl reload NetworkManager` made the NetworkManager rule fire on lab nodes).
    for (const f of ['ps-auxwww-nm-in-args', 'ps-ef-nm-in-args', 'ps-eo-args-nm-in-args']) {
      const text = fx(`network-manager/${f}`);
      expect(text, f).toMatch(/NetworkManager/);
      expect(processListHas(text, 'NetworkManager'), f).toBe(false);
      expect(processListHas(text, 'grep'), f).toBe(true);
      expect(processListHas(text, 'tail'), f).toBe(true);
    }
    // The same lines pasted without their header: the command still starts after the TIME column.
    const noHeader = fx('network-manager/ps-auxwww-nm-in-args').split('\n').slice(1).join('\n');
    expect(processListHas(noHeader, 'NetworkManager')).toBe(false);
    expect(processListHas(noHeader, 'tail')).toBe(true);
    const running = fx('cni/ps-auxwww-kube-proxy').split('\n').filter((l) => /NetworkManager/.test(l)).join('\n');
    expect(processListHas(running, 'NetworkManager')).toBe(true);
  });
});
