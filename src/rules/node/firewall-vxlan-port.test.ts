import { RuleTester } from '../../engine/rule-tester.js';
import type { NodeFacts } from '../../evidence/node-facts.js';
import { loadKbNode, readIptablesSave, readNftRuleset } from '../../../test/fixtures/evidence/kb/load.js';
import rule from './firewall-vxlan-port.js';

const good = loadKbNode('good');
const bad = loadKbNode('bad');
const ipt = (text: string): NodeFacts => ({ ...good, packetFilter: { iptables: readIptablesSave(text), sources: ['iptables-save'] } });
const nft = (text: string): NodeFacts => ({ ...good, packetFilter: { nft: readNftRuleset(text), sources: ['nft list ruleset'] } });

// firewalld (iptables backend) as CentOS 7 writes it, with and without the flannel port opened.
const firewalld = (open: boolean, port = 8472) => `*filter
:INPUT ACCEPT [0:0]
:FORWARD ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
:INPUT_ZONES - [0:0]
:IN_public - [0:0]
:IN_public_allow - [0:0]
-A INPUT -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
-A INPUT -i lo -j ACCEPT
-A INPUT -j INPUT_ZONES
-A INPUT -m conntrack --ctstate INVALID -j DROP
-A INPUT -j REJECT --reject-with icmp-host-prohibited
-A INPUT_ZONES -i eth0 -g IN_public
-A IN_public -j IN_public_allow
-A IN_public_allow -p tcp -m tcp --dport 22 -m conntrack --ctstate NEW,UNTRACKED -j ACCEPT
${open ? `-A IN_public_allow -p udp -m udp --dport ${port} -m conntrack --ctstate NEW,UNTRACKED -j ACCEPT\n` : ''}COMMIT
`;

// CentOS 7's iproute2 shows no dstport; flannel's net-conf.json sets Backend.Port 4790 (the network view's port).
const centos7Port4790 = (open: boolean): NodeFacts => ({
  ...ipt(firewalld(open, 4790)),
  links: { source: 'ip -d link', items: good.links!.items.map((l) => (l.vxlan ? { ...l, vxlan: { ...l.vxlan, port: undefined } } : l)) },
  cni: { configs: [], versions: {}, sources: ['/etc/kube-flannel/net-conf.json'], plugin: 'flannel', flannelNetConf: { network: '10.244.0.0/16', backendType: 'vxlan', port: 4790, source: '/etc/kube-flannel/net-conf.json' } },
});

new RuleTester().run(rule, {
  valid: [
    { name: 'healthy node (real): INPUT ACCEPT, nft input drop but udp dport 8472 accepted', facts: good },
    { name: 'firewalld with 8472/udp opened', facts: ipt(firewalld(true)) },
    { name: 'no dstport shown (CentOS 7), net-conf.json Backend.Port 4790 opened', facts: centos7Port4790(true) },
    { name: 'nft input drop with a port range covering 8472', facts: nft('table inet fw {\n\tchain input {\n\t\ttype filter hook input priority filter; policy drop;\n\t\tudp dport 8000-9000 accept\n\t}\n}\n') },
  ],
  invalid: [
    {
      name: 'broken node (real): INPUT DROP without UDP 4789, nft input drop without it',
      facts: bad,
      errors: [
        { messageId: 'iptablesBlocks', data: { port: 4789, verdict: 'DROP', vxlan: 'flannel.1' }, evidence: ['-P INPUT DROP', '--dport 22'] },
        { messageId: 'nftBlocks', data: { port: 4789, table: 'ppe2-host' } },
      ],
    },
    { name: 'firewalld without the flannel port: the final REJECT decides', facts: ipt(firewalld(false)), errors: [{ messageId: 'iptablesExplicitDrop', data: { port: 8472, rule: '-A INPUT -j REJECT --reject-with icmp-host-prohibited' } }] },
    { name: 'no dstport shown (CentOS 7), net-conf.json Backend.Port 4790 not opened', facts: centos7Port4790(false), errors: [{ messageId: 'iptablesExplicitDrop', data: { port: 4790 } }] },
    {
      name: 'an explicit DROP of the port before an accept',
      facts: ipt('*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -p udp -m udp --dport 8472 -j DROP\n-A INPUT -p udp -m udp --dport 8472 -j ACCEPT\nCOMMIT\n'),
      errors: [{ messageId: 'iptablesExplicitDrop', data: { rule: '-A INPUT -p udp -m udp --dport 8472 -j DROP' } }],
    },
  ],
  skipped: [{ name: 'no packet filter', facts: { links: good.links }, reason: 'no packet filter rules' }],
});
