// What the HTML report is made of: parts, each of one kind of result: doctor reports (one node, or
// a fleet; a node's probe curves with --peer), a cluster doctor run, a mesh matrix, captures, a
// capture diff, a node diff, a kernel drop trace, a probe run. A new kind adds its part here, a view
// in render.ts (VIEWS) and a loader in app/report.ts (INPUTS) for its JSON.
import type { Finding, Lang } from '../../engine/types.js';
import type { MeshMatrix } from '../../evidence/mesh-matrix.js';
import type { CaptureSummary } from '../../evidence/capture-summary.js';
import type { CaptureDiff } from '../../evidence/capture-diff.js';
import type { NodeDiff } from '../../evidence/node-diff.js';
import type { DropTrace } from '../../evidence/drop-trace.js';
import type { NodeDropTrace } from '../../evidence/drop-evidence.js';
import type { DoctorReport } from '../model.js';
import type { Judged } from '../../engine/run-rules.js';
import type { ClusterDoctorReport } from '../cluster-doctor-model.js';

/** One node's doctor report, and the same run's report in the other language when there is one. */
export interface DoctorNode {
  /** The bundle, file or host it was read from. */
  from: string;
  report: DoctorReport;
  translation?: DoctorReport;
}

/** A bundle that could not be read at all (the fleet's error entry). */
export interface UnreadableNode {
  from: string;
  error: { code: string; message: string };
}

export type NodeEntry = DoctorNode | UnreadableNode;

export function isUnreadable(e: NodeEntry): e is UnreadableNode {
  return 'error' in e;
}

export interface DoctorPart {
  kind: 'doctor';
  nodes: NodeEntry[];
}

/** A mesh matrix and the mesh rules' findings over it. */
export interface MeshPart {
  kind: 'mesh';
  /** The file or run it came from. */
  from: string;
  matrix: MeshMatrix;
  /** The findings' language. */
  lang: Lang;
  /** The mesh rules' findings; undefined: the matrix was not judged (too large). */
  findings?: Finding[];
  /** The same findings in the other language, when there. */
  translation?: Finding[];
  /** How many of the mesh rules could judge the matrix. */
  judged?: Judged;
}

/** One capture of `pcap analyze`, its findings, and them in the other language when there. */
export interface CaptureFile {
  summary: CaptureSummary;
  findings: Finding[];
  translation?: Finding[];
}

/** `pcap analyze` of one or more captures. */
export interface CapturePart {
  kind: 'capture';
  from: string;
  lang: Lang;
  files: CaptureFile[];
  /** The capture rules judged, summed over the files. */
  judged?: Judged;
}

/** `pcap diff`: the two captures compared, and the findings about it. */
export interface CaptureDiffPart {
  kind: 'capture-diff';
  from: string;
  lang: Lang;
  result: CaptureDiff;
  findings: Finding[];
  translation?: Finding[];
  judged?: Judged;
}

/** `podpath diff A B`: the differences between a healthy node (A) and a broken one (B). */
export interface NodeDiffPart {
  kind: 'node-diff';
  labelA: string;
  labelB: string;
  /** A run's diff, or one read from `podpath diff --json`, whose notes are the English line it printed. */
  diff: Omit<NodeDiff, 'differences'> & { differences: (Omit<NodeDiff['differences'][number], 'note'> & { note?: NodeDiff['differences'][number]['note'] | string })[] };
}

/** `podpath trace`: the kernel's drops by reason and place. */
export interface TracePart {
  kind: 'trace';
  from: string;
  lang: Lang;
  trace: DropTrace;
}

/** One direction of `podpath probe`, as far as the report draws it. */
export interface ProbeDirection {
  from: string;
  to: string;
  label: string;
  sender: string;
  result: {
    echo?: { sent: number; received: number; rttMs?: { avg: number } };
    sweep?: { tries: { size: number; sent: number; arrived: number }[]; largestPassing?: number; smallestFailing?: number; maxTried: number };
    ramp?: { steps: { rateBps: number; sent: number; arrived: number; lossPct: number }[]; lossOnsetBps?: number; blackhole?: unknown };
  };
}

/** `podpath probe PEER -o json`: the directions, their findings, the drop traces with --trace. */
export interface ProbePart {
  kind: 'probe';
  from: string;
  lang: Lang;
  peer: string;
  directions: ProbeDirection[];
  errors: string[];
  findings: Finding[];
  translation?: Finding[];
  drops?: NodeDropTrace[];
  judged?: Judged;
}

/** `cluster doctor`: the cluster rules' findings and every node's report; the same run in the other language when there. */
export interface ClusterPart {
  kind: 'cluster';
  from: string;
  report: ClusterDoctorReport;
  translation?: ClusterDoctorReport;
}

/** A part of the report. Add a kind: see the list at the top of this file. */
export type ReportPart = DoctorPart | MeshPart | CapturePart | CaptureDiffPart | NodeDiffPart | TracePart | ProbePart | ClusterPart;

export interface HtmlReportInput {
  /** The document's language (the other one is a click away). */
  lang: Lang;
  parts: ReportPart[];
  generatedAt: string;
  version: string;
}
