// Prometheus metrics of the agent (prom-client), fed from the responder's counters at scrape time.
import { Registry, Gauge, collectDefaultMetrics } from 'prom-client';
import type { UdpResponder } from '../probe/responder.js';

export function createMetrics(responder: UdpResponder): Registry {
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
    },
  });
  void datagrams;
  void remembered;
  return registry;
}
