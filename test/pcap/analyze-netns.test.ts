// Seed 000 for real: three nodes on a bridge, flannel-style VXLAN (UDP 8472); node A's nftables
// writes a wrong outer UDP checksum (tx offload off, so nothing fixes it later), node C is
// healthy; tcpdump on the receiver B. `pcap analyze` must call A's sums wire errors, from A
// only, and B's kernel must indeed have dropped them (Udp: InCsumErrors).
import { describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { missingRequirement } from '../helpers/env.js';
import { Lab, udpSchedule, setupLab } from './helpers/netns.js';
import { tsharkCount } from './helpers/tshark.js';
import { analyzeCapture } from '../../src/pcap/analyze/run.js';
import { judged, type Judged } from './helpers/judged.js';

const skip = missingRequirement({ root: true, tools: ['ip', 'nft', 'tcpdump', 'ethtool', 'bridge', 'tshark'] });
const UNDERLAY = { a: '10.97.0.1', b: '10.97.0.2', c: '10.97.0.3' } as const;
const OVERLAY = { a: '10.245.0.1', b: '10.245.0.2', c: '10.245.0.3' } as const;
const MAC = { a: '02:00:00:97:00:01', b: '02:00:00:97:00:02', c: '02:00:00:97:00:03' } as const;
const N = 20;

function csumErrors(lab: Lab): number {
  const snmp = lab.exec('b', 'cat /proc/net/snmp').split('\n').filter((l) => l.startsWith('Udp:'));
  const names = snmp[0]!.split(/\s+/);
  const values = snmp[1]!.split(/\s+/);
  return Number(values[names.indexOf('InCsumErrors')]);
}

describe.skipIf(skip)('pcap analyze on a real capture of wrong outer UDP checksums (namespaces ppb-an-*)', () => {
  const lab = new Lab('ppb-an');
  const dir = mkdtempSync(join(tmpdir(), 'ppb-an-'));
  const file = join(dir, 'receiver.pcap');
  let a: Judged;
  let dropped = 0;

  setupLab(lab, dir, async () => {
    lab.addNamespaces('a', 'b', 'c', 'sw');
    lab.exec('sw', 'ip link add br0 type bridge && ip link set br0 up');
    for (const n of ['a', 'b', 'c'] as const) {
      lab.veth(n, 'eth0', 'sw', `p${n}`);
      lab.exec('sw', `ip link set p${n} master br0`);
      lab.exec(n, `ip addr add ${UNDERLAY[n]}/24 dev eth0`);
      lab.exec(n, `ip link add flannel.1 address ${MAC[n]} type vxlan id 1 dstport 8472 local ${UNDERLAY[n]} dev eth0 nolearning`);
      lab.exec(n, `ip addr add ${OVERLAY[n]}/24 dev flannel.1 && ip link set flannel.1 up`);
    }
    // What flannel programs: a static neighbour and an fdb entry per peer.
    for (const [n, peers] of [['a', ['b']], ['c', ['b']], ['b', ['a', 'c']]] as const) {
      for (const p of peers) {
        lab.exec(n, `ip neigh replace ${OVERLAY[p]} lladdr ${MAC[p]} dev flannel.1 nud permanent`);
        lab.exec(n, `bridge fdb append ${MAC[p]} dev flannel.1 dst ${UNDERLAY[p]}`);
      }
    }
    lab.exec('a', 'ethtool -K eth0 tx off >/dev/null');
    lab.exec('a', 'nft -f -', 'table inet ppb {\n chain post {\n  type filter hook postrouting priority 0;\n  udp dport 8472 udp checksum set 0x1234\n }\n}\n');
    const before = csumErrors(lab);
    const cap = await lab.capture('b', 'eth0', file, 'udp port 8472');
    const plan: [number, number, number, number][] = Array.from({ length: N }, (_, i) => [i * 0.02, 200, 7000, 1]);
    await Promise.all([lab.node('a', udpSchedule(OVERLAY.b, plan)), lab.node('c', udpSchedule(OVERLAY.b, plan))]);
    await new Promise((r) => setTimeout(r, 300));
    await lab.stop(cap);
    dropped = csumErrors(lab) - before;
    a = judged(await analyzeCapture(file, 'receiver.pcap'));
  });

  it('the receiving kernel dropped every datagram of A (the fault is real)', () => {
    expect(dropped).toBe(N);
  });

  it('counts the verdicts per layer', () => {
    const udp = a.checksums.layers.find((l) => l.layer === 'outer-udp')!;
    // A's: wire errors. C's (tx offload on, captured behind a veth): offload / LCO artefacts.
    expect(udp.badByCause.wire).toBe(N);
    expect(udp.badByCause.unknown).toBe(0);
    expect(udp.badByCause.offload + udp.badByCause.lco).toBeGreaterThanOrEqual(N);
    expect(a.packets.tunnel).toBeGreaterThanOrEqual(2 * N); // and B's own IPv6 ND/MLD
  });

  it('calls them wire errors, from A only, C being fine, with exact frames', async () => {
    const f = a.findings.find((x) => x.ruleId === 'checksum-wire')!;
    expect(f.severity).toBe('error');
    expect(f.message).toContain(`${N} outer UDP checksums to port 8472 are wrong on the wire`);
    expect(f.message).toContain(`seen from sender ${UNDERLAY.a} only (`);
    expect(f.message).toMatch(new RegExp(`other senders? fine: [^)]*${UNDERLAY.c.replace(/\./g, '\\.')}`));
    expect(f.message).toContain('e.g. frame');
    expect(f.message).toContain(': 0x1234 -> 0x');
    expect(f.location!.frames!.count).toBe(N);
    expect(f.location?.filter).toMatch(/^frame\.number in \{/);
    expect(await tsharkCount(file, f.location!.filter!)).toBe(N);
  });
});
