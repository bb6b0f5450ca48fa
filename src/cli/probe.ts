import type { Command } from 'commander';
import { probePeer } from '../probe/peer.js';
import { renderPeerReport } from '../probe/render.js';
import { loadApiToken, loadProbeKey } from '../agent/secrets.js';
import { DEFAULT_API_PORT, DEFAULT_PROBE_PORT } from '../agent/server.js';
import { parseDuration, parseRate } from '../util/units.js';
import { toPort } from './agent.js';

export function registerProbe(program: Command): void {
  program
    .command('probe <peer>')
    .description('probe a peer running `podpath agent`: UDP echo, size sweep, optional rate ramp, TCP, DNS; both directions, underlay and overlay; places each loss')
    .option('--overlay <address>', "the peer's overlay address (its flannel.1 / vxlan.calico address)")
    .option('--source <address>', "this node's underlay address (needed for the reverse direction)")
    .option('--overlay-source <address>', "this node's overlay address")
    .option('--peer-overlay-source <address>', "when --overlay is a pod on the peer: the peer's own VXLAN address, which its reverse probes leave from")
    .option('--port <n>', 'probe port', String(DEFAULT_PROBE_PORT))
    .option('--api-port <n>', "the peer agent's API port", String(DEFAULT_API_PORT))
    .option('--key-file <file>', 'shared probe key (else $PODPATH_KEY)')
    .option('--token-file <file>', 'agent API token (else $PODPATH_TOKEN)')
    .option('--count <n>', 'echo probes per path', '20')
    .option('--no-sweep', 'skip the datagram size sweep')
    .option('--sweep-max <bytes>', 'largest payload the sweep tries', '9000')
    .option('--max-rate <rate>', 'run the UDP rate ramp up to this rate (e.g. 30mbit); no ramp without it')
    .option('--ramp-duration <d>', 'cap on the ramp time', '30s')
    .option('--recovery-watch <d>', 'how long to wait for a blackholed path to come back', '30s')
    .option('--tcp-port <n>', 'time TCP handshakes to this port on the peer')
    .option('--dns <server>', 'DNS server to query over UDP and TCP (e.g. the cluster DNS service IP)')
    .option('--dns-name <name>', 'name to resolve', 'kubernetes.default.svc.cluster.local')
    .option('--no-reverse', 'probe only from here to the peer')
    .option('--json', 'print the report as JSON')
    .action(async (peer: string, o: Record<string, string | boolean | undefined>) => {
      const report = await probePeer({
        key: loadProbeKey(o.keyFile as string | undefined),
        token: loadApiToken(o.tokenFile as string | undefined),
        peer,
        peerOverlay: o.overlay as string | undefined,
        source: o.source as string | undefined,
        overlaySource: o.overlaySource as string | undefined,
        peerOverlaySource: o.peerOverlaySource as string | undefined,
        port: toPort(o.port as string),
        apiPort: toPort(o.apiPort as string),
        echoCount: Number(o.count),
        sweep: o.sweep !== false,
        sweepMax: Number(o.sweepMax),
        maxRateBps: o.maxRate ? parseRate(o.maxRate as string) : undefined,
        rampDurationMs: parseDuration(o.rampDuration as string),
        recoveryWatchMs: parseDuration(o.recoveryWatch as string),
        tcpPort: o.tcpPort ? toPort(o.tcpPort as string) : undefined,
        dns: o.dns ? { server: o.dns as string, name: o.dnsName as string } : undefined,
        reverse: o.reverse !== false,
      });
      process.stdout.write(o.json ? JSON.stringify(report, null, 2) + '\n' : renderPeerReport(report, process.stdout.isTTY));
      const bad = report.errors.length > 0 || report.directions.some((d) => (d.echoVerdict && d.echoVerdict.place !== 'delivered') || d.result.sweep?.smallestFailing !== undefined || d.result.ramp?.lossOnsetBps !== undefined);
      process.exitCode = report.errors.length ? 2 : bad ? 1 : 0;
    });
}
