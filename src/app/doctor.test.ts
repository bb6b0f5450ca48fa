import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runDoctor } from './doctor.js';
import { NODE_FACTS_SCHEMA_VERSION, type NodeFacts } from '../evidence/node-facts.js';
import { DoctorReportSchema } from '../report/doctor-schema.js';
import { doctorProbes } from '../report/doctor-probes.js';
import { renderJson } from '../report/json.js';
import { AGENT_ENV, spawnAgent } from '../../test/helpers/agent.js';
import { probeReport } from '../../test/fixtures/evidence/probes/load.js';

const bundle = fileURLToPath(new URL('../../test/fixtures/bundles/sos-4.0-netns', import.meta.url));

describe('runDoctor', () => {
  it('judges a real sosreport (sos 4.0 run inside a lab node namespace) through the sources', async () => {
    const { report, exitCode } = await runDoctor({ from: bundle, lang: 'en' });
    expect(report.node.origin.kind).toBe('bundle');
    expect(report.summary.rules).toBe(report.results.length);
    expect(exitCode).toBe(report.findings.length > 0 ? 1 : 0);
    // Whatever was not in the bundle is skipped with a reason, never passed.
    for (const r of report.results.filter((x) => x.status === 'skipped')) expect(r.reason).toBeTruthy();
    expect(report.results.some((x) => x.status === 'pass')).toBe(true);
  });
  it('asks the collector only for what the chosen rules need, plus the node identity', async () => {
    let asked: string[] = [];
    const { report, exitCode } = await runDoctor({
      lang: 'en',
      only: ['udp-csum-errors'],
      collect: async ({ needs }) => {
        asked = needs;
        return { schemaVersion: NODE_FACTS_SCHEMA_VERSION, collectedAt: 'now', origin: { kind: 'live' }, missing: [], snmp: { tables: { Udp: { InCsumErrors: 3, InErrors: 3 } }, source: '/proc/net/snmp' } };
      },
    });
    // Probes come from --peer, never from the collector.
    expect(asked).toEqual(['cni', 'kernel', 'kernelLog', 'links', 'os', 'snmp']);
    expect(exitCode).toBe(1);
    expect(report.findings.map((f) => f.messageId)).toEqual(['sinceBoot']);
    expect(report.node.kubernetesNode).toBe(false);
  });
  it('says whether this is a Kubernetes node from the network view it derives, in every language\'s report', async () => {
    // Only a flannel.1 link: no CNI config, no subnet.env; the view names the device as its reason.
    const collect = async (): Promise<NodeFacts> => ({
      schemaVersion: NODE_FACTS_SCHEMA_VERSION, collectedAt: 'now', origin: { kind: 'live' }, missing: [],
      links: { items: [{ name: 'flannel.1', kind: 'vxlan', mtu: 1450, flags: ['UP'], addresses: [], source: 'ip -d link' }], source: 'ip -d link' },
    });
    const { report, translation } = await runDoctor({ lang: 'en', alsoIn: 'zh', only: ['udp-csum-errors'], collect });
    expect(report.node.kubernetesNode).toBe(true);
    expect(translation?.node.kubernetesNode).toBe(true);
  });
  it('refuses --facts with --from', async () => {
    await expect(runDoctor({ lang: 'en', facts: 'x.json', from: 'y' })).rejects.toThrow(/cannot be combined/);
  });
});

describe('runDoctor --peer: the probes\' sweeps and ramps in the report', () => {
  it('keeps every size tried and every rate step as measured, through doctor -o json (a real agent on loopback)', async () => {
    const agent = await spawnAgent(['--listen', '127.0.0.1']);
    try {
      // This node: no VXLAN device, so only the underlay is probed (127.0.0.3 is in lo's 127/8).
      const collect = async (): Promise<NodeFacts> => ({ schemaVersion: NODE_FACTS_SCHEMA_VERSION, collectedAt: 'now', origin: { kind: 'live' }, missing: [] });
      const peer = { peer: '127.0.0.1', source: '127.0.0.3', port: agent.probePort, apiPort: agent.apiPort, key: Buffer.from(AGENT_ENV.PODPATH_KEY), token: AGENT_ENV.PODPATH_TOKEN, echoCount: 3, sweepMax: 2000, maxRateBps: 2_000_000, rampDurationMs: 4000, recoveryWatchMs: 1000 };
      const { report } = await runDoctor({ lang: 'en', only: ['probe-path-loss'], collect, peer });
      const probes = report.probes!;
      expect(probes.peer).toBe('127.0.0.1');
      // Both directions swept; the ramp runs from this node.
      const swept = probes.directions.filter((d) => d.result.sweep);
      expect(swept.map((d) => [d.label, d.sender])).toEqual([['underlay', 'local'], ['underlay', 'peer']]);
      for (const d of swept) {
        expect(d.result.sweep!.largestPassing).toBe(2000);
        expect(d.result.sweep!.tries.length).toBeGreaterThan(1);
        expect(d.result.sweep!.tries.every((t) => t.size <= 2000 && t.arrived === t.sent)).toBe(true);
      }
      const ramp = probes.directions.find((d) => d.result.ramp)!.result.ramp!;
      expect(ramp.steps.length).toBeGreaterThan(1);
      expect(ramp.steps.every((s) => s.rateBps <= 2_000_000)).toBe(true);
      // Only what the curves draw: no counters, sessions or send errors.
      expect(Object.keys(swept[0]!.result.sweep!.tries[0]!).sort()).toEqual(['arrived', 'sent', 'size']);
      // The JSON as doctor writes it reads back through the schema podpath report validates with.
      const back = DoctorReportSchema.parse(JSON.parse(renderJson(report)));
      expect(back.probes).toEqual(probes);
    } finally {
      await agent.stop();
    }
  });
  it('a run without sweep or ramp keeps no probes; the lab\'s recorded runs keep each try and step', () => {
    expect(doctorProbes({ ...probeReport('underlay-rate-blackhole'), directions: probeReport('underlay-rate-blackhole').directions.filter((d) => !d.result.ramp) })).toBeUndefined();
    const lab = probeReport('underlay-size-limit');
    const kept = doctorProbes(lab)!;
    expect(kept.directions.map((d) => d.result.sweep!.tries)).toEqual(lab.directions.map((d) => d.result.sweep!.tries));
    const ramp = probeReport('underlay-rate-blackhole');
    expect(doctorProbes(ramp)!.directions.map((d) => d.result.ramp!.steps.map((s) => [s.rateBps, s.lossPct]))).toEqual(ramp.directions.filter((d) => d.result.ramp).map((d) => d.result.ramp!.steps.map((s) => [s.rateBps, s.lossPct])));
  });
});
