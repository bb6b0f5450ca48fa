// `doctor --peer`: probe one peer from this node, and fetch the peer's own evidence through its
// agent, so the rules judge both ends and the probes together. Addresses default to what the
// evidence says (the VXLAN device's local address and its overlay address on each side).
import type { NodeFacts } from '../evidence/node-facts.js';
import type { ProbeEvidence } from '../evidence/probe-evidence.js';
import { ROUTES } from '../api/routes.js';
import { AgentApi, probePeer, type PeerProbeOptions, type PeerProbeReport } from './peer.js';
import { probeEvidence } from './evidence.js';
import { networkView } from '../evidence/network-view.js';

export type PeerCheckOptions = Omit<PeerProbeOptions, 'source' | 'overlaySource' | 'peerOverlay' | 'peerOverlaySource'> & {
  source?: string;
  overlaySource?: string;
  peerOverlay?: string;
};

export interface PeerCheck {
  report: PeerProbeReport;
  probes: ProbeEvidence[];
  /** The peer's facts, when its agent could collect them. */
  peerFacts?: NodeFacts;
  peerFactsError?: string;
}

/** The VXLAN device of a node (its network view's): its underlay (`local`) address and its own overlay IPv4 address. */
export function overlayAddresses(facts: NodeFacts | undefined): { underlay?: string; overlay?: string } {
  const vx = facts ? networkView(facts).primary : undefined;
  return { underlay: vx?.local, overlay: vx?.overlayAddress };
}

export async function checkPeer(local: NodeFacts, o: PeerCheckOptions): Promise<PeerCheck> {
  const api = new AgentApi(o.peer, o.apiPort, o.token, o.tls);
  let peerFacts: NodeFacts | undefined;
  let peerFactsError: string | undefined;
  try {
    peerFacts = await api.get(ROUTES.facts);
  } catch (e) {
    peerFactsError = e instanceof Error ? e.message : String(e);
    // No agent, or one that refuses us: nothing to measure. An agent whose answers stall is there:
    // the probes still run (they are UDP to its responder), only its side is missing.
    if ((e as { code?: string }).code === 'E_AGENT_UNREACHABLE' || (e as { code?: string }).code === 'E_AGENT_UNAUTHORIZED') throw e;
  }
  const mine = overlayAddresses(local);
  const theirs = overlayAddresses(peerFacts);
  const report = await probePeer({
    ...o,
    api,
    source: o.source ?? mine.underlay,
    overlaySource: o.overlaySource ?? mine.overlay,
    peerOverlay: o.peerOverlay ?? theirs.overlay,
    // A given overlay target that is not the peer's VXLAN address (a pod there running the agent):
    // the peer probes back from its own VXLAN address.
    peerOverlaySource: o.peerOverlay && theirs.overlay && o.peerOverlay !== theirs.overlay ? theirs.overlay : undefined,
  });
  // Judge the peer on what it looks like after the probes: its counters now include them.
  if (peerFacts && !api.stall) {
    try {
      peerFacts = await api.get(ROUTES.facts);
    } catch {
      /* keep the first collection */
    }
  }
  return { report, probes: probeEvidence(report), peerFacts, peerFactsError };
}
