import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { FAULTS, getFault, resolveOptions, resolveTargets } from '../../src/lab/faults/index.js';
import { ethtoolFeature, parseRate, parseTimeout } from '../../src/lab/faults/common.js';
import { classifyOuterChecksums, parseSnmp, udpArrivals } from '../../src/lab/traffic.js';
import { namespacedArgv } from '../../src/lab/run.js';
import { DEFAULT_OPTIONS, planLab } from '../../src/lab/topology.js';

const fixture = (name: string) => readFileSync(new URL(`../fixtures/lab/${name}`, import.meta.url), 'utf8');

describe('fault registry', () => {
  it('has every fault of the brief, each documented', () => {
    expect(FAULTS.map((f) => f.name).sort()).toEqual([
      'bad-udp-checksum', 'duplicate-public-ip', 'firewall-vxlan-port', 'forward-drop', 'ip-forward-off', 'large-packet-drop', 'mtu-mismatch', 'offload-lro',
      'route-hijack', 'router-rate-blackhole', 'router-size-limit', 'rp-filter-strict', 'stale-vtep-mac', 'underlay-rate-blackhole', 'underlay-size-limit', 'vxlan-nat-checksum', 'vxlan-port-mismatch',
    ]);
    for (const f of FAULTS) expect(f.summary.length && f.reproduces.length && f.nodeRole.length).toBeTruthy();
    expect(() => getFault('nope')).toThrow(/no fault "nope"/);
  });
  it('resolves --node/--peer defaults and refuses a peer equal to the node', () => {
    const plan = planLab({ ...DEFAULT_OPTIONS, name: 'f' });
    const rp = getFault('rp-filter-strict');
    expect(resolveTargets(plan, rp, {})).toMatchObject({ node: { name: 'n3' }, peer: { name: 'n1' } });
    expect(resolveTargets(plan, getFault('bad-udp-checksum'), {})).toMatchObject({ node: { name: 'n1' }, peer: { name: 'n3' } });
    expect(() => resolveTargets(plan, rp, { node: 'n2', peer: 'n2' })).toThrow(/--peer must differ/);
    expect(() => resolveTargets(plan, rp, { node: 'n9' })).toThrow(/no node "n9"/);
  });
  it('fills option defaults and refuses options a fault does not take', () => {
    expect(resolveOptions(getFault('underlay-rate-blackhole'), { timeout: '3s' })).toEqual({ rate: '20mbit', timeout: '3s' });
    expect(() => resolveOptions(getFault('ip-forward-off'), { size: '1' })).toThrow(/takes no options/);
  });
  it('parses rates and timeouts for nft', () => {
    expect(parseRate('20mbit')).toBe(2_500_000);
    expect(parseRate('500kbit')).toBe(62_500);
    expect(parseRate('2mbyte')).toBe(2_000_000);
    expect(parseRate('1000')).toBe(1000);
    expect(() => parseRate('fast')).toThrow(/--rate/);
    expect(parseTimeout('3')).toBe('3s');
    expect(parseTimeout('500ms')).toBe('500ms');
    expect(() => parseTimeout('0')).toThrow(/--timeout/);
  });
});

describe('traffic evidence parsers (real output)', () => {
  it('classifies outer VXLAN checksums from tcpdump -vv at the receiver', () => {
    const v = classifyOuterChecksums(fixture('tcpdump-vv-vxlan-nat-checksum.txt'), 8472);
    expect(v).toMatchObject({ packets: 4, bad: 2, zero: 2, ok: 0 });
    expect(v.badValues).toEqual(['0xffff -> 0x791f', '0xffff -> 0xe3ad']);
    expect(v.sourcePorts).toEqual([33719, 6441, 59423, 34804]);
  });
  it('reads /proc/net/snmp', () => {
    const s = parseSnmp(fixture('proc-net-snmp-after-bad-csum.txt'));
    expect(s['Udp:InCsumErrors']).toBe(5);
    expect(s['Udp:InErrors']).toBe(5);
    expect(s['Ip:ForwDatagrams']).toBe(39);
    expect(udpArrivals(s)).toBe(21);
  });
  it('reads ethtool -k feature lines', () => {
    const text = 'Features for eth0:\ntx-checksumming: on\n\ttx-checksum-ip-generic: on\nlarge-receive-offload: off [fixed]\n';
    expect(ethtoolFeature(text, 'tx-checksumming')).toBe('on');
    expect(ethtoolFeature(text, 'large-receive-offload')).toBe('off');
    expect(ethtoolFeature(text, 'rx-gro-hw')).toBeUndefined();
  });
  it('runs ip/bridge with -n and everything else through ip netns exec', () => {
    expect(namespacedArgv({ ns: 'pplab-a-n1', argv: ['ip', 'link'] })).toEqual(['ip', '-n', 'pplab-a-n1', 'link']);
    expect(namespacedArgv({ ns: 'pplab-a-n1', argv: ['nft', 'list', 'ruleset'] })).toEqual(['ip', 'netns', 'exec', 'pplab-a-n1', 'nft', 'list', 'ruleset']);
    expect(namespacedArgv({ argv: ['ip', 'netns', 'list'] })).toEqual(['ip', 'netns', 'list']);
  });
});

describe('outer checksums with podpath\'s own pcap reader (real capture)', () => {
  it('agrees with tcpdump -vv on the receiver capture of vxlan-nat-checksum, and calls 0xffff a wire error', async () => {
    const { outerUdpFromPcap } = await import('../../src/lab/capture.js');
    const file = new URL('../fixtures/lab/vxlan-nat-checksum-receiver.pcap', import.meta.url).pathname;
    const v = await outerUdpFromPcap(file, 8472);
    const peer = classifyOuterChecksums(fixture('tcpdump-vv-vxlan-nat-checksum.txt'), 8472);
    expect(v).toMatchObject({ packets: peer.packets, bad: peer.bad, zero: peer.zero, ok: peer.ok, sourcePorts: peer.sourcePorts });
    expect(v.badValues).toEqual(peer.badValues);
    expect(v.causes).toEqual({ wire: 2 });
  });
});
