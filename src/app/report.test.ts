// podpath report's inputs: doctor's own JSON (one node, a fleet) validated and joined, the same
// judgement in two languages paired, and every kind of bad input refused with its code.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runFleet, type FleetEntry } from './fleet.js';
import { renderFleetJson } from '../report/fleet.js';
import { renderJson } from '../report/json.js';
import { DoctorReportSchema } from '../report/doctor-schema.js';
import type { DoctorReport } from '../report/model.js';
import { LIMITS } from '../util/limits.js';
import { BUNDLES, hostileReport } from '../../test/helpers/html-report.js';
import { buildHtmlReportInput, loadReportSource, readReportSources } from './report.js';
import { isPodpathError } from '../util/errors.js';
import type { NodeEntry, ReportPart } from '../report/html/model.js';
import type { AgentStatus } from '../report/cluster.js';
import { allRules } from '../rules/index.js';
import { collectNodeFacts } from '../sources/collect.js';
import { clusterFacts, labNodeFacts, labNodeObjects, NODE_A, NODE_B } from '../../test/helpers/cluster-evidence.js';
import { runClusterDoctor } from './cluster/doctor.js';
import type { NodeFacts } from '../evidence/node-facts.js';
import type { ClusterPart } from '../report/html/model.js';
import { renderHtmlReport } from '../report/html/render.js';
import { judgeProbeReport } from './probe.js';
import { renderProbeJson } from '../report/probe-json.js';
import { doctorProbes } from '../report/doctor-probes.js';
import { probeReport } from '../../test/fixtures/evidence/probes/load.js';

function doctorOf<T extends { kind: string }>(l: T): Extract<T, { kind: 'doctor' }> {
  if (l.kind !== 'doctor') throw new Error(`a ${l.kind} input, not doctor`);
  return l as Extract<T, { kind: 'doctor' }>;
}

function doctorNodes(p: ReportPart): NodeEntry[] {
  if (p.kind !== 'doctor') throw new Error(`a ${p.kind} part, not doctor`);
  return p.nodes;
}

let en: FleetEntry[];
let zh: FleetEntry[];
beforeAll(async () => {
  [en, zh] = await Promise.all([runFleet({ sources: BUNDLES, lang: 'en' }), runFleet({ sources: BUNDLES, lang: 'zh' })].map((p) => p.then((r) => r.entries)));
}, 120_000);

const reportOf = (e: FleetEntry): DoctorReport => {
  if (!('report' in e)) throw new Error(`fixture bundle unreadable: ${e.error.code}`);
  return e.report;
};

const codeOf = (f: () => unknown): string | undefined => {
  try {
    f();
  } catch (e) {
    return isPodpathError(e) ? e.code : `not a PodpathError: ${String(e)}`;
  }
  return undefined;
};

describe('podpath report: inputs', () => {
  it("reads doctor's own JSON: each report, and a fleet's array", () => {
    for (const e of en) if ('report' in e) expect(DoctorReportSchema.parse(JSON.parse(renderJson(e.report)))).toEqual(e.report);
    const fleet = doctorOf(loadReportSource({ from: 'fleet.json', text: renderFleetJson(en) }));
    expect(fleet.nodes).toHaveLength(2);
    expect(fleet.nodes.map((n) => ('report' in n ? n.report.node.hostname : undefined))).toEqual(['TKVMJT0240', 'vm']);
  });
  it('keeps a fleet error entry as an unreadable node', () => {
    const text = JSON.stringify([{ schema: 'podpath.doctor.error', schemaVersion: 1, from: 'b.tgz', error: { code: 'E_BUNDLE_DAMAGED', message: 'x' } }]);
    expect(doctorOf(loadReportSource({ from: 'f.json', text })).nodes).toEqual([{ from: 'b.tgz', error: { code: 'E_BUNDLE_DAMAGED', message: 'x' } }]);
  });
  it('joins files into one fleet and pairs the same judgement given in both languages', () => {
    const sources = [
      { from: 'fleet-en.json', text: renderFleetJson(en) },
      { from: 'seed-zh.json', text: renderJson(reportOf(zh[0]!)) },
    ];
    const input = buildHtmlReportInput(sources, { now: new Date(0) });
    expect(input.lang).toBe('en');
    const nodes = doctorNodes(input.parts[0]!);
    expect(nodes).toHaveLength(2);
    expect('report' in nodes[0]! && nodes[0].translation?.lang).toBe('zh');
    expect('report' in nodes[1]! && nodes[1].translation).toBeUndefined();
    // In a Chinese document the Chinese report leads.
    const zhFirst = doctorNodes(buildHtmlReportInput(sources, { lang: 'zh' }).parts[0]!)[0]!;
    expect('report' in zhFirst && [zhFirst.report.lang, zhFirst.translation?.lang]).toEqual(['zh', 'en']);
  });
  it('does not pair different judgements of one node', () => {
    const a = reportOf(en[0]!);
    const b = { ...reportOf(zh[0]!), findings: [] };
    const input = buildHtmlReportInput([{ from: 'a', text: JSON.stringify(a) }, { from: 'b', text: JSON.stringify(b) }]);
    expect(doctorNodes(input.parts[0]!)).toHaveLength(2);
  });
  it('accepts a hostile report that fits the schema (the page escapes it)', () => {
    expect(doctorOf(loadReportSource({ from: 'h.json', text: JSON.stringify(hostileReport()) })).nodes).toHaveLength(1);
  });
  it('refuses what is not JSON, not a podpath result, or not valid for its schema', () => {
    const good = JSON.parse(renderJson(reportOf(en[1]!))) as Record<string, unknown>;
    expect(codeOf(() => loadReportSource({ from: 'x', text: '{"schema":' }))).toBe('E_REPORT_JSON');
    expect(codeOf(() => loadReportSource({ from: 'x', text: '{"hello":1}' }))).toBe('E_REPORT_UNKNOWN');
    expect(codeOf(() => loadReportSource({ from: 'x', text: '[]' }))).toBe('E_REPORT_UNKNOWN');
    expect(codeOf(() => loadReportSource({ from: 'x', text: 'null' }))).toBe('E_REPORT_UNKNOWN');
    expect(codeOf(() => loadReportSource({ from: 'x', text: '{"schemaVersion":1,"a":"a","b":"b","relevantCount":0,"differences":[]}' }))).toBe('E_REPORT_INPUT');
    expect(codeOf(() => loadReportSource({ from: 'x', text: '{"schemaVersion":1,"command":"pcap analyze"}' }))).toBe('E_REPORT_INPUT');
    expect(codeOf(() => loadReportSource({ from: 'x', text: JSON.stringify({ ...good, schemaVersion: 2 }) }))).toBe('E_REPORT_INPUT');
    expect(codeOf(() => loadReportSource({ from: 'x', text: JSON.stringify({ ...good, findings: [{ severity: 'fatal' }] }) }))).toBe('E_REPORT_INPUT');
    expect(codeOf(() => loadReportSource({ from: 'x', text: JSON.stringify({ ...good, summary: { ...(good.summary as object), rules: -1 } }) }))).toBe('E_REPORT_INPUT');
    expect(codeOf(() => loadReportSource({ from: 'x', text: JSON.stringify([good, { schema: 'podpath.doctor', nope: 1 }]) }))).toBe('E_REPORT_INPUT');
  });
  it('a podpath result it does not draw is E_REPORT_UNSUPPORTED, saying what it reads; anything else stays E_REPORT_UNKNOWN', async () => {
    // Each as its command prints it: JSON.stringify of what the command builds.
    const facts = await collectNodeFacts({ from: BUNDLES[0]! });
    const status: AgentStatus = { daemonSets: [{ name: 'podpath-host', desired: 2, ready: 2, updated: 2, available: 2, present: true }], pods: [{ name: 'podpath-host-x7k2p', plane: 'host', node: 'node-a', phase: 'Running', ready: true, restarts: 0, podIP: '172.31.250.1' }] };
    const outputs = {
      'collect --json': JSON.stringify(facts, null, 2),
      'cluster facts -o json': JSON.stringify(clusterFacts(labNodeObjects()), null, 2),
      'cluster status -o json': JSON.stringify(status, null, 2),
      'rules --json': JSON.stringify(allRules.map((r) => r.meta), null, 2),
    };
    for (const [command, text] of Object.entries(outputs)) {
      let message = '';
      expect(codeOf(() => {
        try {
          loadReportSource({ from: 'r.json', text });
        } catch (e) {
          message = (e as Error).message;
          throw e;
        }
      }), command).toBe('E_REPORT_UNSUPPORTED');
      expect(message, command).toContain(`(${command})`);
      expect(message).toMatch(/is not drawn by podpath report; it reads doctor report \(doctor -o json\), .*probe report \(podpath probe -o json\)/);
      expect(message).not.toContain('\n');
    }
    // A list of something else, an object with some of those keys: not a podpath result.
    expect(codeOf(() => loadReportSource({ from: 'x', text: '[{"id":"a"}]' }))).toBe('E_REPORT_UNKNOWN');
    expect(codeOf(() => loadReportSource({ from: 'x', text: '{"pods":[]}' }))).toBe('E_REPORT_UNKNOWN');
  });
  it('reads cluster doctor JSON; the same run in --lang en and --lang zh becomes one part that switches language', async () => {
    const facts: Record<string, NodeFacts> = { a: labNodeFacts('a'), b: labNodeFacts('b') };
    const run = (lang: 'en' | 'zh') => runClusterDoctor({ cluster: clusterFacts(labNodeObjects()), nodes: [{ kind: 'file', path: 'a', name: NODE_A }, { kind: 'file', path: 'b', name: NODE_B }], lang, load: async (s) => facts[s.kind === 'file' ? s.path : '']! });
    const [en, zh] = [(await run('en')).report, (await run('zh')).report];
    const input = buildHtmlReportInput([{ from: 'zh.json', text: JSON.stringify(zh) }, { from: 'en.json', text: JSON.stringify(en) }], { lang: 'en' });
    expect(input.parts.map((p) => p.kind)).toEqual(['cluster']);
    const part = input.parts[0] as ClusterPart;
    expect([part.report.lang, part.translation?.lang, part.from]).toEqual(['en', 'zh', 'en.json']);
    // The recorded lab node a: a 1500-byte veth under a 1450 flannel.1, in both languages on the page.
    const f = en.nodes[0]!.report!.findings[0]!;
    const g = zh.nodes[0]!.report!.findings[0]!;
    expect(f.ruleId).toBe('mtu-mismatch');
    const page = renderHtmlReport(input);
    expect(page).toContain(`<span class="i" lang="en">${f.title}</span><span class="i" lang="zh">${g.title}</span>`);
    // A run in one language, or two different runs, stay apart.
    expect(buildHtmlReportInput([{ from: 'en.json', text: JSON.stringify(en) }]).parts.map((p) => (p as ClusterPart).translation)).toEqual([undefined]);
    const other = { ...zh, nodes: zh.nodes.slice(1) };
    expect(buildHtmlReportInput([{ from: 'en.json', text: JSON.stringify(en) }, { from: 'o.json', text: JSON.stringify(other) }]).parts).toHaveLength(2);
    expect(codeOf(() => loadReportSource({ from: 'x', text: JSON.stringify({ ...en, nodes: [{ name: 1 }] }) }))).toBe('E_REPORT_INPUT');
  });
  it('reads probe directions through one schema, at the limits of util/limits.ts, in probe -o json and in doctor --peer -o json', () => {
    const run = judgeProbeReport(probeReport('underlay-size-limit'), 'en');
    const probeDoc = JSON.parse(renderProbeJson(run, '0')) as { directions: { result: { sweep?: { tries: unknown[] } } }[] };
    const curves = doctorProbes(run.report)!;
    const doctorDoc = { ...(JSON.parse(renderJson(reportOf(en[1]!))) as object), probes: curves };
    // A direction's sweep padded with tries (a real one: the first repeated) up to n.
    const withTries = <T extends { directions: { result: { sweep?: { tries: unknown[] } } }[] }>(doc: T, n: number): T => {
      const d = structuredClone(doc);
      const sweep = d.directions.find((x) => x.result.sweep)!.result.sweep!;
      sweep.tries = Array.from({ length: n }, (_, i) => sweep.tries[i % sweep.tries.length]);
      return d;
    };
    const max = LIMITS.reportSweepTries.value;
    for (const [what, load] of [
      ['probe', (n: number) => loadReportSource({ from: 'p.json', text: JSON.stringify(withTries(probeDoc, n)) })],
      ['doctor --peer', (n: number) => loadReportSource({ from: 'd.json', text: JSON.stringify({ ...doctorDoc, probes: withTries(curves, n) }) })],
    ] as const) {
      expect(codeOf(() => load(max)), what).toBeUndefined();
      expect(codeOf(() => load(max + 1)), what).toBe('E_REPORT_INPUT');
    }
  });
  it('survives input nested a million levels deep', () => {
    const deep = '['.repeat(1_000_000) + ']'.repeat(1_000_000);
    expect(['E_REPORT_UNKNOWN', 'E_REPORT_JSON']).toContain(codeOf(() => loadReportSource({ from: 'deep', text: deep })));
    const peers = `${'{"schema":"podpath.doctor","peer":{"report":'.repeat(200_000)}1${'}}'.repeat(200_000)}`;
    expect(['E_REPORT_INPUT', 'E_REPORT_JSON']).toContain(codeOf(() => loadReportSource({ from: 'peers', text: peers })));
  });
});

describe('podpath report: reading', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'pp-report-'));
  const max = LIMITS.reportInputBytes.value;
  const reject = async (paths: string[]) => readReportSources(paths).then(() => 'read', (e: unknown) => (isPodpathError(e) ? e.code : String(e)));
  it('refuses a file over the limit before reading it, and inputs over it together', async () => {
    const big = path.join(dir, 'big.json');
    writeFileSync(big, '');
    truncateSync(big, max + 1);
    expect(await reject([big])).toBe('E_REPORT_INPUT_TOO_BIG');
    const half = path.join(dir, 'half.json');
    writeFileSync(half, '');
    truncateSync(half, Math.floor(max / 2) + 1);
    expect(await reject([half, half])).toBe('E_REPORT_INPUT_TOO_BIG');
  });
  it('refuses a directory and a FIFO without waiting on it; says which file cannot be opened', async () => {
    const fifo = path.join(dir, 'fifo.json');
    execFileSync('mkfifo', [fifo]);
    expect(await reject([fifo])).toBe('E_REPORT_SPECIAL_FILE');
    expect(await reject([dir])).toBe('E_REPORT_SPECIAL_FILE');
    expect(await reject([path.join(dir, 'none.json')])).toBe('E_REPORT_READ');
  });
  it('reads standard input for -, within the same limit', async () => {
    const got = await readReportSources(['-'], async () => Buffer.from('{"a":1}'));
    expect(got).toEqual([{ from: '-', text: '{"a":1}' }]);
  });
});
