import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { diffCounters, interfaceOf } from './counters.js';
import { parseProcNetPairs } from '../sources/snmp/parse.js';
import { parseProcNetDev } from '../sources/netdev/parse.js';

describe('counters', () => {
  it('parses the real /proc/net/snmp and /proc/net/dev of this host and diffs snapshots', () => {
    const snmp = parseProcNetPairs(readFileSync('/proc/net/snmp', 'utf8'));
    expect(snmp.Udp).toHaveProperty('InCsumErrors');
    const dev = parseProcNetDev(readFileSync('/proc/net/dev', 'utf8'));
    expect(dev.lo).toBeDefined();
    const a = { atMs: 0, udp: { InErrors: 1 }, netstat: { IPReversePathFilter: 0 }, interfaces: { eth0: { rxPackets: 5, rxDropped: 0, rxErrors: 0, txPackets: 1, txDropped: 0 } } };
    const b = { atMs: 1, udp: { InErrors: 4 }, netstat: { IPReversePathFilter: 0 }, interfaces: { eth0: { rxPackets: 9, rxDropped: 0, rxErrors: 0, txPackets: 1, txDropped: 0 } } };
    expect(diffCounters(a, b)).toEqual({ udp: { InErrors: 3 }, netstat: {}, interfaces: { eth0: { rxPackets: 4, rxDropped: 0, rxErrors: 0, txPackets: 0, txDropped: 0 } } });
  });
  it('finds the interface that holds an address', () => {
    const snap = { atMs: 0, udp: {}, netstat: {}, interfaces: {}, addresses: { eth0: ['192.168.77.11'], 'flannel.1': ['10.244.1.0'] } };
    expect(interfaceOf(snap, '10.244.1.0')).toBe('flannel.1');
    expect(interfaceOf(snap, '10.244.2.2')).toBeUndefined();
  });
});
