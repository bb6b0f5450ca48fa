import { RuleTester } from '../../engine/rule-tester.js';
import type { NodeFacts } from '../../evidence/node-facts.js';
import { loadKbNode } from '../../../test/fixtures/evidence/kb/load.js';
import rule from './rp-filter-strict.js';

const good = loadKbNode('good');
const bad = loadKbNode('bad');
const withSysctl = (f: NodeFacts, extra: Record<string, string>): NodeFacts => ({ ...f, sysctls: { values: { ...f.sysctls?.values, ...extra }, sources: ['sysctl -a'] } });

/** `martian source` kernel log lines on these devices, as dmesg prints them (weave#3327's form). */
const martianLog = (devs: string[]): NodeFacts['kernelLog'] => ({
  matches: devs.map((d, i) => ({ pattern: 'martian-source', line: `[13225.48147${i}] IPv4: martian source 10.244.2.5 from 10.244.1.3, on dev ${d}`, source: `dmesg:${i + 1}` })),
  linesScanned: 100, sources: ['dmesg'],
});

new RuleTester().run(rule, {
  valid: [
    { name: 'healthy node (real): all = 2, eth0 = 2', facts: good },
    { name: 'strict only on an interface the overlay does not use (lo)', facts: withSysctl(good, { 'net.ipv4.conf.lo.rp_filter': '1' }) },
  ],
  invalid: [
    {
      name: 'probes (lab rp-filter-strict on this node): the peer\'s answers dropped here, IPReversePathFilter +26 while probing',
      facts: {
        ...withSysctl(good, { 'net.ipv4.conf.all.rp_filter': '1' }),
        probes: [{
          peer: '192.168.77.12', label: 'overlay', from: 'this node', to: '192.168.77.12', sender: 'local', target: '10.244.2.0', source: 'probe 10.244.2.0 overlay (this node -> 192.168.77.12)',
          echo: { sent: 20, received: 0, arrivedAtPeer: 20 },
          devices: { local: { nic: 'eth0', overlay: 'flannel.1' }, peer: { nic: 'eth0', overlay: 'flannel.1' } },
          counters: [
            { node: 'local', counter: 'dev.eth0.rxPackets', delta: 24, seconds: 1.2, source: 'probe 10.244.2.0 overlay (this node -> 192.168.77.12)' },
            { node: 'local', counter: 'dev.flannel.1.rxPackets', delta: 23, seconds: 1.2, source: 'probe 10.244.2.0 overlay (this node -> 192.168.77.12)' },
            { node: 'local', counter: 'Netstat.IPReversePathFilter', delta: 26, seconds: 1.2, source: 'probe 10.244.2.0 overlay (this node -> 192.168.77.12)' },
            { node: 'peer', counter: 'Netstat.IPReversePathFilter', delta: 0, seconds: 1.2, source: 'probe 10.244.2.0 overlay (this node -> 192.168.77.12)' },
          ],
        }],
      },
      errors: [{
        messageId: 'dropsProbes', severity: 'critical', data: { rpf: 26, peer: '192.168.77.12' },
        evidence: ['IPReversePathFilter +26', '192.168.77.12: arrivedAtPeer 20/20', 'this node: eth0 rx_packets +24, flannel.1 rx_packets +23', 'this node: /proc/net/netstat IPReversePathFilter +26', 'net.ipv4.conf.all.rp_filter = 1'],
      }],
    },
    {
      name: 'broken node (real): eth0 = 1 under flannel.1',
      facts: bad,
      errors: [{ messageId: 'strict', severity: 'warning', commands: ['sysctl -w net.ipv4.conf.all.rp_filter=2 net/ipv4/conf/eth0/rp_filter=2'], evidence: ['net.ipv4.conf.eth0.rp_filter = 1'] }],
    },
    {
      name: 'all = 1 makes every interface strict; with drops counted and martians logged',
      facts: {
        ...withSysctl(good, { 'net.ipv4.conf.all.rp_filter': '1' }),
        netstat: { counters: { IPReversePathFilter: 42 }, source: 'nstat -zas' },
        kernelLog: { matches: [{ pattern: 'martian-source', line: 'IPv4: martian source 10.244.2.5 from 10.244.1.3, on dev flannel.1', source: 'dmesg' }], linesScanned: 100, sources: ['dmesg'] },
      },
      errors: [{ messageId: 'strictAndDropping', severity: 'error', data: { drops: 'IPReversePathFilter 42, 1 martian source log line(s)' }, evidence: ['IPReversePathFilter 42', /martian source/] }],
    },
    {
      // The martians alone (no sysctls read): the undo cannot know what rp_filter was, so it asks.
      name: 'martians only, with `ip link` facts: flannel.1 is named the VXLAN device, cni0 the CNI bridge; the undo asks for the values before',
      facts: { links: good.links, kernelLog: martianLog(['flannel.1', 'cni0']) },
      errors: [{
        messageId: 'martiansLogged', phrases: { ifaces: ['ifaceOverlay', 'ifaceBridge'] },
        message: /on flannel\.1 \(the VXLAN device: overlay traffic\); cni0 \(the CNI bridge: pod traffic\) \(e\.g\./,
        commands: [
          'sysctl -w net.ipv4.conf.all.rp_filter="${RP_FILTER_ALL:?set RP_FILTER_ALL to what sysctl net.ipv4.conf.all.rp_filter printed before the change}" net/ipv4/conf/flannel.1/rp_filter="${RP_FILTER_DEV:?set RP_FILTER_DEV to the rp_filter value sysctl printed for this device before the change}" net/ipv4/conf/cni0/rp_filter="${RP_FILTER_DEV:?set RP_FILTER_DEV to the rp_filter value sysctl printed for this device before the change}"',
        ],
      }],
    },
    {
      name: 'martians only, without `ip link` facts: the device is named, its kind is not guessed',
      facts: { kernelLog: martianLog(['flannel.1']) },
      errors: [{ messageId: 'martiansLogged', phrases: { ifaces: ['iface'] }, message: /on flannel\.1 \(e\.g\..*dropped packets there$/ }],
    },
    {
      name: 'all = 1 read, eth0\'s own rp_filter not read: the undo sets all back and asks for eth0\'s',
      facts: { ...good, sysctls: { values: { 'net.ipv4.conf.all.rp_filter': '1' }, sources: ['sysctl -a'] } },
      errors: [{
        messageId: 'strict',
        commands: ['sysctl -w net.ipv4.conf.all.rp_filter=1 net/ipv4/conf/flannel.1/rp_filter="${RP_FILTER_DEV:?set RP_FILTER_DEV to the rp_filter value sysctl printed for this device before the change}" net/ipv4/conf/eth0/rp_filter="${RP_FILTER_DEV:?set RP_FILTER_DEV to the rp_filter value sysctl printed for this device before the change}" net/ipv4/conf/cni0/rp_filter="${RP_FILTER_DEV:?set RP_FILTER_DEV to the rp_filter value sysctl printed for this device before the change}"'],
        evidence: ['net.ipv4.conf.all.rp_filter = 1'],
      }],
    },
    {
      name: 'without links: judged on every interface the sysctls name',
      facts: { sysctls: { values: { 'net.ipv4.conf.all.rp_filter': '0', 'net.ipv4.conf.ens3.rp_filter': '1', 'net.ipv4.conf.lo.rp_filter': '1' }, sources: ['sysctl -a'] } },
      errors: [{ messageId: 'strict', commands: ['sysctl -w net.ipv4.conf.all.rp_filter=0 net/ipv4/conf/ens3/rp_filter=1'] }],
    },
  ],
  skipped: [{ name: 'no sysctls', facts: { links: good.links }, reason: 'no sysctls' }],
});
