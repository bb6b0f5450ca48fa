// The contract of a fault: inject it through a FaultTx, which records the undo of every step, so
// heal removes exactly what inject added (and a failed inject rolls back what it did so far).
import type { RuleId } from '../../rules/ids.js';
import type { UndoStep } from '../state.js';
import type { LabPlan, NodePlan } from '../topology.js';

export interface FaultContext {
  plan: LabPlan;
  /** the node the fault sits on (or whose traffic it affects) */
  node: NodePlan;
  /** the other end, for faults that involve a pair */
  peer: NodePlan;
  options: Record<string, string>;
}

export interface FaultOption {
  default: string;
  help: string;
}

export interface FaultDef {
  name: string;
  /** one line: what breaks */
  summary: string;
  /** the field report or knowledge-base entry it reproduces */
  reproduces: string;
  /** where it sits: a node's namespace, the underlay switch, or the router between two subnets */
  where: 'node' | 'switch' | 'router';
  /** which node --node means, and its default: first (n1) or last (nN) */
  nodeRole: string;
  defaultNode: 'first' | 'last';
  peerRole?: string;
  options: Record<string, FaultOption>;
  /**
   * What `podpath doctor` run on one node should name first: on the fault's node, or on its peer
   * (the receiver). Absent when one node's evidence cannot show it (underlay faults need probes).
   */
  doctor?: { on: 'node' | 'peer'; rule: RuleId };
  /** Applies the fault; returns notes for the user (what is natural, what is emulated). */
  inject(ctx: FaultContext, tx: FaultTxLike): Promise<string[]>;
}

export interface FaultTxLike {
  /** Runs `step`; once it succeeded, `undo` is recorded to run first at heal. */
  do(step: { ns?: string; argv: string[]; stdin?: string }, undo?: UndoStep | UndoStep[]): Promise<string>;
  /** Writes a file (emulated evidence); heal removes it. */
  writeFile(path: string, text: string): Promise<void>;
  /** Replaces an existing file's content (the lab's API objects); heal writes back what it held. */
  replaceFile(path: string, text: string): Promise<void>;
  /** Reads without recording anything. */
  read(step: { ns?: string; argv: string[] }): Promise<string>;
}
