import { describe, expect, it } from 'vitest';
import { RuleTester, loadFixture } from '../../engine/rule-tester.js';
import rule, { UNMANAGED_SPEC, coveredBySpecs } from './networkmanager-manages-cni.js';

const healthy = loadFixture('healthy-flannel-node.json');
const seed = loadFixture('seed-001-networkmanager-flannel.json');
const nm = seed.networkManager!;
// The seed's own fix (/etc/NetworkManager/conf.d/k8s.conf, 2020/01/12 note).
const seedFix = { spec: 'interface-name:cali*;interface-name:tunl*;interface-name:vxlan.calico;interface-name:flannel*;interface-name:veth*;interface-name:cni0;interface-name:docker0', source: '/etc/NetworkManager/conf.d/k8s.conf' };

new RuleTester().run(rule, {
  valid: [
    { name: 'healthy node: NetworkManager not running', facts: healthy },
    { name: 'seed 001 with the seed\'s k8s.conf fix', facts: { ...seed, networkManager: { ...nm, unmanagedSpecs: [seedFix] } } },
    {
      name: 'nmcli says unmanaged',
      facts: { ...seed, networkManager: { ...nm, devices: [{ device: 'eno1', type: 'ethernet', state: 'connected', connection: 'eno1' }, { device: 'flannel.1', type: 'vxlan', state: 'unmanaged' }, { device: 'cni0', type: 'bridge', state: 'unmanaged' }] } },
    },
  ],
  invalid: [
    {
      name: 'seed 001: NetworkManager running, nothing excluded',
      facts: seed,
      errors: [{ messageId: 'notExcluded', data: { devices: 'flannel.1, cni0' }, evidence: ['no unmanaged-devices setting'] }],
    },
    {
      name: 'nmcli shows flannel.1 and cni0 managed (connected externally)',
      facts: { ...seed, networkManager: { ...nm, devices: [{ device: 'eno1', type: 'ethernet', state: 'connected', connection: 'eno1' }, { device: 'flannel.1', type: 'vxlan', state: 'connected (externally)', connection: 'flannel.1' }, { device: 'cni0', type: 'bridge', state: 'connected (externally)', connection: 'cni0' }] } },
      errors: [{ messageId: 'managed', data: { devices: 'flannel.1, cni0' }, evidence: ['flannel.1:vxlan:connected (externally):flannel.1'] }],
    },
    {
      name: 'a spec that covers cni0 but not flannel.1',
      facts: { ...seed, networkManager: { ...nm, unmanagedSpecs: [{ spec: 'interface-name:cni0', source: '/etc/NetworkManager/conf.d/cni.conf' }] } },
      errors: [{ messageId: 'notExcluded', data: { devices: 'flannel.1' }, evidence: ['unmanaged-devices=interface-name:cni0'] }],
    },
  ],
  skipped: [
    { name: 'no NetworkManager evidence', facts: { links: seed.links }, reason: 'no NetworkManager state' },
    { name: 'state unknown', facts: { ...seed, networkManager: { ...nm, running: undefined } }, reason: 'NetworkManager state unknown' },
  ],
});

describe('coveredBySpecs', () => {
  it('reads globs, exact names and lists', () => {
    expect(coveredBySpecs('flannel.1', [UNMANAGED_SPEC])).toBe(true);
    expect(coveredBySpecs('veth1a2b3c4d', [UNMANAGED_SPEC])).toBe(true);
    expect(coveredBySpecs('cni0', ['interface-name:=cni0'])).toBe(true);
    expect(coveredBySpecs('cni01', ['interface-name:=cni0'])).toBe(false);
    expect(coveredBySpecs('flannel.1', ['mac:00:11:22:33:44:55', 'type:bridge'])).toBe(false);
  });
});
