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

export function createMetrics(responder: UdpResponder, probeRequests?: ProbeRequestCounters): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'podpath_agent_' });
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
  void requests;
  void datagrams;
  void remembered;
  return registry;
}
