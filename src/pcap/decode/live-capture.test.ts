// Captures real VXLAN traffic here: two network namespaces joined by a veth pair, a Linux vxlan
// device on each side (UDP checksums on, tx checksum offload on, as the kernel sets it up), and
// tcpdump on the underlay and on `any` (LINUX_SLL2). podpath must decode every frame, agree with
// tcpdump -vv on every checksum verdict, and explain the bad sums (offload, LCO).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { missingRequirement } from '../../../test/helpers/env.js';
import { compareVerdicts, ourVerdicts, printedVerdicts } from '../../../test/pcap/tcpdump-verdicts.js';
import { readCapture } from '../reader/index.js';
import { decodeFrame } from './index.js';
import type { DecodedPacket } from '../types.js';

const reason = missingRequirement({ root: true, tools: ['ip', 'tcpdump'] });
const tag = `${process.pid % 100000}`;
const NS_A = `ppa-${tag}-a`;
const NS_B = `ppa-${tag}-b`;

function sh(cmd: string, args: string[]): string {
  return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 20_000 });
}

function deleteNamespaces(): void {
  for (const ns of [NS_A, NS_B]) {
    try {
      execFileSync('ip', ['netns', 'del', ns], { stdio: 'ignore' });
    } catch {
      // not there
    }
  }
}
function inNs(ns: string, cmd: string, ...args: string[]): string {
  return sh('ip', ['netns', 'exec', ns, cmd, ...args]);
}

/** Starts tcpdump and resolves once it is listening. */
function startCapture(ns: string, iface: string, file: string): Promise<ChildProcess> {
  const p = spawn('ip', ['netns', 'exec', ns, 'tcpdump', '-Z', 'root', '--immediate-mode', '-i', iface, '-U', '-w', file], { stdio: ['ignore', 'ignore', 'pipe'] });
  return new Promise((resolve, reject) => {
    let err = '';
    p.stderr?.on('data', (d: Buffer) => {
      err += d.toString();
      if (err.includes('listening on')) resolve(p);
    });
    p.on('exit', (code) => reject(new Error(`tcpdump exited (${code}): ${err}`)));
  });
}

function stopCapture(p: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (p.exitCode !== null) return resolve();
    p.once('exit', () => resolve());
    p.kill('SIGINT');
  });
}

// UDP echo and one TCP exchange across the overlay, from plain Node in each namespace.
const SERVER = `
const net=require('net'),dgram=require('dgram');
const u=dgram.createSocket('udp4');let n=0;u.on('message',(m,r)=>{u.send(m,r.port,r.address,()=>{if(++n===3)u.close();});});u.bind(7001);
const s=net.createServer(c=>c.on('data',d=>{c.end(Buffer.concat([d,d]));s.close();}));s.listen(7000,()=>console.log('ready'));`;
const CLIENT = `
const net=require('net'),dgram=require('dgram');
const u=dgram.createSocket('udp4');let n=0;
const send=()=>u.send('hello vxlan '+n,7001,'10.251.0.2');
u.on('message',()=>{if(++n<3)send();else{u.close();const c=net.connect(7000,'10.251.0.2',()=>c.write('podpath'));c.on('data',()=>{});c.on('end',()=>c.end());}});send();`;

describe.skipIf(reason !== undefined)('decoding VXLAN captured here (netns + veth + vxlan)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pp-live-'));
  const underlay = join(dir, 'underlay.pcap');
  const any = join(dir, 'any.pcap');
  let packets: DecodedPacket[] = [];
  let anyPackets: DecodedPacket[] = [];

  beforeAll(async () => {
    deleteNamespaces();
    sh('ip', ['netns', 'add', NS_A]);
    sh('ip', ['netns', 'add', NS_B]);
    sh('ip', ['link', 'add', 'ppa-va', 'netns', NS_A, 'type', 'veth', 'peer', 'name', 'ppa-vb', 'netns', NS_B]);
    for (const [ns, dev, me, peer, inner] of [
      [NS_A, 'ppa-va', '10.250.0.1', '10.250.0.2', '10.251.0.1'],
      [NS_B, 'ppa-vb', '10.250.0.2', '10.250.0.1', '10.251.0.2'],
    ]) {
      inNs(ns, 'ip', 'addr', 'add', `${me}/24`, 'dev', dev);
      inNs(ns, 'ip', 'link', 'set', dev, 'up');
      inNs(ns, 'ip', 'link', 'set', 'lo', 'up');
      inNs(ns, 'ip', 'link', 'add', 'vxlan0', 'type', 'vxlan', 'id', '42', 'dstport', '4789', 'local', me, 'remote', peer, 'dev', dev, 'udpcsum');
      inNs(ns, 'ip', 'addr', 'add', `${inner}/24`, 'dev', 'vxlan0');
      inNs(ns, 'ip', 'link', 'set', 'vxlan0', 'up');
    }
    const caps = [await startCapture(NS_A, 'ppa-va', underlay), await startCapture(NS_A, 'any', any)];
    try {
      inNs(NS_A, 'ping', '-c', '2', '-i', '0.2', '10.251.0.2');
      const server = spawn('ip', ['netns', 'exec', NS_B, process.execPath, '-e', SERVER], { stdio: ['ignore', 'pipe', 'inherit'] });
      await new Promise<void>((resolve) => server.stdout?.once('data', () => resolve()));
      inNs(NS_A, process.execPath, '-e', CLIENT);
      if (server.exitCode === null) await new Promise((resolve) => server.once('exit', resolve));
      await new Promise((resolve) => setTimeout(resolve, 300));
    } finally {
      for (const c of caps) await stopCapture(c);
    }
    const collect = async (file: string) => {
      const out: DecodedPacket[] = [];
      const summary = await readCapture(file, (f) => out.push(decodeFrame(f)));
      expect(summary.error).toBeUndefined();
      return out;
    };
    packets = await collect(underlay);
    anyPackets = await collect(any);
  }, 60_000);

  afterAll(() => {
    deleteNamespaces();
    rmSync(dir, { recursive: true, force: true });
  });

  it('decodes the overlay traffic inside VXLAN (vni 42) and agrees with tcpdump -vv on every verdict', () => {
    const inner = packets.filter((p) => p.tunnel?.kind === 'vxlan' && p.tunnel.vni === 42 && p.tunnel.inner.ip);
    const kinds = new Set(inner.map((p) => p.tunnel?.inner.l4?.kind));
    expect([...kinds]).toEqual(expect.arrayContaining(['icmp', 'tcp', 'udp'])); // and ICMPv6 (neighbour discovery)
    const printed = printedVerdicts(sh('tcpdump', ['-#', '-nn', '-vv', '-r', underlay]));
    let matched = 0;
    for (const [n, verdicts] of printed) {
      const results = compareVerdicts(verdicts, ourVerdicts(packets[n - 1]));
      expect(results.map((r) => r.result), `frame ${n}`).toEqual(verdicts.map(() => 'match'));
      matched += results.length;
    }
    expect(matched).toBeGreaterThan(20);
  });

  it('explains every bad sum: inner partial (offload), outer offload or LCO', () => {
    const causes = new Set<string>();
    for (const p of packets) {
      for (const v of ourVerdicts(p)) {
        if (v.status !== 'bad') continue;
        causes.add(`${v.kind}:${v.cause}`);
        expect(['offload', 'lco']).toContain(v.cause);
      }
    }
    // Inner TCP/UDP are left partial by tx offload; the outer UDP of those is LCO.
    expect(causes.has('tcp:offload')).toBe(true);
    expect(causes.has('udp:lco')).toBe(true);
  });

  it('reads tcpdump -i any as LINUX_SLL2 and decodes the same VXLAN traffic', () => {
    expect(anyPackets.length).toBeGreaterThan(0);
    expect(anyPackets.every((p) => p.linkType === 276 && p.note === undefined)).toBe(true);
    expect(anyPackets.some((p) => p.tunnel?.vni === 42 && p.tunnel.inner.l4?.kind === 'tcp')).toBe(true);
  });
});
