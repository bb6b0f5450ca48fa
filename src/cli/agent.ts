import type { Command } from 'commander';
import { DEFAULT_API_PORT, DEFAULT_PROBE_PORT } from '../probe/ports.js';
import { toPort } from './port-arg.js';
import { assertDistinctSecrets, loadApiToken, loadProbeKey } from '../agent/secrets.js';
import { PodpathError } from '../util/errors.js';
import { LIMITS } from '../util/limits.js';
import { installProcessGuard } from '../agent/guard.js';
import { jsonLogger } from '../agent/log.js';
import { AllowList } from '../agent/probe-policy.js';
import { loadTlsFiles, selfSignedTls, type TlsMaterial } from '../agent/tls.js';
import { MIN_BACKGROUND_INTERVAL_MS, parseBackgroundPeers } from '../agent/background.js';
import { parseDuration } from '../util/units.js';

interface AgentCliOptions {
  listen: string; port: string; apiPort: string; keyFile?: string; tokenFile?: string; root?: string; allowProbe?: string[];
  tlsCert?: string; tlsKey?: string; tlsSelfSigned?: boolean;
  backgroundPeers?: string[]; backgroundInterval: string;
}

function tlsFrom(o: AgentCliOptions, addresses: string[]): TlsMaterial | undefined {
  if (o.tlsSelfSigned && (o.tlsCert || o.tlsKey)) throw new PodpathError('E_USAGE', '--tls-self-signed makes its own certificate: give it, or --tls-cert and --tls-key, not both');
  if (o.tlsSelfSigned) return selfSignedTls(addresses);
  if (!o.tlsCert !== !o.tlsKey) throw new PodpathError('E_USAGE', '--tls-cert and --tls-key go together');
  return o.tlsCert && o.tlsKey ? loadTlsFiles(o.tlsCert, o.tlsKey) : undefined;
}

const mib = (n: number) => `${n / (1024 * 1024)} MiB`;
const AGENT_HELP = `
Probe requests (POST /v1/probe) take IP addresses only and go only to another podpath agent,
proven first by a signed echo (at most 3 datagrams of 44 bytes), or to --allow-probe addresses.
Limits: ${mib(LIMITS.agentProbeRequestBytes.value)} a request, ${mib(LIMITS.agentProbeMinuteBytes.value)} and ${LIMITS.agentProbeRequestsPerMinute.value} requests a minute (429 ${LIMITS.agentProbeRequestBytes.code},
${LIMITS.agentProbeMinuteBytes.code}, ${LIMITS.agentProbeRequestsPerMinute.code}); one probe at a time (409 E_BUSY); bodies of ${LIMITS.agentBody.value} bytes (413).
Connections: ${LIMITS.agentConnectionsPerSource.value} per source address, ${LIMITS.agentConnections.value} in all; an authorized request's headers within
${LIMITS.agentHeadersTimeout.value} s of connecting, the whole request within ${LIMITS.agentRequestTimeout.value} s, or the connection is closed.
Mesh rounds (POST /v1/mesh/round, from \`podpath mesh\`): at most ${LIMITS.meshPeersPerRound.value} peers, k of them at once, each proven
first; ${LIMITS.meshRoundsPerMinute.value} rounds a minute (429 ${LIMITS.meshRoundsPerMinute.code}) within the same byte budgets; at most ${LIMITS.meshFailedProofsPerMinute.value} targets a
minute may fail to prove to be agents (then nothing is sent to an unproven one). The lock above covers them.`;

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
    .option('--allow-probe <cidrs>', 'addresses or CIDRs (comma-separated, repeatable) that API probe requests may target without proving to be a podpath agent, on any port; DNS queries go only to these', collect)
    .option('--tls-cert <file>', 'serve the API over TLS with this PEM certificate (with --tls-key; e.g. from a Kubernetes Secret)')
    .option('--tls-key <file>', 'the PEM private key of --tls-cert')
    .option('--tls-self-signed', 'serve the API over TLS with a key and self-signed certificate made at start; its SHA-256 fingerprint is logged (agent.tls) for clients to pin with --tls-fingerprint')
    .option('--background-peers <peers>', `probe these peers (IP or IP:port, comma-separated, at most ${LIMITS.backgroundPeers.value}) in the background and export podpath_probe_* series for them only`, collect)
    .option('--background-interval <d>', 'how often each background peer gets its few echoes (a size sweep every 10th time)', '30s')
    .addHelpText('after', AGENT_HELP)
    .action(async (o: AgentCliOptions) => {
      const addresses = o.listen.split(',').map((s) => s.trim()).filter(Boolean);
      if (!addresses.length) throw new PodpathError('E_USAGE', '--listen needs at least one address');
      const log = jsonLogger();
      const key = loadProbeKey(o.keyFile);
      const token = loadApiToken(o.tokenFile);
      assertDistinctSecrets(key, token);
      const tls = tlsFrom(o, addresses);
      // Printed before the listeners start, so the fingerprint is known even if binding fails.
      if (tls) log('agent.tls', { fingerprint256: tls.fingerprint256, selfSigned: tls.selfSigned });
      const probePort = toPort(o.port);
      const peers = parseBackgroundPeers(o.backgroundPeers ?? [], probePort || DEFAULT_PROBE_PORT);
      const intervalMs = parseDuration(o.backgroundInterval);
      if (peers.length && intervalMs < MIN_BACKGROUND_INTERVAL_MS) throw new PodpathError('E_USAGE', `--background-interval is at least ${MIN_BACKGROUND_INTERVAL_MS / 1000}s`);
      // Imported here: doctor, probe and mesh share this file's option parsing (toPort) and do not
      // evaluate the agent's server (and prom-client) at start-up.
      const { startAgent } = await import('../agent/server.js');
      const agent = await startAgent({
        key, token, addresses, log, tls,
        probePort, apiPort: toPort(o.apiPort), root: o.root, allowProbe: AllowList.parse(o.allowProbe ?? []),
        ...(peers.length ? { background: { peers, intervalMs } } : {}),
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


function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}
