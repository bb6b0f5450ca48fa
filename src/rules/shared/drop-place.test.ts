// What kind of drop a traced row is. The ICMP case is from the lab (test/e2e/lab-drops.test.ts,
// underlay-rate-blackhole, 6.18): `NO_SOCKET` at `ping_rcv+0x…` during the probe was taken for the
// lost UDP echoes ("dropped by 192.168.77.12's kernel: NO_SOCKET in ping_rcv").
import { describe, expect, it } from 'vitest';
import { DropRow } from '../../evidence/drop-trace.js';
import { classifyDrop } from './drop-place.js';

const row = (reason: string | undefined, symbol: string) => DropRow.parse({
  ...(reason !== undefined ? { reason } : {}), location: `${symbol}+0x1f4/0x2e0`, locationForm: 'symbol', symbol, offset: 0x1f4, total: 8, perSecond: [8], firstAt: 0, lastAt: 0.9,
});

describe('classifyDrop', () => {
  it('NO_SOCKET in __udp4_lib_rcv is a UDP datagram nobody listened for', () => {
    expect(classifyDrop(row('NO_SOCKET', '__udp4_lib_rcv')).kind).toBe('no-socket');
  });

  it('ICMP (ping_rcv, icmp_*) is never the lost UDP echo, whatever the reason', () => {
    expect(classifyDrop(row('NO_SOCKET', 'ping_rcv')).kind).toBe('unrelated');
    expect(classifyDrop(row(undefined, 'ping_rcv')).kind).toBe('unrelated');
    expect(classifyDrop(row('NOT_SPECIFIED', 'icmp_rcv')).kind).toBe('unrelated');
  });
});
