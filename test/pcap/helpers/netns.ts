// Network namespaces for capture tests: created by the test, removed in afterAll even when the
// test failed; every name starts with the test's prefix (ppb-...). Traffic stays inside them.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import { afterAll, beforeAll } from 'vitest';

export function sh(cmd: string, input?: string): string {
  return execFileSync('sh', ['-c', cmd], { encoding: 'utf8', input, stdio: ['pipe', 'pipe', 'pipe'] });
}

export class Lab {
  private readonly procs: ChildProcess[] = [];
  private readonly namespaces: string[] = [];

  constructor(readonly prefix: string) {}

  ns(name: string): string {
    return `${this.prefix}-${name}`;
  }

  addNamespaces(...names: string[]): void {
    for (const n of names) {
      const ns = this.ns(n);
      sh(`ip netns del ${ns} 2>/dev/null || true; ip netns add ${ns}`);
      this.namespaces.push(ns);
      sh(`ip -n ${ns} link set lo up`);
    }
  }

  /** A veth pair created directly inside the two namespaces (no name in the root namespace). */
  veth(nsA: string, ifA: string, nsB: string, ifB: string): void {
    sh(`ip link add ${ifA} netns ${this.ns(nsA)} type veth peer name ${ifB} netns ${this.ns(nsB)}`);
    sh(`ip -n ${this.ns(nsA)} link set ${ifA} up; ip -n ${this.ns(nsB)} link set ${ifB} up`);
  }

  exec(ns: string, cmd: string, input?: string): string {
    return sh(`ip netns exec ${this.ns(ns)} sh -c '${cmd.replace(/'/g, `'\\''`)}'`, input);
  }

  /** Starts tcpdump writing `file`; resolves once it listens. */
  async capture(ns: string, iface: string, file: string, filter = 'ip'): Promise<ChildProcess> {
    // -B: a 16 MB kernel buffer, so a burst on a busy machine is not dropped by the capture.
    // --immediate-mode: with TPACKET_V3 a block is handed over only when full or after its timeout,
    // and a capture stopped right after a short burst would lose the whole unretired block.
    const p = spawn('ip', ['netns', 'exec', this.ns(ns), 'tcpdump', '-i', iface, '-B', '16384', '--immediate-mode', '-U', '-n', '-w', file, filter], { stdio: ['ignore', 'ignore', 'pipe'] });
    this.procs.push(p);
    await new Promise<void>((resolve, reject) => {
      let err = '';
      const timer = setTimeout(() => reject(new Error(`tcpdump did not start: ${err}`)), 10_000);
      p.stderr!.on('data', (d: Buffer) => {
        err += d.toString();
        if (err.includes('listening on')) {
          clearTimeout(timer);
          resolve();
        }
      });
      p.on('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`tcpdump exited (${code}): ${err}`));
      });
    });
    return p;
  }

  /** Stops a capture so that it flushes its file. */
  async stop(p: ChildProcess): Promise<void> {
    if (p.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      p.once('exit', () => resolve());
      p.kill('SIGINT');
    });
  }

  /** Runs a Node script inside a namespace to its end. */
  async node(ns: string, script: string, timeoutMs = 30_000): Promise<string> {
    const p = spawn('ip', ['netns', 'exec', this.ns(ns), process.execPath, '-e', script], { stdio: ['ignore', 'pipe', 'pipe'] });
    this.procs.push(p);
    let out = '';
    let err = '';
    p.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    p.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => p.kill('SIGKILL'), timeoutMs);
      p.on('exit', (code) => {
        clearTimeout(timer);
        if (code === 0) resolve(out);
        else reject(new Error(`node in ${ns} exited ${code}: ${err}`));
      });
    });
  }

  cleanup(): void {
    for (const p of this.procs) if (p.exitCode === null && p.signalCode === null) p.kill('SIGKILL');
    for (const ns of this.namespaces) {
      try {
        sh(`ip netns del ${ns}`);
      } catch {
        // already gone
      }
    }
  }
}

/**
 * Runs `setup` before the tests of a describe block; removes the namespaces afterwards, and at once
 * when setup fails (a half-built lab must not outlive it), and the capture directory unless
 * PPB_KEEP=1 (then it says where the captures are, for a look with tshark).
 */
export function setupLab(lab: Lab, dir: string, setup: () => Promise<void>): void {
  beforeAll(async () => {
    try {
      await setup();
    } catch (e) {
      lab.cleanup();
      throw e;
    }
  });
  afterAll(() => {
    lab.cleanup();
    if (process.env.PPB_KEEP) console.log(`captures kept in ${dir}`);
    else rmSync(dir, { recursive: true, force: true });
  });
}

/**
 * A Node script that sends UDP datagrams on a schedule: [at seconds, payload bytes, port, count]
 * entries, `count` datagrams back to back at that time.
 */
export function udpSchedule(dst: string, plan: [number, number, number, number][]): string {
  return `
const s = require('dgram').createSocket('udp4');
const plan = ${JSON.stringify(plan)};
const t0 = Date.now();
let i = 0;
function tick() {
  const now = (Date.now() - t0) / 1000;
  while (i < plan.length && plan[i][0] <= now) {
    const [, size, port, count] = plan[i++];
    for (let k = 0; k < count; k++) s.send(Buffer.alloc(size, 0x61), port, ${JSON.stringify(dst)});
  }
  if (i < plan.length) setTimeout(tick, Math.max(0, Math.min(5, plan[i][0] * 1000 - (Date.now() - t0))));
  else setTimeout(() => s.close(), 200);
}
tick();
`;
}
