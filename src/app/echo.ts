// `podpath echo server|client`: the seed 000 operators' UDP echo script, built in, so a node needs
// nothing else to show whether plain UDP crosses between two hosts. The use case: sockets and
// counting here; the CLI gives it the port, the lines to send and where to log.
import dgram from 'node:dgram';
import { PodpathError } from '../util/errors.js';

export type EchoLog = (message: string) => void;

/** Echoes every datagram back to its sender until `stop` resolves. */
export async function runEchoServer(o: { listen: string; port: number; log: EchoLog; stop: Promise<void> }): Promise<void> {
  const s = dgram.createSocket(o.listen.includes(':') ? 'udp6' : 'udp4');
  s.on('message', (msg, r) => {
    o.log(`received from ${r.address}:${r.port}: ${JSON.stringify(msg.toString('utf8'))}`);
    s.send(msg, r.port, r.address); // the same bytes back: never more than received
  });
  await new Promise<void>((resolve, reject) => {
    s.once('error', (e: NodeJS.ErrnoException) => reject(new PodpathError('E_BIND', `cannot bind ${o.listen}:${o.port}: ${e.code}`)));
    s.bind(o.port, o.listen, () => resolve());
  });
  o.log(`server listening on UDP ${o.listen}:${s.address().port}`);
  await o.stop;
  s.close();
}

/** `HOST:PORT` or `[v6]:PORT`. */
export function parseEchoTarget(target: string): { host: string; port: string } {
  const m = /^\[?([^\]]+?)\]?:(\d+)$/.exec(target);
  if (!m) throw new PodpathError('E_USAGE', `expected HOST:PORT, got "${target}"`);
  return { host: m[1]!, port: m[2]! };
}

export interface EchoClientOutcome {
  echoed: number;
  lost: number;
}

/** Sends each non-empty line and waits up to `timeoutMs` for its echo. */
export async function runEchoClient(o: {
  host: string; port: number; timeoutMs: number; lines: AsyncIterable<string>; log: EchoLog; prompt?: () => void;
}): Promise<EchoClientOutcome> {
  const s = dgram.createSocket(o.host.includes(':') ? 'udp6' : 'udp4');
  o.log(`client target UDP ${o.host}:${o.port} (type a message and press Enter)`);
  const out: EchoClientOutcome = { echoed: 0, lost: 0 };
  o.prompt?.();
  try {
    for await (const line of o.lines) {
      if (!line) { o.prompt?.(); continue; }
      const reply = await new Promise<Buffer | undefined>((resolve) => {
        const timer = setTimeout(() => { s.off('message', on); resolve(undefined); }, o.timeoutMs);
        const on = (msg: Buffer) => { clearTimeout(timer); s.off('message', on); resolve(msg); };
        s.on('message', on);
        s.send(Buffer.from(line, 'utf8'), o.port, o.host);
      });
      if (reply) { out.echoed++; o.log(`server echoed: ${JSON.stringify(reply.toString('utf8'))}`); }
      else { out.lost++; o.log(`no echo within ${o.timeoutMs} ms`); }
      o.prompt?.();
    }
  } finally {
    s.close();
  }
  o.log(`bye: ${out.echoed} echoed, ${out.lost} without echo`);
  return out;
}
