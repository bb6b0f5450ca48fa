// Seed 001 / kb 4: NetworkManager managing flannel.1 and cni0 rewrote the node's routes: the
// onlink routes to the peers' pod subnets are gone and the flannel address resolves to lo.
// The routes are changed for real; the NetworkManager configuration left in the node root is
// emulated evidence (no NetworkManager runs in the lab).
import { join } from 'node:path';
import { peerRouteLines } from '../topology.js';
import type { FaultDef } from './types.js';

export const routeHijack: FaultDef = {
  name: 'route-hijack',
  summary: "the node's routes to other nodes' pod subnets are gone and its overlay address is routed to lo",
  reproduces: 'seed 001 (NetworkManager managing flannel.1/cni0); kb 4',
  where: 'node',
  nodeRole: 'the node whose routes NetworkManager rewrote',
  defaultNode: 'first',
  doctor: { on: 'node', rule: 'peer-pod-routes-missing' },
  options: {},
  async inject({ plan, node }, tx) {
    const dev = node.vtep.dev;
    const routes = peerRouteLines(plan, node).filter((l) => l.startsWith('route '));
    for (const line of routes) {
      const dst = line.split(' ')[2]!;
      await tx.do({ ns: node.ns, argv: ['ip', 'route', 'del', dst, 'dev', dev] }, { ns: node.ns, argv: ['ip', ...line.split(' ')] });
    }
    const local = ['table', 'local', 'proto', 'kernel', 'scope', 'host', 'src', node.vtep.ip];
    await tx.do(
      { ns: node.ns, argv: ['ip', 'route', 'replace', 'local', node.vtep.ip, 'dev', 'lo', ...local] },
      [
        { ns: node.ns, argv: ['ip', 'route', 'del', 'local', node.vtep.ip, 'dev', 'lo', 'table', 'local'], optional: true },
        { ns: node.ns, argv: ['ip', 'route', 'replace', 'local', node.vtep.ip, 'dev', dev, ...local] },
      ],
    );
    await tx.writeFile(join(node.root, 'etc/NetworkManager/NetworkManager.conf'), '[main]\nplugins=keyfile\n\n[keyfile]\n# no unmanaged-devices: flannel.1, cni0 and veth* are managed\n');
    return [
      `${node.name}: deleted ${routes.length} onlink route(s) to the peers' pod subnets via ${dev}; local route of ${node.vtep.ip} moved to dev lo`,
      `EMULATED evidence: ${node.root}/etc/NetworkManager/NetworkManager.conf without unmanaged-devices (no NetworkManager runs in the lab)`,
    ];
  },
};
