// The registry of faults, and inject/heal over the lab state.
import { PodpathError } from '../../util/errors.js';
import { labDir } from '../names.js';
import { readState, requireState, writeState, type AppliedFault } from '../state.js';
import { findNode, type LabPlan, type NodePlan } from '../topology.js';
import { badUdpChecksum } from './bad-udp-checksum.js';
import { duplicatePublicIp } from './duplicate-public-ip.js';
import { firewallVxlanPort } from './firewall-vxlan-port.js';
import { forwardDrop } from './forward-drop.js';
import { ipForwardOff } from './ip-forward-off.js';
import { largePacketDrop } from './large-packet-drop.js';
import { mtuMismatch } from './mtu-mismatch.js';
import { offloadLro } from './offload-lro.js';
import { routeHijack } from './route-hijack.js';
import { rpFilterStrict } from './rp-filter-strict.js';
import { staleVtepMac } from './stale-vtep-mac.js';
import { FaultTx, runUndo } from './tx.js';
import type { FaultDef } from './types.js';
import { underlayRateBlackhole } from './underlay-rate-blackhole.js';
import { underlaySizeLimit } from './underlay-size-limit.js';
import { routerRateBlackhole } from './router-rate-blackhole.js';
import { routerSizeLimit } from './router-size-limit.js';
import { vxlanNatChecksum } from './vxlan-nat-checksum.js';
import { vxlanPortMismatch } from './vxlan-port-mismatch.js';

export const FAULTS: FaultDef[] = [
  badUdpChecksum, vxlanNatChecksum, routeHijack, largePacketDrop, underlaySizeLimit, underlayRateBlackhole,
  mtuMismatch, forwardDrop, ipForwardOff, rpFilterStrict, vxlanPortMismatch, staleVtepMac, firewallVxlanPort, offloadLro,
  routerSizeLimit, routerRateBlackhole, duplicatePublicIp,
];

export function getFault(name: string): FaultDef {
  const f = FAULTS.find((x) => x.name === name);
  if (!f) throw new PodpathError('E_LAB_FAULT', `no fault "${name}"; known: ${FAULTS.map((x) => x.name).join(', ')}`);
  return f;
}

export interface InjectRequest {
  node?: string;
  peer?: string;
  options?: Record<string, string>;
}

/** Resolves --node/--peer against the plan: defaults per fault, and the peer never equals the node. */
export function resolveTargets(plan: LabPlan, fault: FaultDef, req: InjectRequest): { node: NodePlan; peer: NodePlan } {
  const first = plan.nodes[0]!;
  const last = plan.nodes[plan.nodes.length - 1]!;
  const node = req.node ? findNode(plan, req.node) : fault.defaultNode === 'first' ? first : last;
  const peer = req.peer ? findNode(plan, req.peer) : node === first ? last : first;
  if (peer === node) throw new PodpathError('E_LAB_OPTION', `--peer must differ from --node (${node.name})`);
  return { node, peer };
}

/** Unknown options are refused; missing ones take the fault's defaults. */
export function resolveOptions(fault: FaultDef, given: Record<string, string> = {}): Record<string, string> {
  for (const k of Object.keys(given)) {
    if (!(k in fault.options)) {
      const known = Object.keys(fault.options);
      throw new PodpathError('E_LAB_OPTION', `${fault.name} has no option --${k}${known.length ? ` (options: ${known.map((x) => '--' + x).join(', ')})` : ' (it takes no options)'}`);
    }
  }
  const out: Record<string, string> = {};
  for (const [k, o] of Object.entries(fault.options)) out[k] = given[k] ?? o.default;
  return out;
}

export async function injectFault(lab: string, name: string, req: InjectRequest = {}): Promise<AppliedFault> {
  const fault = getFault(name);
  const state = await requireState(lab);
  if (state.faults.some((f) => f.name === name)) {
    throw new PodpathError('E_LAB_FAULT_ACTIVE', `${name} is already injected in lab ${lab}; \`podpath lab heal ${name}\` first`);
  }
  const { node, peer } = resolveTargets(state.plan, fault, req);
  const options = resolveOptions(fault, req.options);
  const tx = new FaultTx();
  let notes: string[];
  try {
    notes = await fault.inject({ plan: state.plan, node, peer, options }, tx);
  } catch (e) {
    await runUndo(tx.undo, labDir(lab)).catch(() => undefined);
    throw e;
  }
  const applied: AppliedFault = {
    name, node: fault.where === 'node' || fault.peerRole ? node.name : undefined, peer: fault.peerRole ? peer.name : undefined,
    options, injectedAt: new Date().toISOString(), notes, undo: tx.undo,
    doctor: fault.doctor ? doctorHint(fault.doctor.on === 'node' ? node : peer, fault.doctor.rule) : undefined,
  };
  state.faults.push(applied);
  await writeState(state);
  return applied;
}

function doctorHint(n: NodePlan, rule: string): { node: string; rule: string; command: string } {
  return { node: n.name, rule, command: `ip netns exec ${n.ns} podpath doctor --root ${n.root}` };
}

/** Heals one fault, or all of them (latest first) when no name is given. */
export async function healFaults(lab: string, name?: string): Promise<string[]> {
  const state = await readState(lab);
  if (!state) throw new PodpathError('E_LAB_MISSING', `no lab "${lab}"`);
  if (name) getFault(name);
  const targets = name ? state.faults.filter((f) => f.name === name) : [...state.faults].reverse();
  if (name && targets.length === 0) throw new PodpathError('E_LAB_FAULT_INACTIVE', `${name} is not injected in lab ${lab}`);
  const healed: string[] = [];
  for (const f of targets) {
    await runUndo(f.undo, labDir(lab));
    state.faults = state.faults.filter((x) => x !== f);
    await writeState(state);
    healed.push(f.name);
  }
  return healed;
}
