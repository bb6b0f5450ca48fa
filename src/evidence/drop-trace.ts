// DropTrace: what the kernel said about the packets it dropped while podpath watched (skb:kfree_skb
// through tracefs), and, with --trace-rules, which firewall rule or policy decided their fate.
// Measured only: no verdict here. Rules read it (e.g. "UDP_CSUM at __udp4_lib_rcv, 26 times
// during the probe, none in the baseline").
import { z } from 'zod';

export const DROP_TRACE_SCHEMA_VERSION = 1;

/** A change made to the host, printed as it happened, with the command that undoes it. */
export const HostChange = z.object({
  did: z.string(),
  undo: z.string(),
  /** ISO time the change was made. */
  at: z.string(),
  /** done: still in place (e.g. the undo failed or never ran); undone: reverted. */
  state: z.enum(['done', 'undone', 'undo-failed']),
  /** Why the undo failed, one line. */
  error: z.string().optional(),
});
export type HostChange = z.infer<typeof HostChange>;

/** Something a crashed run left behind, removed at the start of this one. */
export const LeftoverRemoved = z.object({ what: z.string(), did: z.string(), error: z.string().optional() });
export type LeftoverRemoved = z.infer<typeof LeftoverRemoved>;

/** A note for the reader: a code the message catalogue translates, with its parameters. */
export const TraceNote = z.object({ code: z.string(), params: z.record(z.string(), z.union([z.string(), z.number()])).default({}) });
export type TraceNote = z.infer<typeof TraceNote>;

export const DeviceCount = z.object({
  /** The device the dropped packet last entered (net:netif_receive_skb, same CPU, same skb). */
  device: z.string(),
  /** The network namespace of that device, when it is known (a device of the tracer's own netns). */
  netnsInode: z.number().optional(),
  count: z.number(),
});
export type DeviceCount = z.infer<typeof DeviceCount>;

/** Drops of one reason at one place in one window. */
export const DropRow = z.object({
  /** The kernel's drop reason name (5.17+); absent when the kernel has no reason field. */
  reason: z.string().optional(),
  /** The number, when it was printed as a number this kernel's map did not name. */
  reasonCode: z.number().optional(),
  /** As the kernel prints %pS: `__udp4_lib_rcv+0x4bc/0xd00`, `vxlan_rcv+0x8c/0xc50 [vxlan]`;
   *  `0xffffffffc0b1e2f4` for an address no symbol covers; `hashed:000000002e5a546b` for a
   *  hashed pointer (4.15-5.11), which groups drops by place but names nothing. */
  location: z.string(),
  /** How `location` was obtained: printed by the kernel as a symbol, resolved here through
   *  /proc/kallsyms, an unresolved address, or a hashed id. */
  locationForm: z.enum(['symbol', 'resolved', 'address', 'hashed']),
  /** The function, for rules: `__udp4_lib_rcv`, `nft_do_chain`, `ip_rcv_finish_core`. */
  symbol: z.string().optional(),
  offset: z.number().optional(),
  module: z.string().optional(),
  total: z.number(),
  /** Drops in each second of the window: [0] is the first second. */
  perSecond: z.array(z.number()),
  /** Seconds since the window's start of the first and the last drop. */
  firstAt: z.number(),
  lastAt: z.number(),
  /** Where the dropped packets came in (only with device attribution on). */
  devices: z.array(DeviceCount).default([]),
  /** Drops no device could be joined to (attribution on, but no matching receive on that CPU). */
  unattributed: z.number().default(0),
  /** Drops with rx_sk set (a socket had the packet: 6.11+ only). */
  withSocket: z.number().optional(),
});
export type DropRow = z.infer<typeof DropRow>;

export const DropWindow = z.object({
  label: z.enum(['baseline', 'main']),
  /** Wall-clock start (ISO). */
  startedAt: z.string(),
  /** Measured length in seconds (trace clock, between the window's own markers). */
  seconds: z.number(),
  /** kfree_skb events in this window (all rows together, `other` included). */
  events: z.number(),
  /** Busiest first. */
  drops: z.array(DropRow),
  /** Drops beyond the number of rows kept (LIMITS.traceKeys), counted together. */
  other: z.object({ total: z.number(), keys: z.number() }).optional(),
});
export type DropWindow = z.infer<typeof DropWindow>;

export const RuleVerdict = z.object({
  /** nftables family (ip, inet, ...); absent for iptables. */
  family: z.string().optional(),
  table: z.string(),
  chain: z.string(),
  /** rule: a rule decided; policy: the chain's policy did; return: fell out of a user chain. */
  kind: z.enum(['rule', 'policy', 'return']),
  /** nftables rule handle. */
  handle: z.number().optional(),
  /** iptables rule number in its chain. */
  rulenum: z.number().optional(),
  /** The rule's text (nft's own print, or the iptables-save line), when known. */
  rule: z.string().optional(),
  /** drop, reject, accept, return, jump X... */
  verdict: z.string(),
  /** Traced packets this rule or policy gave this verdict to. */
  packets: z.number(),
  /** One of those packets: what it was. */
  example: z.object({
    src: z.string().optional(),
    dst: z.string().optional(),
    protocol: z.string().optional(),
    sport: z.number().optional(),
    dport: z.number().optional(),
    in: z.string().optional(),
    out: z.string().optional(),
  }).optional(),
});
export type RuleVerdict = z.infer<typeof RuleVerdict>;

export const RuleTrace = z.object({
  mode: z.enum(['nft', 'iptables-legacy']),
  ports: z.array(z.number()),
  addresses: z.array(z.string()).default([]),
  /** Packets seen by the firewall tracer. */
  packets: z.number(),
  /** Rule and policy decisions other than `continue`, drops and rejects first. */
  verdicts: z.array(RuleVerdict),
  lines: z.number(),
  /** A limit that stopped the reading, by its code. */
  stoppedBy: z.string().optional(),
});
export type RuleTrace = z.infer<typeof RuleTrace>;

export const DropTrace = z.object({
  schemaVersion: z.literal(DROP_TRACE_SCHEMA_VERSION),
  /** `tracefs /sys/kernel/tracing/instances/podpath-1234` */
  source: z.string(),
  kernel: z.object({
    release: z.string(),
    /** The drop reason field (5.17+). */
    reasonField: z.boolean(),
    /** rx_sk (6.11+). */
    rxSkField: z.boolean(),
    /** How the event prints `location`: `symbol` (%pS, 6.2+) or `pointer` (%p: raw or hashed). */
    locationPrint: z.enum(['symbol', 'pointer']),
    /** The forms actually seen in this trace. */
    locationsSeen: z.array(z.enum(['symbol', 'address', 'hashed'])),
    /** The instance's hash-ptr option: cleared by podpath so %p prints addresses (5.12-6.1). */
    hashPtr: z.enum(['cleared', 'on', 'absent', 'not-needed']),
    kallsyms: z.enum(['used', 'not-needed', 'hidden', 'unreadable']),
    /** Names in this kernel's reason map. */
    reasonNames: z.number(),
  }),
  filter: z.object({ kfreeSkb: z.string(), netifReceiveSkb: z.string().optional() }),
  /** Device attribution asked for (net:netif_receive_skb enabled). */
  devices: z.boolean(),
  /** The tracer's own network namespace (inode), to read `netnsInode` against. */
  netnsInode: z.number().optional(),
  windows: z.array(DropWindow),
  read: z.object({
    lines: z.number(),
    bytes: z.number(),
    unparsed: z.number(),
    tooLong: z.number(),
    /** Events the kernel's ring buffer overwrote before they were read (per_cpu stats overrun). */
    overrun: z.number().optional(),
    /** A limit that stopped the reading, by its code. */
    stoppedBy: z.string().optional(),
    interrupted: z.boolean().default(false),
  }),
  changes: z.array(HostChange),
  leftovers: z.array(LeftoverRemoved).default([]),
  ruleTrace: RuleTrace.optional(),
  notes: z.array(TraceNote).default([]),
});
export type DropTrace = z.infer<typeof DropTrace>;
