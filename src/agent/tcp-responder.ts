// The TCP side of the agent: accepts and closes, so a peer can time a handshake to a known port.
import net from 'node:net';

export class TcpResponder {
  private readonly servers: net.Server[] = [];
  accepted = 0;

  constructor(private readonly port: number, private readonly addresses: string[]) {}

  async start(): Promise<void> {
    for (const address of this.addresses) {
      const server = net.createServer((s) => {
        this.accepted++;
        s.on('error', () => {});
        s.end();
      });
      server.maxConnections = 256;
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(this.port, address, () => resolve());
      });
      this.servers.push(server);
    }
  }

  async stop(): Promise<void> {
    await Promise.all(this.servers.map((s) => new Promise<void>((r) => s.close(() => r()))));
  }
}
