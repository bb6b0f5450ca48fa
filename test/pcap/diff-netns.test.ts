// Seed 003 for real: two nodes behind a "switch" namespace whose nftables (bridge family) drops
// UDP longer than 1480 bytes and blackholes a sender once it exceeds 512 kbyte/s; tcpdump on both
// nodes; `pcap diff` must find the size limit, the rate blackhole and that loss is one-way.
import { describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { missingRequirement } from '../helpers/env.js';
import { Lab, udpSchedule, setupLab } from './helpers/netns.js';
import { tsharkCount } from './helpers/tshark.js';
import { pcapDiff, captureDiffFindings, type CaptureDiffOutcome } from '../../src/app/pcap.js';
import type { CaptureDiffOptions } from '../../src/pcap/diff/run.js';
import { diffJson, diffJsonSchema } from '../../src/report/capture-diff-json.js';
import { renderDiff } from '../../src/report/capture-diff-text.js';
import { colors } from '../../src/report/capture-text.js';

const diffCaptures = (sender: string, receiver: string, opts: CaptureDiffOptions = {}) => pcapDiff(sender, receiver, { ...opts, lang: 'en' });

const skip = missingRequirement({ root: true, tools: ['ip', 'nft', 'tcpdump', 'tshark'] });
const A = '10.98.0.1';
const B = '10.98.0.2';

const SWITCH_RULES = `
table bridge ppb {
  set rate { type ipv4_addr; flags dynamic,timeout; timeout 10s; }
  set bad { type ipv4_addr; flags dynamic,timeout; timeout 2s; }
  chain forward {
    type filter hook forward priority 0; policy accept;
    ip saddr @bad drop
    udp length > 1480 drop
    udp dport 9998 update @rate { ip saddr limit rate over 512 kbytes/second } add @bad { ip saddr } drop
  }
}
`;

describe.skipIf(skip)('pcap diff on captures of real traffic through a lossy switch (namespaces ppb-df-*)', () => {
  const lab = new Lab('ppb-df');
  const dir = mkdtempSync(join(tmpdir(), 'ppb-df-'));
  const senderFile = join(dir, 'sender.pcap');
  const receiverFile = join(dir, 'receiver.pcap');
  let out: CaptureDiffOutcome;
  /** The same captures the other way round: B's as SENDER, so A -> B is the reverse direction. */
  let reversed: CaptureDiffOutcome;
  /** The human reports, shown when an assertion fails. */
  let report = '';
  let backReport = '';

  setupLab(lab, dir, async () => {
    lab.addNamespaces('a', 'b', 'sw');
    lab.exec('sw', 'ip link add br0 type bridge && ip link set br0 up');
    lab.veth('a', 'eth0', 'sw', 'pa');
    lab.veth('b', 'eth0', 'sw', 'pb');
    lab.exec('sw', 'ip link set pa master br0 && ip link set pb master br0');
    lab.exec('a', `ip addr add ${A}/24 dev eth0`);
    lab.exec('b', `ip addr add ${B}/24 dev eth0`);
    lab.exec('sw', 'nft -f -', SWITCH_RULES);
    // Neighbours known up front: ARP must not depend on the blackhole.
    const mac = (ns: string) => lab.exec(ns, 'cat /sys/class/net/eth0/address').trim();
    lab.exec('a', `ip neigh replace ${B} lladdr ${mac('b')} dev eth0 nud permanent`);
    lab.exec('b', `ip neigh replace ${A} lladdr ${mac('a')} dev eth0 nud permanent`);
    const capA = await lab.capture('a', 'eth0', senderFile, 'udp');
    const capB = await lab.capture('b', 'eth0', receiverFile, 'udp');

    // A -> B: small datagrams 10/s; a size sweep around the 1472-byte payload limit at 1-2 s;
    // a 3 Mbyte/s burst to port 9998 at 2.2-3.4 s (nft's byte limit starts with a full
    // second of credit, so the blackhole triggers after ~0.2 s, or ~1 s should a busy machine
    // send at only 1 Mbyte/s); small ones again until 7 s.
    const plan: [number, number, number, number][] = [];
    for (let t = 0; t < 1; t += 0.1) plan.push([t, 100, 9999, 1]);
    [100, 1000, 1400, 1472, 1473, 1500, 2000, 1472, 1473, 600].forEach((size, i) => plan.push([1 + i * 0.1, size, 9999, 1]));
    for (let t = 2.2; t < 3.4; t += 0.01) plan.push([t, 1200, 9998, 25]);
    for (let t = 3.4; t < 7; t += 0.1) plan.push([t, 100, 9999, 1]);
    // B -> A: small datagrams 10/s all along.
    const back: [number, number, number, number][] = [];
    for (let t = 0; t < 7; t += 0.1) back.push([t, 80, 9000, 1]);
    await Promise.all([lab.node('a', udpSchedule(B, plan)), lab.node('b', udpSchedule(A, back))]);
    await new Promise((r) => setTimeout(r, 300));
    if (process.env.PPB_KEEP) console.log(lab.exec('sw', 'nft list ruleset'));
    await lab.stop(capA);
    await lab.stop(capB);
    out = await diffCaptures(senderFile, receiverFile);
    report = renderDiff(out.result, out.findings, colors(false));
    reversed = await diffCaptures(receiverFile, senderFile, { senderHost: B, receiverHost: A });
    backReport = renderDiff(reversed.result, reversed.findings, colors(false));
  });

  it('finds the hosts, the clock offset and full overlap', () => {
    const d = out.result;
    expect(out.errors).toEqual([]);
    expect(d.sender.host).toBe(A);
    expect(d.receiver.host).toBe(B);
    expect(d.clock.basis).toBe('matched');
    expect(Math.abs(d.clock.offset)).toBeLessThan(0.05); // same kernel clock, one-way delay only
    expect(d.forward.outsideOverlap).toBe(0);
    expect(out.findings.map((f) => f.ruleId)).not.toContain('diff-capture-overlap');
  });

  it('says every datagram above 1500 bytes (UDP payload 1472) was lost, none below', async () => {
    const d = out.result;
    expect(d.forward.maxDeliveredSize, report).toBe(1500);
    // 1473 x2, 1500 and 2000-byte payloads: at least their first fragments (the UDP header is
    // there); the bridge may defragment and drop the later fragments too.
    expect(d.forward.size, report).toMatchObject({ threshold: 1500, lostAtOrBelowOutsideRuns: 0, largestLost: 2028 });
    expect(d.forward.size!.lostAbove).toBeGreaterThanOrEqual(4);
    const f = out.findings.find((x) => x.ruleId === 'diff-loss-size')!;
    expect(f.severity).toBe('error');
    expect(f.location!.frames!.count).toBe(d.forward.size!.lostAbove);
    expect(f.location?.filter).toMatch(/^frame\.number in \{\d+/);
    expect(await tsharkCount(senderFile, f.location!.filter!)).toBe(f.location!.frames!.count);
    expect(f.message).toMatch(/^every datagram 10\.98\.0\.1 -> 10\.98\.0\.2 larger than 1500 bytes \(IP; UDP payload 1472\) was lost: \d packets of 1501-2028 bytes; /);
  });

  it('names the rate-triggered blackhole with its rate and duration', async () => {
    const runs = out.result.forward.runs.filter((r) => r.kind === 'blackhole');
    expect(runs, report).toHaveLength(1);
    const r = runs[0]!;
    expect(r.smallest).toBeLessThan(200); // small datagrams too: the sender is cut off
    expect(r.seconds).toBeGreaterThan(1.5); // the set entry lives 2 s
    expect(r.seconds).toBeLessThan(3.5);
    expect(r.untilEnd).toBe(false);
    expect(r.rateAtStart).toBeGreaterThan(3.5e6); // over 512 kbyte/s = 4.2 Mbit/s, in frame bits
    const f = out.findings.find((x) => x.ruleId === 'diff-loss-rate')!;
    expect(f.message).toMatch(/everything 10\.98\.0\.1 -> 10\.98\.0\.2 was lost for \d\.\d s: \d+ packets of all sizes/);
    expect(f.message).toContain('a rate-triggered blackhole');
    expect(f.location?.filter).toMatch(/^ip\.src == 10\.98\.0\.1 && ip\.dst == 10\.98\.0\.2 && frame\.number >= \d+ && frame\.number <= \d+$/);
    // The filter shows exactly the lost packets of the run in the sender's capture.
    expect(await tsharkCount(senderFile, f.location!.filter!)).toBe(r.packets);
  });

  it('sees that the other way lost nothing, nothing was altered, and all loss is explained', () => {
    const d = out.result;
    expect(d.reverse.sent).toBeGreaterThan(60);
    expect(d.reverse.lost, report).toBe(0);
    expect(d.altered.count).toBe(0);
    const ids = out.findings.map((f) => f.ruleId);
    expect(out.findings.find((f) => f.ruleId === 'diff-reverse-direction')?.messageId).toBe('oneWay');
    expect(ids, report).not.toContain('diff-loss-scattered');
    expect(() => diffJsonSchema.parse(diffJson(d, out.findings, 1, 'test'))).not.toThrow();
  });

  it('judges the other direction as fully: the same size limit and blackhole seen as reverse loss, frames of the receiver capture', async () => {
    const d = reversed.result;
    expect(d.sender.host).toBe(B);
    expect(d.forward.lost, backReport).toBe(0);
    const rv = d.reverse;
    expect(rv.from).toBe(A);
    expect(rv.to).toBe(B);
    // Same packets, same verdicts as when A's capture was the sender's.
    expect(rv.lost, backReport).toBe(out.result.forward.lost);
    expect(rv.maxDeliveredSize).toBe(1500);
    expect(rv.size, backReport).toMatchObject({ threshold: 1500, lostAbove: out.result.forward.size!.lostAbove, largestLost: 2028, lostAtOrBelowOutsideRuns: 0 });
    const holes = rv.runs.filter((r) => r.kind === 'blackhole');
    expect(holes, backReport).toHaveLength(1);
    const fwdHole = out.result.forward.runs.find((r) => r.kind === 'blackhole')!;
    expect(holes[0]!.packets).toBe(fwdHole.packets);
    // Times on the sender's clock (B's here): within the clock offset of what A's capture said.
    expect(Math.abs(holes[0]!.start - fwdHole.start)).toBeLessThan(0.05);
    expect(holes[0]!.rateAtStart).toBeGreaterThan(3.5e6);

    const size = reversed.findings.find((f) => f.ruleId === 'diff-loss-size')!;
    expect(size.location?.file).toBe(senderFile); // A's capture: the receiver's in this diff
    expect(size.message).toMatch(/^every datagram 10\.98\.0\.1 -> 10\.98\.0\.2 larger than 1500 bytes .*\(frames of the receiver's capture\)$/);
    expect(await tsharkCount(senderFile, size.location!.filter!)).toBe(size.location!.frames!.count);
    const rate = reversed.findings.find((f) => f.ruleId === 'diff-loss-rate')!;
    expect(rate.location?.file).toBe(senderFile);
    expect(rate.message).toContain('starting when the rate of 10.98.0.1 over 1 s reached');
    expect(await tsharkCount(senderFile, rate.location!.filter!)).toBe(holes[0]!.packets);
    // All of the reverse loss is explained: no generic "lost too" line, and no forward loss line.
    const ids = reversed.findings.map((f) => f.ruleId);
    expect(ids, backReport).not.toContain('diff-reverse-direction');
    expect(ids).not.toContain('diff-loss-scattered');
    expect(backReport).toMatch(/10\.98\.0\.1 -> 10\.98\.0\.2 +blackhole +\+\d/);
    // The same in Chinese: headings, directions and the kind of run.
    const zh = renderDiff(d, captureDiffFindings(d, 'zh'), colors(false), 'zh');
    expect(zh).toContain('\n送达\n');
    expect(zh).toMatch(/\n丢包段（其间一个也没送达；时间为发送端时钟）\n/);
    expect(zh).toMatch(/10\.98\.0\.1 -> 10\.98\.0\.2 +黑洞 +\+\d+\.\d+ 秒/);
    expect(zh).toMatch(/^错误 {2}10\.98\.0\.1 -> 10\.98\.0\.2 所有大于 1500 字节/m);
    expect(() => diffJsonSchema.parse(diffJson(d, reversed.findings, 1, 'test'))).not.toThrow();
  });
});
