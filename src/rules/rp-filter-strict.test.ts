import { RuleTester } from '../engine/rule-tester.js';
import type { NodeFacts } from '../evidence/node-facts.js';
import { loadKbNode } from '../../test/fixtures/evidence/kb/load.js';
import rule from './rp-filter-strict.js';

const good = loadKbNode('good');
const bad = loadKbNode('bad');
const withSysctl = (f: NodeFacts, extra: Record<string, string>): NodeFacts => ({ ...f, sysctls: { values: { ...f.sysctls?.values, ...extra }, sources: ['sysctl -a'] } });

new RuleTester().run(rule, {
  valid: [
    { name: 'healthy node (real): all = 2, eth0 = 2', facts: good },
    { name: 'strict only on an interface the overlay does not use (lo)', facts: withSysctl(good, { 'net.ipv4.conf.lo.rp_filter': '1' }) },
  ],
  invalid: [
    {
      name: 'broken node (real): eth0 = 1 under flannel.1',
      facts: bad,
      errors: [{ messageId: 'strict', data: { sysctlArgs: 'net.ipv4.conf.eth0.rp_filter=2' }, evidence: ['net.ipv4.conf.eth0.rp_filter = 1'] }],
    },
    {
      name: 'all = 1 makes every interface strict; with drops counted and martians logged',
      facts: {
        ...withSysctl(good, { 'net.ipv4.conf.all.rp_filter': '1' }),
        netstat: { counters: { IPReversePathFilter: 42 }, source: 'nstat -zas' },
        kernelLog: { matches: [{ pattern: 'martian-source', line: 'IPv4: martian source 10.244.2.5 from 10.244.1.3, on dev flannel.1', source: 'dmesg' }], linesScanned: 100, sources: ['dmesg'] },
      },
      errors: [{ messageId: 'strictAndDropping', data: { drops: 'IPReversePathFilter 42, 1 martian source log line(s)' }, evidence: ['IPReversePathFilter 42', /martian source/] }],
    },
    {
      name: 'without links: judged on every interface the sysctls name',
      facts: { sysctls: { values: { 'net.ipv4.conf.all.rp_filter': '0', 'net.ipv4.conf.ens3.rp_filter': '1', 'net.ipv4.conf.lo.rp_filter': '1' }, sources: ['sysctl -a'] } },
      errors: [{ messageId: 'strict', data: { sysctlUndoArgs: 'net.ipv4.conf.ens3.rp_filter=1' } }],
    },
  ],
  skipped: [{ name: 'no sysctls', facts: { links: good.links }, reason: 'no sysctls' }],
});
