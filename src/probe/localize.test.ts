import { describe, expect, it } from 'vitest';
import { localizeLoss } from './localize.js';
import { diffCounters } from './counters.js';
import { parseProcNetPairs } from '../sources/snmp/parse.js';
import { parseProcNetDev } from '../sources/netdev/parse.js';
import { readFileSync } from 'node:fs';

const none = { udp: {}, netstat: {}, interfaces: {} };

describe('localizeLoss', () => {
  it('says delivered when every echo came back', () => {
    expect(localizeLoss({ from: 'A', to: 'B', sent: 10, echoed: 10 }).place).toBe('delivered');
  });
  it('blames the receiver kernel checksum when InCsumErrors rose by about the loss', () => {
    const v = localizeLoss({ from: 'A', to: 'B', sent: 20, echoed: 0, arrived: 0, receiver: { ...none, udp: { InCsumErrors: 20, InErrors: 20 } } });
    expect(v.place).toBe('receiver-kernel-checksum');
    expect(v.summary).toContain('InCsumErrors +20');
  });
  it('says underlay when the receiver NIC saw nothing', () => {
    const v = localizeLoss({
      from: 'A', to: 'B', sent: 20, echoed: 0, arrived: 0, receiverNic: 'eth0',
      receiver: { ...none, interfaces: { eth0: { rxPackets: 1, rxDropped: 0, rxErrors: 0, txPackets: 0, txDropped: 0 } } },
    });
    expect(v.place).toBe('underlay');
  });
  it('says return path when the responder counted every probe', () => {
    expect(localizeLoss({ from: 'A', to: 'B', sent: 5, echoed: 0, arrived: 5 }).place).toBe('return-path');
  });
  it('names the sender\'s reverse-path filter when the answers came back and IPReversePathFilter rose there', () => {
    const v = localizeLoss({ from: 'A', to: 'B', sent: 20, echoed: 0, arrived: 20, sender: { ...none, netstat: { IPReversePathFilter: 20 } } });
    expect(v.place).toBe('return-path');
    expect(v.summary).toContain("A's reverse-path filter");
    expect(v.evidence).toContain('A: /proc/net/netstat IPReversePathFilter +20');
  });
  it('does not take the tunnel\'s own InDatagrams for arrival when the receiver\'s rp_filter dropped as many (tally lost too)', () => {
    // lab rp-filter-strict on the receiver: flannel.1 rx and Udp InDatagrams (the outer VXLAN) +23, IPReversePathFilter +23
    const v = localizeLoss({
      from: 'A', to: 'B', sent: 20, echoed: 0, receiverOverlayDev: 'flannel.1',
      receiver: { ...none, udp: { InDatagrams: 23 }, netstat: { IPReversePathFilter: 23 }, interfaces: { 'flannel.1': { rxPackets: 23, rxDropped: 0, rxErrors: 0, txPackets: 0, txDropped: 0 } } },
    });
    expect(v.place).toBe('receiver-rp-filter');
  });
  it('says sender kernel when sendto failed', () => {
    expect(localizeLoss({ from: 'A', to: 'B', sent: 5, echoed: 0, sendErrors: { EMSGSIZE: 5 } }).place).toBe('sender-kernel');
  });
});

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
});
