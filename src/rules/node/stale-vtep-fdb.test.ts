import { RuleTester } from '../../engine/rule-tester.js';
import type { NodeFacts } from '../../evidence/node-facts.js';
import { loadKbNode } from '../../../test/fixtures/evidence/kb/load.js';
import { parseBridgeFdb } from '../../sources/fdb/parse.js';
import { parseIpNeigh } from '../../sources/neighbours/parse.js';
import rule from './stale-vtep-fdb.js';

const good = loadKbNode('good');
const bad = loadKbNode('bad');
const tables = (neigh: string, fdb: string): Pick<NodeFacts, 'neighbours' | 'fdb' | 'links'> => ({
  links: good.links,
  neighbours: { items: parseIpNeigh(neigh), source: 'ip neigh show' },
  fdb: { items: parseBridgeFdb(fdb), source: 'bridge fdb show' },
});

new RuleTester().run(rule, {
  valid: [
    { name: 'healthy node (real): neighbour and fdb agree for the peer', facts: good },
    {
      name: 'fdb flood entry (00:00:00:00:00:00) to several nodes is not a stale entry',
      facts: tables('10.244.2.0 dev flannel.1 lladdr 0e:00:00:00:02:02 PERMANENT', '00:00:00:00:00:00 dev flannel.1 dst 172.31.251.2 self permanent\n00:00:00:00:00:00 dev flannel.1 dst 172.31.251.3 self permanent\n0e:00:00:00:02:02 dev flannel.1 dst 172.31.251.2 self permanent'),
    },
    { name: 'bridge entries on cni0 and eth0 multicast are ignored', facts: tables('10.244.1.2 dev cni0 lladdr 26:40:d0:59:7a:57 REACHABLE', '33:33:00:00:00:01 dev eth0 self permanent\n26:40:d0:59:7a:57 dev veth1 master cni0') },
  ],
  invalid: [
    {
      name: 'broken node (real): 10.244.3.0 has no fdb entry; node 172.31.251.4 has two VTEP MACs',
      facts: bad,
      errors: [
        { messageId: 'neighWithoutFdb', data: { ip: '10.244.3.0', mac: '0e:00:00:00:03:03', }, commands: ['bridge fdb append 0e:00:00:00:03:03 dev flannel.1 dst "${PEER_NODE_IP:?set PEER_NODE_IP to the peer node IP}" self permanent'] },
        { messageId: 'duplicateDst', data: { dst: '172.31.251.4', count: 2, ips: '10.244.4.0', mac: '0e:00:00:00:04:99' }, evidence: ['0e:00:00:00:04:99 dev flannel.1 dst 172.31.251.4'] },
      ],
    },
    {
      name: 'an fdb MAC no neighbour uses (peer recreated flannel.1, neighbour already updated elsewhere)',
      facts: tables('10.244.2.0 dev flannel.1 lladdr 0e:00:00:00:02:02 PERMANENT', '0e:00:00:00:02:02 dev flannel.1 dst 172.31.251.2 self permanent\n0e:00:00:00:09:09 dev flannel.1 dst 172.31.251.9 self permanent'),
      errors: [{ messageId: 'fdbWithoutNeigh', data: { mac: '0e:00:00:00:09:09', dst: '172.31.251.9' }, commands: ['bridge fdb del 0e:00:00:00:09:09 dev flannel.1 dst 172.31.251.9', 'bridge fdb append 0e:00:00:00:09:09 dev flannel.1 dst 172.31.251.9 self permanent'] }],
    },
    {
      name: 'one MAC pointing at two nodes',
      facts: tables('10.244.2.0 dev flannel.1 lladdr 0e:00:00:00:02:02 PERMANENT', '0e:00:00:00:02:02 dev flannel.1 dst 172.31.251.2 self permanent\n0e:00:00:00:02:02 dev flannel.1 dst 172.31.251.3 self permanent'),
      errors: [{ messageId: 'macMultipleDst', data: { mac: '0e:00:00:00:02:02', dsts: '172.31.251.2, 172.31.251.3' } }],
    },
  ],
  skipped: [{ name: 'no fdb', facts: { neighbours: good.neighbours }, reason: 'no FDB entries' }],
});
