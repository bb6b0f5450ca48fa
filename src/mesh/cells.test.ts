import { describe, expect, it } from 'vitest';
import { deltaOf, devicesOf, networkOf, subnetOf } from './cells.js';
import type { CounterSnapshotAnswer } from '../api/mesh-round.js';

const dev = (rx: number, drop = 0) => ({ rxPackets: rx, rxDropped: drop, rxErrors: 0, txPackets: rx, txDropped: 0 });
const snap = (o: Partial<CounterSnapshotAnswer>): CounterSnapshotAnswer => ({ atMs: 0, udp: {}, netstat: {}, interfaces: {}, ...o });

describe('deltaOf', () => {
  it('keeps what moved: counters and interface rows with a non-zero difference', () => {
    const a = snap({ udp: { InDatagrams: 10, InCsumErrors: 2, NoPorts: 1 }, netstat: { IPReversePathFilter: 0 }, interfaces: { eth0: dev(100), 'flannel.1': dev(50) } });
    const b = snap({ udp: { InDatagrams: 30, InCsumErrors: 5, NoPorts: 1 }, netstat: { IPReversePathFilter: 4 }, interfaces: { eth0: dev(140, 3), 'flannel.1': dev(50), cni0: dev(9) } });
    expect(deltaOf(a, b)).toEqual({
      udp: { InDatagrams: 20, InCsumErrors: 3 },
      netstat: { IPReversePathFilter: 4 },
      interfaces: { eth0: { rxPackets: 40, rxDropped: 3, rxErrors: 0, txPackets: 40, txDropped: 0 } },
    });
  });
});

describe('devices and subnet from an agent reading', () => {
  const s = snap({
    interfaces: { lo: dev(0), eth0: dev(0), 'flannel.1': dev(0), cni0: dev(0) },
    addresses: { lo: ['127.0.0.1'], eth0: ['10.0.1.5'], 'flannel.1': ['10.244.1.0'], cni0: ['10.244.1.1'] },
    cidrs: { lo: ['127.0.0.1/8'], eth0: ['10.0.1.5/22', 'fd00:1::5/64'], 'flannel.1': ['10.244.1.0/32'], cni0: ['10.244.1.1/24'] },
  });
  it('names the NIC holding the address and the VXLAN device', () => {
    expect(devicesOf(s, '10.0.1.5')).toEqual({ nic: 'eth0', overlay: 'flannel.1' });
    expect(devicesOf(s, '127.0.9.9')).toEqual({ nic: 'lo', overlay: 'flannel.1' });
    expect(devicesOf(snap({ interfaces: { 'vxlan.calico': dev(0) } }), undefined)).toEqual({ overlay: 'vxlan.calico' });
  });
  it('reads the subnet from the prefix length', () => {
    expect(subnetOf(s, '10.0.1.5')).toBe('10.0.0.0/22');
    expect(subnetOf(s, 'fd00:1::5')).toBe('fd00:1::/64');
    expect(subnetOf(s, '192.0.2.1')).toBeUndefined();
  });
  it('computes networks for both families', () => {
    expect(networkOf('192.168.78.13', 24)).toBe('192.168.78.0/24');
    expect(networkOf('10.1.2.3', 0)).toBe('0.0.0.0/0');
    expect(networkOf('2001:db8:1:2:3:4:5:6', 48)).toBe('2001:db8:1::/48');
    expect(networkOf('2001:db8::1', 128)).toBe('2001:db8::1/128');
    expect(networkOf('fe80::1', 10)).toBe('fe80::/10');
    expect(networkOf('10.1.2.3', 33)).toBeUndefined();
  });
});
