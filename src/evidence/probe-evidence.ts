// Probe results as evidence: what `podpath probe` / `doctor --peer` measured between this node and
// a peer, one entry per direction and path. Rules read them like any other section.
import { z } from 'zod';

export const CounterChange = z.object({
  /** Whose counter: the node running doctor (`local`) or the peer. */
  node: z.enum(['local', 'peer']),
  /** `Udp.InCsumErrors`, `TcpExt.IPReversePathFilter`, `dev.eth0.rxPackets`... */
  counter: z.string(),
  delta: z.number(),
  seconds: z.number(),
  source: z.string(),
});

export const ProbeEvidence = z.object({
  peer: z.string(),
  label: z.enum(['underlay', 'overlay']),
  /** `this node` or the peer's address. */
  from: z.string(),
  to: z.string(),
  target: z.string(),
  /** How the evidence was obtained, e.g. `probe 192.168.77.2 underlay (this node -> 192.168.77.2)`. */
  source: z.string(),
  echo: z.object({
    sent: z.number(),
    received: z.number(),
    arrivedAtPeer: z.number().optional(),
    /** Where the loss was placed (src/probe/localize.ts): delivered, underlay, receiver-kernel-checksum, ... */
    place: z.string(),
    summary: z.string(),
    evidence: z.array(z.string()).default([]),
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
  /** Counters that moved on either node while this probe ran. */
  counters: z.array(CounterChange).default([]),
});
export type ProbeEvidence = z.infer<typeof ProbeEvidence>;
export type CounterChange = z.infer<typeof CounterChange>;
