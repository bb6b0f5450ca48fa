// CPU of one mesh pair on the agents' side, without the coordinator, HTTP or /proc: one agent's
// guarded probe (proof echo, 5 echoes, tally request; the round's path) to 16 real responders on
// 127.78.0.x, 32 at once, both ends in this process. Quicker and steadier than mesh.bench.ts for
// comparing two trees: run it alternately in each (`--root DIR`: the other tree's src/).
//
//   npx tsx bench/mesh-pair.bench.ts [--pairs 4000] [--root /path/to/other/checkout]
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const arg = (name: string, def: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1]! : def;
};
const ROOT = resolve(arg('root', '.'));
const PAIRS = Number(arg('pairs', '4000'));
const load = async <T>(p: string): Promise<T> => (await import(pathToFileURL(`${ROOT}/src/${p}`).href)) as T;

type Responder = { start(): Promise<void>; stop(): Promise<void>; boundPort: number };
const { UdpResponder } = await load<{ UdpResponder: new (o: { key: Buffer; port: number; addresses: string[] }) => Responder }>('probe/responder.ts');
const { runGuardedProbe } = await load<{ runGuardedProbe: (key: Buffer, r: unknown, allow: unknown, budget: unknown) => Promise<{ echo?: { received: number } }> }>('agent/guarded-probe.ts');
const { AllowList } = await load<{ AllowList: { parse(l: string[]): unknown } }>('agent/probe-policy.ts');
const { AgentProbeRequest } = await load<{ AgentProbeRequest: { parse(x: unknown): unknown } }>('api/probe-request.ts');

const key = Buffer.from('mesh-bench-key-0123456789abcdef');
const responders: Responder[] = [];
for (let i = 0; i < 16; i++) {
  const r = new UdpResponder({ key, port: 0, addresses: [`127.78.0.${i + 1}`] });
  await r.start();
  responders.push(r);
}
const allow = AllowList.parse([]);
const budget = { take: () => true };
const requests = responders.map((r, i) => AgentProbeRequest.parse({ host: `127.78.0.${i + 1}`, port: r.boundPort, source: '127.78.1.1', label: 'mesh', echo: { count: 5, size: 64 } }));

async function run(n: number): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: 32 }, async () => {
    while (next < n) {
      const i = next++;
      const res = await runGuardedProbe(key, requests[i % requests.length], allow, budget);
      if (res.echo?.received !== 5) throw new Error(`pair ${i}: ${res.echo?.received ?? 0} of 5 echoes back (a loaded machine?)`);
    }
  }));
}

await run(400); // warm-up
const t0 = process.cpuUsage();
const w0 = performance.now();
await run(PAIRS);
const u = process.cpuUsage(t0);
console.log(`${ROOT}: ${PAIRS} pairs, ${((u.user + u.system) / PAIRS).toFixed(0)} us CPU a pair (user ${(u.user / PAIRS).toFixed(0)}, sys ${(u.system / PAIRS).toFixed(0)}), ${((performance.now() - w0) / 1000).toFixed(1)} s wall`);
for (const r of responders) await r.stop();
