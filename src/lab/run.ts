// Runs the lab's commands (ip, bridge, nft, tc, sysctl, ethtool, iptables) in a namespace, and
// turns any failure into one clear PodpathError naming the namespace, the command and its stderr.
import { spawn } from 'node:child_process';
import { PodpathError } from '../util/errors.js';
import type { Step } from './topology.js';

export interface RunResult {
  stdout: string;
  stderr: string;
  code: number;
}

/** argv as it really runs: `ip`/`bridge` take `-n NS`, everything else goes through `ip netns exec`. */
export function namespacedArgv(step: Step): string[] {
  if (!step.ns) return step.argv;
  const [cmd, ...rest] = step.argv;
  if (cmd === 'ip' || cmd === 'bridge') return [cmd, '-n', step.ns, ...rest];
  return ['ip', 'netns', 'exec', step.ns, ...step.argv];
}

export function describeStep(step: Step): string {
  return `${step.ns ? `[${step.ns}] ` : ''}${step.argv.join(' ')}`;
}

/** Runs a step; never throws, the caller decides. */
export function runRaw(step: Step, timeoutMs = 30_000): Promise<RunResult> {
  const [cmd, ...args] = namespacedArgv(step);
  return new Promise((resolve) => {
    const child = spawn(cmd!, args, { stdio: ['pipe', 'pipe', 'pipe'], timeout: timeoutMs });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', (e: NodeJS.ErrnoException) => resolve({ stdout, stderr: stderr + e.message, code: e.code === 'ENOENT' ? 127 : 1 }));
    child.on('close', (code, signal) => resolve({ stdout, stderr: signal ? `${stderr}killed by ${signal}` : stderr, code: code ?? 1 }));
    child.stdin.on('error', () => undefined);
    child.stdin.end(step.stdin ?? '');
  });
}

/** Runs a step and throws E_LAB_CMD (or E_LAB_TOOL when the program is missing) on failure. */
export async function run(step: Step, timeoutMs?: number): Promise<string> {
  const r = await runRaw(step, timeoutMs);
  if (r.code === 0) return r.stdout;
  if (r.code === 127) {
    throw new PodpathError('E_LAB_TOOL', `${step.argv[0]} is not installed (needed for: ${describeStep(step)})`);
  }
  const why = (r.stderr.trim() || r.stdout.trim() || `exit ${r.code}`).split('\n').slice(0, 3).join(' | ');
  throw new PodpathError('E_LAB_CMD', `${describeStep(step)} failed: ${why}`);
}

/** Runs steps one after the other. */
export async function runAll(steps: Step[]): Promise<void> {
  for (const s of steps) await run(s);
}

/** Runs steps of one phase together (they touch different namespaces). */
export async function runParallel(steps: Step[]): Promise<void> {
  const results = await Promise.allSettled(steps.map((s) => run(s)));
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
}

export function requireRoot(): void {
  if (typeof process.getuid === 'function' && process.getuid() !== 0) {
    throw new PodpathError('E_LAB_ROOT', 'the lab creates network namespaces: run it as root');
  }
}

export async function listNamespaces(): Promise<string[]> {
  const out = await run({ argv: ['ip', 'netns', 'list'] });
  return out.split('\n').map((l) => l.trim().split(/\s+/)[0] ?? '').filter((x) => x.length > 0);
}
