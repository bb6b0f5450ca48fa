import type { Command } from 'commander';
import { startAgent, DEFAULT_API_PORT, DEFAULT_PROBE_PORT } from '../agent/server.js';
import { assertDistinctSecrets, loadApiToken, loadProbeKey } from '../agent/secrets.js';
import { PodpathError } from '../util/errors.js';
import { installProcessGuard } from '../agent/guard.js';
import { jsonLogger } from '../agent/log.js';
import { AllowList } from '../agent/probe-policy.js';

export function registerAgent(program: Command): void {
  program
    .command('agent')
    .description('run the node agent: authenticated UDP/TCP probe responder, HTTP API and /metrics')
    .requiredOption('--listen <addresses>', 'comma-separated addresses to bind (node IP, overlay address); never all addresses by default')
    .option('--port <n>', 'UDP and TCP probe port', String(DEFAULT_PROBE_PORT))
    .option('--api-port <n>', 'HTTP API port', String(DEFAULT_API_PORT))
    .option('--key-file <file>', 'shared probe key (else $PODPATH_KEY)')
    .option('--token-file <file>', 'HTTP API bearer token (else $PODPATH_TOKEN)')
    .option('--root <dir>', "read the node's files under this root (a lab node), for /v1/facts")
    .option('--allow-probe <cidrs>', 'addresses or CIDRs (comma-separated, repeatable) that API probe requests may target without proving to be a podpath agent, on any port; DNS queries go only to these', collect, [])
    .action(async (o: { listen: string; port: string; apiPort: string; keyFile?: string; tokenFile?: string; root?: string; allowProbe: string[] }) => {
      const addresses = o.listen.split(',').map((s) => s.trim()).filter(Boolean);
      if (!addresses.length) throw new PodpathError('E_USAGE', '--listen needs at least one address');
      const log = jsonLogger();
      const key = loadProbeKey(o.keyFile);
      const token = loadApiToken(o.tokenFile);
      assertDistinctSecrets(key, token);
      const agent = await startAgent({
        key, token, addresses, log,
        probePort: toPort(o.port), apiPort: toPort(o.apiPort), root: o.root, allowProbe: AllowList.parse(o.allowProbe),
      });
      await new Promise<void>((resolve) => {
        const stop = () => { agent.stop().then(resolve, resolve); };
        process.once('SIGTERM', stop);
        process.once('SIGINT', stop);
        // No request may end the agent (item 10 of issue 9): see guard.ts for what is kept.
        installProcessGuard(log, () => {
          process.exitCode = 2;
          stop();
        });
      });
    });
}

export function toPort(s: string): number {
  const n = Number(s);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new PodpathError('E_USAGE', `not a port: ${s}`);
  return n;
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}
