import type { EvidenceSource, FactsPart, HostReader } from '../types.js';
import { whyMissing } from '../host/types.js';
import { commandLine } from '../host/sos-names.js';
import { missingBecause } from '../../evidence/missing-reasons.js';
import { parseAptHistory, parseDnfRpmLog, parseDpkgL, parseRpmQa, parseYumLog, type PackageEventValue } from './parse.js';
import { pushAll } from '../../util/arrays.js';

/** Package logs and their rotated copies (logrotate numbers them, or dates them with dateext); gzip ones are skipped. */
const LOGS: { dir: string; name: RegExp; parse: (text: string) => PackageEventValue[] }[] = [
  { dir: '/var/log', name: /^dnf\.rpm\.log(?:\.(\d+)|-(\d{8}))?$/, parse: parseDnfRpmLog },
  { dir: '/var/log', name: /^yum\.log(?:\.(\d+)|-(\d{8}))?$/, parse: parseYumLog },
  { dir: '/var/log/apt', name: /^history\.log(?:\.(\d+)|-(\d{8}))?$/, parse: parseAptHistory },
];
const RPM = { argv: ['rpm', '-qa', 'kernel*'], plugin: 'rpm' };
const DPKG = { argv: ['dpkg', '-l'], plugin: 'dpkg' };

export const packagesSource: EvidenceSource = {
  id: 'packages',
  provides: ['kernelPackages'],
  reads: [],
  commands: [RPM, DPKG],
  files: ['/var/log/dnf.rpm.log*', '/var/log/yum.log*', '/var/log/apt/history.log*'],
  async read(host): Promise<FactsPart> {
    const history: NonNullable<FactsPart['kernelPackages']>['history'] = [];
    const installed: string[] = [];
    const sources: string[] = [];
    for (const log of LOGS) {
      for (const file of await logFilesOldestFirst(host, log.dir, log.name)) {
        const f = await host.readFile(file);
        if (!f) continue;
        sources.push(f.source);
        for (const e of log.parse(f.text)) history.push({ ...e, source: f.source });
      }
    }
    const rpm = await host.run(RPM);
    if (rpm) {
      sources.push(rpm.source);
      pushAll(installed, parseRpmQa(rpm.stdout));
    }
    const dpkg = await host.run(DPKG);
    if (dpkg) {
      sources.push(dpkg.source);
      pushAll(installed, parseDpkgL(dpkg.stdout));
    }
    if (sources.length === 0) {
      return { missing: missingBecause('kernelPackages', whyMissing(host, '/var/log/dnf.rpm.log'), whyMissing(host, commandLine(RPM.argv)), whyMissing(host, commandLine(DPKG.argv))) };
    }
    return { kernelPackages: { history, installed: [...new Set(installed)], sources } };
  },
};

/** `x.log.3`, `x.log.2`, `x.log.1`, `x.log` or `x.log-20240101`, `x.log-20240201`, `x.log`: oldest first. */
async function logFilesOldestFirst(host: HostReader, dir: string, name: RegExp): Promise<string[]> {
  const found: { path: string; age: number }[] = [];
  for (const p of await host.listDir(dir)) {
    const m = name.exec(p.slice(dir.length + 1));
    if (!m) continue;
    // Numbered: bigger is older. Dated: earlier is older. Current: newest (age 0).
    const age = m[1] !== undefined ? Number(m[1]) : m[2] !== undefined ? 1e9 - Number(m[2]) / 1e4 : 0;
    found.push({ path: p, age });
  }
  return found.sort((a, b) => b.age - a.age).map((f) => f.path);
}
