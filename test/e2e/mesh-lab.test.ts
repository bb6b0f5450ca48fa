// `podpath mesh` in a real 4-node lab of two subnets joined by a router (flannel VXLAN, one pod per
// node), with real agents on both planes (`lab agents up`: on each node's eth0 and in each node's
// pod) and the coordinator running on n1 as an operator would. Healthy, every cell of every plane
// combination is complete; with seed 003's cut on the router (UDP above 1472 bytes dropped between
// the subnets), exactly the pairs whose datagrams cross the router unencapsulated (host->host and
// pod->host) across the subnets stop at 1472 bytes, while pairs within a subnet, and the tunnel
// (whose inner packets are fragmented below the overlay MTU), carry everything. The numbers are
// asserted, and so is each scenario's first finding of the mesh rules (the document's `findings`):
// none when healthy, the cut between the subnets with its limit, one node for a node's fault.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { missingRequirement } from '../helpers/env.js';
import { labAgentsDown, labAgentsUp, labAgentFiles } from '../../src/lab/agents.js';
import { healFaults, injectFault } from '../../src/lab/faults/index.js';
import { labDown, labUp } from '../../src/lab/lifecycle.js';
import { readState } from '../../src/lab/state.js';
import { DEFAULT_OPTIONS, type LabPlan } from '../../src/lab/topology.js';
import { MeshMatrix, planeView } from '../../src/evidence/mesh-matrix.js';
import { probeEvidenceOf } from '../../src/evidence/mesh-probe.js';
import { placeLoss } from '../../src/rules/shared/loss-place.js';
import { maxOf } from '../../src/util/arrays.js';
import { podpathArgs } from '../helpers/podpath.js';

const skip = missingRequirement({ root: true, tools: ['ip', 'nft', 'ping', 'curl'] });
const pexec = promisify(execFile);
const LAB = 'ppmesh';
const K = 2;
const SWEEP_MAX = 3000;
let plan: LabPlan;

beforeAll(async () => {
  if (skip) return;
  if (await readState(LAB).catch(() => undefined)) await labDown(LAB);
  ({ plan } = (await labUp({ ...DEFAULT_OPTIONS, name: LAB, nodes: 4, pods: 1, subnets: 2 })).state);
  await labAgentsUp(LAB, { podpath: [process.execPath, ...podpathArgs()] });
});
afterAll(async () => {
  if (!skip) await labDown(LAB);
});

interface JudgedMatrix extends MeshMatrix {
  findings: { ruleId: string; messageId: string; message: string }[];
}

const DEFAULT_ARGS = ['-k', String(K), '--count', '5', '--sweep-max', String(SWEEP_MAX)];

async function mesh(args: string[] = DEFAULT_ARGS, on = 0): Promise<JudgedMatrix & { stderr: string }> {
  const f = labAgentFiles(LAB);
  const n1 = plan.nodes[on]!;
  const { stdout, stderr } = await pexec('ip', [
    'netns', 'exec', n1.ns, process.execPath, ...podpathArgs(), 'mesh', '--agents', f.agents, '--token-file', f.token, '--json', ...args,
  ], { maxBuffer: 64 << 20, timeout: 170_000 }).catch((e: { stdout?: string; stderr?: string; code?: number }) => {
    // exit 1: some cell is short (or there are findings); exit 2: an agent could not be reached
    // (a node's fault can cut the coordinator off from its pod agent): the matrix is on stdout all the same
    if ((e.code === 1 || e.code === 2) && e.stdout) return { stdout: e.stdout, stderr: e.stderr ?? '' };
    throw new Error(`podpath mesh failed (${e.code}): ${e.stderr ?? ''}`);
  });
  const doc = JSON.parse(stdout) as { findings?: JudgedMatrix['findings'] };
  return { ...MeshMatrix.parse(doc), findings: doc.findings ?? [], stderr };
}

/** What every agent's own responder says it served at most at once. */
async function peakSenders(): Promise<number[]> {
  const token = (await import('node:fs')).readFileSync(labAgentFiles(LAB).token, 'utf8').trim();
  const n1 = plan.nodes[0]!;
  const addresses = plan.nodes.flatMap((n) => [n.eth0Ip, n.pods[0]!.ip]);
  return Promise.all(addresses.map(async (a) => {
    const { stdout } = await pexec('ip', ['netns', 'exec', n1.ns, 'curl', '-sf', '-H', `authorization: Bearer ${token}`, `http://${a}:7947/v1/responder`]);
    return (JSON.parse(stdout) as { senders: { peak: number } }).senders.peak;
  }));
}

const subnetOf = (name: string) => plan.nodes.find((n) => n.name === name)!.subnet;

describe.skipIf(skip)('podpath mesh in a two-subnet lab', () => {
  it('healthy: every ordered pair of every plane combination complete, nodes measured, no agent serving more than k at once', async () => {
    const m = await mesh();
    expect(m.errors).toEqual([]);
    expect(m.cells).toHaveLength(4 * 4 * 3);
    for (const c of m.cells) {
      const where = `${c.plane} ${c.from}->${c.to}`;
      expect(c.error, where).toBeUndefined();
      expect(c.verified, where).toBe(true);
      expect(c.udp, where).toMatchObject({ sent: 5, received: 5, arrivedAtPeer: 5 });
      expect(c.tcp, where).toMatchObject({ attempts: 3, connected: 3 });
      expect(c.icmp, where).toMatchObject({ sent: 3, received: 3 });
      expect(c.sweep, where).toMatchObject({ largestPassing: SWEEP_MAX });
      expect(c.sweep?.smallestFailing, where).toBeUndefined();
    }
    expect(m.nodes.map((n) => [n.name, n.subnet, n.devices.nic, n.devices.overlay, n.addresses.pod])).toEqual([
      ['n1', '192.168.77.0/24', 'eth0', 'flannel.1', '10.244.1.2'], ['n2', '192.168.77.0/24', 'eth0', 'flannel.1', '10.244.2.2'],
      ['n3', '192.168.78.0/24', 'eth0', 'flannel.1', '10.244.3.2'], ['n4', '192.168.78.0/24', 'eth0', 'flannel.1', '10.244.4.2'],
    ]);
    // where a loss would be placed: the receiving node's NIC and VXLAN device, its counters over the round
    const hp = planeView(m, 'host->pod').get('n1', 'n3')!;
    expect(hp.devices).toEqual({ from: { nic: 'eth0', overlay: 'flannel.1' }, to: { nic: 'eth0', overlay: 'flannel.1' } });
    expect(m.cells.filter((c) => placeLoss(probeEvidenceOf(c)!)?.place !== 'delivered')).toEqual([]);
    expect(hp.counters.toNode?.interfaces['flannel.1']?.rxPackets).toBeGreaterThan(0);
    expect(m.findings).toEqual([]);
    const peaks = await peakSenders();
    expect(maxOf(peaks)).toBeLessThanOrEqual(K);
    expect(maxOf(peaks)).toBe(K);
  });

  it("seed 003's cut on the router: plain UDP across the subnets stops at 1472 bytes, within a subnet and through the tunnel everything crosses", async () => {
    await injectFault(LAB, 'router-size-limit');
    try {
      const m = await mesh();
      expect(m.errors).toEqual([]);
      // host->host and pod->host datagrams cross the router as they are (a pod reaches a node's
      // address by the node's default route, not through flannel.1); host->pod and pod->pod ones
      // are encapsulated, their inner packets fragmented below the overlay MTU (1450), so every
      // VXLAN datagram is at most 1480 bytes of UDP and crosses.
      let across = 0;
      for (const c of m.cells) {
        const where = `${c.plane} ${c.from}->${c.to}`;
        // small probes cross everywhere: the echo, TCP and ICMP
        expect(c.udp, where).toMatchObject({ sent: 5, received: 5 });
        expect(c.tcp?.connected, where).toBe(3);
        expect(c.icmp?.received, where).toBe(3);
        const plain = c.plane === 'host->host' || c.plane === 'pod->host';
        if (plain && subnetOf(c.from) !== subnetOf(c.to)) {
          across++;
          expect(c.sweep, where).toMatchObject({ largestPassing: 1472, smallestFailing: 1473 });
        } else {
          expect(c.sweep, where).toMatchObject({ largestPassing: SWEEP_MAX });
          expect(c.sweep?.smallestFailing, where).toBeUndefined();
        }
      }
      expect(across).toBe(2 * 8);
      expect(m.findings[0]).toMatchObject({ ruleId: 'mesh-cut', messageId: 'size' });
      expect(m.findings[0]!.message).toMatch(/^A device between 192\.168\.77\.0\/24 \(n1, n2\) and 192\.168\.78\.0\/24 \(n3, n4\) drops datagrams above 1472 bytes: 16 cells/);
      expect(m.findings).toHaveLength(1);
    } finally {
      await healFaults(LAB, 'router-size-limit');
    }
  });

  it("seed 003's rate blackhole on the router: with --max-rate, host ramps across the subnets lose and those within do not", async () => {
    await injectFault(LAB, 'router-rate-blackhole', { options: { rate: '4mbit', timeout: '3s' } });
    try {
      const m = await mesh([
        '--planes', 'host->host', '--count', '2', '--no-sweep', '--no-tcp', '--no-icmp',
        '--max-rate', '30mbit', '--ramp-duration', '10s', '--recovery-watch', '8s',
      ]);
      expect(m.errors).toEqual([]);
      const ramps = m.cells.filter((c) => c.stage === 'ramp');
      expect(ramps).toHaveLength(12);
      for (const c of ramps) {
        const where = `${c.from}->${c.to}`;
        if (subnetOf(c.from) === subnetOf(c.to)) {
          // clean all the way: to the cap, or to the end of its time
          expect(c.ramp?.lossOnsetBps, where).toBeUndefined();
          expect(['max-rate', 'max-duration'], where).toContain(c.ramp?.stoppedBy);
          expect(c.ramp!.steps.at(-1)!.rateBps, where).toBeGreaterThan(8_000_000);
        } else {
          expect(c.ramp?.lossOnsetBps, where).toBeGreaterThan(0);
        }
      }
      // somewhere across, the cut was total for a while: a blackhole, not plain loss
      expect(ramps.some((c) => subnetOf(c.from) !== subnetOf(c.to) && c.ramp?.blackhole)).toBe(true);
      expect(m.findings[0]).toMatchObject({ ruleId: 'mesh-cut', messageId: 'rate' });
      expect(m.findings[0]!.message).toMatch(/^A device between 192\.168\.77\.0\/24 \(n1, n2\) and 192\.168\.78\.0\/24 \(n3, n4\) cuts traffic above /);
    } finally {
      await healFaults(LAB, 'router-rate-blackhole');
    }
  }, 170_000);

  it("one node's bad UDP checksum: that node is named, its overlay cells failing, the underlay passing", async () => {
    await injectFault(LAB, 'bad-udp-checksum', { node: 'n2' });
    try {
      const m = await mesh();
      expect(m.findings[0]).toMatchObject({ ruleId: 'mesh-node', messageId: 'reach' });
      expect(m.findings[0]!.message).toMatch(/^n2 is the broken node: .*planes without failures: host->host$/);
      // n2's pod agent cannot answer the coordinator (its SYN-ACKs die at n1): given up after the
      // coordinator's own connect timeout, not the kernel's two minutes.
      expect(m.errors.map((e) => `${e.where} ${e.code} ${e.message}`)).toEqual([
        expect.stringMatching(/^n2\/pod 10\.244\.2\.2:7947 E_AGENT_UNREACHABLE no answer from the agent at http:\/\/10\.244\.2\.2:7947 \(TIMEOUT\)/),
      ]);
    } finally {
      await healFaults(LAB, 'bad-udp-checksum');
    }
  }, 240_000);

  it('forward-drop on one node: that node is named, pod plane only; --html draws it', async () => {
    await injectFault(LAB, 'forward-drop', { node: 'n4' });
    const dir = mkdtempSync(join(tmpdir(), 'pp-mesh-html-'));
    try {
      const m = await mesh([...DEFAULT_ARGS, '--html', join(dir, 'mesh.html')]);
      expect(m.findings[0]).toMatchObject({ ruleId: 'mesh-node', messageId: 'reach' });
      expect(m.findings[0]!.message).toMatch(/^n4 is the broken node: the pairs it receives on fail on host->pod, pod->pod .*planes without failures: host->host/);
      // The same run's HTML: the finding in both languages, n4's column outlined on the pod planes' loss maps.
      const page = readFileSync(join(dir, 'mesh.html'), 'utf8');
      expect(page).toContain('<span class="i" lang="zh">n4 是故障节点');
      expect(page).toMatch(/<section class="mesh-plane" data-plane="pod-&gt;pod"[\s\S]*?data-probe="loss"[\s\S]*?<title>mesh-node: node n4 \(its column: what it receives\)<\/title>/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
      await healFaults(LAB, 'forward-drop');
    }
  }, 240_000);

  it("one node's MTU below the others' (n3's eth0 1400): the sweep to n3 stops at 1376 bytes from every peer, and n3 is named with the limit", async () => {
    await injectFault(LAB, 'mtu-mismatch', { node: 'n1', peer: 'n3', options: { 'path-mtu': '1400', 'one-node': 'yes' } });
    try {
      const m = await mesh(['-k', String(K), '--count', '2', '--planes', 'host->host', '--no-tcp', '--no-icmp', '--sweep-max', '1500']);
      expect(m.errors).toEqual([]);
      for (const c of m.cells) {
        const where = `${c.from}->${c.to}`;
        expect(c.udp, where).toMatchObject({ sent: 2, received: 2 });
        // n3 itself sends what its MTU allows (its own kernel fragments); what others send it above it is lost on the way in
        if (c.to === 'n3') expect(c.sweep, where).toMatchObject({ largestPassing: 1376, smallestFailing: 1377 });
        else expect(c.sweep, where).toMatchObject({ largestPassing: 1500 });
      }
      expect(m.findings[0]).toMatchObject({ ruleId: 'mesh-node', messageId: 'size' });
      expect(m.findings[0]!.message).toMatch(/^n3 stops datagrams above 1376 bytes: the pairs it receives on fail on host->host \(3 cells\)/);
    } finally {
      await healFaults(LAB, 'mtu-mismatch');
    }
  });

  it('forward-drop on n4 with --trace --trace-rules: the kernel names NETFILTER_DROP and n4\'s FORWARD policy, and every change is undone', async () => {
    await injectFault(LAB, 'forward-drop', { node: 'n4' });
    try {
      // The coordinator on n4: its own pod is reached without crossing n4's FORWARD chain.
      const m = await mesh(['-k', String(K), '--count', '3', '--planes', 'host->pod', '--no-sweep', '--no-tcp', '--no-icmp', '--trace', '--trace-rules'], 3);
      expect(m.errors).toEqual([]);
      expect(m.traces.filter((t) => t.error)).toEqual([]);
      expect(m.traces.length).toBeGreaterThanOrEqual(4);
      expect(m.findings[0]).toMatchObject({ ruleId: 'mesh-kernel-drop', messageId: 'verdict' });
      expect(m.findings[0]!.message).toMatch(/^n4 drops the pod-plane probes: NETFILTER_DROP in table ip filter, chain FORWARD, policy drop \(at nft_do_chain; \d+ drops while 3 failing cells ran: /);
      // every change the agents made was printed with its undo, and undone
      const did = m.stderr.split('\n').filter((l) => / changed: /.test(l));
      const undone = m.stderr.split('\n').filter((l) => / undone: /.test(l));
      expect(did.length).toBeGreaterThan(0);
      expect(undone.length).toBe(did.length);
      expect(m.stderr).not.toMatch(/UNDO FAILED/);
      for (const n of plan.nodes) {
        const { stdout } = await pexec('ip', ['netns', 'exec', n.ns, 'nft', 'list', 'tables']);
        expect(stdout, n.name).not.toMatch(/podpath_trace/);
      }
      const pids = new Set((await readState(LAB))!.agents!.map((a) => String(a.pid)));
      const { readdirSync } = await import('node:fs');
      const instances = ['/sys/kernel/tracing/instances', '/sys/kernel/debug/tracing/instances'].flatMap((d) => {
        try {
          return readdirSync(d);
        } catch {
          return [];
        }
      });
      expect(instances.filter((i) => pids.has(i.replace(/^podpath-/, '')))).toEqual([]);
    } finally {
      await healFaults(LAB, 'forward-drop');
    }
  }, 60_000);

  it("one-way rp_filter on n2 (its way back to n3's pods by the router, strict rp_filter): n3 -> n2 named as one direction only, the receiver's rp_filter placed", async () => {
    await injectFault(LAB, 'rp-filter-strict', { node: 'n2', peer: 'n3' });
    try {
      const m = await mesh(['-k', String(K), '--count', '3', '--planes', 'host->host,host->pod', '--no-sweep', '--no-tcp', '--no-icmp']);
      const failing = m.cells.filter((c) => c.udp && c.udp.received < c.udp.sent).map((c) => `${c.plane} ${c.from}->${c.to}`);
      expect(failing).toContain('host->pod n3->n2');
      expect(failing).not.toContain('host->pod n2->n3');
      expect(failing.filter((c) => c.startsWith('host->host'))).toEqual([]);
      expect(m.findings[0]).toMatchObject({ ruleId: 'mesh-one-direction', messageId: 'reach' });
      expect(m.findings[0]!.message).toMatch(/^One direction only on host->pod: n3 -> n2 /);
      expect(JSON.stringify(m.findings[0])).toMatch(/loss placed at receiver-rp-filter: n2: \/proc\/net\/netstat IPReversePathFilter \+\d/);
    } finally {
      await healFaults(LAB, 'rp-filter-strict');
    }
  }, 120_000);

  it('lab agents down ends exactly the agents it started, and only once', async () => {
    const pids = (await readState(LAB))!.agents!.map((a) => a.pid);
    expect(pids).toHaveLength(8);
    expect(await labAgentsDown(LAB)).toBe(8);
    const alive = pids.filter((pid) => {
      try {
        process.kill(pid, 0);
        return true;
      } catch {
        return false;
      }
    });
    expect(alive).toEqual([]);
    expect(await labAgentsDown(LAB)).toBe(0);
    expect((await readState(LAB))!.agents).toEqual([]);
  });
});
