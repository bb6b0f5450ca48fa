// Processes a test starts inside a lab's network namespaces (podpath agents, small servers), and the
// wait until an agent's API answers. One per test file; `stopAll` in its afterAll.
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { promisify } from 'node:util';

const pexec = promisify(execFile);

export interface NetnsProcesses {
  /** `node ARGS` inside the namespace, with the file's environment; output drained. */
  startIn(ns: string, args: string[]): ChildProcess;
  /** Waits (30 s at most) until the agent at address:7947 answers /v1/counters with the token. */
  agentReady(ns: string, address: string): Promise<void>;
  stopAll(): void;
}

export function netnsProcesses(env: NodeJS.ProcessEnv, token: string): NetnsProcesses {
  const children: ChildProcess[] = [];
  return {
    startIn(ns, args) {
      const child = spawn('ip', ['netns', 'exec', ns, process.execPath, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
      child.stdout?.resume();
      child.stderr?.resume();
      children.push(child);
      return child;
    },
    async agentReady(ns, address) {
      const deadline = Date.now() + 30_000;
      for (;;) {
        const ok = await pexec('ip', ['netns', 'exec', ns, 'curl', '-sf', '-H', `authorization: Bearer ${token}`, `http://${address}:7947/v1/counters`]).then(() => true, () => false);
        if (ok) return;
        if (Date.now() > deadline) throw new Error(`agent on ${address} did not come up`);
        await new Promise((r) => setTimeout(r, 300));
      }
    },
    stopAll() {
      for (const c of children) c.kill('SIGKILL');
    },
  };
}
