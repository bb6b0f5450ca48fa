// The `drops` part of the evidence bag: the kernel drop trace (skb:kfree_skb, and with
// --trace-rules the packet filter's own trace) of each node a probe touched, taken around that
// probe run. Measured only; the drops rules (src/rules/drops/) say where a loss died.
import { z } from 'zod';
import { DropTrace } from './drop-trace.js';
import { ProbeNode } from './probe-evidence.js';

export const NodeDropTrace = z.object({
  /** Whose kernel: the node running podpath (`local`) or the peer (traced by its agent). */
  node: ProbeNode,
  /** The probe this trace was taken around: its evidence `source` (one direction and path). */
  probe: z.string(),
  /**
   * The kernel's boot id (/proc/sys/kernel/random/boot_id). Two traces with the same one read one
   * kernel (lab nodes in namespaces): every drop shows in both, and the tracepoint alone cannot
   * say which node's namespace dropped it.
   */
  bootId: z.string().optional(),
  trace: DropTrace.optional(),
  /** Why there is no trace (the tracer could not start or the agent refused): one line with its code. */
  error: z.object({ code: z.string(), message: z.string() }).optional(),
});
export type NodeDropTrace = z.infer<typeof NodeDropTrace>;

export const DropsEvidence = z.array(NodeDropTrace);
export type DropsEvidence = z.infer<typeof DropsEvidence>;
