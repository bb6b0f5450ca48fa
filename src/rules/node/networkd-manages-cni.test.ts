// Judged on real pastes from the threads that established each cause (test/fixtures/transcripts).
import { RuleTester, loadFixture } from '../../engine/rule-tester.js';
import { factsOfPiece, factsOfTranscript } from '../../../test/helpers/transcript-facts.js';
import rule from './networkd-manages-cni.js';

const healthy = loadFixture('healthy-flannel-node.json');
const case0 = await factsOfTranscript('calico-2471-networkd-vmware-network-cali');
const case1 = await factsOfTranscript('flannel-1155-systemd242-mac-race');
// calico#2471's .network file alone, under the path its networkctl status names.
const fileOnly = await factsOfPiece('calico-2471-10-vmware-network.txt');

new RuleTester().run(rule, {
  valid: [
    {
      name: 'networkctl says the CNI links are unmanaged',
      facts: { ...healthy, networkd: { links: [{ name: 'eth0', setup: 'configured', source: 'networkctl list' }, { name: 'flannel.1', setup: 'unmanaged', source: 'networkctl list' }, { name: 'cni0', setup: 'unmanaged', source: 'networkctl list' }], files: [], sources: ['networkctl list'] } },
    },
  ],
  invalid: [
    { name: 'calico#2471: 10-vmware.network matches every cali* veth, networkctl says configuring', ...case0, errors: [{ messageId: 'managed' }] },
    { name: "flannel#1155: 99-default.link MACAddressPolicy=persistent rewrites flannel.1's MAC", ...case1, errors: [{ messageId: 'macPolicySeen' }] },
    {
      name: 'calico#2471: 10-vmware.network alone ([Match] Virtualization=vmware, DHCP=ipv4) would take the CNI links',
      ...fileOnly,
      errors: [{ messageId: 'fileMatches', data: { file: '/etc/systemd/network/10-vmware.network', match: 'Virtualization=vmware', network: 'DHCP=ipv4' }, evidence: [/Virtualization=vmware/, /DHCP=ipv4/] }],
    },
  ],
  skipped: [{ name: 'nothing it reads', facts: {}, reason: /./ }],
});
