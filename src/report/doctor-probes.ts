// What `doctor --peer -o json` keeps of its probes' measurements (the report's `probes`): each
// direction's DF size sweep (every size tried) and rate ramp (every step), so the HTML page can
// draw them as curves; the findings say what they mean. The shape is the one `probe -o json`
// writes under `directions[].result`, cut to those two: one view draws both.
import type { PeerProbeReport, RateRampResult, SizeSweepResult } from '../evidence/probe-run.js';

export interface ProbeCurves {
  from: string;
  to: string;
  label: string;
  sender: string;
  result: {
    sweep?: Pick<SizeSweepResult, 'largestPassing' | 'smallestFailing' | 'maxTried'> & { tries: SizeSweepResult['tries'] };
    ramp?: Pick<RateRampResult, 'lossOnsetBps' | 'lastCleanBps'> & { steps: Pick<RateRampResult['steps'][number], 'rateBps' | 'sent' | 'arrived' | 'lossPct'>[] };
  };
}

export interface DoctorProbes {
  peer: string;
  directions: ProbeCurves[];
}

const defined = <T extends object>(o: T): T => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;

/** The sweeps and ramps of a probe run; undefined when it ran neither (--no-sweep, no --max-rate). */
export function doctorProbes(r: PeerProbeReport): DoctorProbes | undefined {
  const directions = r.directions.flatMap((d): ProbeCurves[] => {
    const { sweep, ramp } = d.result;
    if (!sweep && !ramp) return [];
    return [{
      from: d.from, to: d.to, label: d.label, sender: d.sender,
      result: {
        ...(sweep ? { sweep: defined({ largestPassing: sweep.largestPassing, smallestFailing: sweep.smallestFailing, maxTried: sweep.maxTried, tries: sweep.tries.map((t) => ({ size: t.size, sent: t.sent, arrived: t.arrived })) }) } : {}),
        ...(ramp ? { ramp: defined({ lossOnsetBps: ramp.lossOnsetBps, lastCleanBps: ramp.lastCleanBps, steps: ramp.steps.map((s) => ({ rateBps: s.rateBps, sent: s.sent, arrived: s.arrived, lossPct: s.lossPct })) }) } : {}),
      },
    }];
  });
  return directions.length > 0 ? { peer: r.peer, directions } : undefined;
}
