// Two real "nodes" built here: network namespaces ppe2-la (healthy) and ppe2-lb (broken: underlay
// MTU lowered under flannel.1, VXLAN on 4789, forwarding off, strict rp_filter, FORWARD DROP without
// flannel's accepts). Each is collected live by `podpath collect --json` run inside its namespace,
// then the two NodeFacts are diffed; the KB rules are run on the broken one too.
import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nodeDiff } from '../../src/app/node-diff/node-diff.js';
import { parseFacts } from '../../src/evidence/load-facts.js';
import { runRules } from '../../src/engine/run-rules.js';
import type { NodeFacts } from '../../src/evidence/node-facts.js';
import { kbRules } from '../../src/rules/kb-rules.js';
import { missingRequirement } from '../helpers/env.js';
import { podpathArgs } from '../helpers/podpath.js';

const run = promisify(execFile);
const NS = { a: 'ppe2-la', b: 'ppe2-lb' } as const;
const skip = missingRequirement({ root: true, tools: ['ip', 'iptables-restore'] });

function sh(cmd: string): void {
  execFileSync('sh', ['-ec', cmd], { stdio: ['ignore', 'ignore', 'pipe'] });
}

function cleanup(): void {
  for (const ns of Object.values(NS)) {
    try {
      execFileSync('ip', ['netns', 'del', ns], { stdio: 'ignore' });
    } catch {
      // absent already
    }
  }
}

function setUpNode(ns: string, i: number, o: { underlayMtu: number; port: number; forward: 0 | 1; rpFilter: 1 | 2; flannelAccepts: boolean }): void {
  const x = `ip netns exec ${ns}`;
  sh(`
    ip -n ${ns} link set lo up
    ip -n ${ns} link set eth0 mtu 1500 up
    ip -n ${ns} addr add 172.31.252.${i}/24 dev eth0
    ip -n ${ns} link add flannel.1 type vxlan id 1 local 172.31.252.${i} dev eth0 dstport ${o.port} nolearning
    ip -n ${ns} link set flannel.1 mtu 1450 up
    ip -n ${ns} addr add 10.244.${i}.0/32 dev flannel.1
    ip -n ${ns} link add cni0 type bridge
    ip -n ${ns} link set cni0 mtu 1450 up
    ip -n ${ns} addr add 10.244.${i}.1/24 dev cni0
    ip -n ${ns} route add 10.244.${3 - i}.0/24 via 10.244.${3 - i}.0 dev flannel.1 onlink
    ip -n ${ns} link set eth0 mtu ${o.underlayMtu}
    ${x} sysctl -qw net.ipv4.ip_forward=${o.forward} net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.eth0.rp_filter=${o.rpFilter}
  `);
  const rules = `*filter\n:INPUT ACCEPT [0:0]\n:FORWARD DROP [0:0]\n:OUTPUT ACCEPT [0:0]\n${o.flannelAccepts ? '-A FORWARD -s 10.244.0.0/16 -j ACCEPT\n-A FORWARD -d 10.244.0.0/16 -j ACCEPT\n' : ''}COMMIT\n`;
  execFileSync('ip', ['netns', 'exec', ns, 'iptables-restore'], { input: rules });
}

async function collectIn(ns: string): Promise<NodeFacts> {
  const { stdout } = await run('ip', ['netns', 'exec', ns, process.execPath, ...podpathArgs(), 'collect', '--json'], { maxBuffer: 64 << 20 });
  return parseFacts(JSON.parse(stdout), ns);
}

describe.skipIf(skip !== undefined)('diff of two live-collected namespace nodes', () => {
  let a: NodeFacts;
  let b: NodeFacts;

  beforeAll(async () => {
    cleanup();
    try {
      sh(`ip netns add ${NS.a}; ip netns add ${NS.b}; ip link add ppe2-lua netns ${NS.a} type veth peer name ppe2-lub netns ${NS.b}; ip -n ${NS.a} link set ppe2-lua name eth0; ip -n ${NS.b} link set ppe2-lub name eth0`);
      setUpNode(NS.a, 1, { underlayMtu: 1500, port: 8472, forward: 1, rpFilter: 2, flannelAccepts: true });
      setUpNode(NS.b, 2, { underlayMtu: 1400, port: 4789, forward: 0, rpFilter: 1, flannelAccepts: false });
      [a, b] = await Promise.all([collectIn(NS.a), collectIn(NS.b)]);
    } catch (e) {
      cleanup();
      throw e;
    }
  });
  afterAll(cleanup);

  it('ranks the injected differences high and nothing of the per-node identity', () => {
    const d = nodeDiff(a, b);
    const get = (key: string) => d.differences.find((x) => x.key === key);
    expect(get('mtu.<underlay>')).toMatchObject({ a: '1500', b: '1400', relevance: 'high' });
    expect(get('vxlan.flannel.1.dstport')).toMatchObject({ a: '8472', b: '4789', relevance: 'high' });
    expect(get('net.ipv4.ip_forward')).toMatchObject({ a: '1', b: '0', relevance: 'high' });
    expect(get('net.ipv4.conf.<underlay>.rp_filter')).toMatchObject({ a: '2', b: '1', relevance: 'high' });
    expect(get('iptables.filter.FORWARD.rules')?.a).toContain('-A FORWARD -s 10.244.0.0/16 -j ACCEPT');
    // Same host kernel, same OS: not differences. Own subnets and addresses: masked.
    expect(d.differences.filter((x) => x.category === 'kernel' || x.category === 'os')).toEqual([]);
    expect(d.differences.filter((x) => x.category === 'routes' && x.relevance !== 'low')).toEqual([]);
    expect(JSON.stringify(d.differences.map((x) => [x.a, x.b]))).not.toMatch(/172\.31\.252\.[12]\b|[0-9a-f]{2}(:[0-9a-f]{2}){5}/);
    expect(d.differences[0]?.relevance).toBe('high');
  });

  it('the KB rules see the same faults on the broken node and none on the healthy one', () => {
    const failing = (f: NodeFacts) => runRules(kbRules, { node: f }).results.filter((r) => r.status === 'fail').map((r) => r.ruleId);
    expect(failing(b)).toEqual(expect.arrayContaining(['ip-forward-off', 'mtu-mismatch', 'rp-filter-strict']));
    for (const id of ['ip-forward-off', 'mtu-mismatch', 'rp-filter-strict', 'vxlan-port-mismatch', 'forward-policy-drop']) expect(failing(a)).not.toContain(id);
  });
});
