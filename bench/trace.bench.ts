// The cost of `podpath trace` on traffic that is not dropped: UDP echo throughput (packets/s,
// podpath's own probe client and responder from src/probe/) between two namespaces, without the
// tracer, with it (skb:kfree_skb, protocol == 2048), and with device attribution (which also
// enables net:netif_receive_skb for every received packet), alternating, printing the ratios.
// Run as root, under the shared lock: flock /tmp/pp-netns.lock npx tsx bench/trace.bench.ts
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { makePair } from './netns.js';

const KEY = 'bench-key-0123456789abcdef';
const PORT = 7947;
const SECONDS = Number(process.env.SECONDS_PER_RUN ?? 5);
const ROUNDS = Number(process.env.ROUNDS ?? 2);

function echoRate(ns: string, host: string): number {
  const out = execFileSync('ip', ['netns', 'exec', ns, process.execPath, '--import', 'tsx', '-e', `
    import { ProbeClient } from './src/probe/client.ts';
    const c = await ProbeClient.open(Buffer.from('${KEY}'), '${host}', ${PORT});
    const end = performance.now() + ${SECONDS * 1000};
    let replies = 0;
    // 32 requests in flight: each reply sends the next one.
    await Promise.all(Array.from({ length: 32 }, async () => {
      while (performance.now() < end) if (await c.echo(64, 1000)) replies++;
    }));
    c.close();
    console.log(replies / ${SECONDS});`], { encoding: 'utf8' });
  return Number(out.trim());
}

/** The rate-ramp's paced sender flat out (asked for 10 Gbit/s of 1400-byte probes): datagrams it sent per second. */
function rampSendRate(ns: string, host: string): number {
  const out = execFileSync('ip', ['netns', 'exec', ns, process.execPath, '--import', 'tsx', '-e', `
    import { ProbeClient } from './src/probe/client.ts';
    import { sendPaced } from './src/probe/rate-ramp.ts';
    const c = await ProbeClient.open(Buffer.from('${KEY}'), '${host}', ${PORT});
    const r = await sendPaced(c, 10e9, 1400, ${SECONDS * 1000});
    c.close();
    console.log(r.sent / (r.elapsedMs / 1000));`], { encoding: 'utf8' });
  return Number(out.trim());
}

async function startTracer(args: string[]): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'trace', '--for', '600s', '--baseline', '0', ...args, '-o', 'json'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  await new Promise<void>((resolve, reject) => {
    child.stderr!.on('data', (d: Buffer) => { err += d.toString(); if (err.includes('podpath: tracing ')) resolve(); });
    child.once('close', () => reject(new Error(`tracer ended: ${err}`)));
  });
  return child;
}

async function stopTracer(child: ChildProcess): Promise<number> {
  let out = '';
  child.stdout!.on('data', (d: Buffer) => { out += d.toString(); });
  const closed = new Promise<void>((r) => child.once('close', () => r()));
  child.kill('SIGINT');
  await closed;
  const t = JSON.parse(out) as { windows: { drops: { total: number }[] }[] };
  return t.windows.flatMap((w) => w.drops).reduce((a, d) => a + d.total, 0);
}

async function main(): Promise<void> {
  const pair = makePair('pptr-bench');
  const responder = spawn('ip', ['netns', 'exec', pair.b, process.execPath, '--import', 'tsx', '-e', `
    import { UdpResponder } from './src/probe/responder.ts';
    const r = new UdpResponder({ key: Buffer.from('${KEY}'), port: ${PORT}, addresses: ['${pair.addrB}'], repliesPerSecond: 1e7, replyBurst: 1e7 });
    await r.start();
    console.log('ready');
    setInterval(() => {}, 1 << 30);`], { stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    await new Promise<void>((resolve) => responder.stdout!.on('data', (d: Buffer) => { if (d.toString().includes('ready')) resolve(); }));
    const results: Record<string, number[]> = { off: [], kfree_skb: [], 'kfree_skb + devices': [] };
    const ramp: Record<string, number[]> = { off: [], kfree_skb: [], 'kfree_skb + devices': [] };
    for (let round = 0; round < ROUNDS; round++) {
      results.off!.push(echoRate(pair.a, pair.addrB));
      ramp.off!.push(rampSendRate(pair.a, pair.addrB));
      for (const [name, args] of [['kfree_skb', []], ['kfree_skb + devices', ['--devices']]] as const) {
        const tracer = await startTracer([...args]);
        const rate = echoRate(pair.a, pair.addrB);
        const sent = rampSendRate(pair.a, pair.addrB);
        const drops = await stopTracer(tracer);
        results[name]!.push(rate);
        ramp[name]!.push(sent);
        console.log(`round ${round + 1} ${name}: ${Math.round(rate)} echoes/s, ramp sender ${Math.round(sent)} datagrams/s (${drops} drops traced meanwhile, host-wide)`);
      }
      console.log(`round ${round + 1} off: ${Math.round(results.off!.at(-1)!)} echoes/s, ramp sender ${Math.round(ramp.off!.at(-1)!)} datagrams/s`);
    }
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    const off = mean(results.off!);
    console.log(`UDP echo, 64-byte probes, 32 in flight, ${SECONDS} s x ${ROUNDS} rounds each, namespaces ${pair.a} -> ${pair.b}:`);
    console.log(`  tracer off:                     ${Math.round(off)} echoes/s`);
    for (const name of ['kfree_skb', 'kfree_skb + devices']) {
      const on = mean(results[name]!);
      console.log(`  tracer on (${name}):${' '.repeat(20 - name.length)}${Math.round(on)} echoes/s, ratio on/off ${(on / off).toFixed(3)}`);
    }
    const rampOff = mean(ramp.off!);
    console.log(`Rate-ramp sender flat out (1400-byte probes, asked for 10 Gbit/s), ${SECONDS} s x ${ROUNDS} rounds each:`);
    console.log(`  tracer off:                     ${Math.round(rampOff)} datagrams/s`);
    for (const name of ['kfree_skb', 'kfree_skb + devices']) {
      const on = mean(ramp[name]!);
      console.log(`  tracer on (${name}):${' '.repeat(20 - name.length)}${Math.round(on)} datagrams/s, ratio on/off ${(on / rampOff).toFixed(3)}`);
    }
  } finally {
    responder.kill('SIGTERM');
    pair.cleanup();
  }
}

await main();
