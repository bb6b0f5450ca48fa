// `pcap diff` on real VXLAN traffic whose outer UDP source port is rewritten on the way (as NAT
// of the VXLAN header does in seed 004): packets must still match by their inner headers.
// Two nodes with a flannel-style VXLAN (8472) behind a bridge "switch" whose nftables rewrites
// the outer source port; tcpdump on both nodes. Namespaces ppb-dv-*.
import { describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { missingRequirement } from '../helpers/env.js';
import { Lab, udpSchedule, setupLab } from './helpers/netns.js';
import { tsharkCount } from './helpers/tshark.js';
import { pcapDiff, type CaptureDiffOutcome } from '../../src/app/pcap.js';

const diffCaptures = (sender: string, receiver: string) => pcapDiff(sender, receiver, { lang: 'en' });

const skip = missingRequirement({ root: true, tools: ['ip', 'nft', 'tcpdump', 'tshark', 'bridge'] });
const UNDERLAY = { a: '10.96.0.1', b: '10.96.0.2' } as const;
const OVERLAY = { a: '10.246.0.1', b: '10.246.0.2' } as const;
const MAC = { a: '02:00:00:96:00:01', b: '02:00:00:96:00:02' } as const;
const N = 40;

describe.skipIf(skip)('pcap diff matches VXLAN packets whose outer port was rewritten (namespaces ppb-dv-*)', () => {
  const lab = new Lab('ppb-dv');
  const dir = mkdtempSync(join(tmpdir(), 'ppb-dv-'));
  const senderFile = join(dir, 'sender.pcap');
  const receiverFile = join(dir, 'receiver.pcap');
  let out: CaptureDiffOutcome;

  setupLab(lab, dir, async () => {
    lab.addNamespaces('a', 'b', 'sw');
    lab.exec('sw', 'ip link add br0 type bridge && ip link set br0 up');
    for (const [n, peer] of [['a', 'b'], ['b', 'a']] as const) {
      lab.veth(n, 'eth0', 'sw', `p${n}`);
      lab.exec('sw', `ip link set p${n} master br0`);
      lab.exec(n, `ip addr add ${UNDERLAY[n]}/24 dev eth0`);
      lab.exec(n, `ip link add flannel.1 address ${MAC[n]} type vxlan id 1 dstport 8472 local ${UNDERLAY[n]} dev eth0 nolearning`);
      lab.exec(n, `ip addr add ${OVERLAY[n]}/24 dev flannel.1 && ip link set flannel.1 up`);
      lab.exec(n, `ip neigh replace ${OVERLAY[peer]} lladdr ${MAC[peer]} dev flannel.1 nud permanent`);
      lab.exec(n, `bridge fdb append ${MAC[peer]} dev flannel.1 dst ${UNDERLAY[peer]}`);
    }
    // The "NAT": every VXLAN datagram from A leaves the switch with outer source port 40000.
    lab.exec('sw', 'nft -f -', `table bridge ppb {\n chain forward {\n  type filter hook forward priority 0;\n  ip saddr ${UNDERLAY.a} udp dport 8472 udp sport set 40000\n }\n}\n`);
    // Resolve the underlay neighbours first: the first large datagrams would otherwise wait in
    // (and overflow) the unresolved-neighbour queue, and the count of what was sent is the test's point.
    lab.exec('a', `ping -c 1 -W 2 ${UNDERLAY.b} >/dev/null && ping -c 1 -W 2 ${OVERLAY.b} >/dev/null`);
    const capA = await lab.capture('a', 'eth0', senderFile, 'udp port 8472');
    const capB = await lab.capture('b', 'eth0', receiverFile, 'udp port 8472');
    const plan: [number, number, number, number][] = Array.from({ length: N }, (_, i) => [i * 0.02, 100 + i * 10, 7000, 1]);
    await lab.node('a', udpSchedule(OVERLAY.b, plan));
    await new Promise((r) => setTimeout(r, 300));
    await lab.stop(capA);
    await lab.stop(capB);
    out = await diffCaptures(senderFile, receiverFile);
  });

  it('the outer ports really differ between the two captures', async () => {
    expect(await tsharkCount(receiverFile, `ip.src == ${UNDERLAY.a} && udp.srcport == 40000`)).toBe(N);
    expect(await tsharkCount(senderFile, `ip.src == ${UNDERLAY.a} && udp.srcport == 40000`)).toBe(0);
  });

  it('matches every datagram by its inner headers and finds nothing lost or altered', () => {
    const d = out.result;
    expect(out.errors).toEqual([]);
    expect(d.sender.host).toBe(UNDERLAY.a);
    expect(d.receiver.host).toBe(UNDERLAY.b);
    expect(d.forward.delivered).toBe(N);
    expect(d.forward.lost).toBe(0);
    expect(d.receiverOnly).toBe(0);
    expect(d.altered.count).toBe(0);
    expect(out.findings.filter((f) => f.severity !== 'info')).toEqual([]);
  });
});
