import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { PacketFilterFacts } from '../../evidence/node-facts.js';
import { parseIptablesSave, parseNftRuleset } from './parse.js';
import { parseIptablesListing } from './listing.js';

const fixture = (p: string): string => readFileSync(new URL(`../../../test/fixtures/sources/net/${p}`, import.meta.url), 'utf8');

describe('parseIptablesSave', () => {
  it('reads the pre-fix KUBE-POSTROUTING of node a', () => {
    const t = parseIptablesSave(fixture('flannel-a/iptables-save'));
    expect(Object.keys(t).sort()).toEqual(['filter', 'nat']);
    expect(t.nat?.['KUBE-POSTROUTING']).toEqual({
      name: 'KUBE-POSTROUTING',
      rules: ['-A KUBE-POSTROUTING -m comment --comment "kubernetes service traffic requiring SNAT" -m mark --mark 0x4000/0x4000 -j MASQUERADE --random-fully'],
    });
    expect(t.filter?.FORWARD?.policy).toBe('DROP');
    expect(t.filter?.INPUT?.policy).toBe('ACCEPT');
    expect(t.filter?.FORWARD?.rules).toHaveLength(3);
    expect(() => PacketFilterFacts.parse({ iptables: t, sources: ['x'] })).not.toThrow();
  });

  it('reads the fixed KUBE-POSTROUTING of node b', () => {
    const t = parseIptablesSave(fixture('flannel-b/iptables-save'));
    expect(t.nat?.['KUBE-POSTROUTING']?.rules).toEqual([
      '-A KUBE-POSTROUTING -m mark ! --mark 0x4000/0x4000 -j RETURN',
      '-A KUBE-POSTROUTING -j MARK --set-xmark 0x4000/0x0',
      '-A KUBE-POSTROUTING -m comment --comment "kubernetes service traffic requiring SNAT" -j MASQUERADE --random-fully',
    ]);
  });

  it('gives the same tables from the legacy backend', () => {
    expect(parseIptablesSave(fixture('flannel-a/iptables-legacy-save'))).toEqual(parseIptablesSave(fixture('flannel-a/iptables-save')));
  });

  it('strips `iptables-save -c` counters and skips junk', () => {
    const t = parseIptablesSave('-A ORPHAN -j DROP\n*filter\n:INPUT DROP [10:600]\n[5:300] -A INPUT -p udp --dport 8472 -j ACCEPT\nwhat is this\nCOMMIT\n-A AFTER -j DROP\n');
    expect(t).toEqual({ filter: { INPUT: { name: 'INPUT', policy: 'DROP', rules: ['-A INPUT -p udp --dport 8472 -j ACCEPT'] } } });
  });
});

describe('parseNftRuleset', () => {
  it('reads the namespace\'s tables: iptables-nft\'s and our own', () => {
    const tables = parseNftRuleset(fixture('flannel-a/nft_list_ruleset'));
    expect(tables.map((t) => `${t.family} ${t.name}`)).toEqual(['ip nat', 'ip filter', 'inet ppd2-filter']);
    const own = tables[2];
    expect(own?.chains).toEqual([
      { name: 'input', hook: 'input', policy: 'accept', rules: ['udp dport 8472 counter accept', 'ip protocol icmp accept'] },
      { name: 'forward', hook: 'forward', policy: 'drop', rules: ['ip saddr 10.244.0.0/16 accept'] },
    ]);
    const kube = tables[0]?.chains.find((c) => c.name === 'KUBE-POSTROUTING');
    expect(kube).toEqual({ name: 'KUBE-POSTROUTING', rules: ['meta mark & 0x00004000 == 0x00004000 counter masquerade fully-random'] });
    expect(tables[0]?.chains.find((c) => c.name === 'POSTROUTING')?.hook).toBe('postrouting');
    expect(() => PacketFilterFacts.parse({ nft: tables, sources: ['x'] })).not.toThrow();
  });

  it('reads the kube ruleset as iptables-nft stores it, warnings (as sosreports capture them) skipped', () => {
    const text = `# Warning: table ip nat is managed by iptables-nft, do not touch!\n${fixture('kube/nft_list_ruleset')}`;
    const nat = parseNftRuleset(text).find((t) => t.family === 'ip' && t.name === 'nat');
    expect(nat?.chains.find((c) => c.name === 'KUBE-SVC-TEST0')?.rules).toContainEqual(expect.stringMatching(/dnat to 10\.244\.1\.2:8080/));
  });

  it('skips sets and joins rules spread over lines', () => {
    const t = [
      'table inet "odd" {',
      '\tset allowed {',
      '\t\ttype ipv4_addr',
      '\t\telements = { 10.0.0.1, 10.0.0.2,',
      '\t\t\t     10.0.0.3 }',
      '\t}',
      '\tchain c {',
      '\t\ttype filter hook ingress device "eth0" priority 0; policy accept;',
      '\t\tip daddr vmap { 10.0.0.1 : accept,',
      '\t\t\t\t 10.0.0.2 : drop } # handle 4',
      '\t\tip saddr @allowed counter packets 1 bytes 2 accept # handle 5',
      '\t}',
      '}',
      'garbage',
    ].join('\n');
    expect(parseNftRuleset(t)).toEqual([{ family: 'inet', name: 'odd', chains: [{ name: 'c', hook: 'ingress', policy: 'accept', rules: [
      'ip daddr vmap { 10.0.0.1 : accept, 10.0.0.2 : drop }',
      'ip saddr @allowed counter accept',
    ] }] }]);
    expect(parseNftRuleset('')).toEqual([]);
  });
});

describe('parseIptablesListing (iptables -t TABLE -nvL, as sosreports hold it)', () => {
  it('rewrites both nodes\' listings into exactly what iptables-save printed', () => {
    for (const node of ['flannel-a', 'flannel-b']) {
      const save = parseIptablesSave(fixture(`${node}/iptables-save`));
      expect(parseIptablesListing(fixture(`${node}/iptables_-t_nat_-nvL`))).toEqual(save.nat);
      expect(parseIptablesListing(fixture(`${node}/iptables_-t_filter_-nvL`))).toEqual(save.filter);
      expect(parseIptablesListing(fixture(`${node}/iptables_-vnxL`))).toEqual(save.filter);
    }
  });

  it('rewrites a kube-proxy-like ruleset (numeric protocols, statistic, DNAT, REJECT) exactly', () => {
    const save = parseIptablesSave(fixture('kube/iptables-save'));
    expect(Object.keys(save.nat ?? {})).toHaveLength(16); // 4 built-in chains, KUBE-SERVICES, KUBE-MARK-MASQ, 10 services
    expect(parseIptablesListing(fixture('kube/iptables_-t_nat_-nvL'))).toEqual(save.nat);
    expect(parseIptablesListing(fixture('kube/iptables_-t_filter_-nvL'))).toEqual(save.filter);
    expect(save.filter?.INPUT?.rules).toContain('-A INPUT -p ipencap -j ACCEPT');
  });

  it('reads old layouts (`all` protocol, -nL without counters), ports, interfaces, empty targets, and keeps unknown words', () => {
    expect(parseIptablesListing('Chain X (0 references)\n 0 0 ACCEPT all -- * * 0.0.0.0/0 0.0.0.0/0 owner UID match 0').X?.rules).toEqual(['-A X owner UID match 0 -j ACCEPT']);
    const t = [
      'Chain INPUT (policy DROP)',
      'target     prot opt source               destination',
      'ACCEPT     udp  --  10.0.0.2             0.0.0.0/0            udp dpt:8472',
      '',
      'Chain KUBE-SVC-X (1 references)',
      ' pkts bytes target     prot opt in     out     source               destination',
      '   10   600 DNAT       tcp  --  !eth0  *       0.0.0.0/0            10.96.0.1            /* default/kubernetes */ tcp dpt:443 statistic mode random probability 0.5 to:192.168.1.5:6443',
      '    0     0            all  --  *      flannel.1  0.0.0.0/0        0.0.0.0/0',
      'not a rule at all',
    ].join('\n');
    expect(parseIptablesListing(t)).toEqual({
      INPUT: { name: 'INPUT', policy: 'DROP', rules: ['-A INPUT -s 10.0.0.2/32 -p udp -m udp --dport 8472 -j ACCEPT'] },
      'KUBE-SVC-X': { name: 'KUBE-SVC-X', rules: [
        '-A KUBE-SVC-X -d 10.96.0.1/32 ! -i eth0 -p tcp -m comment --comment "default/kubernetes" -m tcp --dport 443 -m statistic --mode random --probability 0.5 -j DNAT --to-destination 192.168.1.5:6443',
        '-A KUBE-SVC-X -o flannel.1',
      ] },
    });
    expect(parseIptablesListing('')).toEqual({});
  });
});
