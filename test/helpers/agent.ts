// Starts `podpath agent` as a user runs it (a separate process, real sockets on loopback) on ports
// the kernel picks, and reads its JSON log lines: tests never collide on fixed ports.
import { spawn, type ChildProcess } from 'node:child_process';
import { podpathArgs } from './podpath.js';

export const AGENT_ENV = { ...process.env, PODPATH_KEY: 'hostile-test-key-0123456789', PODPATH_TOKEN: 'hostile-test-token-0123456789' };
export const CLI = podpathArgs();

export interface SpawnedAgent {
  child: ChildProcess;
  probePort: number;
  apiPort: number;
  /** Every JSON line the agent logged so far, parsed. */
  lines: Record<string, unknown>[];
  stderr: () => string;
  base: string;
  stop(): Promise<number | null>;
}

/** `wrap`: a command that runs the agent, as `ip netns exec NS` runs it in a namespace. */
export async function spawnAgent(args: string[], env: NodeJS.ProcessEnv = AGENT_ENV, wrap: string[] = []): Promise<SpawnedAgent> {
  const [command, ...argv] = [...wrap, process.execPath, ...CLI, 'agent', '--port', '0', '--api-port', '0', ...args];
  const child = spawn(command!, argv, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: Record<string, unknown>[] = [];
  let err = '';
  let partial = '';
  child.stderr!.on('data', (d: Buffer) => { err += d.toString(); });
  const started = new Promise<Record<string, unknown>>((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => {
      partial += d.toString();
      const parts = partial.split('\n');
      partial = parts.pop()!;
      for (const p of parts) {
        try {
          const line = JSON.parse(p) as Record<string, unknown>;
          lines.push(line);
          if (line.event === 'agent.started') resolve(line);
        } catch { /* not a JSON line */ }
      }
    });
    child.once('exit', (code) => reject(new Error(`agent exited ${code}: ${err}`)));
  });
  const s = await started;
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  const address = (args[args.indexOf('--listen') + 1] ?? '127.0.0.1').split(',')[0]!;
  const scheme = args.includes('--tls-self-signed') || args.includes('--tls-cert') ? 'https' : 'http';
  return {
    child, lines, stderr: () => err,
    probePort: s.probePort as number, apiPort: s.apiPort as number,
    base: `${scheme}://${address}:${s.apiPort as number}`,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}

export const auth = { authorization: `Bearer ${AGENT_ENV.PODPATH_TOKEN}` };
