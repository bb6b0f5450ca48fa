// How podpath was started: as a single executable application (the check in main.ts must then
// run whatever the file is called), and under which name usage is printed.
import { basename } from 'node:path';

/**
 * True inside a Node single executable application. process.getBuiltinModule (Node >= 20.16)
 * works the same in the ESM bundle, the CommonJS SEA build and from source; older Nodes have no
 * SEA podpath ships, so false there.
 */
export function isSea(): boolean {
  const getBuiltin = (process as { getBuiltinModule?: (id: string) => unknown }).getBuiltinModule;
  try {
    return getBuiltin ? (getBuiltin('node:sea') as { isSea(): boolean } | undefined)?.isSea() === true : false;
  } catch {
    return false;
  }
}

/** `kubectl podpath` when run as the kubectl plugin (kubectl runs `kubectl-podpath` from PATH). */
export function programName(argv: string[] = process.argv, env: NodeJS.ProcessEnv = process.env): string {
  const self = argv[1] ? basename(argv[1]) : '';
  return env.PODPATH_KUBECTL_PLUGIN === '1' || self.startsWith('kubectl-podpath') ? 'kubectl podpath' : 'podpath';
}
