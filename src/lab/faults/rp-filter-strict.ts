// kb 6: strict reverse-path filtering with an asymmetric path. The receiving node routes back to
// the sender's pod subnet straight over the underlay (as flannel's DirectRouting or a host-gw
// route would), while the sender still sends through the VXLAN device: with rp_filter = 1 the
// receiver drops what arrives on the VXLAN device; with 0 or 2 it would pass.
import { setSysctl } from './common.js';
import type { FaultDef } from './types.js';

export const rpFilterStrict: FaultDef = {
  name: 'rp-filter-strict',
  summary: 'strict rp_filter on the receiver, whose route back to the sender\'s pods goes over eth0 instead of the VXLAN device',
  reproduces: 'kb 6 (strict rp_filter with asymmetric paths)',
  where: 'node',
  nodeRole: 'the receiver with strict rp_filter and the asymmetric route',
  defaultNode: 'last',
  peerRole: 'the sender whose pod subnet is routed back asymmetrically',
  // doctor names the asymmetric route first (peer-pod-routes-missing), rp-filter-strict after it
  doctor: { on: 'node', rule: 'peer-pod-routes-missing' },
  options: {},
  async inject({ plan, node, peer }, tx) {
    const dev = node.vtep.dev;
    // Across the router (two subnets) the way back leaves by the node's gateway, and the router
    // learns the peer's pod subnet (as a BGP-fed or host-gw-aware router would): the plain path works.
    const across = plan.router !== undefined && node.subnet !== peer.subnet && node.gateway !== undefined;
    const via = across ? node.gateway! : peer.eth0Ip;
    if (across) {
      await tx.do(
        { ns: plan.router!.ns, argv: ['ip', 'route', 'replace', peer.podCidr, 'via', peer.eth0Ip] },
        { ns: plan.router!.ns, argv: ['ip', 'route', 'del', peer.podCidr] },
      );
    }
    await tx.do(
      { ns: node.ns, argv: ['ip', 'route', 'replace', peer.podCidr, 'via', via, 'dev', 'eth0'] },
      { ns: node.ns, argv: ['ip', 'route', 'replace', peer.podCidr, 'via', peer.vtep.ip, 'dev', dev, 'onlink'] },
    );
    await setSysctl(tx, node.ns, 'net.ipv4.conf.all.rp_filter', '1');
    // slash form: the device name contains a dot
    await setSysctl(tx, node.ns, `net/ipv4/conf/${dev}/rp_filter`, '1');
    return [
      ...(across ? [`router ${plan.router!.ns}: route to ${peer.podCidr} via ${peer.eth0Ip}`] : []),
      `${node.name}: route to ${peer.podCidr} now via ${via} dev eth0 (asymmetric: ${peer.name} still sends through ${dev})`,
      `${node.name}: rp_filter = 1 on all and ${dev}: packets from ${peer.podCidr} arriving on ${dev} fail the reverse-path check (IPReversePathFilter rises)`,
    ];
  },
};
