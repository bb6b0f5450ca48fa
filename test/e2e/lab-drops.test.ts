// `doctor --peer --trace --trace-rules` in a real lab: for each fault, the drops rules name the
// place of the loss in the kernel's own word (reason, function, node; the firewall's table, chain
// and verdict), or say the underlay when neither node's kernel dropped the probes. The agent in n2
// traces its node through the agent's trace routes; doctor traces n1 itself. Lab nodes share one
// kernel: the node is inferred from the lost packets' direction, a drop in the switch between them
// is told apart by the devices it came in on (see src/lab/README.md). A killed agent's trace is
// removed by the next one; nothing podpath enabled remains after any test.
// Run under the shared lock: flock /tmp/pp-netns.lock npx vitest run test/e2e/lab-drops.test.ts
import { spawn, execFile, execFileSync, type ChildProcess } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { missingRequirement } from '../helpers/env.js';
import { healFaults, injectFault, type InjectRequest } from '../../src/lab/faults/index.js';
import { labDown, labUp } from '../../src/lab/lifecycle.js';
import { DEFAULT_OPTIONS, type LabPlan } from '../../src/lab/topology.js';
import { podpathArgs } from '../helpers/podpath.js';
import { netnsProcesses } from '../helpers/netns-agents.js';

const skip = missingRequirement({ root: true, tools: ['ip', 'nft', 'curl', 'unshare'] });
const pexec = promisify(execFile);
const LAB = 'ppdr';
const KEY = 'ppdr-probe-key-0123456789';
const TOKEN = 'ppdr-api-token-0123456789';
const ENV = { ...process.env, PODPATH_KEY: KEY, PODPATH_TOKEN: TOKEN };
const { startIn, agentReady, stopAll } = netnsProcesses(ENV, TOKEN);
const PEER = '192.168.77.12';
const cli = podpathArgs();

interface FindingJson { ruleId: string; severity: string; messageId: string; message: string; evidence: { source: string; text: string }[] }
interface DoctorJson { findings: FindingJson[]; peer?: { report?: { findings: FindingJson[] }; error?: string } }

let plan: LabPlan;
let agent: ChildProcess;

function startN2Agent(): ChildProcess {
  const n2 = plan.nodes[1]!;
  return startIn(n2.ns, [...cli, 'agent', '--listen', `${n2.eth0Ip},${n2.vtep.ip}`, '--root', n2.root]);
}

async function doctor(extra: string[], lab: LabPlan = plan): Promise<{ report: DoctorJson; stderr: string }> {
  const n1 = lab.nodes[0]!;
  const argv = ['netns', 'exec', n1.ns, process.execPath, ...cli, 'doctor', '--root', n1.root, '--peer', lab.nodes[1]!.eth0Ip, '--no-sweep', '--count', '10',
    '--trace', '--trace-rules', '--trace-baseline', '1s', '-o', 'json', ...extra];
  const { stdout, stderr } = await pexec('ip', argv, { encoding: 'utf8', env: ENV, maxBuffer: 64 << 20, timeout: 170_000 }).then(
    (r) => r,
    (e: { stdout?: string; stderr?: string; code?: number }) => {
      if (!e.stdout) throw new Error(`doctor failed (${e.code}): ${e.stderr ?? ''}`);
      return { stdout: e.stdout, stderr: e.stderr ?? '' };
    },
  );
  return { report: JSON.parse(stdout) as DoctorJson, stderr };
}

const sh = (cmd: string) => execFileSync('sh', ['-ec', cmd], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

/** What podpath may have left: tracefs instances, nft tables and TRACE rules in the lab nodes, journals. */
function leftovers(lab: LabPlan = plan): string[] {
  const found: string[] = [];
  const inst = sh(`unshare -m sh -ec 'grep -q " /sys/kernel/tracing tracefs " /proc/mounts || mount -t tracefs nodev /sys/kernel/tracing; ls /sys/kernel/tracing/instances'`);
  for (const i of inst.split('\n')) if (i.startsWith('podpath-')) found.push(`instance ${i}`);
  for (const n of lab.nodes) {
    const tables = sh(`ip netns exec ${n.ns} nft list tables`);
    for (const t of tables.split('\n')) if (t.includes('podpath_trace_')) found.push(`${n.ns}: ${t}`);
    const save = sh(`ip netns exec ${n.ns} sh -c 'iptables-legacy-save -t raw 2>/dev/null || true'`);
    for (const l of save.split('\n')) if (l.includes('-j TRACE')) found.push(`${n.ns}: ${l}`);
  }
  return found;
}

/** Findings of the drops rules, as `ruleId/messageId: message`. */
const drops = (r: DoctorJson) => r.findings.filter((f) => f.ruleId.startsWith('drop-'));
const said = (r: DoctorJson) => drops(r).map((f) => `${f.ruleId}/${f.messageId}: ${f.message}`).join('\n');

interface Case {
  fault: string;
  inject?: InjectRequest;
  args?: string[];
  rule: string;
  /** Every drops finding of the run must match one of these (the place, reason and node). */
  says: RegExp[];
}

const cases: Case[] = [
  {
    // n1 writes bad UDP checksums: n2's kernel drops the VXLAN datagrams (requests one way, answers the other).
    fault: 'bad-udp-checksum', inject: { node: 'n1' }, rule: 'drop-udp-checksum',
    says: [/dropped by 192\.168\.77\.12's kernel: UDP_CSUM in (__udp4_lib_rcv|udp_queue_rcv_one_skb), \d+ times during the probe \(0 in the baseline\)/],
  },
  {
    // FORWARD DROP on n2 hits what n2 forwards into its pods: the probes to the agent in pod n2p1.
    fault: 'forward-drop', inject: { node: 'n2' }, args: ['--overlay', '10.244.2.2'], rule: 'drop-netfilter',
    says: [/dropped by 192\.168\.77\.12's packet filter: table (ip )?filter, chain FORWARD, policy drop \(NETFILTER_DROP in (nft_do_chain|nf_hook_slow)/],
  },
  {
    // n1 filters strictly and routes n2's pods back over eth0: n2's answers die entering n1.
    fault: 'rp-filter-strict', inject: { node: 'n1', peer: 'n2' }, rule: 'drop-rp-filter',
    says: [/this node's kernel dropped the packets with IP_RPFILTER in ip_rcv_finish_core/],
  },
  {
    fault: 'firewall-vxlan-port', inject: { node: 'n1' }, rule: 'drop-netfilter',
    says: [/dropped by this node's packet filter: table (inet |ip )?pplab_firewall, chain input\w*, policy drop \(NETFILTER_DROP/],
  },
  {
    fault: 'vxlan-port-mismatch', inject: { node: 'n1' }, rule: 'drop-no-socket',
    says: [/dropped by (192\.168\.77\.12|this node)'s kernel: NO_SOCKET in __udp4_lib_rcv, \d+ times during the probe .*no VXLAN device listens on their UDP port/],
  },
  {
    // The switch drops every probe (UDP length > 60): a kernel drop, but in the switch's namespace,
    // on packets that came in on its ports: neither node's.
    fault: 'underlay-size-limit', inject: { options: { max: '60' } }, rule: 'drop-not-in-kernel',
    says: [/not dropped by either node's kernel: in the underlay between the nodes/],
  },
  {
    // The switch's policer: the first probes over 1 kbit/s put the sender in the blackhole set, and
    // the switch drops all it sends for 2 s (its bridge nft rule, on packets from its own ports).
    fault: 'underlay-rate-blackhole', inject: { options: { rate: '1kbit', timeout: '2s' } }, rule: 'drop-not-in-kernel',
    says: [/not dropped by either node's kernel: in the underlay between the nodes/],
  },
  {
    // n2 drops what it forwards from flannel.1 above IP length 68: the probes to the agent in pod
    // n2p1 (node addresses are delivered locally and pass). A node's own filter: its table, chain and rule.
    fault: 'large-packet-drop', inject: { node: 'n2', options: { size: '68' } }, args: ['--overlay', '10.244.2.2'], rule: 'drop-netfilter',
    says: [/dropped by 192\.168\.77\.12's packet filter: table (ip )?pplab_large_packet_drop, chain forward_large\b.*\(NETFILTER_DROP in (nft_do_chain|nf_hook_slow)/],
  },
];

/** Faults of the router between two subnets (`lab up --subnets 2`): n1 on 192.168.77.0/24, n2 on 192.168.78.0/24. */
const routerCases: Case[] = [
  {
    // The router's ip nft rule drops every probe routed between the subnets (UDP length > 60): a
    // kernel drop in the router's namespace, on packets that came in on its legs: neither node's.
    fault: 'router-size-limit', inject: { options: { max: '60' } }, rule: 'drop-not-in-kernel',
    says: [/not dropped by either node's kernel: in the underlay between the nodes/],
  },
  {
    fault: 'router-rate-blackhole', inject: { options: { rate: '1kbit', timeout: '2s' } }, rule: 'drop-not-in-kernel',
    says: [/not dropped by either node's kernel: in the underlay between the nodes/],
  },
];

/** Injects the fault, runs doctor --peer --trace, and checks the drops findings name the place. */
async function checkCase(lab: string, labPlan: LabPlan, c: Case): Promise<void> {
  await injectFault(lab, c.fault, c.inject ?? {});
  try {
    const { report } = await doctor(c.args ?? [], labPlan);
    const found = drops(report);
    // The measured table of the README and the report: what each fault's run said.
    process.stdout.write(`[lab-drops] ${c.fault}:\n${said(report)}\n`);
    expect(found.map((f) => f.ruleId), said(report)).toContain(c.rule);
    // Only that rule: the probes' own noise (their HTTP connections closing, other tests on this kernel) names nothing.
    expect(new Set(found.map((f) => f.ruleId)), said(report)).toEqual(new Set([c.rule]));
    for (const f of found.filter((x) => x.ruleId === c.rule)) expect(c.says.some((re) => re.test(f.message)), f.message).toBe(true);
    // The counter-based placement steps aside for the probes the trace placed.
    for (const f of found) expect(f.message).toContain('outranks the placement by counters');
  } finally {
    await healFaults(lab);
  }
}

/** Tries after the first for a case whose window other tests' drops can reach (see below). */
const TRACE_RETRIES = 2;

describe.skipIf(skip)('doctor --peer --trace in the lab', () => {
  beforeAll(async () => {
    await labDown(LAB);
    plan = (await labUp({ ...DEFAULT_OPTIONS, name: LAB, nodes: 2 })).state.plan;
    const n2 = plan.nodes[1]!;
    agent = startN2Agent();
    const pod = n2.pods[0]!;
    startIn(pod.ns, [...cli, 'agent', '--listen', pod.ip]);
    await agentReady(n2.ns, n2.eth0Ip);
    await agentReady(pod.ns, pod.ip);
  }, 90_000);

  afterEach(() => {
    expect(leftovers()).toEqual([]);
  });

  afterAll(async () => {
    stopAll();
    await labDown(LAB);
  });

  it('healthy: no drops finding, and every change on both nodes printed and undone', async () => {
    const { report, stderr } = await doctor([]);
    expect(said(report)).toBe('');
    expect(stderr).toMatch(/this node: changed: mkdir \/sys\/kernel\/tracing\/instances\/podpath-\d+ {3}\(undo: rmdir/);
    expect(stderr).toMatch(/the peer: changed: mkdir \/sys\/kernel\/tracing\/instances\/podpath-\d+/);
    expect(stderr).toMatch(/the peer: undone: rmdir \/sys\/kernel\/tracing\/instances\/podpath-\d+/);
    expect(stderr).toMatch(/this node: changed: nft 'add table inet podpath_trace_\d+/);
    expect(stderr).not.toMatch(/UNDO FAILED/);
  }, 180_000);

  // The kfree_skb tracepoint is kernel-wide and names no device or namespace: the unit tests that run
  // beside these on the same kernel (npm test runs both projects at once) drop UDP to closed ports on
  // loopback, and a burst of their NO_SOCKET drops inside a probe's window reads as this node's. A
  // retry measures again; a real misplacement fails all three tries.
  it.each(cases)('$fault: $rule names the place', (c) => checkCase(LAB, plan, c), { timeout: 180_000, retry: TRACE_RETRIES });

  it('podpath probe --trace: the same rules, the same words (bad-udp-checksum), in the JSON with both nodes\' traces', async () => {
    const n1 = plan.nodes[0]!;
    const n2 = plan.nodes[1]!;
    await injectFault(LAB, 'bad-udp-checksum', { node: 'n1' });
    try {
      const argv = ['netns', 'exec', n1.ns, process.execPath, ...cli, 'probe', PEER, '--source', n1.eth0Ip, '--overlay', n2.vtep.ip, '--overlay-source', n1.vtep.ip,
        '--no-sweep', '--count', '10', '--trace', '-o', 'json'];
      const out = await pexec('ip', argv, { encoding: 'utf8', env: ENV, maxBuffer: 64 << 20, timeout: 120_000 }).then(() => { throw new Error('probe passed with the fault injected'); }, (e: { stdout?: string; stderr?: string }) => e);
      const doc = JSON.parse(out.stdout ?? '') as DoctorJson & { drops: { node: string; probe: string; bootId?: string; trace?: unknown }[] };
      expect(doc.findings.map((f) => f.ruleId)).toContain('drop-udp-checksum');
      expect(doc.findings.map((f) => f.ruleId)).not.toContain('udp-checksum-drop');
      expect(new Set(doc.drops.map((d) => d.node))).toEqual(new Set(['local', 'peer']));
      expect(doc.drops.every((d) => d.trace !== undefined)).toBe(true);
      expect(out.stderr).toMatch(/the peer: undone: rmdir/);
    } finally {
      await healFaults(LAB);
    }
  }, 150_000);

  it('Ctrl-C while tracing: doctor undoes its changes, asks the peer to end its trace, exits 130', async () => {
    const n1 = plan.nodes[0]!;
    const child = spawn('ip', ['netns', 'exec', n1.ns, process.execPath, ...cli, 'doctor', '--root', n1.root, '--peer', PEER, '--no-sweep', '--trace', '--trace-rules', '--trace-baseline', '5s', '-o', 'json'], { env: ENV, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stdout.resume();
    const peerTracing = new Promise<void>((resolve) => child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      if (/the peer: changed: echo 1 > \S+kfree_skb\/enable/.test(stderr)) resolve();
    }));
    await peerTracing;
    child.kill('SIGINT');
    const code = await new Promise<number | null>((r) => child.once('exit', (c) => r(c)));
    expect(code, stderr).toBe(130);
    expect(stderr).toMatch(/this node: undone: rmdir \/sys\/kernel\/tracing\/instances\/podpath-\d+/);
    // The peer's agent ends its trace on the stop request (reading to its end marker takes a moment).
    for (let i = 0; i < 40 && leftovers().length > 0; i++) await new Promise((r) => setTimeout(r, 250));
    expect(leftovers()).toEqual([]);
  }, 120_000);

  it('an agent killed while tracing: its instance stays, the next trace on that node removes it', async () => {
    const n2 = plan.nodes[1]!;
    const curl = (path: string, body: string) => pexec('ip', ['netns', 'exec', n2.ns, 'curl', '-sf', '-H', `authorization: Bearer ${TOKEN}`, '-H', 'content-type: application/json', '-d', body, `http://${n2.eth0Ip}:7947${path}`], { encoding: 'utf8' });
    const started = JSON.parse((await curl('/v1/trace/start', JSON.stringify({ baseline: true, maxMs: 60_000 }))).stdout) as { instance: string };
    const name = started.instance.split('/').pop()!;
    agent.kill('SIGKILL');
    await new Promise((r) => agent.once('exit', r));
    expect(leftovers()).toContain(`instance ${name}`);
    agent = startN2Agent();
    await agentReady(n2.ns, n2.eth0Ip);
    const run = JSON.parse((await curl('/v1/trace/run', JSON.stringify({ baselineMs: 0, forMs: 200 }))).stdout) as { trace: { leftovers: { what: string; did: string }[] } };
    expect(run.trace.leftovers.map((l) => l.did)).toContain(`rmdir /sys/kernel/tracing/instances/${name}`);
  }, 120_000);

  it('the agent refuses a trace request that is not one (zod), and answers 401 without the token', async () => {
    const n2 = plan.nodes[1]!;
    const post = (body: string, token = TOKEN) => pexec('ip', ['netns', 'exec', n2.ns, 'curl', '-s', '-o', '/dev/null', '-w', '%{http_code}', '-H', `authorization: Bearer ${token}`, '-d', body, `http://${n2.eth0Ip}:7947/v1/trace/start`], { encoding: 'utf8' }).then((r) => r.stdout);
    expect(await post(JSON.stringify({ maxMs: 10_000_000 }))).toBe('400');
    expect(await post(JSON.stringify({ maxMs: 1000, filter: 'comm == "x"; rm -rf /', extra: 1 }))).toBe('400');
    expect(await post(JSON.stringify({ maxMs: 1000 }), 'wrong-token-0123456789abc')).toBe('401');
  }, 60_000);
});

describe.skipIf(skip)('doctor --peer --trace in a lab of two subnets (the router between them)', () => {
  const LAB2 = 'ppdrr';
  let plan2: LabPlan;
  beforeAll(async () => {
    await labDown(LAB2);
    plan2 = (await labUp({ ...DEFAULT_OPTIONS, name: LAB2, nodes: 2, subnets: 2 })).state.plan;
    const n2 = plan2.nodes[1]!;
    startIn(n2.ns, [...cli, 'agent', '--listen', `${n2.eth0Ip},${n2.vtep.ip}`, '--root', n2.root]);
    await agentReady(n2.ns, n2.eth0Ip);
  }, 90_000);

  afterEach(() => {
    expect(leftovers(plan2)).toEqual([]);
  });

  afterAll(async () => {
    stopAll();
    await labDown(LAB2);
  });

  it.each(routerCases)('$fault: $rule names the place', (c) => checkCase(LAB2, plan2, c), { timeout: 180_000, retry: TRACE_RETRIES });
});
