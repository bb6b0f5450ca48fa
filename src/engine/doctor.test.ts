import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runDoctor } from './doctor.js';
import { NODE_FACTS_SCHEMA_VERSION, type NodeFacts } from '../evidence/node-facts.js';

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
