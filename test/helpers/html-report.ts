// Reports for the HTML report's tests: real ones, made by doctor from the fixture bundles (in both
// languages, as `-o html` makes them), and a hostile one whose every string tries to break out.
import path from 'node:path';
import { runFleet, type FleetEntry } from '../../src/app/fleet.js';
import type { Finding } from '../../src/engine/types.js';
import type { DoctorReport } from '../../src/report/model.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
export const BUNDLES = ['seed000-kylin-52.49', 'sos-4.0-netns'].map((b) => path.join(ROOT, 'test/fixtures/bundles', b));

/** Doctor's reports of every fixture bundle, English first with the Chinese translation beside. */
export async function fixtureFleet(): Promise<FleetEntry[]> {
  const { entries } = await runFleet({ sources: BUNDLES, lang: 'en', alsoIn: 'zh' });
  return entries;
}

/** Strings that would run a script, close an element or an attribute, or reorder a line if not escaped. */
export const EVIL = {
  script: '<script>window.__pwned=(window.__pwned||0)+1</script>',
  img: '"><img src=x onerror="window.__pwned=(window.__pwned||0)+1">',
  style: '</style><style>body{display:none}</style>',
  attr: "' onmouseover='window.__pwned=1' x='",
  svg: '</title></svg><svg onload="window.__pwned=1">',
  controls: 'line\u0000one\u001b[2J\r\nforged: line\u0007',
  bidi: 'admin\u202egnp.exe\u2066hidden\u2069\u200f',
  js: 'javascript:window.__pwned=1',
  comment: '--><!-- <!--',
  cdata: ']]><![CDATA[<script>window.__pwned=1</script>',
};
const ALL_EVIL = Object.values(EVIL).join(' ');

function evilFinding(i: number): Finding {
  return {
    ruleId: `${EVIL.script}-${i}`,
    severity: i === 0 ? 'critical' : 'warning',
    title: `${EVIL.style} ${EVIL.bidi}`,
    messageId: 'x',
    message: `${EVIL.img} ${EVIL.controls}`,
    evidence: [{ source: EVIL.svg, text: ALL_EVIL }],
    remediation: [{ description: EVIL.attr, commands: [`echo ${EVIL.script}`, EVIL.controls], undo: [EVIL.comment] }],
    references: [EVIL.js, EVIL.img, 'https://example.invalid/"onclick="x'],
    detail: EVIL.cdata,
    location: { file: EVIL.svg, frames: { count: 2, ranges: [{ from: 1, to: 2 }], truncated: false }, filter: EVIL.script },
  };
}

/** A doctor report in which every string the input can reach is hostile (it passes the JSON schema). */
export function hostileReport(lang: 'en' | 'zh' = 'en'): DoctorReport {
  const findings = [evilFinding(0), evilFinding(1)];
  const base = {
    schema: 'podpath.doctor' as const,
    schemaVersion: 1 as const,
    podpathVersion: EVIL.script,
    generatedAt: EVIL.controls,
    lang,
    node: { hostname: EVIL.script, kernel: EVIL.style, os: EVIL.bidi, origin: { kind: 'bundle' as const, path: EVIL.img }, collectedAt: EVIL.controls, kubernetesNode: false },
    summary: { rules: 3, failed: 2, passed: 0, skipped: 1, findings: 2, bySeverity: { critical: 1, error: 0, warning: 1, info: 0 } },
    findings,
    results: [
      { ruleId: findings[0]!.ruleId, status: 'fail' as const },
      { ruleId: findings[1]!.ruleId, status: 'fail' as const },
      { ruleId: EVIL.svg, status: 'skipped' as const, reason: ALL_EVIL },
    ],
    missing: [{ evidence: EVIL.script, code: EVIL.svg, data: { path: EVIL.script }, reason: EVIL.img }],
    notes: [{ code: EVIL.script, message: ALL_EVIL }],
  };
  // The probes' curves (doctor --peer): names in the legend, the heading and every point's title.
  const probes = {
    peer: EVIL.img,
    directions: [{ from: EVIL.script, to: EVIL.svg, label: EVIL.attr, sender: 'local\u0007\u202e', result: { sweep: { tries: [{ size: 64, sent: 3, arrived: 3 }, { size: 1473, sent: 3, arrived: 0 }], largestPassing: 64, maxTried: 1473 }, ramp: { steps: [{ rateBps: 1_000_000, sent: 10, arrived: 10, lossPct: 0 }] } } }],
  };
  return { ...base, peer: { address: EVIL.img, error: ALL_EVIL }, probes };
}
