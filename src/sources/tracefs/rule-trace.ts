// --trace-rules: the packet filter's own trace for the given ports. nftables: a temporary table
// `podpath_trace_<pid>` whose chains, hooked just before raw (priority -301), set `meta nftrace
// set 1` on matching packets only, read through `nft -a monitor`. iptables-legacy: TRACE rules in
// the raw table (comment `podpath-trace-<pid>`), read from the kernel log. Everything is removed
// afterwards through the ChangeLog, and what a crashed run left is removed at the next start.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { closeSync, constants, openSync, readFileSync, readSync, writeFileSync } from 'node:fs';
import type { RuleTrace } from '../../evidence/drop-trace.js';
import { PodpathError } from '../../util/errors.js';
import { LIMITS } from '../../util/limits.js';
import { shellJoin } from '../../util/shell-quote.js';
import { ChangeLog, echoTo, errorText } from './changes.js';
import { parseIptablesSave, parseIptablesTraceLine, type IptablesRuleset } from './iptables-trace.js';
import { parseNftTraceLine } from './nft-trace.js';
import { VerdictTally } from './rule-verdicts.js';
import { hostSysctlArgv, inInitNs, readHostSysctl, writeHostSysctl } from './ns.js';

export const NFT_TABLE_PREFIX = 'podpath_trace_';
export const IPT_COMMENT_PREFIX = 'podpath-trace-';

export type RuleTraceMode = 'nft' | 'iptables-legacy';

const NF_LOG_ALL_NETNS = '/proc/sys/net/netfilter/nf_log_all_netns';

/** `8472,4789` -> ports; refuses anything else. */
export function parsePorts(text: string): number[] {
  const parts = text.split(',').map((p) => p.trim()).filter((p) => p !== '');
  if (parts.length === 0) throw new PodpathError('E_USAGE', '--trace-rules needs ports, e.g. 8472 or 8472,4789');
  if (parts.length > LIMITS.ruleTracePorts.value) throw new PodpathError(LIMITS.ruleTracePorts.code, `--trace-rules takes at most ${LIMITS.ruleTracePorts.value} ports`);
  const ports = parts.map((p) => {
    if (!/^\d{1,5}$/.test(p) || Number(p) < 1 || Number(p) > 65535) throw new PodpathError('E_USAGE', `--trace-rules: "${p}" is not a port (1-65535)`);
    return Number(p);
  });
  return [...new Set(ports)];
}

const IPV4 = /^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}$/;

export interface RuleTraceOptions {
  ports: number[];
  /** IPv4 addresses; when given, only packets to or from them are traced. */
  addresses?: string[];
  mode?: 'auto' | RuleTraceMode;
  pid?: number;
}

function run(argv: string[], input?: string): string {
  return execFileSync(argv[0]!, argv.slice(1), { encoding: 'utf8', input, stdio: ['pipe', 'pipe', 'pipe'], maxBuffer: 64 << 20 });
}

function have(tool: string): boolean {
  try {
    run([tool, '--version']);
    return true;
  } catch {
    return false;
  }
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Which packet filter to trace: legacy iptables when it holds rules, else nftables. */
export function chooseMode(mode: RuleTraceOptions['mode']): RuleTraceMode {
  if (mode === 'nft' || mode === 'iptables-legacy') return mode;
  let legacyRules = false;
  try {
    legacyRules = /^-A /m.test(run(['iptables-legacy-save']));
  } catch {
    // no iptables-legacy
  }
  if (legacyRules) return 'iptables-legacy';
  if (have('nft')) return 'nft';
  throw new PodpathError('E_RULE_TRACE_TOOL', '--trace-rules needs nft, or iptables-legacy with rules loaded');
}

/** nft's own tables named podpath_trace_<pid> whose process is gone: a crashed run's. */
export function removeDeadNftTables(log: ChangeLog, self = process.pid): void {
  let list: string;
  try {
    list = run(['nft', 'list', 'tables']);
  } catch {
    return;
  }
  for (const m of list.matchAll(/^table (ip|ip6|inet) (podpath_trace_(\d{1,10}))$/gm)) {
    const pid = Number(m[3]);
    if (pid === self || pidAlive(pid)) continue;
    const argv = ['nft', 'delete', 'table', m[1]!, m[2]!];
    try {
      run(argv);
      log.leftover(`nftables table ${m[1]} ${m[2]} (process ${pid} is gone)`, shellJoin(argv));
    } catch (e) {
      log.leftover(`nftables table ${m[1]} ${m[2]} (process ${pid} is gone)`, shellJoin(argv), errorText(e));
    }
  }
}

// Exactly the rules podpath inserts (see legacyRules): anything else is never deleted.
const OUR_IPT_RULE = /^-A (PREROUTING|OUTPUT) -p (udp|tcp) -m multiport --ports [\d,]{1,120} -m comment --comment podpath-trace-(\d{1,10}) -j TRACE$/;

export function removeDeadIptablesRules(log: ChangeLog, self = process.pid): void {
  let save: string;
  try {
    save = run(['iptables-legacy-save', '-t', 'raw']);
  } catch {
    return;
  }
  for (const line of save.split('\n')) {
    const m = OUR_IPT_RULE.exec(line.trim());
    if (!m) continue;
    const pid = Number(m[3]);
    if (pid === self || pidAlive(pid)) continue;
    const argv = ['iptables-legacy', '-t', 'raw', '-D', ...line.trim().split(' ').slice(1)];
    try {
      run(argv);
      log.leftover(`iptables-legacy raw TRACE rule of process ${pid} (gone)`, shellJoin(argv));
    } catch (e) {
      log.leftover(`iptables-legacy raw TRACE rule of process ${pid} (gone)`, shellJoin(argv), errorText(e));
    }
  }
}

/** The nft script of the tracing table: one command line (`nft '<script>'`) a user can paste. */
export function nftTableScript(table: string, ports: number[], addresses: string[]): string {
  const p = `{ ${ports.join(', ')} }`;
  const a = `{ ${addresses.join(', ')} }`;
  const rules = addresses.length
    ? [`ip daddr ${a} meta l4proto { tcp, udp } th dport ${p} meta nftrace set 1`, `ip saddr ${a} meta l4proto { tcp, udp } th sport ${p} meta nftrace set 1`]
    : [`meta l4proto { tcp, udp } th dport ${p} meta nftrace set 1`, `meta l4proto { tcp, udp } th sport ${p} meta nftrace set 1`];
  const cmds = [`add table inet ${table}`];
  for (const [chain, hook] of [['pre', 'prerouting'], ['out', 'output']] as const) {
    // -301 = raw - 1: before conntrack and every other chain, so each rule after it is traced.
    cmds.push(`add chain inet ${table} ${chain} { type filter hook ${hook} priority -301; policy accept; }`);
    for (const r of rules) cmds.push(`add rule inet ${table} ${chain} ${r}`);
  }
  return cmds.join('; ');
}

export function legacyRules(ports: number[], pid: number): string[][] {
  const out: string[][] = [];
  for (const chain of ['PREROUTING', 'OUTPUT']) {
    for (const proto of ['udp', 'tcp']) {
      out.push([chain, '-p', proto, '-m', 'multiport', '--ports', ports.join(','), '-m', 'comment', '--comment', `${IPT_COMMENT_PREFIX}${pid}`, '-j', 'TRACE']);
    }
  }
  return out;
}

/** Lines arriving from a child or the kernel log, split, bounded. */
class LineSink {
  lines = 0;
  stoppedBy?: string;
  private rest = '';

  constructor(private readonly onLine: (line: string) => void) {}

  push(chunk: string): void {
    if (this.stoppedBy) return;
    const text = this.rest + chunk;
    const parts = text.split('\n');
    this.rest = parts.pop() ?? '';
    if (this.rest.length > LIMITS.traceLine.value) this.rest = '';
    for (const line of parts) {
      if (++this.lines > LIMITS.ruleTraceLines.value) {
        this.stoppedBy = LIMITS.ruleTraceLines.code;
        return;
      }
      this.onLine(line);
    }
  }
}

export class RuleTracer {
  private child?: ChildProcess;
  private kmsg?: { fd: number; timer: NodeJS.Timeout };
  private ruleset: IptablesRuleset = new Map();
  private readonly tally: VerdictTally;
  private readonly sink: LineSink;
  private readySeen?: () => void;
  private readonly pid: number;
  private readonly addresses: string[];

  private constructor(readonly mode: RuleTraceMode, private readonly opts: RuleTraceOptions, private readonly log: ChangeLog) {
    this.pid = opts.pid ?? process.pid;
    this.addresses = opts.addresses ?? [];
    const table = `${NFT_TABLE_PREFIX}${this.pid}`;
    const comment = `${IPT_COMMENT_PREFIX}${this.pid}`;
    this.tally = new VerdictTally(
      { ports: opts.ports, addresses: this.addresses },
      (t, rule) => t === table || (rule?.includes(comment) ?? false),
    );
    this.sink = new LineSink((line) => this.onLine(line));
  }

  static async start(opts: RuleTraceOptions, log: ChangeLog): Promise<RuleTracer> {
    for (const a of opts.addresses ?? []) if (!IPV4.test(a)) throw new PodpathError('E_USAGE', `--trace-rules: "${a}" is not an IPv4 address`);
    if (opts.ports.length === 0 || opts.ports.length > LIMITS.ruleTracePorts.value) throw new PodpathError(LIMITS.ruleTracePorts.code, `--trace-rules takes 1 to ${LIMITS.ruleTracePorts.value} ports`);
    const mode = chooseMode(opts.mode);
    const t = new RuleTracer(mode, opts, log);
    if (mode === 'nft') {
      removeDeadNftTables(log, t.pid);
      await t.startNft();
    } else {
      removeDeadIptablesRules(log, t.pid);
      await t.startLegacy();
    }
    return t;
  }

  private onLine(line: string): void {
    if (this.mode === 'nft') {
      const table = `${NFT_TABLE_PREFIX}${this.pid}`;
      if (this.readySeen && (line.startsWith(`add table inet ${table} `) || line.startsWith(`add chain inet ${table} `))) this.readySeen();
      const l = parseNftTraceLine(line);
      if (l) this.tally.pushNft(l);
    } else {
      const l = parseIptablesTraceLine(line);
      if (l) this.tally.pushIptables(l, this.ruleset);
    }
  }

  private async startNft(): Promise<void> {
    const table = `${NFT_TABLE_PREFIX}${this.pid}`;
    // Plain `nft monitor` (not only `trace`): it also prints our own `add table`, which tells when
    // it is listening. -a: rules print their handle.
    const child = spawn('nft', ['-a', 'monitor'], { stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    this.log.defer(() => { if (child.exitCode === null) child.kill('SIGTERM'); });
    child.stdout!.setEncoding('utf8').on('data', (d: string) => {
      this.sink.push(d);
      if (this.sink.stoppedBy && child.exitCode === null) child.kill('SIGTERM');
    });
    let stderr = '';
    child.stderr!.setEncoding('utf8').on('data', (d: string) => { if (stderr.length < 1000) stderr += d; });
    const exited = new Promise<void>((resolve) => child.once('close', () => resolve()));
    child.once('error', () => undefined);
    const script = nftTableScript(table, this.opts.ports, this.addresses);
    await this.log.change(shellJoin(['nft', script]), shellJoin(['nft', 'delete', 'table', 'inet', table]),
      () => { run(['nft', script]); },
      () => { run(['nft', 'delete', 'table', 'inet', table]); });
    for (let i = 0; ; i++) {
      const ready = await Promise.race([
        new Promise<boolean>((resolve) => { this.readySeen = () => resolve(true); setTimeout(() => resolve(false), 500).unref(); }),
        exited.then(() => false),
      ]);
      if (ready) break;
      if (child.exitCode !== null || i >= 10) {
        throw new PodpathError('E_RULE_TRACE', `nft monitor did not start: ${stderr.trim().split('\n')[0] ?? 'no output'}`);
      }
      // The monitor may have subscribed after our table was added: make one more event it can see.
      run(['nft', 'add', 'chain', 'inet', table, `ready${i}`]);
    }
    this.readySeen = undefined;
  }

  private async startLegacy(): Promise<void> {
    try {
      this.ruleset = parseIptablesSave(run(['iptables-legacy-save']));
    } catch (e) {
      throw new PodpathError('E_RULE_TRACE_TOOL', `iptables-legacy-save failed: ${errorText(e)}`);
    }
    // A namespace other than the host's logs TRACE lines only with nf_log_all_netns=1 (global).
    // Unknown counts as another namespace: the change is printed and undone either way.
    if (inInitNs('net') !== true) await this.setIfNot(NF_LOG_ALL_NETNS, '1');
    const logger = readText('/proc/sys/net/netfilter/nf_log/2');
    if (logger === 'NONE') await this.setIfNot('/proc/sys/net/netfilter/nf_log/2', 'nf_log_ipv4', 'NONE');
    this.openKmsg();
    for (const spec of legacyRules(this.opts.ports, this.pid)) {
      const add = ['iptables-legacy', '-t', 'raw', '-I', ...spec];
      const del = ['iptables-legacy', '-t', 'raw', '-D', ...spec];
      await this.log.change(shellJoin(add), shellJoin(del), () => { run(add); }, () => { run(del); });
    }
  }

  private async setIfNot(path: string, value: string, restore?: string): Promise<void> {
    const global = path === NF_LOG_ALL_NETNS;
    const before = global ? readHostSysctl(path) : readText(path);
    if (before === undefined) throw new PodpathError('E_RULE_TRACE', `cannot read ${path}`);
    if (before === value) return;
    const back = restore ?? before;
    if (global) {
      // nf_log_all_netns is global: a crash must not leave it on for every namespace.
      const print = (v: string) => { const argv = hostSysctlArgv(path, v); return argv ? shellJoin(argv) : echoTo(v, path); };
      await this.log.change(print(value), print(back), () => writeGlobal(path, value), () => writeGlobal(path, back), { kind: 'write', path, value: back });
      return;
    }
    await this.log.change(echoTo(value, path), echoTo(back, path), () => writeText(path, value), () => writeText(path, back));
  }

  /** /dev/kmsg from now on: what is already in the ring is read past first. */
  private openKmsg(): void {
    let fd: number;
    try {
      fd = openSync('/dev/kmsg', constants.O_RDONLY | constants.O_NONBLOCK);
    } catch (e) {
      throw new PodpathError('E_RULE_TRACE', `cannot read the kernel log (/dev/kmsg): ${errorText(e)}`);
    }
    const buf = Buffer.allocUnsafe(16 * 1024);
    const drain = (keep: boolean) => {
      for (let n = 0; n < 100_000; n++) {
        let got: number;
        try {
          got = readSync(fd, buf, 0, buf.length, null);
        } catch (e) {
          const code = (e as NodeJS.ErrnoException).code;
          if (code === 'EPIPE') continue; // records overwritten before we read them
          break; // EAGAIN: nothing more now
        }
        if (got <= 0) break;
        if (keep) this.sink.push(buf.toString('utf8', 0, got).split('\n')[0]! + '\n');
      }
    };
    drain(false);
    const timer = setInterval(() => drain(true), 100);
    this.kmsg = { fd, timer };
    this.log.defer(() => this.closeKmsg());
  }

  private closeKmsg(): void {
    if (!this.kmsg) return;
    clearInterval(this.kmsg.timer);
    closeSync(this.kmsg.fd);
    this.kmsg = undefined;
  }

  /** Stops reading (the table or rules stay until the change log undoes them) and says what was seen. */
  async stop(): Promise<RuleTrace> {
    if (this.child && this.child.exitCode === null) {
      // Give the monitor a moment to print the last packets' lines.
      await new Promise((r) => setTimeout(r, 200));
      const closed = new Promise<void>((resolve) => this.child!.once('close', () => resolve()));
      this.child.kill('SIGTERM');
      await Promise.race([closed, new Promise((r) => setTimeout(r, 2000))]);
    }
    if (this.kmsg) {
      await new Promise((r) => setTimeout(r, 200));
      this.closeKmsg();
    }
    return {
      mode: this.mode,
      ports: this.opts.ports,
      addresses: this.addresses,
      packets: this.tally.packets,
      verdicts: this.tally.verdicts(),
      lines: this.sink.lines,
      ...(this.sink.stoppedBy ? { stoppedBy: this.sink.stoppedBy } : {}),
    };
  }
}


function readText(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8').trim();
  } catch {
    return undefined;
  }
}

function writeGlobal(path: string, value: string): void {
  try {
    writeHostSysctl(path, value);
  } catch (e) {
    throw new PodpathError('E_RULE_TRACE', `${echoTo(value, path)}: ${errorText(e)}`);
  }
}

function writeText(path: string, value: string): void {
  try {
    writeFileSync(path, value);
  } catch (e) {
    throw new PodpathError('E_RULE_TRACE', `${echoTo(value, path)}: ${errorText(e)}`);
  }
}
