// `podpath echo server|client`: the seed 000 operators' UDP echo script, built in, so a node needs
// nothing else to show whether plain UDP crosses between two hosts.
import type { Command } from 'commander';
import dgram from 'node:dgram';
import readline from 'node:readline';
import { PodpathError } from '../util/errors.js';
import { toPort } from './agent.js';

export function registerEcho(program: Command): void {
  const echo = program.command('echo').description('plain UDP echo server and interactive client (the seed 000 test)');
  echo
    .command('server <port>')
    .description('echo every datagram back to its sender')
    .option('--listen <address>', 'address to bind', '0.0.0.0')
    .action(async (port: string, o: { listen: string }) => {
      const s = dgram.createSocket(o.listen.includes(':') ? 'udp6' : 'udp4');
      s.on('message', (msg, r) => {
        log(`received from ${r.address}:${r.port}: ${JSON.stringify(msg.toString('utf8'))}`);
        s.send(msg, r.port, r.address); // the same bytes back: never more than received
      });
      await new Promise<void>((resolve, reject) => {
        s.once('error', (e: NodeJS.ErrnoException) => reject(new PodpathError('E_BIND', `cannot bind ${o.listen}:${port}: ${e.code}`)));
        s.bind(toPort(port), o.listen, () => resolve());
      });
      log(`server listening on UDP ${o.listen}:${s.address().port}`);
      await new Promise<void>((resolve) => {
        process.once('SIGINT', () => { s.close(); resolve(); });
        process.once('SIGTERM', () => { s.close(); resolve(); });
      });
    });
  echo
    .command('client <target>')
    .description('send each line typed (or piped) to HOST:PORT and print the echo, waiting up to --timeout')
    .option('--timeout <ms>', 'wait for each echo', '2000')
    .action(async (target: string, o: { timeout: string }) => {
      const m = /^\[?([^\]]+?)\]?:(\d+)$/.exec(target);
      if (!m) throw new PodpathError('E_USAGE', `expected HOST:PORT, got "${target}"`);
      const [host, port] = [m[1]!, toPort(m[2]!)];
      const s = dgram.createSocket(host.includes(':') ? 'udp6' : 'udp4');
      const rl = readline.createInterface({ input: process.stdin, terminal: process.stdin.isTTY });
      log(`client target UDP ${host}:${port} (type a message and press Enter)`);
      let lost = 0;
      let echoed = 0;
      const ask = () => { if (process.stdin.isTTY) process.stdout.write('>>> '); };
      ask();
      for await (const line of rl) {
        if (!line) { ask(); continue; }
        const reply = await new Promise<Buffer | undefined>((resolve) => {
          const timer = setTimeout(() => { s.off('message', on); resolve(undefined); }, Number(o.timeout));
          const on = (msg: Buffer) => { clearTimeout(timer); s.off('message', on); resolve(msg); };
          s.on('message', on);
          s.send(Buffer.from(line, 'utf8'), port, host);
        });
        if (reply) { echoed++; log(`server echoed: ${JSON.stringify(reply.toString('utf8'))}`); }
        else { lost++; log(`no echo within ${o.timeout} ms`); }
        ask();
      }
      s.close();
      log(`bye: ${echoed} echoed, ${lost} without echo`);
      if (lost > 0) process.exitCode = 1;
    });
}

function log(msg: string): void {
  process.stdout.write(`${new Date().toISOString()} ${msg}\n`);
}
