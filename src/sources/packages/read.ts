import type { EvidenceSource, FactsPart } from '../types.js';
import { whyMissing } from '../host/types.js';
import { parseAptHistory, parseDnfRpmLog, parseDpkgL, parseRpmQa, parseYumLog, type PackageEventValue } from './parse.js';

const LOGS: { path: string; parse: (text: string) => PackageEventValue[] }[] = [
  { path: '/var/log/dnf.rpm.log', parse: parseDnfRpmLog },
  { path: '/var/log/yum.log', parse: parseYumLog },
  { path: '/var/log/apt/history.log', parse: parseAptHistory },
];
const RPM = { argv: ['rpm', '-qa', 'kernel*'], plugin: 'rpm' };
const DPKG = { argv: ['dpkg', '-l'], plugin: 'dpkg' };

export const packagesSource: EvidenceSource = {
  id: 'packages',
  provides: ['kernelPackages'],
  commands: [RPM, DPKG],
  files: LOGS.map((l) => l.path),
  async read(host): Promise<FactsPart> {
    const history: NonNullable<FactsPart['kernelPackages']>['history'] = [];
    const installed: string[] = [];
    const sources: string[] = [];
    for (const log of LOGS) {
      const f = await host.readFile(log.path);
      if (!f) continue;
      sources.push(f.source);
      for (const e of log.parse(f.text)) history.push({ ...e, source: f.source });
    }
    const rpm = await host.run(RPM);
    if (rpm) {
      sources.push(rpm.source);
      installed.push(...parseRpmQa(rpm.stdout));
    }
    const dpkg = await host.run(DPKG);
    if (dpkg) {
      sources.push(dpkg.source);
      installed.push(...parseDpkgL(dpkg.stdout));
    }
    if (sources.length === 0) {
      return { missing: [{ evidence: 'kernelPackages', reason: `no package log or package list (${whyMissing(host, LOGS[0]!.path)}; rpm and dpkg unavailable)` }] };
    }
    return { kernelPackages: { history, installed: [...new Set(installed)], sources } };
  },
};
