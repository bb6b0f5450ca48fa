// What a probe run measured, as it crosses the wire (POST /v1/probe answers a ProbeSuiteResult, GET
// /v1/counters a CounterSnapshot) and as `podpath probe` records it (PeerProbeReport). One schema
// each: probe/ produces these, the agent client validates a peer's answer with them (a peer is
// hostile input: every string, map and list bounded) and report/ renders them. Numbers only, no
// verdict: where a loss happened is for the rules.
import { z } from 'zod';
import type { ProbeDevices } from './probe-evidence.js';
import { LIMITS } from '../util/limits.js';

const count = z.number().int().min(0).max(1e15);
const num = z.number().finite();
const text = (max: number) => z.string().max(max);
/** A map with short keys and at most `max` of them (errno codes, counter names, interfaces). */
const rec = <T extends z.ZodTypeAny>(v: T, max: number) =>
  z.record(z.string().max(64), v).refine((o) => Object.keys(o).length <= max, `more than ${max} keys`);
const rtt = z.object({ min: num, avg: num, max: num });

export const EchoResult = z.object({
  kind: z.literal('udp-echo'),
  target: text(300),
  size: count,
  sent: count,
  received: count,
  lossPct: num,
  rttMs: rtt.extend({ p50: num }).optional(),
  lostSeqs: z.array(count).max(100_000),
  sendErrors: rec(count, 64),
  /** Datagrams the responder counted: tells lost-on-the-way-there from lost-on-the-way-back. */
  arrivedAtPeer: count.optional(),
  /** The probe session (hex), so the receiving responder's own tally can be looked up. */
  session: text(32),
});
export type EchoResult = z.infer<typeof EchoResult>;

export const SizeSweepResult = z.object({
  kind: z.literal('size-sweep'),
  target: text(300),
  /** Largest payload (bytes) that arrived; undefined when even the smallest did not. */
  largestPassing: count.optional(),
  /** Smallest payload that never arrived, when one was found below the maximum tried. */
  smallestFailing: count.optional(),
  maxTried: count,
  tries: z.array(z.object({ size: count, sent: count, arrived: count })).max(1024),
  sendErrors: rec(count, 64),
});
export type SizeSweepResult = z.infer<typeof SizeSweepResult>;

export const RateStep = z.object({ rateBps: count, sent: count, arrived: count, lossPct: num, achievedBps: num });
export type RateStep = z.infer<typeof RateStep>;

export const RateRampResult = z.object({
  kind: z.literal('rate-ramp'),
  target: text(300),
  steps: z.array(RateStep).max(4096),
  /** First rate (bit/s, IP level) at which loss exceeded the threshold; the threshold lies between the previous step and this. */
  lossOnsetBps: count.optional(),
  lastCleanBps: count.optional(),
  blackhole: z.object({ detected: z.boolean(), recoveredAfterMs: count.optional(), watchedMs: count }).optional(),
  /**
   * The policer's sustained rate and burst, from two holds that each tripped the blackhole: a token
   * bucket of depth B and rate L trips after t = B / (R - L) at a steady rate R, so two rates and
   * their trip times give L and B whatever the bucket depth (the ramp alone overshoots L by the burst).
   */
  estimate: z.object({ limitBps: num, burstBytes: num, holds: z.array(z.object({ rateBps: num, tripMs: num })).max(16) }).optional(),
  stoppedBy: z.enum(['loss', 'max-rate', 'max-duration', 'no-tally']),
  maxRateBps: count,
});
export type RateRampResult = z.infer<typeof RateRampResult>;

export const TcpConnectResult = z.object({
  kind: z.literal('tcp-connect'),
  target: text(300),
  attempts: count,
  connected: count,
  /** Handshake times of the successful attempts. */
  connectMs: z.array(num).max(64),
  /** Failures by cause: ECONNREFUSED (a RST came back), TIMEOUT (no answer: SYN or SYN-ACK lost), ... */
  failures: rec(count, 64),
});
export type TcpConnectResult = z.infer<typeof TcpConnectResult>;

export const IcmpEchoResult = z.object({
  kind: z.literal('icmp-echo'),
  target: text(300),
  sent: count,
  received: count,
  rttMs: rtt.optional(),
  /** Why no ICMP was sent from here (no ping binary, no permission): not a network failure. */
  skipped: text(1000).optional(),
  /** ping's own error when it could not send (e.g. "Network is unreachable"). */
  error: text(1000).optional(),
});
export type IcmpEchoResult = z.infer<typeof IcmpEchoResult>;

export const DnsResult = z.object({
  kind: z.literal('dns'),
  server: text(300),
  name: text(300),
  transport: z.enum(['udp', 'tcp']),
  ok: z.boolean(),
  rcode: count.optional(),
  answers: count.optional(),
  ms: num.optional(),
  error: text(1000).optional(),
});
export type DnsResult = z.infer<typeof DnsResult>;

/** A part of a request an agent would not run (see src/agent/probe-policy.ts). */
export const ProbeRefusal = z.object({ probe: z.enum(['all', 'tcp', 'icmp', 'dns']), code: z.literal('E_PROBE_NOT_ALLOWED'), message: text(1000) });
export type ProbeRefusal = z.infer<typeof ProbeRefusal>;

export const ProbeSuiteResult = z.object({
  label: text(64),
  target: text(300),
  source: text(300).optional(),
  /**
   * Set by an agent answering POST /v1/probe: true when the target proved to be a podpath agent
   * (a signed echo came back) before anything else was sent; false when it did not, and then only
   * that proof's echo was sent (its result is `echo`). Absent for allow-listed targets.
   */
  verified: z.boolean().optional(),
  refused: z.array(ProbeRefusal).max(8).optional(),
  echo: EchoResult.optional(),
  sweep: SizeSweepResult.optional(),
  ramp: RateRampResult.optional(),
  tcp: TcpConnectResult.optional(),
  icmp: IcmpEchoResult.optional(),
  dns: z.array(DnsResult).max(8).optional(),
});
export type ProbeSuiteResult = z.infer<typeof ProbeSuiteResult>;

/** Interfaces and addresses an agent left out of a counter reading (src/util/limits.ts). */
export const CutCounts = z.object({ interfaces: count.optional(), addresses: count.optional() });
export type CutCounts = z.infer<typeof CutCounts>;

const INTERFACES = LIMITS.agentCounterInterfaces.value;
/**
 * An agent sends at most agentCounterAddresses addresses an interface (its own first); one from
 * before that cut sent them all and made the whole answer invalid: read up to 16,384, cut here.
 */
const addressList = z.array(text(64)).max(16_384).transform((l) => l.slice(0, LIMITS.agentCounterAddresses.value));

const DeviceCounters = z.object({ rxPackets: num, rxDropped: num, rxErrors: num, txPackets: num, txDropped: num });

export const CounterSnapshot = z.object({
  atMs: num,
  /** /proc/net/snmp Udp: InDatagrams, NoPorts, InErrors, RcvbufErrors, InCsumErrors... */
  udp: rec(num, 256),
  /** /proc/net/netstat IpExt/TcpExt counters that explain drops (IPReversePathFilter is in TcpExt). */
  netstat: rec(num, 1024),
  /** /proc/net/dev rx/tx packets and drops by interface. */
  interfaces: rec(DeviceCounters, INTERFACES),
  conntrack: z.object({ count: num, max: num.optional() }).optional(),
  /** IPv4/IPv6 addresses by interface: tells which interface a probe's target address lives on. */
  addresses: rec(addressList, INTERFACES).optional(),
  /** The same addresses with their prefix length (10.0.1.5/24): the subnet a node sits in. */
  cidrs: rec(addressList, INTERFACES).optional(),
  /** What the agent left out to stay within the limits above (E_COUNTERS_CUT): a partial reading, said. */
  dropped: CutCounts.optional(),
});
export type CounterSnapshot = z.infer<typeof CounterSnapshot>;

export const CounterDelta = z.object({ udp: rec(num, 256), netstat: rec(num, 1024), interfaces: rec(DeviceCounters, 4096) });
export type CounterDelta = z.infer<typeof CounterDelta>;


export interface DirectionReport {
  from: string;
  to: string;
  label: 'underlay' | 'overlay';
  /** Which node sent the probes: this one (`local`) or the peer. */
  sender: 'local' | 'peer';
  result: ProbeSuiteResult;
  /** Each node's NIC and VXLAN device found by the probes' addresses, named when their counters were read. */
  devices: { local: ProbeDevices; peer: ProbeDevices };
  /** Counter changes on this node and on the peer while the probes ran, and how long that was. */
  localDelta?: CounterDelta;
  peerDelta?: CounterDelta;
  seconds: number;
}

/** 2: directions carry `sender` and `devices` and no verdict (`echoVerdict` is gone). */
export const PEER_PROBE_REPORT_VERSION = 2;

export interface PeerProbeReport {
  schemaVersion: typeof PEER_PROBE_REPORT_VERSION;
  peer: string;
  startedAt: string;
  directions: DirectionReport[];
  errors: string[];
}
