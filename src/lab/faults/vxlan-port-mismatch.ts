// kb 6: one node's VXLAN device uses another UDP port than its peers (recreated as flanneld's
// ensureLink would, with the other port), so it neither reaches them nor hears them.
import { fdbLines, peerRouteLines, vtepCreateLines, type VtepPlan } from '../topology.js';
import { intOption } from './common.js';
import type { FaultDef } from './types.js';

export const vxlanPortMismatch: FaultDef = {
  name: 'vxlan-port-mismatch',
  summary: "the node's VXLAN device is recreated with another dstport than its peers'",
  reproduces: 'kb 6 (VXLAN port mismatch between nodes)',
  where: 'node',
  nodeRole: 'the node whose VXLAN device gets the other port',
  defaultNode: 'first',
  doctor: { on: 'node', rule: 'vxlan-port-mismatch' },
  options: { port: { default: '', help: 'the wrong port (default: 4789 for flannel, 8472 for Calico)' } },
  async inject({ plan, node, options }, tx) {
    const port = options.port ? intOption(options, 'port', 1, 65535) : node.vtep.port === 8472 ? 4789 : 8472;
    const rebuild = (v: VtepPlan) => ({
      ip: [`link del ${v.dev}`, ...vtepCreateLines(v), ...peerRouteLines(plan, node)].join('\n') + '\n',
      fdb: fdbLines(plan, node).join('\n') + '\n',
    });
    const bad = rebuild({ ...node.vtep, port });
    const good = rebuild(node.vtep);
    await tx.do(
      { ns: node.ns, argv: ['ip', '-batch', '-'], stdin: bad.ip },
      [{ ns: node.ns, argv: ['ip', '-batch', '-'], stdin: good.ip }, { ns: node.ns, argv: ['bridge', '-batch', '-'], stdin: good.fdb }],
    );
    await tx.do({ ns: node.ns, argv: ['bridge', '-batch', '-'], stdin: bad.fdb });
    return [`${node.name}: ${node.vtep.dev} recreated with dstport ${port} (peers use ${node.vtep.port}); address, routes, neighbours and fdb restored on it`];
  },
};
