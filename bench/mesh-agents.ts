// A worker of the mesh bench: many podpath agents (UDP and TCP responders and the HTTP API, the
// real startAgent) in one process, each on its own loopback address, ports chosen by the kernel.
// Prints one JSON line with every agent's ports once all are up; stops them on SIGTERM.
import { startAgent, type RunningAgent } from '../src/agent/server.js';

const [addressList, key, token] = process.argv.slice(2);
if (!addressList || !key || !token) throw new Error('usage: mesh-agents.ts ADDR,ADDR,... KEY TOKEN');
const agents: RunningAgent[] = [];
const out: { address: string; port: number; apiPort: number }[] = [];
for (const address of addressList.split(',')) {
  const a = await startAgent({ key: Buffer.from(key), token, addresses: [address], probePort: 0, apiPort: 0, log: () => undefined });
  agents.push(a);
  out.push({ address, port: a.probePort, apiPort: a.apiPort });
}
process.stdout.write(JSON.stringify({ ready: out }) + '\n');
process.once('SIGTERM', () => {
  void Promise.all(agents.map((a) => a.stop())).then(() => process.exit(0));
});
