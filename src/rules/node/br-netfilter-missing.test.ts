import { RuleTester } from '../../engine/rule-tester.js';
import type { NodeFacts } from '../../evidence/node-facts.js';
import { loadKbNode } from '../../../test/fixtures/evidence/kb/load.js';
import rule from './br-netfilter-missing.js';

const good = loadKbNode('good');
// This machine has no br_netfilter loaded, so the real dump lacks net.bridge.*: the healthy case
// adds the value a node with the module shows.
const withSysctl = (f: NodeFacts, extra: Record<string, string>): NodeFacts => ({ ...f, sysctls: { values: { ...f.sysctls?.values, ...extra }, sources: f.sysctls?.sources ?? ['sysctl -a'] } });
const noBridge: NodeFacts = { ...good, links: { source: 'ip -d link', items: (good.links?.items ?? []).filter((l) => l.kind !== 'bridge') } };

new RuleTester().run(rule, {
  valid: [
    { name: 'module loaded and bridge-nf-call-iptables = 1', facts: withSysctl(good, { 'net.bridge.bridge-nf-call-iptables': '1' }) },
    { name: 'no CNI bridge (Calico-style node): nothing to judge', facts: noBridge },
    { name: 'sysctl absent but lsmod lists br_netfilter', facts: { ...good, modules: { loaded: ['vxlan', 'br_netfilter', 'bridge'], source: 'lsmod' } } },
  ],
  invalid: [
    {
      name: 'real sysctl dump of this machine: cni0 exists, net.bridge.* absent',
      facts: good,
      errors: [{ messageId: 'moduleMissing', data: { bridge: 'cni0', key: 'net.bridge.bridge-nf-call-iptables' }, evidence: ['absent from'] }],
    },
    { name: 'module loaded but call-iptables = 0', facts: withSysctl(good, { 'net.bridge.bridge-nf-call-iptables': '0' }), errors: [{ messageId: 'callOff', data: { value: '0' } }] },
    {
      name: 'only selected sysctls collected, lsmod lacks br_netfilter',
      facts: { links: good.links, sysctls: { values: { 'net.ipv4.ip_forward': '1' }, sources: ['sysctl'] }, modules: { loaded: ['vxlan', 'bridge'], source: 'lsmod' } },
      errors: [{ messageId: 'moduleMissing', evidence: ['br_netfilter: not in the loaded modules'] }],
    },
  ],
  skipped: [{ name: 'no sysctls', facts: { links: good.links }, reason: 'no sysctls' }],
});
