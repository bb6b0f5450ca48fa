// ICMP errors made by real kernels: a node A, a router R and a node B in namespaces (ppb-ic-*).
// R's link to B has MTU 1400 and R rejects TCP port 81 with admin-prohibited; B has nothing on
// UDP 9999. A pings with DF too large, sends UDP to the closed port, connects to port 81, pings a
// host that does not exist and pings with TTL 1; the capture on A must name each error with who
// sent it and the packet it quotes, and agree with tshark.
import { describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { missingRequirement } from '../helpers/env.js';
import { Lab, setupLab } from './helpers/netns.js';
import { tsharkCount } from './helpers/tshark.js';
import { analyzeCapture } from '../../src/pcap/analyze/run.js';
import { analyzed, judged, type Judged } from './helpers/judged.js';
import { analyzeJson, analyzeJsonSchema } from '../../src/report/capture-json.js';

const skip = missingRequirement({ root: true, tools: ['ip', 'nft', 'tcpdump', 'tshark', 'ping'] });
const A = '10.97.1.1';
const RA = '10.97.1.254';
const B = '10.97.2.1';
const GHOST = '10.97.2.99';

describe.skipIf(skip)('ICMP errors from real kernels (namespaces ppb-ic-*)', () => {
  const lab = new Lab('ppb-ic');
  const dir = mkdtempSync(join(tmpdir(), 'ppb-ic-'));
  const file = join(dir, 'a.pcap');
  let a: Judged;

  setupLab(lab, dir, async () => {
    lab.addNamespaces('a', 'r', 'b');
    lab.veth('a', 'eth0', 'r', 'ra');
    lab.veth('r', 'rb', 'b', 'eth0');
    lab.exec('a', `ip addr add ${A}/24 dev eth0 && ip route add default via ${RA}`);
    lab.exec('r', `ip addr add ${RA}/24 dev ra && ip addr add 10.97.2.254/24 dev rb && ip link set rb mtu 1400 && sysctl -qw net.ipv4.ip_forward=1 net.ipv4.icmp_ratelimit=0`);
    lab.exec('b', `ip addr add ${B}/24 dev eth0 && ip link set eth0 mtu 1400 && ip route add default via 10.97.2.254 && sysctl -qw net.ipv4.icmp_ratelimit=0`);
    lab.exec('r', 'nft -f -', 'table inet ppb {\n chain forward {\n  type filter hook forward priority 0; policy accept;\n  tcp dport 81 reject with icmp type admin-prohibited\n }\n}\n');
    const cap = await lab.capture('a', 'eth0', file, 'icmp or udp or tcp');
    lab.exec('a', `ping -c 1 -W 2 ${B} >/dev/null`); // the path works
    lab.exec('a', `ping -M do -s 1450 -c 1 -W 2 ${B} >/dev/null || true`); // 1478 bytes, DF: R says MTU 1400
    await lab.node('a', `const s = require('dgram').createSocket('udp4'); let n = 0; const t = setInterval(() => { s.send(Buffer.alloc(20), 9999, '${B}'); if (++n === 3) { clearInterval(t); setTimeout(() => s.close(), 300); } }, 50);`);
    lab.exec('a', `timeout 3 bash -c "echo > /dev/tcp/${B}/81" 2>/dev/null || true`); // R rejects
    lab.exec('a', `ping -t 1 -c 1 -W 2 ${B} >/dev/null || true`); // TTL runs out at R
    lab.exec('a', `ping -c 1 -W 6 ${GHOST} >/dev/null || true`); // R's ARP fails: host unreachable
    await new Promise((r) => setTimeout(r, 300));
    await lab.stop(cap);
    a = judged(await analyzeCapture(file, 'a.pcap'));
  });

  const group = (kind: string) => a.icmp.errors.find((g) => g.kind === kind);

  it('names the hop that cannot forward 1478 bytes and the MTU it reports', async () => {
    expect(group('frag-needed')).toMatchObject({ version: 4, type: 3, code: 4, reporter: RA, src: A, dst: B, proto: 1, mtu: 1400, count: 1 });
    const f = a.findings.find((x) => x.ruleId === 'icmp-frag-needed')!;
    expect(f.severity).toBe('error');
    expect(f.message).toBe(`1 ICMP "fragmentation needed" / "packet too big": a hop cannot forward packets this large: ${A} -> ${B} icmp from ${RA} (MTU 1400) x1`);
    expect(await tsharkCount(file, f.location!.filter!)).toBe(1);
    expect(await tsharkCount(file, 'icmp.type == 3 && icmp.code == 4 && icmp.mtu == 1400')).toBe(1);
  });

  it('names the closed port with the packets that hit it', async () => {
    const g = group('port-unreachable')!;
    expect(g).toMatchObject({ reporter: B, src: A, dst: B, proto: 17, dstPort: 9999 });
    expect(g.count).toBe(await tsharkCount(file, 'icmp.type == 3 && icmp.code == 3'));
    expect(g.count).toBeGreaterThanOrEqual(1);
    const f = a.findings.find((x) => x.ruleId === 'icmp-port-unreachable')!;
    expect(f.severity).toBe('warning');
    expect(f.message).toContain(`${A} -> ${B} udp/9999 from ${B}`);
    expect(await tsharkCount(file, f.location!.filter!)).toBe(g.count);
  });

  it('says a firewall rejects TCP 81, and where', async () => {
    const g = group('admin-prohibited')!;
    expect(g).toMatchObject({ type: 3, code: 13, reporter: RA, src: A, dst: B, proto: 6, dstPort: 81 });
    expect(g.count).toBe(await tsharkCount(file, 'icmp.type == 3 && icmp.code == 13'));
    const f = a.findings.find((x) => x.ruleId === 'icmp-admin-prohibited')!;
    expect(f.severity).toBe('error');
    expect(f.message).toMatch(/^\d+ ICMP "administratively prohibited": a firewall rejects these packets: 10\.97\.1\.1 -> 10\.97\.2\.1 tcp\/81 from 10\.97\.1\.254 x\d+$/);
  });

  it('says the router cannot reach a host that does not answer ARP, and TTL ran out there', async () => {
    expect(group('host-unreachable')).toMatchObject({ type: 3, code: 1, reporter: RA, src: A, dst: GHOST, proto: 1 });
    expect(group('time-exceeded')).toMatchObject({ type: 11, code: 0, reporter: RA, src: A, dst: B, proto: 1, count: 1 });
    expect(a.findings.find((x) => x.ruleId === 'icmp-host-unreachable')?.severity).toBe('error');
    expect(a.findings.find((x) => x.ruleId === 'icmp-time-exceeded')?.severity).toBe('warning');
    // Every ICMP error of the capture is in a group, none unreadable.
    expect(a.icmp.errors.reduce((n, g) => n + g.count, 0)).toBe(await tsharkCount(file, 'icmp.type == 3 || icmp.type == 11'));
    expect(a.icmp.unquoted).toBe(0);
    expect(() => analyzeJsonSchema.parse(analyzeJson([analyzed(a)], 1, 'test'))).not.toThrow();
  });
});
