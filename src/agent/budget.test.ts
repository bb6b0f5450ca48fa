import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MESH_ROUNDS, MinuteBudget, ProofLimiter, SendBudget, isRefusal } from './budget.js';
import { UdpResponder } from '../probe/responder.js';
import { udpEcho } from '../probe/udp-echo.js';
import { AllowList, plannedBytes } from './probe-policy.js';
import { AgentProbeRequest } from '../api/probe-request.js';
import { runGuardedProbe } from './guarded-probe.js';

const key = Buffer.from('budget-test-key-0123456789');
let responder: UdpResponder;
beforeAll(async () => {
  responder = new UdpResponder({ key, port: 0, addresses: ['127.0.0.1'] });
  await responder.start();
});
afterAll(() => responder.stop());

describe('MinuteBudget', () => {
  it('refuses a request over the per-request bytes, then what would exceed the minute, and counts requests', () => {
    let now = 0;
    const b = new MinuteBudget(1000, 3, 600, () => now);
    expect(b.start(601)).toMatchObject({ code: 'E_PROBE_BUDGET' });
    const first = b.start(600);
    expect(isRefusal(first)).toBe(false);
    expect(b.start(500)).toMatchObject({ code: 'E_PROBE_BUDGET_MINUTE' });
    // what the first really sent is what counts once it ends
    if (!isRefusal(first)) {
      expect(first.budget.take(100)).toBe(true);
      first.settle();
    }
    expect(isRefusal(b.start(500))).toBe(false);
    expect(isRefusal(b.start(1))).toBe(false);
    expect(b.start(1)).toMatchObject({ code: 'E_PROBE_RATE' });
    now = 60_000;
    expect(isRefusal(b.start(600))).toBe(false);
  });
});

describe('MinuteBudget: mesh rounds', () => {
  it('counts mesh rounds apart from probe requests, but their bytes against the same minute', () => {
    let now = 0;
    const b = new MinuteBudget(1000, 2, 600, () => now);
    const rounds = { ...MESH_ROUNDS, perMinute: 3 };
    for (let i = 0; i < 3; i++) expect(isRefusal(b.start(100, rounds))).toBe(false);
    expect(b.start(1, rounds)).toMatchObject({ code: 'E_MESH_RATE' });
    // probe requests still have their own two
    expect(isRefusal(b.start(100))).toBe(false);
    expect(isRefusal(b.start(100))).toBe(false);
    expect(b.start(1)).toMatchObject({ code: 'E_PROBE_RATE' });
    // 500 bytes spent by both kinds: a round planning 600 more does not fit the minute
    now = 30_000;
    expect(b.start(600, { ...rounds, perMinute: 100 })).toMatchObject({ code: 'E_PROBE_BUDGET_MINUTE' });
    now = 60_000;
    expect(isRefusal(b.start(600, rounds))).toBe(false);
  });
});

describe('ProofLimiter', () => {
  it('allows so many failed proofs a minute, counting those under way, and forgets them after 60 s', () => {
    let now = 0;
    const p = new ProofLimiter(3, () => now);
    expect(p.begin()).toBe(true);
    expect(p.begin()).toBe(true);
    p.end(true); // proven: not counted
    expect(p.begin()).toBe(true);
    expect(p.begin()).toBe(true);
    expect(p.begin()).toBe(false); // three under way
    p.end(false);
    p.end(false);
    p.end(false);
    expect(p.begin()).toBe(false);
    now = 60_000;
    expect(p.begin()).toBe(true);
  });
});

describe('SendBudget in the probe client', () => {
  it('sends nothing beyond the budget: the responder counts only what was paid for', async () => {
    const budget = new SendBudget(10 * 100);
    const r = await udpEcho({ key, host: '127.0.0.1', port: responder.boundPort, count: 30, size: 100, intervalMs: 1, timeoutMs: 300, budget });
    expect(budget.spent).toBe(1000);
    expect(r.received).toBe(10);
    expect(r.sendErrors).toMatchObject({ E_PROBE_BUDGET: 20 + 3 }); // the echoes and the tally requests
    expect(responder.tallyOf(r.session)).toBe(10);
  });

  it('the planned bytes of a request bound what it really sends', async () => {
    const req = AgentProbeRequest.parse({ host: '127.0.0.1', port: responder.boundPort, echo: { count: 20, size: 500 }, sweep: { max: 9000, repeats: 2 } });
    const budget = new SendBudget(1 << 30);
    const r = await runGuardedProbe(key, req, AllowList.parse([]), budget);
    expect(r.verified).toBe(true);
    expect(r.sweep?.largestPassing).toBe(9000);
    expect(budget.spent).toBeGreaterThan(20 * 500);
    expect(budget.spent).toBeLessThanOrEqual(plannedBytes(req));
  });
});

describe('AllowList', () => {
  it('reads addresses and CIDRs of both families, and refuses anything else', () => {
    const a = AllowList.parse(['10.0.0.0/8, 192.168.1.7', 'fd00::/8']);
    expect([a.allows('10.1.2.3'), a.allows('192.168.1.7'), a.allows('192.168.1.8'), a.allows('fd00::1'), a.allows('fe80::1')]).toEqual([true, true, false, true, false]);
    expect(a.allows('example.com')).toBe(false);
    for (const bad of ['example.com', '10.0.0.0/33', '10.0.0.0/8/1', '10.0.0.0/', '10.0.0.0/x']) {
      expect(() => AllowList.parse([bad])).toThrow(/E_USAGE|--allow-probe/);
    }
  });
});
