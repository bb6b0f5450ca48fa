import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseProcNetPairs } from './parse.js';

const fixture = (p: string): string => readFileSync(new URL(`../../../test/fixtures/sources/net/${p}`, import.meta.url), 'utf8');

describe('parseProcNetPairs on /proc/net/snmp', () => {
  const text = fixture('flannel-a/proc_net_snmp');
  const t = parseProcNetPairs(text);

  it('reads every table', () => {
    expect(Object.keys(t).sort()).toEqual(['Icmp', 'IcmpMsg', 'Ip', 'Tcp', 'Udp', 'UdpLite']);
  });

  it('reads the UDP error counters as the file has them', () => {
    // Compare with the numbers in the file, column by column.
    const lines = text.split('\n').filter((l) => l.startsWith('Udp: '));
    const names = (lines[0] ?? '').split(/\s+/).slice(1);
    const vals = (lines[1] ?? '').split(/\s+/).slice(1).map(Number);
    for (const k of ['InDatagrams', 'NoPorts', 'InErrors', 'RcvbufErrors', 'InCsumErrors']) {
      expect(t.Udp?.[k]).toBe(vals[names.indexOf(k)]);
    }
    expect(t.Udp?.NoPorts).toBeGreaterThan(0); // the fixture sent UDP to port 9 where nobody listens
    expect(t.Tcp?.MaxConn).toBe(-1);
    expect(t.Ip?.Forwarding).toBe(1);
  });

  it('with `only`, reads those tables as the full parse does, and pairs the other rows the same', () => {
    expect(parseProcNetPairs(text, ['Udp'])).toEqual({ Udp: t.Udp });
    // A broken row before the wanted one shifts the pairing alike in both.
    const shifted = 'Ip: A B\nIp: 1 2\nTcp: A\nUdp: X Y\nUdp: 3 4\n';
    expect(parseProcNetPairs(shifted, ['Udp'])).toEqual({ Udp: parseProcNetPairs(shifted).Udp });
    expect(parseProcNetPairs('Tcp: A\nTcp: 1\nUdp: B\nUdp: 2\n', ['Udp'])).toEqual({ Udp: { B: 2 } });
  });

  it('skips unpaired and broken rows', () => {
    expect(parseProcNetPairs('Udp: InErrors NoPorts\nUdp: 1\nTcp: A\nTcp: x\nIp: A B\nIp: 1 2\n')).toEqual({ Ip: { A: 1, B: 2 } });
    expect(parseProcNetPairs('')).toEqual({});
  });
});

describe('parseProcNetPairs on /proc/net/netstat', () => {
  it('reads TcpExt and IpExt', () => {
    const t = parseProcNetPairs(fixture('flannel-a/proc_net_netstat'));
    expect(t.TcpExt?.IPReversePathFilter).toBe(0);
    expect(typeof t.TcpExt?.TCPSynRetrans).toBe('number');
    expect(t.IpExt?.InOctets).toBeGreaterThan(0);
  });
});
