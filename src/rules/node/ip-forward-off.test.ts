import { RuleTester } from '../../engine/rule-tester.js';
import { loadKbNode } from '../../../test/fixtures/evidence/kb/load.js';
import rule from './ip-forward-off.js';

const good = loadKbNode('good');
const bad = loadKbNode('bad');

new RuleTester().run(rule, {
  valid: [
    { name: 'healthy node (real sysctl output, ip_forward = 1)', facts: good },
    { name: 'only the global switch known, on', facts: { sysctls: { values: { 'net.ipv4.ip_forward': '1' }, sources: ['sysctl -a'] } } },
  ],
  invalid: [
    { name: 'broken node: ip_forward = 0 (real sysctl output)', facts: bad, errors: [{ messageId: 'globalOff', data: { value: '0' }, evidence: ['net.ipv4.ip_forward = 0'] }] },
    {
      name: 'global on, forwarding off on flannel.1 (sysctl -a writes flannel/1)',
      facts: { ...good, sysctls: { values: { ...good.sysctls?.values, 'net.ipv4.conf.flannel/1.forwarding': '0' }, sources: ['sysctl -a'] } },
      errors: [{ messageId: 'ifaceOff', data: { iface: 'flannel.1', name: 'net.ipv4.conf.flannel/1.forwarding' } }],
    },
  ],
  skipped: [{ name: 'no sysctls collected', facts: { links: good.links }, reason: 'no sysctls' }],
});
