import { describe, expect, it } from 'vitest';
import { DropTrace } from '../evidence/drop-trace.js';
import { renderDropTraceText } from './drop-trace-text.js';

const base = (over: Partial<DropTrace> = {}): DropTrace => DropTrace.parse({
  schemaVersion: 1,
  source: 'tracefs /sys/kernel/tracing/instances/podpath-1',
  kernel: { release: '6.18.44', reasonField: true, rxSkField: true, locationPrint: 'symbol', locationsSeen: ['symbol'], hashPtr: 'not-needed', kallsyms: 'not-needed', reasonNames: 128 },
  filter: { kfreeSkb: 'protocol == 2048', netifReceiveSkb: 'name ~ "pptr*"' },
  devices: true,
  windows: [
    { label: 'baseline', startedAt: '2026-01-01T00:00:00Z', seconds: 3, events: 3, drops: [
      { reason: 'NO_SOCKET', location: '__udp4_lib_rcv+0x4bc/0xd00', locationForm: 'symbol', symbol: '__udp4_lib_rcv', offset: 0x4bc, total: 3, perSecond: [1, 1, 1], firstAt: 0.1, lastAt: 2.1 },
    ] },
    { label: 'main', startedAt: '2026-01-01T00:00:03Z', seconds: 10, events: 26, drops: [
      { reason: 'UDP_CSUM', location: '__udp4_lib_rcv+0x1eb/0xd00', locationForm: 'symbol', symbol: '__udp4_lib_rcv', offset: 0x1eb, total: 26, perSecond: [3, 3, 2, 3, 3, 2, 3, 3, 2, 2], firstAt: 0.2, lastAt: 9.9, devices: [{ device: 'eth0\u001b[8m;rm -rf /', count: 26 }] },
    ] },
  ],
  read: { lines: 40, bytes: 4000, unparsed: 0, tooLong: 0, interrupted: false },
  changes: [{ did: 'mkdir /sys/kernel/tracing/instances/podpath-1', undo: 'rmdir /sys/kernel/tracing/instances/podpath-1', at: '2026-01-01T00:00:00Z', state: 'undone' }],
  ...over,
});

describe('podpath trace text', () => {
  it('main rows busiest first beside the baseline rate; baseline-only places listed with 0; per second; changes', () => {
    const text = renderDropTraceText(base());
    const lines = text.split('\n');
    const header = lines.findIndex((l) => l.includes('baseline per s'));
    expect(lines[header + 1]).toMatch(/^ {2}UDP_CSUM\s+__udp4_lib_rcv\+0x1eb\/0xd00\s+26\s+2\.60\s+0\.00\s+0\.2\.\.9\.9/);
    expect(lines[header + 2]).toMatch(/^ {2}NO_SOCKET\s+__udp4_lib_rcv\+0x4bc\/0xd00\s+0\s+0\.00\s+1\.00\s+-/);
    expect(text).toContain('UDP_CSUM __udp4_lib_rcv+0x1eb/0xd00: 3 3 2 3 3 2 3 3 2 2');
    expect(text).toContain('host changes (1 of 1 undone):');
  });

  it('a device name from the kernel cannot put an escape sequence on the terminal', () => {
    const text = renderDropTraceText(base());
    expect(text).not.toContain('\u001b');
    expect(text).toContain('eth0\\x1b[8m;rm -rf / 26');
  });

  it('the firewall verdicts, drops first, and notes', () => {
    const text = renderDropTraceText(base({
      ruleTrace: { mode: 'nft', ports: [8472], addresses: [], packets: 3, lines: 20, verdicts: [
        { family: 'inet', table: 'filter', chain: 'forward', kind: 'rule', handle: 4, rule: 'udp dport 8472 drop', verdict: 'drop', packets: 3, example: { src: '10.0.0.1', sport: 1000, dst: '10.0.0.2', dport: 8472, in: 'eth0' } },
      ] },
      notes: [{ code: 'TRACE_LOCATION_HASHED', params: { kernel: '4.19.90' } }],
    }));
    expect(text).toContain('firewall trace (nft, ports 8472): 3 packets traced');
    expect(text).toContain('drop     inet filter forward rule handle 4: udp dport 8472 drop: 3 packets (e.g. 10.0.0.1:1000 -> 10.0.0.2:8472 in eth0)');
    expect(text).toContain('note: kernel 4.19.90 hashes the location pointer');
  });
});
