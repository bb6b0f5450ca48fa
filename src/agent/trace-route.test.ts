// The agent's trace routes refuse what is not a trace request before anything on the host changes.
import { describe, expect, it } from 'vitest';
import { LIMITS } from '../util/limits.js';
import { TraceRoutes } from './trace-route.js';

const routes = () => new TraceRoutes(() => undefined);

describe('agent trace routes: requests', () => {
  it('refuses an unbounded, unknown-keyed or malformed start', async () => {
    const r = routes();
    for (const body of [
      undefined, 'x', {}, { maxMs: LIMITS.agentTraceSeconds.value * 1000 + 1 }, { maxMs: 50 }, { maxMs: 1000, extra: true },
      { maxMs: 1000, rulePorts: [0] }, { maxMs: 1000, rulePorts: Array.from({ length: LIMITS.ruleTracePorts.value + 1 }, (_, i) => i + 1) },
      { maxMs: 1000, filter: 'x'.repeat(LIMITS.traceFilter.value + 1) }, { maxMs: 1000, baseline: 'yes' },
    ]) {
      const a = await r.start(body);
      expect(a.status, JSON.stringify(body)).toBe(400);
      expect((a.body as { error: string }).error).toBe('E_BAD_REQUEST');
    }
  });
  it('knows no trace it did not start', async () => {
    const r = routes();
    expect(r.main({ id: '6f1c1f9e-9a53-4a57-8a55-0d1e3b1d2a10' }).status).toBe(404);
    expect((await r.stop({ id: '6f1c1f9e-9a53-4a57-8a55-0d1e3b1d2a10' })).status).toBe(404);
    expect((await r.stop({ id: '../../x' })).status).toBe(400);
  });
  it('refuses a run longer than the limit', async () => {
    const a = await routes().run({ baselineMs: LIMITS.agentTraceSeconds.value * 1000, forMs: 1000 });
    expect(a.status).toBe(400);
  });
});
