// The parts of a capture summary that node rules read (per-sender checksum tallies, bad-sum groups,
// the 0xffff outer sums, handshakes with their SYN back-off), as `pcap analyze` measures them
// (src/pcap/analyze, FileAnalysis satisfies this shape) from a pcap file or from tcpdump text in a
// transcript. A structural subset: the full capture-summary schema belongs to the capture slice
// (src/evidence/capture-summary.ts), which this view is to be read from once it lands.

export interface CaptureFrames {
  count: number;
  ranges: { from: number; to: number }[];
  truncated: boolean;
}

export interface CaptureChecksumLayer {
  layer: string;
  ok: number;
  bad: number;
  none: number;
  unverifiable: number;
  badByCause: Record<'wire' | 'offload' | 'lco' | 'unknown', number>;
}

export interface CaptureBadGroup {
  layer: string;
  cause: 'wire' | 'offload' | 'lco' | 'unknown';
  src: string;
  dst: string;
  dstPort?: number;
  answered?: true;
  count: number;
  example: { frame: number; got: number; expected?: number };
  frames: CaptureFrames;
}

export interface CaptureHandshake {
  scope: 'outer' | 'inner';
  client: string;
  server: string;
  state: 'completed' | 'reset' | 'no-synack' | 'synack-no-ack';
  syns: number[];
  synIntervals: number[];
  backoff: boolean;
  synsWithBadOuterChecksum: number;
  frames: number[];
}

export interface CaptureView {
  /** The capture file, or `transcript.txt:130` for tcpdump text. */
  file: string;
  packets: { frames: number; ip: number; tunnel: number };
  checksums: {
    layers: CaptureChecksumLayer[];
    badGroups: CaptureBadGroup[];
    tunnelFfff: { count: number; frames: CaptureFrames; srcs: string[] };
  };
  handshakes: { total: number; notable: CaptureHandshake[] };
  /** For tcpdump text: the transcript line of each frame (index: frame number - 1), and that line. */
  frameLines?: number[];
  frameTexts?: string[];
  /**
   * VXLAN senders (packets whose VXLAN header was decoded), per destination and port: how many
   * outer UDP sums were right, absent or wrong (0xffff counted apart), with the first wrong frame.
   */
  vxlanSenders?: { src: string; dst: string; dstPort: number; ok: number; none: number; bad: number; ffff: number; firstBad?: { frame: number; got: number; expected?: number } }[];
}
