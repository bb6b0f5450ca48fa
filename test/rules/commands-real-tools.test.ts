// Issue 9 item 21: the rate-blackhole fix printed `iperf3 ... -b 14.2 Mbit/s`, which iperf3 reads
// as 14.2 bit/s. Every printed command is now run by the real tools' own argument parsers: in a
// network namespace made here (an eth0 veth to a peer namespace running `iperf3 -s`, flannel.1 and
// vxlan.calico, cni0), with sysctl writing into a fake /proc/sys (a private mount), files under
// /etc and /tmp moved into a temp dir, modprobe in --dry-run, and what cannot be run safely
// (reboot, kubectl, grub2-*, dnf, nmcli, systemctl) stubbed. A tool's exit status must be 0, or a
// runtime refusal (feature fixed, entry absent), never a usage or parse error; iperf3 must aim at
// the rate the finding names; sysctl must write the value into the file the key names.
// Run under the netns lock: flock /tmp/pp-netns.lock npx vitest run test/rules/commands-real-tools.test.ts
import { execFileSync, spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeFacts } from '../../src/evidence/load-facts.js';
import { runRules } from '../../src/engine/run-rules.js';
import { fillCommand, fragment, placeholderContexts, type CommandValue } from '../../src/engine/shell-fill.js';
import { allRules } from '../../src/rules/index.js';
import { sysctlSetting } from '../../src/rules/node/rp-filter-strict.js';
import { byHand } from '../../src/rules/node/stale-vtep-fdb.js';
import { bootFragments, diff } from '../../src/rules/cluster/fleet-split.js';
import { iperfRate } from '../../src/util/units.js';
import { probeFacts } from '../fixtures/evidence/probes/load.js';
import { missingRequirement } from '../helpers/env.js';
import { STUBBED, USER_VALUES, allTemplates } from './command-harness.js';

const REAL = ['ethtool', 'ip', 'bridge', 'iptables', 'nft', 'sysctl', 'ping', 'tcpdump', 'iperf3', 'modprobe'];
const skip = missingRequirement({ root: true, tools: [...REAL, 'unshare', 'timeout'] });
const NODE = 'pph9out-node';
const PEER = 'pph9out-peer';
const NODE_IP = '192.168.77.11';
const PEER_IP = '192.168.77.12';

/** Ordinary values for every placeholder, naming what exists in the namespace. */
const VALUES: Record<string, CommandValue> = {
  nic: 'eth0', dev: 'flannel.1', vxlan: 'flannel.1', bridge: 'cni0', addr: '10.244.1.0', port: 8472, network: '10.244.0.0/16',
  to: PEER_IP, target: PEER_IP, targetHost: PEER_IP, from: NODE_IP, largest: 1472, smallest: 1473, overlayMtu: 1450,
  cleanRate: iperfRate(14_200_000), onsetRate: iperfRate(22_100_000), goodIndex: 2, currentIndex: 0, goodKernel: '4.19.90-52.22.v2207.ky10',
  suggestedMax: 262144, max: 131072, allUndoArg: fragment('net.ipv4.conf.all.rp_filter={all}', { all: 0 }),
  sysctlArgs: [sysctlSetting('flannel.1', 2), sysctlSetting('eth0', 2)], sysctlUndoArgs: [sysctlSetting('flannel.1', 1), sysctlSetting('eth0', 0)],
  fixCommand: byHand('append', '0e:00:00:00:03:03', 'flannel.1', PEER_IP).fixCommand,
  undoCommand: byHand('append', '0e:00:00:00:03:03', 'flannel.1', PEER_IP).undoCommand,
  // Cluster rules: kubectl is stubbed; the node-side commands name what exists here.
  node: 'node-a', peer: 'node-b', nodes: 'node-a, node-b', namespace: 'kube-flannel', selector: 'app=flannel', internalIP: NODE_IP,
  resource: 'ippools.crd.projectcalico.org', pool: 'default-ipv4-ippool',
  diffCommand: diff('/tmp/node-b.json', '/tmp/node-a.json'), ...bootFragments('4.19.90-52.22.v2207.ky10.x86_64', '4.19.90-52.49.v2207.ky10.x86_64', 'node-a'),
  ifaces: ['flannel.1', 'cni0'],
  fix: fragment('ethtool -K {dev} lro off', { dev: 'eth0' }),
  undo: fragment('ethtool -K {dev} lro on', { dev: 'eth0' }),
  restart: fragment('systemctl restart flanneld'),
  ifacePatch: fragment(`'[{"op":"add","path":"/spec/template/spec/containers/0/args/-","value":"--iface={iface}"}]'`, { iface: 'eth0' }),
  methodArg: 'IP_AUTODETECTION_METHOD=interface=eth0',
  // The capture rules' placeholders: capture files, frames, the hosts a capture names.
  file: 'sender.pcap', sender: 'sender.pcap', receiver: 'receiver.pcap', senderFrame: 12, receiverFrame: 10,
  src: NODE_IP, srcs: NODE_IP, serverAddr: PEER_IP, reporter: PEER_IP, pingSize: 1422,
};

/** Usage and parse errors of the tools: never acceptable. */
const PARSE_ERROR = /usage|invalid|unknown|bad (command|argument|value)|not complete|garbage|syntax error|Try `|does not resolve|bit name not found|no device matches|cannot stat|parameter error|unrecognized|illegal|option requires/i;
/**
 * What a correct command may still meet here: a fixed feature, an absent entry or chain, a kernel
 * without module files (modprobe --dry-run has then nothing to resolve against).
 */
const RUNTIME = /Could not change any device features|RTNETLINK answers: (No such file or directory|File exists)|incompatible, use 'nft' tool|No chain\/target\/match by that name|modprobe: FATAL: Module br_netfilter not found/;

interface Call { tool: string; status: number; stderr: string; argv: string[]; json?: string }

let dir: string;
let bin: string;
let fakeSys: string;
let fakeRoot: string;
let log: string;
let iperfPid: string;
let IP = 'ip';

function sh(cmd: string): string {
  return execFileSync('sh', ['-c', cmd], { encoding: 'utf8' });
}

function ensureNode(): void {
  // Re-created before each line: a printed `ip link delete` or `iptables -P` must not leak into the next.
  sh(`ip -n ${NODE} link show flannel.1 >/dev/null 2>&1 || { ip -n ${NODE} link add flannel.1 type vxlan id 1 dstport 8472 dev eth0 local ${NODE_IP} nolearning && ip -n ${NODE} addr add 10.244.0.0/32 dev flannel.1 && ip -n ${NODE} link set flannel.1 up && ip -n ${NODE} route add 10.244.1.0/24 via 10.244.1.0 dev flannel.1 onlink; }`);
  sh(`ip -n ${NODE} link show vxlan.calico >/dev/null 2>&1 || { ip -n ${NODE} link add vxlan.calico type vxlan id 4096 dstport 4789 dev eth0 local ${NODE_IP} nolearning && ip -n ${NODE} link set vxlan.calico up; }`);
  for (const [key, value] of [['net/ipv4/ip_forward', '1'], ['net/ipv4/conf/all/rp_filter', '1'], ['net/ipv4/conf/flannel.1/rp_filter', '1'], ['net/ipv4/conf/eth0/rp_filter', '1'], ['net/netfilter/nf_conntrack_max', '131072'], ['net/bridge/bridge-nf-call-iptables', '0'], ['net/bridge/bridge-nf-call-ip6tables', '0']] as const) {
    mkdirSync(join(fakeSys, key, '..'), { recursive: true });
    writeFileSync(join(fakeSys, key), `${value}\n`);
  }
}

function parseLog(): Call[] {
  if (!existsSync(log)) return [];
  const parts = readFileSync(log, 'utf8').split('\0');
  const calls: Call[] = [];
  for (let i = 0; i + 1 < parts.length; i += 2) {
    const [tag, value] = [parts[i], parts[i + 1] ?? ''];
    if (tag === 'CALL') calls.push({ tool: value, status: 0, stderr: '', argv: [] });
    else if (tag === 'STATUS') calls.at(-1)!.status = Number(value);
    else if (tag === 'ERR') calls.at(-1)!.stderr = readFileSync(value, 'utf8');
    else if (tag === 'JSON') calls.at(-1)!.json = readFileSync(value, 'utf8');
    else if (tag === 'ARG') calls.at(-1)!.argv.push(value);
  }
  return calls;
}

async function runLine(line: string): Promise<{ stderr: string; calls: Call[] }> {
  ensureNode();
  rmSync(log, { force: true });
  // Absolute paths the fixes write to (/etc/..., /tmp/...) go to a temp dir instead.
  const rebased = line.replace(/(^|[\s'"=>(])\/(etc|tmp)\//g, `$1${fakeRoot}/$2/`);
  const inner = `mount --bind ${fakeSys} /proc/sys && exec sh -c "$1"`;
  const child = spawn(IP, ['netns', 'exec', NODE, 'unshare', '-m', '--propagation', 'private', 'sh', '-c', inner, 'sh', rebased], {
    env: { PATH: `${bin}:/usr/sbin:/usr/bin:/sbin:/bin`, HOME: dir, ...USER_VALUES, NIC: 'eth0' },
    // Relative paths a line writes (a capture's `-w sender.pcap`) land in the test's dir, not the clone.
    cwd: dir,
    stdio: ['ignore', 'ignore', 'pipe'],
    timeout: 60_000,
  });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  await new Promise((resolve) => child.on('close', resolve));
  return { stderr, calls: parseLog() };
}

/** Every printed line: each template filled with VALUES, and every command the rules print for the recorded lab probes. */
function printedLines(): { from: string; line: string }[] {
  const out = new Map<string, string>();
  for (const t of allTemplates()) {
    const r = fillCommand(t.template, VALUES);
    if (!r.ok) throw new Error(`${t.ruleId}: ${t.template}: ${JSON.stringify(r.refusal)}`);
    out.set(r.text, `${t.ruleId} ${t.where}`);
  }
  for (const scenario of ['underlay-rate-blackhole', 'underlay-size-limit', 'firewall-vxlan-port', 'large-packet-drop'] as const) {
    for (const f of runRules(allRules, { node: makeFacts(probeFacts(scenario)) }).findings) {
      for (const s of f.remediation) for (const c of [...s.commands, ...s.undo]) out.set(c, `${f.ruleId} (lab ${scenario})`);
    }
  }
  return [...out].map(([line, from]) => ({ from, line }));
}

describe.skipIf(skip)(`printed commands through the real tools' parsers (namespaces ${NODE}, ${PEER})`, () => {
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'pph9out-'));
    bin = join(dir, 'bin');
    fakeSys = join(dir, 'proc-sys');
    fakeRoot = join(dir, 'root');
    log = join(dir, 'calls');
    for (const d of [bin, fakeSys, ...['etc/sysconfig/network-scripts', 'etc/sysctl.d', 'etc/modules-load.d', 'etc/udev/rules.d', 'etc/dnf', 'etc/NetworkManager/conf.d', 'tmp'].map((p) => join(fakeRoot, p))]) mkdirSync(d, { recursive: true });
    writeFileSync(join(fakeRoot, 'etc/grub2.cfg'), "menuentry 'Linux (5.14)' {\n}\n");
    const record = `printf 'CALL\\0%s\\0STATUS\\0%s\\0ERR\\0%s\\0' "$tool" "$st" "$err" >> '${log}'; [ -n "$json" ] && printf 'JSON\\0%s\\0' "$json" >> '${log}'; for a in "$@"; do printf 'ARG\\0%s\\0' "$a" >> '${log}'; done`;
    IP = sh('command -v ip').trim();
    for (const tool of REAL) {
      const real = sh(`command -v ${tool}`).trim();
      const run: Record<string, string> = {
        // A capture runs until stopped: listening for 2 s means its arguments and filter were accepted.
        tcpdump: `timeout -s INT 2 ${real} "$@" 2>"$err"; st=$?; if [ $st = 124 ] && grep -q 'listening on' "$err"; then st=0; fi`,
        // One second instead of ten, as JSON: what rate iperf3 understood.
        iperf3: `json=$(mktemp -p '${dir}'); ${real} "$@" -t 1 -J >"$json" 2>"$err"; st=$?`,
        modprobe: `${real} --dry-run "$@" 2>"$err"; st=$?`,
      };
      writeFileSync(join(bin, tool), `#!/bin/sh\ntool=${tool}; json=; err=$(mktemp -p '${dir}')\n${run[tool] ?? `${real} "$@" 2>"$err"; st=$?`}\ncat "$err" >&2\n${record}\nexit $st\n`);
      chmodSync(join(bin, tool), 0o755);
    }
    for (const tool of STUBBED.filter((t) => !REAL.includes(t) && !['awk', 'uname'].includes(t))) {
      // sleep waits a little: long enough for a capture started with `&` to report before `kill %1`.
      const out = tool === 'hostname' ? "printf 'node1\\n'" : tool === 'nmcli' ? "printf 'Wired 1\\n'" : tool === 'sleep' ? '/bin/sleep 2.5' : ':';
      writeFileSync(join(bin, tool), `#!/bin/sh\ntool=${tool}; st=0; err=/dev/null; json=\n${out}\n${record}\n`);
      chmodSync(join(bin, tool), 0o755);
    }
    sh(`ip netns add ${NODE} && ip netns add ${PEER}`);
    sh(`ip link add pph9o0 netns ${NODE} type veth peer name pph9o1 netns ${PEER}`);
    sh(`ip -n ${NODE} link set pph9o0 name eth0 && ip -n ${NODE} addr add ${NODE_IP}/24 dev eth0 && ip -n ${NODE} link set eth0 up && ip -n ${NODE} link set lo up`);
    sh(`ip -n ${NODE} link add cni0 type bridge && ip -n ${NODE} addr add 10.244.0.1/24 dev cni0 && ip -n ${NODE} link set cni0 up && ip -n ${NODE} route add default via ${PEER_IP}`);
    sh(`ip -n ${PEER} addr add ${PEER_IP}/24 dev pph9o1 && ip -n ${PEER} link set pph9o1 up && ip -n ${PEER} link set lo up`);
    iperfPid = join(dir, 'iperf3.pid');
    sh(`ip netns exec ${PEER} iperf3 -s -D -B ${PEER_IP} -I ${iperfPid}`);
    for (let i = 0; i < 50 && !existsSync(iperfPid); i++) sh('sleep 0.1');
  });

  afterAll(() => {
    if (iperfPid && existsSync(iperfPid)) sh(`kill ${readFileSync(iperfPid, 'utf8').trim()} 2>/dev/null || true`);
    sh(`ip netns del ${NODE} 2>/dev/null || true; ip netns del ${PEER} 2>/dev/null || true`);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('has a value for every placeholder the templates use', () => {
    const names = new Set(allTemplates().flatMap((t) => placeholderContexts(t.template).map((p) => p.name)));
    expect([...names].filter((n) => !(n in VALUES))).toEqual([]);
  });

  const lines = printedLines();
  for (const { from, line } of lines) {
    it(`${from}: ${line.slice(0, 90)}`, async () => {
      const { stderr, calls } = await runLine(line);
      expect(stderr, 'a tool is missing').not.toMatch(/: not found|No such file or directory.*bin/);
      for (const c of calls.filter((x) => REAL.includes(x.tool))) {
        const what = `${c.tool} ${c.argv.join(' ')} -> ${c.status}: ${c.stderr}`;
        expect(c.stderr, `parse error: ${what}`).not.toMatch(PARSE_ERROR);
        if (c.status !== 0) expect(c.stderr, `failed: ${what}`).toMatch(RUNTIME);
        if (c.tool === 'iperf3') {
          // The rate the printed -b names (14.2M) is the rate iperf3 aims at.
          const b = c.argv[c.argv.indexOf('-b') + 1] ?? '';
          const want = Number(/^[\d.]+/.exec(b)?.[0]) * ({ K: 1e3, M: 1e6, G: 1e9 }[b.slice(-1)] ?? 1);
          const got = (JSON.parse(c.json ?? '{}') as { start?: { test_start?: { target_bitrate?: number } } }).start?.test_start?.target_bitrate;
          expect(got, `${what}\n${c.json ?? ''}`).toBe(Math.round(want));
          expect(want).toBeGreaterThan(1e6);
        }
        if (c.tool === 'sysctl' && c.argv[0] === '-w') {
          for (const setting of c.argv.slice(1)) {
            const [key, value] = [setting.slice(0, setting.indexOf('=')), setting.slice(setting.indexOf('=') + 1)];
            // procps: a key whose first separator is '/' is a path; else dots and slashes swap.
            const path = /^[^./]*\//.test(key) ? key : key.replace(/[./]/g, (ch) => (ch === '.' ? '/' : '.'));
            expect(readFileSync(join(fakeSys, path), 'utf8').trim(), `${setting} wrote elsewhere`).toBe(value);
          }
        }
      }
    });
  }

  it('the rate-blackhole fix aims iperf3 at the measured rates (lab recording)', async () => {
    const f = runRules(allRules, { node: makeFacts(probeFacts('underlay-rate-blackhole')) }).findings.find((x) => x.ruleId === 'underlay-rate-blackhole');
    const ramp = makeFacts(probeFacts('underlay-rate-blackhole')).probes!.find((p) => p.ramp)!.ramp!;
    const printed = f!.remediation[0]!.commands;
    const rates: number[] = [];
    for (const line of printed) {
      const { calls } = await runLine(line);
      const c = calls.find((x) => x.tool === 'iperf3')!;
      rates.push((JSON.parse(c.json ?? '{}') as { start: { test_start: { target_bitrate: number } } }).start.test_start.target_bitrate);
    }
    // Within the 0.1 Mbit/s the report rounds to.
    expect(Math.abs(rates[0]! - ramp.lastCleanBps!)).toBeLessThanOrEqual(50_000);
    expect(Math.abs(rates[1]! - ramp.lossOnsetBps!)).toBeLessThanOrEqual(50_000);
  });
});
