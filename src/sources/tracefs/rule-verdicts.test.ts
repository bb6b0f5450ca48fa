// Which rule or policy decided: fed with the copied nft monitor and iptables TRACE fixtures.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseIptablesSave, parseIptablesTraceLine, parseNftTraceLine } from './parse.js';
import { legacyRules, nftTableScript, parsePorts } from './rule-trace.js';
import { VerdictTally } from './rule-verdicts.js';

const FIX = join(import.meta.dirname, '../../../test/fixtures/tracefs');
const read = (p: string) => readFileSync(join(FIX, p), 'utf8');

function nftTally(file: string, ports: number[], own = 'podpath_trace_1') {
  const t = new VerdictTally({ ports, addresses: [] }, (table) => table === own);
  for (const line of read(file).split('\n')) {
    const l = parseNftTraceLine(line);
    if (l) t.pushNft(l);
  }
  return t;
}

describe('VerdictTally', () => {
  it('nft-trace/rule-drop.txt: 2 packets, both dropped by pp_forward\'s rule', () => {
    const t = nftTally('nft-trace/rule-drop.txt', [33335]);
    expect(t.packets).toBe(2);
    expect(t.verdicts()[0]).toEqual({
      family: 'inet', table: 'ppfx_fwd', chain: 'pp_forward', kind: 'rule', rule: 'udp dport 33335 counter packets 0 bytes 0 drop', verdict: 'drop', packets: 2,
      example: { src: '10.231.1.2', dst: '10.231.2.2', protocol: 'udp', sport: 39388, dport: 33335, in: 'ppfxr0' },
    });
    // pp_pre's accept policy is a decision too (the packet went on), listed after the drop.
    expect(t.verdicts().map((v) => `${v.chain} ${v.kind} ${v.verdict}`)).toEqual(['pp_forward rule drop', 'pp_pre policy accept']);
  });

  it('nft-trace/policy-drop.txt: the forward chain\'s policy', () => {
    const t = nftTally('nft-trace/policy-drop.txt', [33336]);
    expect(t.verdicts()[0]).toMatchObject({ table: 'ppfx_pol', chain: 'pp_forward', kind: 'policy', verdict: 'drop', packets: 2 });
  });

  it('nft-trace/monitor-handles.txt: our own table left out; the rule handle and the policy of chain g', () => {
    const t = nftTally('nft-trace/monitor-handles.txt', [33335, 33336]);
    expect(t.packets).toBe(2);
    expect(t.verdicts().filter((v) => v.table.startsWith('podpath_trace_'))).toEqual([]);
    expect(t.verdicts().map((v) => `${v.chain} ${v.kind} ${v.handle ?? '-'} ${v.verdict} ${v.packets}`)).toEqual(['f rule 3 drop 1', 'g policy - drop 1', 'f policy - accept 1']);
  });

  it('packets on other ports are not ours', () => {
    expect(nftTally('nft-trace/rule-drop.txt', [9]).packets).toBe(0);
  });

  it('iptables-trace/kern.log + ruleset.txt: filter FORWARD rule 1 drops', () => {
    const rs = parseIptablesSave(read('iptables-trace/ruleset.txt'));
    const t = new VerdictTally({ ports: [33338], addresses: [] }, (_t, rule) => rule?.includes('podpath-trace-') ?? false);
    for (const line of read('iptables-trace/kern.log').split('\n')) {
      const l = parseIptablesTraceLine(line);
      if (l) t.pushIptables(l, rs);
    }
    expect(t.packets).toBe(1);
    expect(t.verdicts()[0]).toMatchObject({ table: 'filter', chain: 'FORWARD', kind: 'rule', rulenum: 1, rule: '-A FORWARD -p udp -m udp --dport 33338 -j DROP', verdict: 'drop', packets: 1 });
    expect(t.verdicts()[1]).toMatchObject({ table: 'raw', chain: 'PREROUTING', kind: 'policy', verdict: 'accept' });
  });
});

describe('what --trace-rules installs', () => {
  it('ports are validated', () => {
    expect(parsePorts('8472, 4789,8472')).toEqual([8472, 4789]);
    for (const bad of ['', '0', '65536', '80;reboot', '1-2', Array.from({ length: 17 }, (_, i) => i + 1).join(',')]) expect(() => parsePorts(bad), bad).toThrow();
  });

  it('one nft command line: a table with prerouting and output chains at -301 marking only the ports', () => {
    expect(nftTableScript('podpath_trace_7', [8472], [])).toBe([
      'add table inet podpath_trace_7',
      'add chain inet podpath_trace_7 pre { type filter hook prerouting priority -301; policy accept; }',
      'add rule inet podpath_trace_7 pre meta l4proto { tcp, udp } th dport { 8472 } meta nftrace set 1',
      'add rule inet podpath_trace_7 pre meta l4proto { tcp, udp } th sport { 8472 } meta nftrace set 1',
      'add chain inet podpath_trace_7 out { type filter hook output priority -301; policy accept; }',
      'add rule inet podpath_trace_7 out meta l4proto { tcp, udp } th dport { 8472 } meta nftrace set 1',
      'add rule inet podpath_trace_7 out meta l4proto { tcp, udp } th sport { 8472 } meta nftrace set 1',
    ].join('; '));
    expect(nftTableScript('t', [1, 2], ['10.0.0.1'])).toContain('ip daddr { 10.0.0.1 } meta l4proto { tcp, udp } th dport { 1, 2 }');
  });

  it('iptables-legacy: TRACE in raw PREROUTING and OUTPUT, udp and tcp, with the run\'s comment', () => {
    const r = legacyRules([8472, 4789], 42);
    expect(r).toHaveLength(4);
    expect(r[0]).toEqual(['PREROUTING', '-p', 'udp', '-m', 'multiport', '--ports', '8472,4789', '-m', 'comment', '--comment', 'podpath-trace-42', '-j', 'TRACE']);
  });
});
