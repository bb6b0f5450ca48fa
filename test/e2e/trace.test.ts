// `podpath trace` on this kernel, run as users run it (the CLI), around real faults in network
// namespaces made here: sender pptr-a, router pptr-r, receiver pptr-b (devices pptr*, so drops
// are attributed to them and not to other tests sharing the kernel). Each fault's drop must be
// named by reason and place; killed runs must be cleaned up by the next one; and after every test
// no podpath-* instance, podpath_trace_* table, TRACE rule or journal may remain.
// Run under the shared lock: flock /tmp/pp-netns.lock npx vitest run test/e2e/trace.test.ts
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DropTrace, type DropRow } from '../../src/evidence/drop-trace.js';
import { missingRequirement } from '../helpers/env.js';
import { podpathArgs } from '../helpers/podpath.js';

const skip = missingRequirement({ root: true, tools: ['ip', 'nft', 'iptables-legacy', 'iptables-legacy-save', 'ethtool', 'unshare'] });
const NS = { a: 'pptr-a', r: 'pptr-r', b: 'pptr-b' } as const;
const A = '10.237.1.2';
const B = '10.237.2.2';
const NF_LOG = '/proc/sys/net/netfilter/nf_log_all_netns';
const JOURNAL_DIR = '/run/podpath';

const sh = (cmd: string) => execFileSync('sh', ['-ec', cmd], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
const inNs = (ns: string, cmd: string) => sh(`ip netns exec ${ns} sh -ec '${cmd.replace(/'/g, `'\\''`)}'`);

function cleanupNamespaces(): void {
  for (const ns of Object.values(NS)) {
    try {
      execFileSync('ip', ['netns', 'del', ns], { stdio: 'ignore' });
    } catch {
      // absent
    }
  }
}

function buildLab(): void {
  cleanupNamespaces();
  sh(`
    for n in ${NS.a} ${NS.r} ${NS.b}; do ip netns add $n; ip -n $n link set lo up; done
    ip link add pptra0 netns ${NS.a} type veth peer name pptrr0 netns ${NS.r}
    ip link add pptrr1 netns ${NS.r} type veth peer name pptrb0 netns ${NS.b}
    ip -n ${NS.a} addr add ${A}/24 dev pptra0; ip -n ${NS.a} link set pptra0 up; ip -n ${NS.a} route add default via 10.237.1.1
    ip -n ${NS.r} addr add 10.237.1.1/24 dev pptrr0; ip -n ${NS.r} addr add 10.237.2.1/24 dev pptrr1
    ip -n ${NS.r} link set pptrr0 up; ip -n ${NS.r} link set pptrr1 up
    ip -n ${NS.b} addr add ${B}/24 dev pptrb0; ip -n ${NS.b} link set pptrb0 up; ip -n ${NS.b} route add default via 10.237.2.1
    ip netns exec ${NS.r} sysctl -qw net.ipv4.ip_forward=1
    for n in ${NS.a} ${NS.r} ${NS.b}; do ip netns exec $n sysctl -qw net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.default.rp_filter=0; done
    ip netns exec ${NS.r} sysctl -qw net.ipv4.conf.pptrr0.rp_filter=0 net.ipv4.conf.pptrr1.rp_filter=0
    ip netns exec ${NS.a} sysctl -qw net.ipv4.conf.pptra0.rp_filter=0
    ip netns exec ${NS.b} sysctl -qw net.ipv4.conf.pptrb0.rp_filter=0
  `);
}

/** Sends `count` UDP datagrams from namespace `ns`, optionally from a given source address. */
function sendUdp(ns: string, host: string, port: number, count: number, source?: string): void {
  const js = `const s=require('dgram').createSocket('udp4');s.bind({port:0${source ? `,address:'${source}'` : ''}},async()=>{for(let i=0;i<${count};i++){await new Promise(r=>s.send(Buffer.from('podpath trace test '+i),${port},'${host}',()=>r()));await new Promise(r=>setTimeout(r,20));}s.close();});`;
  execFileSync('ip', ['netns', 'exec', ns, process.execPath, '-e', js], { stdio: 'ignore' });
}

interface TraceRun { child: ChildProcess; ready: Promise<void>; done: Promise<{ code: number | null; stdout: string; stderr: string }> }

/** `podpath trace ARGS -o json`, in a namespace when given; `ready` once it says it is tracing. */
function startTrace(args: string[], ns?: string): TraceRun {
  const argv = [process.execPath, ...podpathArgs(), 'trace', ...args, '-o', 'json'];
  const child = ns ? spawn('ip', ['netns', 'exec', ns, ...argv]) : spawn(argv[0]!, argv.slice(1));
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => { stdout += d; });
  let onReady: () => void = () => undefined;
  const ready = new Promise<void>((resolve, reject) => {
    onReady = resolve;
    child.once('close', () => reject(new Error(`trace ended before it was ready:\n${stderr}`)));
  });
  child.stderr!.setEncoding('utf8').on('data', (d: string) => {
    stderr += d;
    if (stderr.includes('podpath: tracing ')) onReady();
  });
  const done = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => child.once('close', (code) => resolve({ code, stdout, stderr })));
  ready.catch(() => undefined);
  return { child, ready, done };
}

/** Runs a trace around `act`, ends it with Ctrl-C (SIGINT) and returns the evidence. */
async function traceAround(args: string[], act: () => void, ns?: string): Promise<{ trace: DropTrace; stderr: string; code: number | null }> {
  const run = startTrace(['--for', '60s', '--baseline', '0', ...args], ns);
  await run.ready;
  act();
  await new Promise((r) => setTimeout(r, 500));
  run.child.kill('SIGINT');
  const { code, stdout, stderr } = await run.done;
  expect(stdout, stderr).not.toBe('');
  return { trace: DropTrace.parse(JSON.parse(stdout)), stderr, code };
}

const mainRows = (t: DropTrace) => t.windows.find((w) => w.label === 'main')!.drops;
const onDevice = (rows: DropRow[], reason: string, symbol: string, device: string) =>
  rows.filter((r) => r.reason === reason && r.symbol === symbol).reduce((n, r) => n + (r.devices.find((d) => d.device === device)?.count ?? 0), 0);

/** podpath-* instances, seen through a tracefs mounted in a private mount namespace. */
function instances(): string[] {
  const out = sh(`unshare -m sh -ec 'grep -q " /sys/kernel/tracing tracefs " /proc/mounts || mount -t tracefs nodev /sys/kernel/tracing; ls /sys/kernel/tracing/instances'`);
  return out.split('\n').filter((n) => n.startsWith('podpath-'));
}

function leftovers(): string[] {
  const found: string[] = [];
  for (const i of instances()) found.push(`instance ${i}`);
  for (const ns of [undefined, ...Object.values(NS)]) {
    const pre = ns ? ['ip', 'netns', 'exec', ns] : [];
    const exists = !ns || existsSync(`/run/netns/${ns}`);
    if (!exists) continue;
    const tables = execFileSync(pre[0] ?? 'nft', [...pre.slice(1), ...(ns ? ['nft'] : []), 'list', 'tables'], { encoding: 'utf8' });
    for (const t of tables.split('\n')) if (t.includes('podpath_trace_')) found.push(`${ns ?? 'host'}: ${t}`);
    const save = execFileSync(pre[0] ?? 'iptables-legacy-save', [...pre.slice(1), ...(ns ? ['iptables-legacy-save'] : [])], { encoding: 'utf8' });
    for (const l of save.split('\n')) if (l.includes('-j TRACE')) found.push(`${ns ?? 'host'}: ${l}`);
  }
  if (existsSync(JOURNAL_DIR)) for (const j of readdirSync(JOURNAL_DIR)) if (j.startsWith('trace-')) found.push(`journal ${j}`);
  return found;
}

const tracefsMounted = () => readFileSync('/proc/mounts', 'utf8').split('\n').some((l) => l.split(' ')[2] === 'tracefs');

describe.skipIf(skip !== undefined)('podpath trace on real drops (namespaces pptr-*)', () => {
  let nfLogBefore = '';
  let mountedBefore = false;

  beforeAll(() => {
    nfLogBefore = readFileSync(NF_LOG, 'utf8').trim();
    mountedBefore = tracefsMounted();
    buildLab();
  });
  afterEach(() => {
    expect(leftovers()).toEqual([]);
    expect(readFileSync(NF_LOG, 'utf8').trim()).toBe(nfLogBefore);
    expect(tracefsMounted()).toBe(mountedBefore);
  });
  afterAll(() => {
    cleanupNamespaces();
  });

  it('a UDP datagram to a closed port: NO_SOCKET at __udp4_lib_rcv, on the receiver\'s device', async () => {
    const run = startTrace(['--for', '3s', '--baseline', '1s', '--devices', 'pptr*']);
    await run.ready;
    await new Promise((r) => setTimeout(r, 1300));
    sendUdp(NS.a, B, 33401, 3);
    const { code, stdout, stderr } = await run.done;
    expect(code, stderr).toBe(0);
    const t = DropTrace.parse(JSON.parse(stdout));
    expect(t.windows.map((w) => w.label)).toEqual(['baseline', 'main']);
    expect(onDevice(mainRows(t), 'NO_SOCKET', '__udp4_lib_rcv', 'pptrb0')).toBe(3);
    expect(onDevice(t.windows[0]!.drops, 'NO_SOCKET', '__udp4_lib_rcv', 'pptrb0')).toBe(0);
    const row = mainRows(t).find((r) => r.devices.some((d) => d.device === 'pptrb0'))!;
    expect(row.location).toMatch(/^__udp4_lib_rcv\+0x[0-9a-f]+\/0x[0-9a-f]+$/);
    expect(row.perSecond.reduce((a, b) => a + b, 0)).toBe(row.total);
    expect(t.kernel).toMatchObject({ reasonField: true, locationPrint: 'symbol' });
    expect(t.filter).toEqual({ kfreeSkb: 'protocol == 2048', netifReceiveSkb: 'name ~ "pptr*"' });
    // Every change was printed as it happened, with its undo, and undone.
    expect(t.changes.length).toBeGreaterThanOrEqual(5);
    expect(t.changes.every((c) => c.state === 'undone')).toBe(true);
    for (const c of t.changes) expect(stderr).toContain(`changed: ${c.did}   (undo: ${c.undo})`);
    expect(stderr).toMatch(/undone: rmdir \/sys\/kernel\/tracing\/instances\/podpath-\d+/);
  });

  it('a bad UDP checksum: UDP_CSUM at __udp4_lib_rcv on the receiver (the text report names it too)', async () => {
    inNs(NS.a, `ethtool -K pptra0 tx off >/dev/null; nft 'add table ip pptr_csum; add chain ip pptr_csum post { type filter hook postrouting priority 300; policy accept; }; add rule ip pptr_csum post udp dport 33402 udp checksum set 0x1234'`);
    try {
      const { trace, code } = await traceAround(['--devices', 'pptr*'], () => sendUdp(NS.a, B, 33402, 4));
      expect(code).toBe(130);
      expect(trace.read.interrupted).toBe(true);
      expect(onDevice(mainRows(trace), 'UDP_CSUM', '__udp4_lib_rcv', 'pptrb0')).toBe(4);
      expect(onDevice(mainRows(trace), 'NO_SOCKET', '__udp4_lib_rcv', 'pptrb0')).toBe(0);
      const { renderDropTraceText } = await import('../../src/report/drop-trace-text.js');
      expect(renderDropTraceText(trace)).toMatch(/UDP_CSUM\s+__udp4_lib_rcv\+0x[0-9a-f]+\/0x[0-9a-f]+\s+\d+.*pptrb0 4/);
    } finally {
      inNs(NS.a, 'nft delete table ip pptr_csum; ethtool -K pptra0 tx on >/dev/null');
    }
  });

  it('an nft forward drop: NETFILTER_DROP in nft_do_chain at the router, and the firewall tracer names the rule', async () => {
    inNs(NS.r, `nft 'add table inet pptr_fw; add chain inet pptr_fw forward_f { type filter hook forward priority 0; policy accept; }; add rule inet pptr_fw forward_f udp dport 33403 counter drop'`);
    try {
      const handle = Number(/udp dport 33403 counter packets \d+ bytes \d+ drop # handle (\d+)/.exec(inNs(NS.r, 'nft -a list table inet pptr_fw'))![1]);
      const { trace, stderr } = await traceAround(['--devices', 'pptr*', '--trace-rules', '33403'], () => sendUdp(NS.a, B, 33403, 3), NS.r);
      expect(onDevice(mainRows(trace), 'NETFILTER_DROP', 'nft_do_chain', 'pptrr0')).toBe(3);
      expect(trace.ruleTrace).toMatchObject({ mode: 'nft', ports: [33403], packets: 3 });
      expect(trace.ruleTrace!.verdicts[0]).toMatchObject({
        family: 'inet', table: 'pptr_fw', chain: 'forward_f', kind: 'rule', handle, verdict: 'drop', packets: 3,
        rule: 'udp dport 33403 counter packets 0 bytes 0 drop', example: { src: A, dst: B, dport: 33403, in: 'pptrr0' },
      });
      expect(stderr).toMatch(/changed: nft 'add table inet podpath_trace_\d+; .*' {3}\(undo: nft delete table inet podpath_trace_\d+\)/);
    } finally {
      inNs(NS.r, 'nft delete table inet pptr_fw');
    }
  });

  it('strict rp_filter at the router: IP_RPFILTER at ip_rcv_finish_core, on the router\'s device', async () => {
    inNs(NS.a, 'ip addr add 10.237.9.9/32 dev pptra0');
    inNs(NS.r, 'sysctl -qw net.ipv4.conf.pptrr0.rp_filter=1');
    try {
      const { trace } = await traceAround(['--devices', 'pptr*', '--filter', 'reason == IP_RPFILTER'], () => sendUdp(NS.a, B, 33404, 2, '10.237.9.9'));
      expect(trace.filter.kfreeSkb).toMatch(/^reason == \d+$/);
      expect(onDevice(mainRows(trace), 'IP_RPFILTER', 'ip_rcv_finish_core', 'pptrr0')).toBe(2);
      expect(mainRows(trace).every((r) => r.reason === 'IP_RPFILTER')).toBe(true);
    } finally {
      inNs(NS.r, 'sysctl -qw net.ipv4.conf.pptrr0.rp_filter=0');
      inNs(NS.a, 'ip addr del 10.237.9.9/32 dev pptra0');
    }
  });

  it('an iptables-legacy FORWARD DROP: TRACE from the kernel log names filter/FORWARD rule 1', async () => {
    inNs(NS.r, 'iptables-legacy -A FORWARD -p udp --dport 33405 -j DROP');
    try {
      const { trace } = await traceAround(['--devices', 'pptr*', '--trace-rules', '33405'], () => sendUdp(NS.a, B, 33405, 2), NS.r);
      expect(onDevice(mainRows(trace), 'NETFILTER_DROP', 'nf_hook_slow', 'pptrr0')).toBe(2);
      expect(trace.ruleTrace).toMatchObject({ mode: 'iptables-legacy', packets: 2 });
      expect(trace.ruleTrace!.verdicts[0]).toMatchObject({ table: 'filter', chain: 'FORWARD', kind: 'rule', rulenum: 1, rule: '-A FORWARD -p udp -m udp --dport 33405 -j DROP', verdict: 'drop', packets: 2 });
      // The namespace's TRACE lines needed the global nf_log_all_netns, set and put back.
      // (from a namespace other than the host's it is reached through nsenter).
      if (nfLogBefore === '0') expect(trace.changes.filter((c) => /nf_log_all_netns.*1$/.test(c.did)).map((c) => c.state)).toEqual(['undone']);
    } finally {
      inNs(NS.r, 'iptables-legacy -D FORWARD -p udp --dport 33405 -j DROP');
    }
  });

  it('a tracer killed with SIGKILL leaves its instance; the next run removes it (and the tracefs it mounted)', async () => {
    const run = startTrace(['--for', '60s', '--baseline', '0']);
    await run.ready;
    const pid = run.child.pid!;
    run.child.kill('SIGKILL');
    await run.done;
    expect(instances()).toContain(`podpath-${pid}`);
    if (!mountedBefore) expect(tracefsMounted()).toBe(true);
    const next = startTrace(['--for', '0.5s', '--baseline', '0']);
    const { code, stdout, stderr } = await next.done;
    expect(code, stderr).toBe(0);
    const t = DropTrace.parse(JSON.parse(stdout));
    expect(t.leftovers).toContainEqual({ what: `tracefs instance podpath-${pid} (process ${pid} is gone)`, did: `rmdir /sys/kernel/tracing/instances/podpath-${pid}` });
    if (!mountedBefore) expect(t.leftovers).toContainEqual({ what: `tracefs mounted by process ${pid} (gone)`, did: 'umount /sys/kernel/tracing' });
    expect(stderr).toContain(`removed what a crashed run left: tracefs instance podpath-${pid}`);
  });

  it('killed while tracing rules: the next run removes its nft table; in legacy mode its TRACE rules and nf_log_all_netns', async () => {
    // nftables (no legacy rules in the namespace).
    const run = startTrace(['--for', '60s', '--baseline', '0', '--trace-rules', '33406'], NS.r);
    await run.ready;
    const pid = run.child.pid!;
    run.child.kill('SIGKILL');
    await run.done;
    expect(inNs(NS.r, 'nft list tables')).toContain(`table inet podpath_trace_${pid}`);
    const next = await startTrace(['--for', '0.3s', '--baseline', '0', '--trace-rules', '33406'], NS.r).done;
    const t = DropTrace.parse(JSON.parse(next.stdout));
    expect(t.leftovers.map((l) => l.did)).toContain(`nft delete table inet podpath_trace_${pid}`);
    expect(inNs(NS.r, 'nft list tables')).not.toContain('podpath_trace_');

    // iptables-legacy (a legacy rule loaded makes the tracer choose it).
    inNs(NS.r, 'iptables-legacy -A FORWARD -p udp --dport 33407 -j ACCEPT');
    try {
      const run2 = startTrace(['--for', '60s', '--baseline', '0', '--trace-rules', '33407'], NS.r);
      await run2.ready;
      const pid2 = run2.child.pid!;
      run2.child.kill('SIGKILL');
      await run2.done;
      expect(inNs(NS.r, 'iptables-legacy-save -t raw')).toContain(`--comment podpath-trace-${pid2} -j TRACE`);
      if (nfLogBefore === '0') expect(readFileSync(NF_LOG, 'utf8').trim()).toBe('1');
      const next2 = await startTrace(['--for', '0.3s', '--baseline', '0', '--trace-rules', '33407'], NS.r).done;
      const t2 = DropTrace.parse(JSON.parse(next2.stdout));
      expect(t2.leftovers.filter((l) => l.did.startsWith('iptables-legacy -t raw -D'))).toHaveLength(4);
      if (nfLogBefore === '0') expect(t2.leftovers.find((l) => l.what === `${NF_LOG} changed by process ${pid2} (gone)`)?.did).toMatch(/nf_log_all_netns.*0$/);
    } finally {
      inNs(NS.r, 'iptables-legacy -D FORWARD -p udp --dport 33407 -j ACCEPT');
    }
  });

  it('refuses a filter with a string before changing anything', async () => {
    const { code, stdout, stderr } = await startTrace(['--filter', 'name ~ "x"']).done;
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr.trim()).toMatch(/^podpath: E_TRACE_FILTER: --filter: /);
    expect(stderr).not.toContain('changed:');
  });
});
