import { RuleTester } from '../../engine/rule-tester.js';
import type { NodeFacts } from '../../evidence/node-facts.js';
import { loadKbNode, readIptablesSave, readNftRuleset } from '../../../test/fixtures/evidence/kb/load.js';
import rule from './forward-policy-drop.js';

const good = loadKbNode('good');
const bad = loadKbNode('bad');
const ipt = (text: string, f: NodeFacts = good): NodeFacts => ({ ...f, packetFilter: { iptables: readIptablesSave(text), sources: ['iptables-save'] } });
const nft = (text: string): NodeFacts => ({ ...good, packetFilter: { nft: readNftRuleset(text), sources: ['nft list ruleset'] } });

// Real shapes: Docker's FORWARD DROP; flannel < 0.20 accepts in FORWARD; Calico's cali-FORWARD; firewalld's REJECT.
const dockerOnly = `*filter
:INPUT ACCEPT [0:0]
:FORWARD DROP [0:0]
:OUTPUT ACCEPT [0:0]
:DOCKER - [0:0]
:KUBE-FORWARD - [0:0]
-A FORWARD -j KUBE-FORWARD
-A FORWARD -o docker0 -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
-A FORWARD -o docker0 -j DOCKER
-A FORWARD -i docker0 ! -o docker0 -j ACCEPT
-A KUBE-FORWARD -m comment --comment "kubernetes forwarding rules" -m mark --mark 0x4000/0x4000 -j ACCEPT
-A KUBE-FORWARD -m comment --comment "kubernetes forwarding conntrack rule" -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
COMMIT
`;
const oldFlannel = dockerOnly.replace('-A FORWARD -j KUBE-FORWARD\n', '-A FORWARD -j KUBE-FORWARD\n-A FORWARD -s 10.244.0.0/16 -j ACCEPT\n-A FORWARD -d 10.244.0.0/16 -j ACCEPT\n');
const calico = `*filter
:FORWARD DROP [0:0]
:cali-FORWARD - [0:0]
-A FORWARD -m comment --comment "cali:wUHhoiAYhphO9Mso" -j cali-FORWARD
-A cali-FORWARD -m comment --comment "cali:vjrMJCRpqwy5oRoX" -j MARK --set-xmark 0x0/0xe0000
-A cali-FORWARD -m comment --comment "cali:MH9kMp5aNICL-Olv" -m mark --mark 0x10000/0x10000 -j ACCEPT
COMMIT
`;
const firewalld = `*filter
:INPUT ACCEPT [0:0]
:FORWARD ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
-A FORWARD -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
-A FORWARD -i lo -j ACCEPT
-A FORWARD -j REJECT --reject-with icmp-host-prohibited
COMMIT
`;

new RuleTester().run(rule, {
  valid: [
    { name: 'healthy node (real): FORWARD DROP with FLANNEL-FWD accepting 10.244.0.0/16', facts: good },
    { name: 'flannel < 0.20: accepts directly in FORWARD', facts: ipt(oldFlannel) },
    { name: 'Calico: cali-FORWARD accepts mark 0x10000', facts: ipt(calico) },
    { name: 'policy ACCEPT', facts: ipt('*filter\n:FORWARD ACCEPT [0:0]\nCOMMIT\n') },
    { name: 'nft forward chain with drop policy that accepts cni0', facts: nft('table inet host {\n\tchain forward {\n\t\ttype filter hook forward priority filter; policy drop;\n\t\tiifname "cni0" counter packets 0 bytes 0 accept\n\t}\n}\n') },
  ],
  invalid: [
    {
      name: 'broken node (real): FORWARD DROP with only KUBE-FORWARD, and an nft forward chain policy drop',
      facts: bad,
      errors: [
        { messageId: 'iptablesDrop', data: { verdict: 'DROP', network: '10.244.0.0/16' }, evidence: ['-P FORWARD DROP', /KUBE-FORWARD .*RELATED,ESTABLISHED/] },
        { messageId: 'nftDrop', data: { family: 'inet', table: 'ppe2-host', chain: 'forward', verdict: 'drop' } },
      ],
    },
    { name: 'Docker >= 1.13 with no CNI accept', facts: ipt(dockerOnly), errors: [{ messageId: 'iptablesDrop', data: { rule: '-P FORWARD DROP' } }] },
    { name: 'firewalld: ACCEPT policy but a final REJECT', facts: ipt(firewalld), errors: [{ messageId: 'iptablesDrop', data: { verdict: 'REJECT', rule: '-A FORWARD -j REJECT --reject-with icmp-host-prohibited' } }] },
    {
      name: 'accept for another network does not count',
      facts: ipt(dockerOnly.replace('-A FORWARD -j KUBE-FORWARD\n', '-A FORWARD -s 192.168.0.0/16 -j ACCEPT\n-A FORWARD -j KUBE-FORWARD\n')),
      errors: [{ messageId: 'iptablesDrop' }],
    },
  ],
  skipped: [{ name: 'no packet filter', facts: { links: good.links }, reason: 'no packet filter rules' }],
});
