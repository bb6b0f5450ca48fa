// `podpath` on PATH inside lab nodes: `lab exec n1 -- podpath doctor` runs the very podpath that
// runs `lab exec` (same node binary, same entry file, same loader flags), through a small sh
// script in the lab's own directory. Nothing is installed on the host.
import { chmod, mkdir, realpath, rename, writeFile } from 'node:fs/promises';
import { delimiter, isAbsolute, join } from 'node:path';
import { shellJoin } from '../util/shell-quote.js';

/** The command that starts this podpath again: node, its flags, the entry file (a real path). */
export async function selfArgv(): Promise<string[]> {
  const entry = process.argv[1];
  if (!entry) throw new Error('podpath was not started from a file');
  const flags: string[] = [];
  const args = process.execArgv;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    flags.push(a);
    // `--import tsx` (a development run) names a package relative to where node started: pin it to
    // a file so the shim works from any directory.
    if ((a === '--import' || a === '--loader' || a === '--experimental-loader') && i + 1 < args.length) {
      flags.push(resolveSpecifier(args[++i]!));
    }
  }
  return [process.execPath, ...flags, await realpath(entry)];
}

function resolveSpecifier(spec: string): string {
  if (isAbsolute(spec) || spec.startsWith('file:') || spec.startsWith('.')) return spec;
  try {
    return import.meta.resolve(spec);
  } catch {
    return spec;
  }
}

export function shimScript(argv: string[]): string {
  return `#!/bin/sh\n# podpath as started by \`podpath lab exec\` (written by the lab; removed by lab down)\nexec ${shellJoin(argv)} "$@"\n`;
}

/** Writes `<lab dir>/bin/podpath` (atomically: a parallel `lab exec` may be reading it); returns the bin dir. */
export async function writeShim(labDir: string): Promise<string> {
  const bin = join(labDir, 'bin');
  await mkdir(bin, { recursive: true, mode: 0o755 });
  const tmp = join(bin, `.podpath.${process.pid}`);
  await writeFile(tmp, shimScript(await selfArgv()), { mode: 0o755 });
  await chmod(tmp, 0o755);
  await rename(tmp, join(bin, 'podpath'));
  return bin;
}

/** PATH for a command in a lab node: the shim first, then the caller's PATH. */
export function pathWithShim(bin: string, path = process.env.PATH): string {
  return [bin, path || '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'].join(delimiter);
}
