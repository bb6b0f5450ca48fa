// The probe options `podpath probe` and `podpath doctor --peer` share: one definition, one reading.
import type { Command } from 'commander';
import { assertDistinctSecrets, loadApiToken, loadProbeKey } from '../agent/secrets.js';
import { DEFAULT_API_PORT, DEFAULT_PROBE_PORT } from '../probe/ports.js';
import type { PeerProbeOptions } from '../probe/peer.js';
import { parseDuration, parseRate } from '../util/units.js';
import { toPort } from './port-arg.js';
import type { AgentTlsOptions } from '../api/client.js';
import { normalizeFingerprint } from '../agent/tls.js';
import { readSmallFile } from '../agent/small-file.js';
import { LIMITS } from '../util/limits.js';
import { PodpathError } from '../util/errors.js';
import type { ProbeTraceOptions } from '../app/probe-trace.js';
import { parsePorts } from '../sources/tracefs/rule-trace.js';

export interface ProbeCliOptions {
  overlay?: string;
  source?: string;
  overlaySource?: string;
  peerOverlaySource?: string;
  port: string;
  apiPort: string;
  keyFile?: string;
  tokenFile?: string;
  count: string;
  sweep: boolean;
  sweepMax: string;
  maxRate?: string;
  rampDuration: string;
  recoveryWatch: string;
  tcpPort?: string;
  dns?: string;
  dnsName: string;
  tls?: boolean;
  tlsFingerprint?: string;
  tlsCa?: string;
  trace?: boolean;
  traceRules?: string | boolean;
  traceBaseline: string;
}

export function addProbeOptions(cmd: Command): Command {
  return cmd
    .option('--overlay <address>', "the peer's overlay address (its flannel.1 / vxlan.calico address, or a pod running the agent)")
    .option('--source <address>', "this node's underlay address (doctor: the VXLAN device's local address by default)")
    .option('--overlay-source <address>', "this node's overlay address (doctor: the VXLAN device's address by default)")
    .option('--peer-overlay-source <address>', "when --overlay is a pod on the peer: the peer's own VXLAN address, which its reverse probes leave from")
    .option('--port <n>', 'probe port', String(DEFAULT_PROBE_PORT))
    .option('--api-port <n>', "the peer agent's API port", String(DEFAULT_API_PORT))
    .option('--key-file <file>', 'shared probe key (else $PODPATH_KEY)')
    .option('--token-file <file>', 'agent API token (else $PODPATH_TOKEN)')
    .option('--count <n>', 'echo probes per path', '20')
    .option('--no-sweep', 'skip the datagram size sweep')
    .option('--sweep-max <bytes>', 'largest payload the sweep tries', '9000')
    .option('--max-rate <rate>', 'also ramp UDP up to this rate (e.g. 30mbit); no ramp without it')
    .option('--ramp-duration <d>', 'cap on the ramp time (the policer estimate after a blackhole included)', '60s')
    .option('--recovery-watch <d>', 'how long to wait for a blackholed path to come back', '30s')
    .option('--tcp-port <n>', 'time TCP handshakes to this port on the peer')
    .option('--dns <server>', 'DNS server to query over UDP and TCP (e.g. the cluster DNS service IP)')
    .option('--dns-name <name>', 'name to resolve', 'kubernetes.default.svc.cluster.local')
    .option('--tls', "talk to the peer agent's API over TLS (it runs with --tls-cert/--tls-key or --tls-self-signed)")
    .option('--tls-fingerprint <sha256>', "with --tls: the SHA-256 fingerprint of the agent's certificate (64 hex digits, colons allowed); checked before the token is sent, a mismatch is E_TLS_PIN")
    .option('--tls-ca <file>', 'with --tls and no fingerprint: the PEM CA to verify the agent certificate with (else the system CAs)')
    .option('--trace', "trace the kernel's drops (skb:kfree_skb) on this node and, through its agent, on the peer around each probe: the drops rules then name where each loss died; every change to either host is printed with its undo and undone")
    .option('--trace-rules [ports]', 'with --trace: also trace the packet filter (a temporary nftables table, or iptables-legacy TRACE) for these ports on both nodes, to name the table, chain and rule (default: the probe port, 8472, 4789)')
    .option('--trace-baseline <d>', 'with --trace: a quiet window before each probe, to tell its drops from the usual ones', '1s');
}

/** The --trace options, or undefined without --trace (nothing is enabled then). */
export function probeTraceFrom(o: ProbeCliOptions, say: (line: string) => void): ProbeTraceOptions | undefined {
  if (!o.trace) {
    if (o.traceRules !== undefined) throw new PodpathError('E_USAGE', '--trace-rules needs --trace');
    return undefined;
  }
  const rulePorts = o.traceRules === undefined ? undefined
    : o.traceRules === true ? [...new Set([toPort(o.port), 8472, 4789])]
      : parsePorts(String(o.traceRules));
  return {
    baselineMs: parseDuration(o.traceBaseline),
    rulePorts,
    onChange: (node, e) => {
      const who = node === 'local' ? 'this node' : 'the peer';
      if (e.type === 'did') say(`${who}: changed: ${e.did}   (undo: ${e.undo})`);
      else if (e.type === 'undone') say(`${who}: undone: ${e.undo}`);
      else if (e.type === 'undo-failed') say(`${who}: UNDO FAILED: ${e.undo}: ${e.error} (run it by hand)`);
      else say(`${who}: removed what a crashed run left: ${e.what}: ${e.did}${e.error ? ` (failed: ${e.error})` : ''}`);
    },
  };
}

/** Reads the shared options (and the key and token) into what probePeer takes. */
export function probeOptionsFrom(peer: string, o: ProbeCliOptions): PeerProbeOptions {
  const key = loadProbeKey(o.keyFile);
  const token = loadApiToken(o.tokenFile);
  assertDistinctSecrets(key, token);
  return {
    peer,
    key,
    token,
    peerOverlay: o.overlay,
    source: o.source,
    overlaySource: o.overlaySource,
    peerOverlaySource: o.peerOverlaySource,
    port: toPort(o.port),
    apiPort: toPort(o.apiPort),
    echoCount: Number(o.count),
    sweep: o.sweep !== false,
    sweepMax: Number(o.sweepMax),
    maxRateBps: o.maxRate ? parseRate(o.maxRate) : undefined,
    rampDurationMs: parseDuration(o.rampDuration),
    recoveryWatchMs: parseDuration(o.recoveryWatch),
    tcpPort: o.tcpPort ? toPort(o.tcpPort) : undefined,
    dns: o.dns ? { server: o.dns, name: o.dnsName } : undefined,
    tls: tlsClientFrom(o),
  };
}

export function tlsClientFrom(o: Pick<ProbeCliOptions, 'tls' | 'tlsFingerprint' | 'tlsCa'>): AgentTlsOptions | undefined {
  if (!o.tls) {
    if (o.tlsFingerprint || o.tlsCa) throw new PodpathError('E_USAGE', '--tls-fingerprint and --tls-ca need --tls');
    return undefined;
  }
  const { value, code } = LIMITS.agentTlsFile;
  return {
    fingerprint256: o.tlsFingerprint ? normalizeFingerprint(o.tlsFingerprint) : undefined,
    ca: o.tlsCa ? readSmallFile(o.tlsCa, value, code).toString('utf8') : undefined,
  };
}
