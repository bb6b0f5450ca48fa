// Entry point of the `podpath` command: wiring only, every command lives in its own file.
import { realpathSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Command, CommanderError } from 'commander';
import { VERSION } from '../util/version.js';
import { formatError as formatErrorRaw, isPodpathError, PodpathError } from '../util/errors.js';
import { oneLine } from '../util/terminal-safe.js';
import { isSea, programName } from './entry.js';
type Register = (program: Command) => void;

/** Error messages name files and values from the input: one line, no control characters, bounded. */
function formatError(e: unknown): string {
  const line = formatErrorRaw(e);
  return oneLine(line.length > 2000 ? `${line.slice(0, 2000)}… (${line.length - 2000} more characters)` : line);
}

/**
 * Each command's module is loaded only when that command runs (or for --help, all of them): the
 * single-file bundle then evaluates only what the command needs, so `pcap analyze` or the agent do
 * not pay for the rules, the lab or the sources at start-up.
 */
const COMMANDS: { names: string[]; load: () => Promise<Register> }[] = [
  { names: ['doctor'], load: async () => (await import('./doctor.js')).registerDoctor },
  { names: ['collect'], load: async () => (await import('./collect.js')).registerCollect },
  { names: ['rules', 'explain'], load: async () => (await import('./rules.js')).registerRules },
  { names: ['diff'], load: async () => (await import('./node-diff.js')).registerNodeDiff },
  { names: ['pcap'], load: async () => (await import('./pcap.js')).registerPcap },
  { names: ['probe'], load: async () => (await import('./probe.js')).registerProbe },
  { names: ['mesh'], load: async () => (await import('./mesh.js')).registerMesh },
  { names: ['echo'], load: async () => (await import('./echo.js')).registerEcho },
  { names: ['agent'], load: async () => (await import('./agent.js')).registerAgent },
  { names: ['lab'], load: async () => (await import('./lab.js')).registerLab },
  { names: ['cluster'], load: async () => (await import('./cluster.js')).registerCluster },
  { names: ['trace'], load: async () => (await import('./trace.js')).registerTrace },
  { names: ['report'], load: async () => (await import('./report.js')).registerReport },
];

export async function buildProgram(argv: string[] = process.argv): Promise<Command> {
  const program = new Command(programName(argv))
    .description('Finds out why pods on different Kubernetes nodes cannot talk, and says what to change.')
    .version(VERSION, '-V, --version')
    .showHelpAfterError(false)
    // Commander's own `error: ...` lines are not printed: main() prints them in the README's
    // `podpath: E_USAGE: ...` form (subcommands inherit this output configuration).
    .configureOutput({ outputError: () => undefined })
    .exitOverride();
  const name = argv[2];
  // `--version` needs no command; anything else that names none (--help, a typo) lists them all.
  if (name === '--version' || name === '-V') return program;
  const chosen = COMMANDS.filter((c) => name !== undefined && c.names.includes(name));
  for (const c of chosen.length > 0 ? chosen : COMMANDS) (await c.load())(program);
  return program;
}

/** The subcommand the arguments name (`pcap analyze`), for the `--help` hint. */
function commandPath(program: Command, argv: string[]): string {
  const names = ['podpath'];
  let cmd = program;
  for (const token of argv.slice(2)) {
    if (token.startsWith('-')) continue;
    const sub = cmd.commands.find((c) => c.name() === token || c.aliases().includes(token));
    if (!sub) break;
    names.push(sub.name());
    cmd = sub;
  }
  return names.join(' ');
}

/** A commander usage error as one `podpath: E_USAGE: ...` line with a hint to --help. */
export function usageError(e: CommanderError, program: Command, argv: string[]): string {
  // Commander puts its suggestion on a second line; any other line break is the user's argument (escaped by formatError).
  const message = e.message.replace(/^error: /, '').replace(/\n(?=\(Did you mean)/, ' ').trimEnd().replace(/\.$/, '');
  return formatError(new PodpathError('E_USAGE', `${message}; see \`${commandPath(program, argv)} --help\``));
}

export async function main(argv: string[]): Promise<number> {
  const program = await buildProgram(argv);
  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (e) {
    if (e instanceof CommanderError) {
      // --help and --version end here with code 0; a missing subcommand has printed the help.
      if (e.exitCode === 0 || e.code === 'commander.help' || e.code === 'commander.helpDisplayed') return e.exitCode === 0 ? 0 : 2;
      process.stderr.write(usageError(e, program, argv) + '\n');
      return 2;
    }
    process.stderr.write(formatError(e) + '\n');
    if (process.env.PODPATH_DEBUG && e instanceof Error) process.stderr.write((e.stack ?? '') + '\n');
    return isPodpathError(e) ? e.exitCode : 2;
  }
}

/**
 * True when node was asked to run this very file (whatever it is called: `podpath-0.1.0.mjs`, a
 * symlink on PATH, `node ../podpath.mjs`), false when a test imports it. Node runs the main module
 * from its real path, so both sides are compared as real paths, not by name.
 */
export function isMainModule(argv1: string | undefined, moduleUrl: string): boolean {
  if (argv1 === undefined || !moduleUrl.startsWith('file:')) return false;
  try {
    return realpathSync(argv1) === realpathSync(fileURLToPath(moduleUrl));
  } catch {
    return false;
  }
}

const invokedDirectly = isSea() || isMainModule(process.argv[1], import.meta.url);
if (invokedDirectly) {
  // Tests measure podpath's peak memory from outside: the kernel's figure for this process, in KiB.
  const rssFile = process.env.PODPATH_MAXRSS_FILE;
  if (rssFile) process.on('exit', () => writeFileSync(rssFile, String(process.resourceUsage().maxRSS)));
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
