// Entry point of the `podpath` command: wiring only, every command lives in its own file.
import { Command, CommanderError } from 'commander';
import { VERSION } from '../util/version.js';
import { formatError, isPodpathError } from '../util/errors.js';
type Register = (program: Command) => void;

/**
 * Each command's module is loaded only when that command runs (or for --help, all of them): the
 * single-file bundle then evaluates only what the command needs, so `pcap analyze` or the agent do
 * not pay for the rules, the lab or the sources at start-up.
 */
const COMMANDS: { names: string[]; load: () => Promise<Register> }[] = [
  { names: ['doctor'], load: async () => (await import('./doctor.js')).registerDoctor },
  { names: ['collect'], load: async () => (await import('./collect.js')).registerCollect },
  { names: ['rules', 'explain'], load: async () => (await import('./rules.js')).registerRules },
  { names: ['diff'], load: async () => (await import('./diff.js')).registerDiff },
  { names: ['pcap'], load: async () => (await import('./pcap.js')).registerPcap },
  { names: ['probe'], load: async () => (await import('./probe.js')).registerProbe },
  { names: ['echo'], load: async () => (await import('./echo.js')).registerEcho },
  { names: ['agent'], load: async () => (await import('./agent.js')).registerAgent },
  { names: ['lab'], load: async () => (await import('./lab.js')).registerLab },
  { names: ['trace'], load: async () => (await import('./trace.js')).registerTrace },
];

export async function buildProgram(argv: string[] = process.argv): Promise<Command> {
  const program = new Command('podpath')
    .description('Finds out why pods on different Kubernetes nodes cannot talk, and says what to change.')
    .version(VERSION, '-V, --version')
    .showHelpAfterError(false)
    .exitOverride();
  const name = argv[2];
  const chosen = COMMANDS.filter((c) => name !== undefined && c.names.includes(name));
  for (const c of chosen.length > 0 ? chosen : COMMANDS) (await c.load())(program);
  return program;
}

export async function main(argv: string[]): Promise<number> {
  const program = await buildProgram(argv);
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
  // A reader that stops early (`podpath pcap analyze x | head`) closes the pipe: end quietly, as
  // other command-line tools do, instead of a stack trace for the EPIPE.
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(typeof process.exitCode === 'number' ? process.exitCode : 0);
    process.stderr.write(formatError(e) + '\n');
    process.exit(2);
  });
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
