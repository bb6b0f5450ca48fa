// lab up / lab down for 3 nodes (goals: < 5 s and < 2 s), against the same plan run as a plain
// sequential script (one ip/bridge/nft process per step, one `ip netns del` per namespace).
// Run as root: npx tsx bench/lab.bench.ts
import { execFileSync } from 'node:child_process';
import { labDown, labUp } from '../src/lab/lifecycle.js';
import { buildPhases, planLab } from '../src/lab/topology.js';
import { namespacedArgv } from '../src/lab/run.js';
import { listNamespaces } from '../src/lab/run.js';

const RUNS = 5;
const options = { name: 'ppbench', nodes: 3, cni: 'flannel' as const, underlay: 'bridge' as const, pods: 1, mtu: 1500, service: true };

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function main(): Promise<void> {
  await labDown(options.name).catch(() => undefined);
  const ups: number[] = [];
  const downs: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    ups.push((await labUp(options)).ms);
    downs.push((await labDown(options.name)).ms);
  }
  // The peer: the same steps, one process each, one after the other.
  const plan = planLab(options);
  const peerUps: number[] = [];
  const peerDowns: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    let t0 = performance.now();
    for (const phase of buildPhases(plan)) {
      for (const step of phase) {
        const argv = namespacedArgv(step);
        execFileSync(argv[0]!, argv.slice(1), { input: step.stdin, stdio: ['pipe', 'ignore', 'ignore'] });
      }
    }
    peerUps.push(performance.now() - t0);
    t0 = performance.now();
    for (const ns of (await listNamespaces()).filter((n) => n.startsWith(`pplab-${options.name}-`))) execFileSync('ip', ['netns', 'del', ns]);
    peerDowns.push(performance.now() - t0);
  }
  await labDown(options.name).catch(() => undefined);
  const up = median(ups);
  const down = median(downs);
  console.log(`lab up   (3 nodes, bridge, --service): podpath ${up.toFixed(0)} ms, sequential script ${median(peerUps).toFixed(0)} ms, ratio ${(median(peerUps) / up).toFixed(1)}x; goal < 5000 ms: ${up < 5000 ? 'met' : 'NOT met'}`);
  console.log(`lab down (7 namespaces):                podpath ${down.toFixed(0)} ms, sequential script ${median(peerDowns).toFixed(0)} ms, ratio ${(median(peerDowns) / down).toFixed(1)}x; goal < 2000 ms: ${down < 2000 ? 'met' : 'NOT met'}`);
}

await main();
