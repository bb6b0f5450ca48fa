// lab up / status / exec / down on real namespaces: healthy connectivity (ping, UDP, TCP) between
// pods across nodes and to the ClusterIP, measured build and teardown times, and no leftovers.
import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { missingRequirement } from '../helpers/env.js';
import { appeared, hostSnapshot } from '../lab/helpers.js';
import { labDown, labUp } from '../../src/lab/lifecycle.js';
import { DEFAULT_OPTIONS, type LabPlan } from '../../src/lab/topology.js';
import { ping, readSnmp, startTcpListener, stopProcess, tcpConnect, udpReaches } from '../../src/lab/traffic.js';
import { healFaults, injectFault } from '../../src/lab/faults/index.js';

const skip = missingRequirement({ root: true, tools: ['ip', 'nft', 'tcpdump', 'ping', 'bridge', 'iptables', 'ethtool'] });
const pexec = promisify(execFile);
const cli = (args: string[]) => pexec(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'lab', ...args], { cwd: process.cwd(), encoding: 'utf8' });

const LAB = 'e2elc';
const CAL = 'e2elcc';

describe.skipIf(skip)('lab lifecycle', () => {
  afterAll(async () => {
    await labDown(LAB).catch(() => undefined);
    await labDown(CAL).catch(() => undefined);
  });

  it('builds a 3-node flannel lab fast, with nothing outside its namespaces, and removes it without leftovers', async () => {
    const before = hostSnapshot();
    const { state, ms: upMs } = await labUp({ ...DEFAULT_OPTIONS, name: LAB, nodes: 3, service: true });
    const during = hostSnapshot();
    const ours = during.namespaces.filter((n) => n.startsWith(`pplab-${LAB}-`));
    expect(ours).toEqual(['n1', 'n1p1', 'n2', 'n2p1', 'n3', 'n3p1', 'sw'].map((x) => `pplab-${LAB}-${x}`));
    // Nothing of the lab in the host's namespace: no link, no nftables table.
    expect(appeared(before.links, during.links)).toEqual([]);
    expect(appeared(before.nftTables, during.nftTables)).toEqual([]);
    for (const n of state.plan.nodes) expect(existsSync(`${n.root}/run/flannel/subnet.env`)).toBe(true);

    try {
      await checkHealthy(state.plan);
    } catch (e) {
      await labDown(LAB);
      throw e;
    }

    // A process left inside a lab namespace would keep it (and its links) alive after netns del.
    const sleeper = spawn('ip', ['netns', 'exec', `pplab-${LAB}-n2p1`, 'sleep', '60'], { stdio: 'ignore' });
    const sleeperGone = new Promise<NodeJS.Signals | null>((r) => sleeper.once('exit', (_c, sig) => r(sig)));
    await new Promise((r) => setTimeout(r, 200));
    const down = await labDown(LAB);
    expect(down.killed).toContain(sleeper.pid);
    expect(await sleeperGone).toBe('SIGTERM');
    const after = hostSnapshot();
    console.log(`[lab-lifecycle] 3-node flannel lab: up ${upMs.toFixed(0)} ms, down ${down.ms.toFixed(0)} ms`);
    expect(down.removed).toHaveLength(7);
    expect(after.namespaces.filter((n) => n.startsWith('pplab-'))).toEqual(before.namespaces.filter((n) => n.startsWith('pplab-')));
    expect(appeared(before.links, after.links)).toEqual([]);
    expect(appeared(before.nftTables, after.nftTables)).toEqual([]);
    expect(appeared(before.namespaces, after.namespaces)).toEqual([]);
    expect(existsSync(state.plan.dir)).toBe(false);
    // The brief's goals (< 5 s up, < 2 s down) are measured by bench/lab.bench.ts, not asserted here.
  });

  it('drives the lab through the CLI: up --json, status, exec with the node root, refuses a second up, down is idempotent and leaves namespaces it has no record of', async () => {
    const up = JSON.parse((await cli(['up', '--name', LAB, '--nodes', '2', '--underlay', 'veth', '--json'])).stdout) as { plan: LabPlan; ms: number };
    expect(up.plan.nodes).toHaveLength(2);
    const status = JSON.parse((await cli(['status', '--name', LAB, '--json'])).stdout) as { nodes: { vtep: { port: number; vni: number; mac: string } }[]; faults: unknown[] };
    expect(status.nodes.map((n) => n.vtep)).toEqual(up.plan.nodes.map((n) => expect.objectContaining({ port: 8472, vni: 1, mac: n.vtep.mac })));
    expect(status.faults).toEqual([]);
    const exec = await cli(['exec', '--name', LAB, 'n1', '--', 'sh', '-c', 'echo $PODPATH_ROOT; ip -o addr show dev flannel.1']);
    expect(exec.stdout).toContain(up.plan.nodes[0]!.root);
    expect(exec.stdout).toContain('10.244.1.0/32');
    await expect(cli(['up', '--name', LAB, '--nodes', '2', '--underlay', 'veth'])).rejects.toMatchObject({ stderr: expect.stringContaining('E_LAB_EXISTS') });

    // fault / status / heal through the CLI, option parsing included.
    const fault = (await cli(['fault', 'stale-vtep-mac', '--name', LAB, '--node', 'n2', '--mac', '0e:00:00:00:00:42'])).stdout;
    expect(fault).toMatch(/fault stale-vtep-mac injected on n2/);
    expect(fault).toMatch(/0e:00:00:00:00:42/);
    expect(fault).toMatch(/check: not visible/);
    const withFault = JSON.parse((await cli(['status', '--name', LAB, '--json'])).stdout) as { faults: { name: string; node: string }[]; nodes: { vtep: { mac: string } }[] };
    expect(withFault.faults).toMatchObject([{ name: 'stale-vtep-mac', node: 'n2' }]);
    expect(withFault.nodes[1]!.vtep.mac).toBe('0e:00:00:00:00:42');
    await expect(cli(['fault', 'ip-forward-off', '--name', LAB, '--rate', '1mbit'])).rejects.toMatchObject({ stderr: expect.stringContaining('E_LAB_OPTION') });
    expect((await cli(['heal', '--name', LAB])).stdout).toBe('healed: stale-vtep-mac\n');
    expect((JSON.parse((await cli(['status', '--name', LAB, '--json'])).stdout) as { nodes: { vtep: { mac: string } }[] }).nodes[1]!.vtep.mac).toBe(up.plan.nodes[1]!.vtep.mac);

    // Down removes what the state recorded; another engineer's look-alike namespace survives.
    await pexec('ip', ['netns', 'add', `pplab-${LAB}x-n1`]);
    try {
      const down = await cli(['down', '--name', LAB]);
      expect(down.stdout).toMatch(/4 namespace\(s\) removed/);
      expect(hostSnapshot().namespaces).toContain(`pplab-${LAB}x-n1`);
      expect((await cli(['down', '--name', LAB])).stdout).toMatch(/0 namespace\(s\) removed \(nothing recorded in /);
    } finally {
      await pexec('ip', ['netns', 'del', `pplab-${LAB}x-n1`]);
    }
    expect(hostSnapshot().namespaces.filter((n) => n.startsWith(`pplab-${LAB}`))).toEqual([]);
    // Namespaces whose state is gone (its directory deleted by hand) are not the lab's any more:
    // down leaves them and says so (a lab killed while building keeps its state: lab-down-safety).
    await cli(['up', '--name', LAB, '--nodes', '2', '--underlay', 'veth', '--pods', '0']);
    await pexec('rm', ['-rf', up.plan.dir]);
    try {
      const orphan = await cli(['down', '--name', LAB]);
      expect(orphan.stdout).toMatch(/0 namespace\(s\) removed \(nothing recorded in .*\)\n {2}left alone, not made by this lab .*: pplab-e2elc-n1, pplab-e2elc-n2\n/);
    } finally {
      for (const ns of [`pplab-${LAB}-n1`, `pplab-${LAB}-n2`]) await pexec('ip', ['netns', 'del', ns]);
    }
  });

  it('builds a Calico VXLAN lab (vxlan.calico, VNI 4096, port 4789, routed /32 pods) over a direct veth', async () => {
    const { state } = await labUp({ ...DEFAULT_OPTIONS, name: CAL, nodes: 2, cni: 'calico-vxlan', underlay: 'veth', pods: 2 });
    const [n1, n2] = state.plan.nodes;
    expect(n1!.vtep).toMatchObject({ dev: 'vxlan.calico', vni: 4096, port: 4789 });
    const link = (await pexec('ip', ['-n', n1!.ns, '-d', 'link', 'show', 'vxlan.calico'], { encoding: 'utf8' })).stdout;
    expect(link).toMatch(/vxlan id 4096 local 192\.168\.77\.11 dev eth0 .*dstport 4789 nolearning/);
    for (const [a, b] of [[n1!.pods[0]!, n2!.pods[1]!], [n2!.pods[0]!, n1!.pods[1]!], [n1!.pods[0]!, n1!.pods[1]!]] as const) {
      expect(await ping(a.ns, b.ip), `${a.name} -> ${b.name}`).toBe(true);
      expect(await udpReaches(a.ns, b.ns, b.ip, 5000, 1200)).toBe(true);
    }
    const srv = await startTcpListener(n2!.pods[0]!.ns, 8080);
    try {
      expect(await tcpConnect(n1!.pods[0]!.ns, n2!.pods[0]!.ip, 8080)).toBe(true);
    } finally {
      await stopProcess(srv, 'SIGTERM');
    }
    await expect(injectFault(CAL, 'underlay-size-limit')).rejects.toMatchObject({ code: 'E_LAB_FAULT_UNDERLAY' });
    // Faults follow the CNI: Calico's port 4789 and vxlan.calico.
    const before = (await readSnmp(n2!.ns))['Udp:InCsumErrors'] ?? 0;
    await injectFault(CAL, 'bad-udp-checksum');
    expect(await ping(n1!.pods[0]!.ns, n2!.pods[0]!.ip)).toBe(false);
    expect((await readSnmp(n2!.ns))['Udp:InCsumErrors']).toBeGreaterThan(before);
    await healFaults(CAL);
    const mismatch = await injectFault(CAL, 'vxlan-port-mismatch');
    expect(mismatch.notes.join(' ')).toMatch(/vxlan\.calico recreated with dstport 8472/);
    expect(await ping(n1!.pods[0]!.ns, n2!.pods[0]!.ip)).toBe(false);
    await healFaults(CAL);
    expect(await ping(n1!.pods[0]!.ns, n2!.pods[0]!.ip)).toBe(true);
    await labDown(CAL);
  });
});

async function checkHealthy(plan: LabPlan): Promise<void> {
  const pods = plan.nodes.map((n) => n.pods[0]!);
  for (const a of pods) {
    for (const b of pods) {
      if (a === b) continue;
      expect(await ping(a.ns, b.ip), `ping ${a.name} -> ${b.name}`).toBe(true);
      // Largest unfragmented payload the overlay carries: 1450 - 28.
      expect(await ping(a.ns, b.ip, { size: 1422 }), `ping -s 1422 ${a.name} -> ${b.name}`).toBe(true);
      expect(await udpReaches(a.ns, b.ns, b.ip, 5000, 1400), `udp ${a.name} -> ${b.name}`).toBe(true);
    }
  }
  const backend = pods[pods.length - 1]!;
  const srv = await startTcpListener(backend.ns, 80);
  try {
    expect(await tcpConnect(pods[0]!.ns, backend.ip, 80), 'tcp pod -> pod').toBe(true);
    expect(await tcpConnect(plan.nodes[0]!.ns, plan.service!.clusterIp, 80), 'tcp node -> ClusterIP').toBe(true);
    expect(await tcpConnect(pods[0]!.ns, plan.service!.clusterIp, 80), 'tcp pod -> ClusterIP').toBe(true);
  } finally {
    await stopProcess(srv, 'SIGTERM');
  }
  expect(await udpReaches(plan.nodes[0]!.ns, backend.ns, plan.service!.clusterIp, 53, 100), 'udp node -> ClusterIP:53').toBe(true);
}
