// Shared guards for tests that need root or a system tool: they skip with a visible reason
// locally, and fail in CI (CI=true) where everything must run.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

export function isRoot(): boolean {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}

export function haveTool(tool: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${tool}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/**
 * Returns a reason to skip, or undefined when everything is there. In CI a missing requirement
 * throws instead, so CI never passes by skipping.
 */
export function missingRequirement(opts: { root?: boolean; tools?: string[]; paths?: string[] }): string | undefined {
  const missing: string[] = [];
  if (opts.root && !isRoot()) missing.push('root');
  for (const t of opts.tools ?? []) if (!haveTool(t)) missing.push(t);
  // Data a test reads from outside the repository (../shared): as required as a tool.
  for (const p of opts.paths ?? []) if (!existsSync(p)) missing.push(p);
  if (missing.length === 0) return undefined;
  const reason = `needs ${missing.join(', ')}`;
  if (process.env.CI) throw new Error(`CI must run every test, but this one ${reason}`);
  console.warn(`[skipped] ${reason}`);
  return reason;
}
