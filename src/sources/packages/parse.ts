// Kernel package history and inventory: dnf.rpm.log, yum.log, apt history.log, `rpm -qa`, `dpkg -l`.

export interface PackageEventValue {
  time?: string;
  action: string;
  name: string;
  version?: string;
  line: string;
}

/** Packages that change what kernel boots or how it behaves. */
export function isKernelPackage(name: string): boolean {
  return /^(kernel(-|$)|linux-(image|modules|headers|kbuild|signed)|linux-(generic|virtual)|kmod-)/i.test(name);
}

/** `kernel-tools-4.19.90-52.49.v2207.ky10.x86_64` -> name `kernel-tools`, version `4.19.90-52.49.v2207.ky10.x86_64`. */
export function splitNevra(nevra: string): { name: string; version?: string } {
  const s = nevra.trim().replace(/^\d+:/, '');
  const m = /^(.+?)-((?:\d+:)?\d[^-]*-[^-]+)$/.exec(s);
  return m ? { name: m[1]!, version: m[2]! } : { name: s };
}

const DNF_ACTIONS: Record<string, string> = {
  installed: 'install', install: 'install', upgrade: 'upgrade', upgraded: 'upgraded', updated: 'upgraded', update: 'upgrade',
  erase: 'erase', erased: 'erase', removed: 'erase', remove: 'erase', reinstall: 'reinstall', reinstalled: 'reinstall',
  downgrade: 'downgrade', downgraded: 'downgraded', obsoleted: 'erase', obsoleting: 'install', cleanup: 'cleanup',
};

/**
 * dnf.rpm.log: `2025-08-07T01:34:25Z SUBDEBUG Installed: kernel-4.19.90-52.49.v2207.ky10.x86_64`
 * (newer dnf writes `+0800` offsets; `Upgrade:` is the new package, `Upgraded:` the one it replaced).
 */
export function parseDnfRpmLog(text: string, kernelOnly = true): PackageEventValue[] {
  const events: PackageEventValue[] = [];
  for (const line of text.split('\n')) {
    const m = /^(\S+)\s+(?:SUBDEBUG|DEBUG|INFO)\s+([A-Za-z]+):\s*(\S+)\s*$/.exec(line.trim());
    if (!m) continue;
    const action = DNF_ACTIONS[m[2]!.toLowerCase()];
    if (!action || action === 'cleanup') continue;
    const { name, version } = splitNevra(m[3]!);
    if (kernelOnly && !isKernelPackage(name)) continue;
    events.push({ time: m[1], action, name, version, line: line.trim() });
  }
  return events;
}

/** yum.log (CentOS 7): `Mar 15 11:22:33 Installed: kernel-3.10.0-1160.88.1.el7.x86_64` (no year in the line). */
export function parseYumLog(text: string, kernelOnly = true): PackageEventValue[] {
  const events: PackageEventValue[] = [];
  for (const line of text.split('\n')) {
    const m = /^([A-Z][a-z]{2}\s+\d{1,2}\s+\d{2}:\d{2}:\d{2})\s+([A-Za-z]+):\s*(\S+)\s*$/.exec(line.trim());
    if (!m) continue;
    const action = DNF_ACTIONS[m[2]!.toLowerCase()];
    if (!action) continue;
    const { name, version } = splitNevra(m[3]!);
    if (kernelOnly && !isKernelPackage(name)) continue;
    events.push({ time: m[1], action, name, version, line: line.trim() });
  }
  return events;
}

/**
 * apt history.log: blocks of `Start-Date:`, `Commandline:`, then `Install:` / `Upgrade:` / `Remove:` /
 * `Purge:` lines listing `name:arch (version)` or `name:arch (old, new)`, comma separated.
 */
export function parseAptHistory(text: string, kernelOnly = true): PackageEventValue[] {
  const events: PackageEventValue[] = [];
  let time: string | undefined;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    // The `s` flag: `.` takes every character, so `(.*)$` cannot fail and backtrack (a \r or
    // U+2028 made these quadratic).
    const start = /^Start-Date:\s*(.+)$/s.exec(line);
    if (start) {
      time = start[1]!.trim();
      continue;
    }
    const m = /^(Install|Upgrade|Remove|Purge|Reinstall|Downgrade):\s*(.*)$/s.exec(line);
    if (!m) continue;
    const action = { Install: 'install', Upgrade: 'upgrade', Remove: 'erase', Purge: 'erase', Reinstall: 'reinstall', Downgrade: 'downgrade' }[m[1]!]!;
    // A name starts after a separator only, and the version list stops at the next parenthesis:
    // every character is then scanned a bounded number of times.
    for (const item of m[2]!.matchAll(/(?<![^\s,()])([^\s,()]+)\s+\(([^()]*)\)/g)) {
      const name = item[1]!.replace(/:[\w-]+$/, '');
      if (kernelOnly && !isKernelPackage(name)) continue;
      const versions = item[2]!.split(',').map((v) => v.replace(/automatic/, '').trim()).filter(Boolean);
      events.push({ time, action, name, version: versions[versions.length - 1], line: `${m[1]}: ${item[0]}` });
    }
  }
  return events;
}

/** `rpm -qa` (one NEVRA a line) or sos `installed-rpms` (`NEVRA   date`): kernel packages, name-version strings. */
export function parseRpmQa(text: string): string[] {
  const out: string[] = [];
  for (const line of text.split('\n')) {
    const first = line.trim().split(/\s+/)[0];
    if (!first) continue;
    if (isKernelPackage(splitNevra(first).name)) out.push(first);
  }
  return out;
}

/** `dpkg -l`: `ii  linux-image-6.1.0-18-amd64  6.1.76-1  amd64  Linux 6.1 for 64-bit PCs`; installed (`ii`) kernel packages. */
export function parseDpkgL(text: string): string[] {
  const out: string[] = [];
  for (const line of text.split('\n')) {
    const m = /^([a-z][a-zA-Z ]?[a-zA-Z ]?)\s+(\S+)\s+(\S+)\s+/.exec(line);
    if (!m || !/^[hi]i/.test(m[1]!)) continue;
    const name = m[2]!.replace(/:[\w-]+$/, '');
    if (isKernelPackage(name)) out.push(`${name}-${m[3]}`);
  }
  return out;
}
