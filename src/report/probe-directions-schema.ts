// The probe directions a report is read back from (`probe -o json`'s `directions`, `doctor --peer
// -o json`'s `probes.directions`): one schema for both, bounded by the limits of src/util/limits.ts.
// It declares what the views read; zod drops the rest of each direction.
import { z } from 'zod';
import { LIMITS } from '../util/limits.js';

const count = z.number().int().nonnegative();
const num = z.number().finite();

const Sweep = z.object({
  tries: z.array(z.object({ size: count, sent: count, arrived: count })).max(LIMITS.reportSweepTries.value),
  largestPassing: count.optional(),
  smallestFailing: count.optional(),
  maxTried: count,
});

const Ramp = z.object({
  steps: z.array(z.object({ rateBps: count, sent: count, arrived: count, lossPct: num })).max(LIMITS.reportRampSteps.value),
  lossOnsetBps: count.optional(),
  lastCleanBps: count.optional(),
  blackhole: z.unknown().optional(),
});

export const ProbeDirectionSchema = z.object({
  from: z.string().max(4096),
  to: z.string().max(4096),
  label: z.string().max(64),
  sender: z.string().max(16),
  result: z.object({
    echo: z.object({ sent: count, received: count, rttMs: z.object({ avg: num }).optional() }).optional(),
    sweep: Sweep.optional(),
    ramp: Ramp.optional(),
  }),
});

export const ProbeDirectionsSchema = z.array(ProbeDirectionSchema).max(LIMITS.reportProbeDirections.value);
