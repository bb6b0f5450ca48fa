// Probe benchmarks (issue: probes): size sweep time on a healthy link, the rate ramp sender's
// packet rate against iperf3's on the same link in the same run, and the agent's idle footprint.
// Run as root: npx tsx bench/probe.bench.ts
import { spawn, execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { makePair } from './netns.js';

const key = 'bench-key-0123456789abcdef';
const token = 'bench-token-0123456789abcdef';
const env = { ...process.env, PODPATH_KEY: key, PODPATH_TOKEN: token };

async function main(): Promise<void> {
  const pair = makePair('ppg-bench');
  try {
    // The agent as users run it: the single-file bundle.
    if (!existsSync('dist/podpath.mjs')) execFileSync('npm', ['run', 'build'], { stdio: 'inherit' });
    const agent = spawn('ip', ['netns', 'exec', pair.b, process.execPath, 'dist/podpath.mjs', 'agent', '--listen', pair.addrB], { env });
    await new Promise<void>((resolve) => agent.stdout.on('data', (d: Buffer) => { if (d.toString().includes('agent.started')) resolve(); }));
    const agentPid = findPid(`dist/podpath.mjs agent --listen ${pair.addrB}`);

    const idleStatus = agentPid ? readFileSync(`/proc/${agentPid}/status`, 'utf8') : '';
    // 1. Size sweep on a healthy link (goal: < 3 s per pair).
    const t0 = performance.now();
    const sweep = JSON.parse(execFileSync('ip', ['netns', 'exec', pair.a, process.execPath, '--import', 'tsx', '-e', `
      import { sizeSweep } from './src/probe/size-sweep.ts';
      const r = await sizeSweep({ key: Buffer.from('${key}'), host: '${pair.addrB}', port: 7946, max: 9000 });
      console.log(JSON.stringify(r));`], { encoding: 'utf8', env })) as { largestPassing: number; tries: unknown[] };
    const sweepMs = performance.now() - t0;
    console.log(`size sweep: largest ${sweep.largestPassing} bytes in ${sweep.tries.length} tries, ${(sweepMs / 1000).toFixed(2)} s including node start-up (goal < 3 s)`);

    // 2. Rate: podpath's paced sender flat out vs iperf3 -u on the same link, same datagram size.
    const seconds = 3;
    const size = 1000;
    const ours = JSON.parse(execFileSync('ip', ['netns', 'exec', pair.a, process.execPath, '--import', 'tsx', '-e', `
      import { ProbeClient } from './src/probe/client.ts';
      import { sendPaced } from './src/probe/rate-ramp.ts';
      const c = await ProbeClient.open(Buffer.from('${key}'), '${pair.addrB}', 7946);
      const r = await sendPaced(c, 50e9, ${size}, ${seconds * 1000});
      c.close();
      console.log(JSON.stringify(r));`], { encoding: 'utf8', env })) as { sent: number; elapsedMs: number };
    const oursPps = ours.sent / (ours.elapsedMs / 1000);
    const iperfServer = spawn('ip', ['netns', 'exec', pair.b, 'iperf3', '-s', '-1', '-B', pair.addrB]);
    await new Promise((r) => setTimeout(r, 500));
    const iperf = JSON.parse(execFileSync('ip', ['netns', 'exec', pair.a, 'iperf3', '-u', '-c', pair.addrB, '-b', '0', '-l', String(size), '-t', String(seconds), '-J'], { encoding: 'utf8' })) as { end: { sum: { packets: number; seconds: number } } };
    iperfServer.kill();
    const iperfPps = iperf.end.sum.packets / iperf.end.sum.seconds;
    console.log(`ramp sender: podpath ${Math.round(oursPps)} pkt/s, iperf3 ${Math.round(iperfPps)} pkt/s (${size}-byte datagrams), ratio ${(oursPps / iperfPps).toFixed(2)} (goal >= 0.5)`);

    // 3. Agent idle: RSS and CPU over 10 s with no traffic.
    if (agentPid) {
      const cpu = () => { const f = readFileSync(`/proc/${agentPid}/stat`, 'utf8').split(') ')[1]!.split(' '); return Number(f[11]) + Number(f[12]); };
      const c0 = cpu();
      await new Promise((r) => setTimeout(r, 10_000));
      const ticks = cpu() - c0;
      const status = readFileSync(`/proc/${agentPid}/status`, 'utf8');
      const kb = (name: string) => Number(new RegExp(`${name}:\\s+(\\d+)`).exec(status)![1]) / 1024;
      // RSS counts the node binary's own mapped pages (RssFile, shared with every node process);
      // RssAnon is the memory the agent itself uses.
      const idleKb = (name: string) => Number(new RegExp(`${name}:\\s+(\\d+)`).exec(idleStatus)?.[1] ?? 0) / 1024;
      console.log(`agent idle after start: RSS ${idleKb('VmRSS').toFixed(1)} MB = RssAnon ${idleKb('RssAnon').toFixed(1)} MB + RssFile ${idleKb('RssFile').toFixed(1)} MB (node itself: ~39 MB, 34 MB of it its own binary)`);
      console.log(`agent idle after the sweep and a ${Math.round(oursPps)} pkt/s flood: RSS ${kb('VmRSS').toFixed(1)} MB (goal < 30 MB) = RssAnon ${kb('RssAnon').toFixed(1)} MB + RssFile ${kb('RssFile').toFixed(1)} MB; CPU ${((ticks / 100 / 10) * 100).toFixed(2)} % over 10 s (goal < 1 %)`);
    }
    agent.kill('SIGTERM');
  } finally {
    pair.cleanup();
  }
}

function findPid(pattern: string): number | undefined {
  try {
    const out = execFileSync('pgrep', ['-f', '-n', pattern], { encoding: 'utf8' }).trim();
    return out ? Number(out) : undefined;
  } catch {
    return undefined;
  }
}

await main();
