// Probe results as evidence: what `podpath probe` / `doctor --peer` measured between this node and
// a peer, one entry per direction and path. Measurements only: how many probes went out, came back
// and reached the responder, the counters of both nodes and the devices they were read on. Where a
// loss happened is judged by the rules (src/rules/shared/loss-place.ts), never written here.
import { z } from 'zod';

/** Whose view a counter or device is from: the node running podpath (`local`) or the peer. */
export const ProbeNode = z.enum(['local', 'peer']);
export type ProbeNode = z.infer<typeof ProbeNode>;

export const CounterChange = z.object({
  /** Whose counter: the node running doctor (`local`) or the peer. */
  node: ProbeNode,
  /** `Udp.InCsumErrors`, `Netstat.IPReversePathFilter`, `dev.eth0.rxPackets`... */
  counter: z.string(),
  delta: z.number(),
  seconds: z.number(),
  source: z.string(),
});

/**
 * The devices of one node the probes crossed, found by the addresses the probes used: its underlay
 * NIC and, on the overlay path, its VXLAN device. Named only when their counters were read on both
 * sides of the run (then `dev.<name>.*` counters are listed for them, zero included).
 */
export const ProbeDevices = z.object({ nic: z.string().optional(), overlay: z.string().optional() });
export type ProbeDevices = z.infer<typeof ProbeDevices>;

const ProbeEvidenceV2 = z.object({
  peer: z.string(),
  label: z.enum(['underlay', 'overlay']),
  /** `this node` or the peer's address. */
  from: z.string(),
  to: z.string(),
  /**
   * Which node sent the probes. Facts of schema 1 did not say: `from` was `this node` exactly when
   * the local node sent (the upgrade below).
   */
  sender: ProbeNode.optional(),
  target: z.string(),
  /** How the evidence was obtained, e.g. `probe 192.168.77.2 underlay (this node -> 192.168.77.2)`. */
  source: z.string(),
  echo: z.object({
    sent: z.number(),
    received: z.number(),
    /** What the receiving responder counted; absent when its tally could not be read. */
    arrivedAtPeer: z.number().optional(),
    /** sendto() failures on the sender by errno code. */
    sendErrors: z.record(z.string(), z.number()).default({}),
  }).optional(),
  sweep: z.object({ largestPassing: z.number().optional(), smallestFailing: z.number().optional(), maxTried: z.number() }).optional(),
  ramp: z.object({
    maxRateBps: z.number(),
    stoppedBy: z.string(),
    lossOnsetBps: z.number().optional(),
    lastCleanBps: z.number().optional(),
    blackhole: z.boolean(),
    recoveredAfterMs: z.number().optional(),
    watchedMs: z.number().optional(),
    /** The policer's sustained rate and burst, estimated from two holds that tripped it. */
    estimatedLimitBps: z.number().optional(),
    estimatedBurstBytes: z.number().optional(),
  }).optional(),
  tcp: z.object({ target: z.string(), attempts: z.number(), connected: z.number(), failures: z.record(z.string(), z.number()) }).optional(),
  dns: z.array(z.object({ server: z.string(), name: z.string(), transport: z.string(), ok: z.boolean(), rcode: z.number().optional(), error: z.string().optional() })).optional(),
  /** The NIC and VXLAN device of each node whose counters are listed. */
  devices: z.object({ local: ProbeDevices.default({}), peer: ProbeDevices.default({}) }).default({}),
  /** Counters that moved on either node while this probe ran (the watched drop counters always). */
  counters: z.array(CounterChange).default([]),
});

/**
 * One probe entry. Upgrade from node facts schema 1: `sender` is filled from `from`, and the
 * verdict fields schema 1 held (`echo.place`, `echo.summary`, `echo.evidence`) are dropped: the
 * rules place the loss from the measurements.
 */
export const ProbeEvidence = ProbeEvidenceV2.transform((p) => ({ ...p, sender: p.sender ?? (p.from === 'this node' ? 'local' as const : 'peer' as const) }));
export type ProbeEvidence = z.infer<typeof ProbeEvidence>;
export type CounterChange = z.infer<typeof CounterChange>;
