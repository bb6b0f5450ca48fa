// `podpath echo server|client`: flags and the terminal; the sockets are the use case's (app/echo.ts).
import type { Command } from 'commander';
import readline from 'node:readline';
import { parseEchoTarget, runEchoClient, runEchoServer } from '../app/echo.js';
import { toPort } from './port-arg.js';

export function registerEcho(program: Command): void {
  const echo = program.command('echo').description('plain UDP echo server and interactive client (the seed 000 test)');
  echo
    .command('server <port>')
    .description('echo every datagram back to its sender')
    .option('--listen <address>', 'address to bind', '0.0.0.0')
    .action(async (port: string, o: { listen: string }) => {
      const stop = new Promise<void>((resolve) => {
        process.once('SIGINT', () => resolve());
        process.once('SIGTERM', () => resolve());
      });
      await runEchoServer({ listen: o.listen, port: toPort(port), log, stop });
    });
  echo
    .command('client <target>')
    .description('send each line typed (or piped) to HOST:PORT and print the echo, waiting up to --timeout')
    .option('--timeout <ms>', 'wait for each echo', '2000')
    .action(async (target: string, o: { timeout: string }) => {
      const { host, port } = parseEchoTarget(target);
      const lines = readline.createInterface({ input: process.stdin, terminal: process.stdin.isTTY });
      const prompt = () => { if (process.stdin.isTTY) process.stdout.write('>>> '); };
      const { lost } = await runEchoClient({ host, port: toPort(port), timeoutMs: Number(o.timeout), lines, log, prompt });
      if (lost > 0) process.exitCode = 1;
    });
}

function log(msg: string): void {
  process.stdout.write(`${new Date().toISOString()} ${msg}\n`);
}
