import { RuleTester } from '../../engine/rule-tester.js';
import rule from './mesh-cut.js';
import { editCells, loadMesh, unreachable } from '../../../test/helpers/mesh-fixtures.js';

const sub = (n: string) => (n === 'n1' || n === 'n2' ? 'a' : 'b');
const across = (c: { from: string; to: string }) => sub(c.from) !== sub(c.to);

new RuleTester().run(rule, {
  valid: [
    { name: 'recorded healthy lab', evidence: { mesh: loadMesh('healthy') } },
    { name: 'recorded bad UDP checksum on n2: one node, not a cut', evidence: { mesh: loadMesh('bad-udp-checksum-n2') } },
  ],
  invalid: [
    {
      name: 'recorded seed-003 size cut: a device between the subnets drops above 1472 bytes',
      evidence: { mesh: loadMesh('size-cut') },
      errors: [{
        messageId: 'size',
        data: { a: '192.168.77.0/24', b: '192.168.78.0/24', limit: '1472', failing: 16, passing: 8, planes: 'host->host, pod->host' },
        message: /^A device between 192\.168\.77\.0\/24 \(n1, n2\) and 192\.168\.78\.0\/24 \(n3, n4\) drops datagrams above 1472 bytes/,
        messageZh: /192\.168\.77\.0\/24.n1, n2.与 192\.168\.78\.0\/24.n3, n4.之间的设备丢弃超过 1472 字节的数据报/,
        evidence: [/host->host n1 -> n4 \(192\.168\.78\.14\): DF sweep largest passing 1472, smallest failing 1473/, /no size failure on host->pod, pod->pod/],
      }],
    },
    {
      name: 'recorded rate blackhole: cross-subnet ramps lose, within stay clean',
      evidence: { mesh: loadMesh('rate-blackhole') },
      errors: [{ messageId: 'rate', data: { a: '192.168.77.0/24', b: '192.168.78.0/24', failing: 8, passing: 4 }, message: /cuts traffic above [\d.]+ Mbit\/s:/, evidence: [/rate ramp loss from [\d.]+ Mbit\/s, last clean [\d.]+ Mbit\/s, blackhole/] }],
    },
    {
      name: 'edited from the healthy recording: every cross-subnet cell unreachable on every plane',
      evidence: { mesh: editCells(loadMesh('healthy'), across, unreachable) },
      errors: [{ messageId: 'reach', data: { a: '192.168.77.0/24', b: '192.168.78.0/24', failing: 32, passing: 16 }, evidence: [/UDP 0\/5 back \(0 arrived at the peer\), TCP 0\/3 connected, ICMP 3\/3/] }],
    },
    {
      name: 'edited from the healthy recording: only from 192.168.77.0/24 to 192.168.78.0/24 unreachable (a one-way cut)',
      evidence: { mesh: editCells(loadMesh('healthy'), (c) => sub(c.from) === 'a' && sub(c.to) === 'b', unreachable) },
      errors: [{ messageId: 'reach', message: /fail \(from 192\.168\.77\.0\/24 to 192\.168\.78\.0\/24 only\) on/ }],
    },
  ],
});
