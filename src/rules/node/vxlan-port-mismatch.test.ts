import { RuleTester } from '../../engine/rule-tester.js';
import type { NodeFacts } from '../../evidence/node-facts.js';
import { loadKbNode } from '../../../test/fixtures/evidence/kb/load.js';
import rule from './vxlan-port-mismatch.js';

const good = loadKbNode('good');
const bad = loadKbNode('bad');
const withPort = (f: NodeFacts, port: number, name = 'flannel.1'): NodeFacts => ({
  ...f,
  links: { source: 'ip -d link', items: (f.links?.items ?? []).map((l) => (l.vxlan ? { ...l, name, vxlan: { ...l.vxlan, port } } : l)) },
});
const netConfPort = (f: NodeFacts, port: number): NodeFacts => ({ ...f, cni: { ...(f.cni as NonNullable<NodeFacts['cni']>), flannelNetConf: { network: '10.244.0.0/16', backendType: 'vxlan', port, source: 'net-conf.json' } } });

new RuleTester().run(rule, {
  valid: [
    { name: 'healthy node (real): flannel.1 dstport 8472, net-conf without Port', facts: good },
    { name: 'CentOS 7 iproute2 prints dstport 0: the kernel default 8472', facts: withPort(good, 0) },
    { name: 'net-conf Backend.Port 4789 and the device agrees', facts: netConfPort(withPort(good, 4789), 4789) },
    { name: 'Calico device on 4789', facts: { links: withPort(good, 4789, 'vxlan.calico').links } },
  ],
  invalid: [
    {
      name: 'broken node (real): flannel.1 dstport 4789, flannel expects 8472',
      facts: bad,
      errors: [{ messageId: 'portDiffers', data: { vxlan: 'flannel.1', actual: '4789', expected: 8472 }, evidence: ['dstport 4789', 'Backend.Type vxlan'] }],
    },
    { name: 'net-conf says 4789, device has dstport 0 (kernel default 8472)', facts: netConfPort(withPort(good, 0), 4789), errors: [{ messageId: 'portDiffers', data: { actual: '8472 (dstport 0)', expected: 4789 } }] },
    { name: 'Calico device on 8472', facts: { links: withPort(good, 8472, 'vxlan.calico').links }, errors: [{ messageId: 'portDiffers', data: { cni: 'calico', expected: 4789 } }] },
  ],
  skipped: [
    { name: 'no links', facts: { cni: good.cni }, reason: 'no links' },
    { name: 'no VXLAN device', facts: { links: { source: 'ip link', items: (good.links?.items ?? []).filter((l) => l.kind !== 'vxlan') } }, reason: 'no VXLAN device' },
    { name: 'flannel.1 on a non-default port and net-conf.json not visible', facts: { links: withPort(good, 9999).links }, reason: 'net-conf.json is not visible' },
  ],
});
