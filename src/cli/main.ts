// Entry point of the `podpath` command: wiring only, every command lives in its own file.
import { Command, CommanderError } from 'commander';
import { VERSION } from '../util/version.js';
import { formatError, isPodpathError } from '../util/errors.js';
import { registerPcap } from './pcap.js';
import { registerCollect } from './collect.js';
import { registerDoctor } from './doctor.js';
import { registerRules } from './rules.js';
import { registerDiff } from './diff.js';
import { registerLab } from './lab.js';
import { registerProbe } from './probe.js';
import { registerAgent } from './agent.js';
import { registerEcho } from './echo.js';

export function buildProgram(): Command {
  const program = new Command('podpath')
    .description('Finds out why pods on different Kubernetes nodes cannot talk, and says what to change.')
    .version(VERSION, '-V, --version')
    .showHelpAfterError(false)
    .exitOverride();
  for (const register of [registerDoctor, registerCollect, registerRules, registerDiff, registerPcap, registerProbe, registerEcho, registerAgent, registerLab]) {
    register(program);
  }
  return program;
}

export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (e) {
    if (e instanceof CommanderError) {
      // --help and --version end here with code 0; usage errors already printed their line.
      return e.exitCode === 0 ? 0 : 2;
    }
    process.stderr.write(formatError(e) + '\n');
    if (process.env.PODPATH_DEBUG && e instanceof Error) process.stderr.write((e.stack ?? '') + '\n');
    return isPodpathError(e) ? e.exitCode : 2;
  }
}

const invokedDirectly = process.argv[1] !== undefined && /podpath(\.mjs)?$|main\.(ts|js)$/.test(process.argv[1]);
if (invokedDirectly) {
  main(process.argv).then(
    (code) => {
      process.exitCode = code;
    },
    (e: unknown) => {
      process.stderr.write(formatError(e) + '\n');
      process.exitCode = 2;
    },
  );
}
