// Prometheus metrics of the agent (prom-client), fed from the responder's counters at scrape time.
import { Registry, Gauge, collectDefaultMetrics } from 'prom-client';
import type { UdpResponder } from '../probe/responder.js';

/** What became of the POST /v1/probe requests (counted by the API). */
export interface ProbeRequestCounters {
  started: number;
  busy: number;
  badRequest: number;
  tooLarge: number;
  budget: number;
  /** Started, but the target did not prove to be an agent: only the proof's echoes were sent. */
  notAgent: number;
  failed: number;
}

/** What became of the POST /v1/mesh/round requests and their cells. */
export interface MeshRoundCounters {
  started: number;
  busy: number;
  badRequest: number;
  tooLarge: number;
  budget: number;
  cells: number;
  /** Cells whose target did not prove to be an agent. */
  notAgent: number;
  failedCells: number;
  /** The most probes of one round run at once so far (at most the rounds' k). */
  peakRunning: number;
}

/**
 * The process's own metrics (CPU, memory, event loop delay, GC): one set a process, however many
 * agents it holds. Each set watches every GC and samples the event loop on a timer of its own; a
 * process of 100 agents (the mesh bench) paid that 100 times.
 */
let processMetrics: Registry | undefined;
function processRegistry(): Registry {
  if (!processMetrics) {
    processMetrics = new Registry();
    collectDefaultMetrics({ register: processMetrics, prefix: 'podpath_agent_' });
  }
  return processMetrics;
}

export function createMetrics(responder: UdpResponder, probeRequests?: ProbeRequestCounters, meshRounds?: MeshRoundCounters): Registry {
  const registry = new Registry();
  const datagrams = new Gauge({
    name: 'podpath_agent_datagrams',
    help: 'Datagrams seen by the probe responder, by outcome',
    labelNames: ['outcome'] as const,
    registers: [registry],
    collect() {
      for (const [outcome, n] of Object.entries(responder.counters)) this.set({ outcome }, n);
    },
  });
  const remembered = new Gauge({
    name: 'podpath_agent_remembered',
    help: 'Sessions and sources the responder remembers (both bounded)',
    labelNames: ['kind'] as const,
    registers: [registry],
    collect() {
      this.set({ kind: 'sessions' }, responder.memory.sessions);
      this.set({ kind: 'sources' }, responder.memory.sources);
      this.set({ kind: 'replaySessions' }, responder.memory.replaySessions);
    },
  });
  const requests = new Gauge({
    name: 'podpath_agent_probe_requests',
    help: 'POST /v1/probe requests by outcome (started, busy, badRequest, tooLarge, budget, notAgent, failed)',
    labelNames: ['outcome'] as const,
    registers: [registry],
    collect() {
      for (const [outcome, n] of Object.entries(probeRequests ?? {})) this.set({ outcome }, n);
    },
  });
  const mesh = new Gauge({
    name: 'podpath_agent_mesh_rounds',
    help: 'POST /v1/mesh/round requests and their cells by outcome (started, busy, badRequest, tooLarge, budget, cells, notAgent, failedCells, peakRunning)',
    labelNames: ['outcome'] as const,
    registers: [registry],
    collect() {
      for (const [outcome, n] of Object.entries(meshRounds ?? {})) this.set({ outcome }, n);
    },
  });
  const senders = new Gauge({
    name: 'podpath_agent_senders',
    help: 'Peers the probe responder serves at once: now (active) and the most since start (peak)',
    labelNames: ['kind'] as const,
    registers: [registry],
    collect() {
      const s = responder.senders;
      this.set({ kind: 'active' }, s.active);
      this.set({ kind: 'peak' }, s.peak);
    },
  });
  void mesh;
  void senders;
  void requests;
  void datagrams;
  void remembered;
  // The agent's registry: the process's metrics and its own, each agent's metrics counted apart.
  return Registry.merge([processRegistry(), registry]);
}
