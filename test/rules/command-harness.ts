// Shared by the printed-command tests: every fix and undo template of every rule, filled the way
// doctor fills them, and a sandbox that runs a printed line under sh with stub tools that record
// their argv (so a test sees exactly which arguments a value became).
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fillCommand, placeholderContexts, ShellFragment, type CommandValue, type FillResult, type PlaceholderContext } from '../../src/engine/shell-fill.js';
import { allRules } from '../../src/rules/index.js';
import { sysctlSetting } from '../../src/rules/node/rp-filter-strict.js';
import { byHand } from '../../src/rules/node/stale-vtep-fdb.js';
import { bootFragments, diff } from '../../src/rules/cluster/fleet-split.js';

export interface Template {
  ruleId: string;
  where: string;
  template: string;
}

export function allTemplates(): Template[] {
  const out: Template[] = [];
  for (const r of allRules) {
    r.meta.remediation.forEach((step, i) => {
      step.commands.forEach((t, j) => out.push({ ruleId: r.meta.id, where: `remediation[${i}].commands[${j}]`, template: t }));
      step.undo.forEach((t, j) => out.push({ ruleId: r.meta.id, where: `remediation[${i}].undo[${j}]`, template: t }));
    });
  }
  return out;
}

/**
 * Placeholders rules fill with more than one word (commandData): built with the rules' own
 * builders, with the value under test in every slot a bundle controls.
 */
export const COMPOSITE: Record<string, (v: string) => CommandValue> = {
  fixCommand: (v) => byHand('append', v, v, v).fixCommand,
  undoCommand: (v) => byHand('del', v, v, v).undoCommand,
  sysctlArgs: (v) => [sysctlSetting(v, 2)],
  sysctlUndoArgs: (v) => [sysctlSetting(v, 1)],
  diffCommand: (v) => diff(v, v),
  bootCommand: (v) => bootFragments(v, v, v).bootCommand,
  bootUndo: (v) => bootFragments(v, v, v).bootUndo,
};

/** Every placeholder the template uses filled with `v` (composites built around it). */
export function dataFor(template: string, v: string, normal: Record<string, string> = {}): Record<string, CommandValue> {
  const data: Record<string, CommandValue> = {};
  for (const p of placeholderContexts(template)) data[p.name] = COMPOSITE[p.name]?.(normal[p.name] ?? v) ?? normal[p.name] ?? v;
  return data;
}

/** Where a value ends up, looking through composites: each occurrence's context. */
export function contextsOf(template: string, data: Record<string, CommandValue>): PlaceholderContext[] {
  const out: PlaceholderContext[] = [];
  for (const p of placeholderContexts(template)) {
    const v = data[p.name];
    const parts = Array.isArray(v) ? v : [v];
    for (const part of parts) {
      if (part instanceof ShellFragment) out.push(...contextsOf(part.template, part.data as Record<string, CommandValue>));
      else out.push(p.context);
    }
  }
  return out;
}

export function fill(template: string, v: string, normal: Record<string, string> = {}): FillResult {
  return fillCommand(template, dataFor(template, v, normal));
}

/** The `${NAME:?...}` values a user supplies before pasting; the sandbox sets them. */
export const USER_VALUES: Record<string, string> = { NIC: 'eth9', DEPLOYMENT: 'web', MTU: '1450', N: '1', PEER_NODE_IP: '192.0.2.1', STALE_DST: '192.0.2.2', START: '2026-01-01 10:00:00', STOP: '2026-01-01 10:05:00' };

/** Tools the printed commands call: in the sandbox each is a stub that records its argv. */
export const STUBBED = [
  'awk', 'bridge', 'conntrack', 'dnf', 'ethtool', 'firewall-cmd', 'grub2-editenv', 'grub2-set-default', 'grubby', 'hostname', 'iperf3',
  'ip', 'iptables', 'kubectl', 'modprobe', 'nft', 'nmcli', 'ping', 'podpath', 'reboot', 'sleep', 'systemctl', 'sysctl', 'tcpdump', 'uname',
  // The capture rules' next steps.
  'editcap', 'journalctl', 'nstat', 'ss', 'tshark',
];
/** Real tools the lines use on the sandbox's own files. */
const REAL = ['grep', 'sed', 'rm', 'ls', 'cat', 'touch', 'head'];

export interface Call {
  tool: string;
  argv: string[];
}

export interface Sandbox {
  dir: string;
  root: string;
  cwd: string;
  /** Absolute paths in a template (/etc/..., /tmp/...) moved under the sandbox's fake root. */
  rebase(template: string): string;
  run(line: string, shell?: string): Promise<{ status: number | null; stderr: string; calls: Call[] }>;
  cleanup(): void;
}

export function makeSandbox(): Sandbox {
  const dir = mkdtempSync(join(tmpdir(), 'pp-h9-cmd-'));
  const bin = join(dir, 'bin');
  const root = join(dir, 'root');
  const cwd = join(dir, 'cwd');
  const log = join(dir, 'calls');
  for (const d of [bin, cwd, join(root, 'etc/sysconfig/network-scripts'), join(root, 'etc/sysctl.d'), join(root, 'etc/modules-load.d'), join(root, 'etc/udev/rules.d'), join(root, 'etc/dnf'), join(root, 'etc/NetworkManager/conf.d'), join(root, 'tmp'), join(root, 'sys/class/net/eth0'), join(root, 'proc/net')]) {
    mkdirSync(d, { recursive: true });
  }
  writeFileSync(join(root, 'proc/net/snmp'), 'Udp: InDatagrams InCsumErrors\nUdp: 1 0\n');
  writeFileSync(join(root, 'etc/grub2.cfg'), "menuentry 'Linux (5.14)' {\n}\n");
  // A file an unquoted glob in a value (eth*) would expand to.
  writeFileSync(join(cwd, 'eth0-decoy'), '');
  for (const tool of STUBBED) {
    const out = tool === 'hostname' ? "printf 'node1\\n'" : tool === 'nmcli' ? "printf 'Wired 1\\n'" : ':';
    // `cmd & sleep 30; kill %1`: when its shell has a job in the background, the stub sleep waits
    // (bounded) until that job's tool has recorded its call, so kill never beats it.
    const wait = tool === 'sleep'
      ? `count() { echo $#; }\nif [ "$(count $(cat /proc/$PPID/task/*/children 2>/dev/null))" -gt 1 ]; then i=0; while [ ! -s '${log}' ] && [ $i -lt 100 ]; do /bin/sleep 0.05; i=$((i+1)); done; fi\n`
      : '';
    const script = `#!/bin/sh\n${wait}{ printf 'CALL\\0%s\\0' "\${0##*/}"; for a in "$@"; do printf 'ARG\\0%s\\0' "$a"; done; } >> '${log}'\n${out}\n`;
    writeFileSync(join(bin, tool), script);
    chmodSync(join(bin, tool), 0o755);
  }
  for (const tool of REAL) {
    const path = ['/usr/bin', '/bin'].map((d) => join(d, tool)).find((p) => spawnSync('test', ['-x', p]).status === 0);
    if (path) symlinkSync(path, join(bin, tool));
  }
  const parse = (): Call[] => {
    let raw = '';
    try {
      raw = readFileSync(log, 'latin1');
    } catch {
      return [];
    }
    const calls: Call[] = [];
    const parts = raw.split('\0');
    for (let i = 0; i + 1 < parts.length; i += 2) {
      const tag = parts[i];
      const value = Buffer.from(parts[i + 1] ?? '', 'latin1').toString('utf8');
      if (tag === 'CALL') calls.push({ tool: value, argv: [] });
      else if (tag === 'ARG') calls.at(-1)?.argv.push(value);
    }
    return calls;
  };
  return {
    dir,
    root,
    cwd,
    rebase: (template) => template.replace(/(^|[\s'"=>(])\/(etc|tmp|sys|proc|boot)\//g, `$1${root}/$2/`),
    async run(line, shell = '/bin/sh') {
      rmSync(log, { force: true });
      const child = spawn(shell, ['-c', line], { cwd, env: { PATH: bin, HOME: dir, ...USER_VALUES }, stdio: ['ignore', 'ignore', 'pipe'], timeout: 20_000 });
      let stderr = '';
      child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
      const status = await new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
      return { status, stderr, calls: parse() };
    },
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}
