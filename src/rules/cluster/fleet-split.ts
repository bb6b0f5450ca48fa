// The fleet view of node differences: a fact (kernel build, OS, NIC driver, kubelet, runtime...)
// that the failing nodes share and no healthy node has is where to look first; a kernel build the
// knowledge data marks bad is named with how many nodes run it and what the others run.
import { fragment, type ShellFragment } from '../../engine/shell-fill.js';
import { defineRule } from '../../engine/types.js';
import type { ClusterNodeEvidence } from '../../evidence/cluster-nodes.js';
import type { EvidenceLine } from '../../evidence/node-facts.js';
import { BAD_UDP_CHECKSUM_BUILDS, findBadUdpChecksumBuild } from '../data/kernel-builds.js';
import { releaseWithoutArch } from '../data/kernel-version.js';
import { networkView } from '../../evidence/network-view.js';
import { listShort, nodePairs, type NodePair } from '../shared/cluster-shared.js';

interface Value { value: string; line: EvidenceLine }
type Attribute = { name: string; own?: (p: NodePair) => Value | undefined; cluster?: (p: NodePair) => Value | undefined };

const fromCluster = (path: string, pick: (p: NodePair) => { value: string } | undefined) => (p: NodePair): Value | undefined => {
  const f = pick(p);
  return f ? { value: f.value, line: { source: `Node/${p.node.name} ${path}`, text: `${path}: ${f.value}` } } : undefined;
};

/**
 * The facts compared. Each has up to two readings, the node's own facts and what the cluster says
 * (status.nodeInfo); a comparison uses one reading for every node (uname -v against a nodeInfo
 * kernelVersion would split on the form, not the value).
 */
const ATTRIBUTES: Attribute[] = [
  { name: 'kernel build', own: (p) => {
    const k = p.own?.facts.kernel;
    return k ? { value: `${k.release}${k.version ? ` ${k.version}` : ''}`, line: { source: `${p.node.name}: ${k.source}`, text: k.uname } } : undefined;
  }, cluster: fromCluster('status.nodeInfo.kernelVersion', (q) => q.node.kernelVersion) },
  { name: 'OS', own: (p) => {
    const o = p.own?.facts.os;
    return o ? { value: o.prettyName ?? `${o.id} ${o.versionId ?? ''}`.trim(), line: { source: `${p.node.name}: ${o.source}`, text: `PRETTY_NAME="${o.prettyName ?? o.id}"` } } : undefined;
  }, cluster: fromCluster('status.nodeInfo.osImage', (q) => q.node.osImage) },
  { name: 'underlay NIC driver', own: (p) => {
    const facts = p.own?.facts;
    const under = facts ? networkView(facts).primary?.underlay : undefined;
    const nic = under ? facts?.nics?.find((n) => n.name === under.link.name) : undefined;
    if (!nic?.driver) return undefined;
    const value = `${nic.driver}${nic.driverVersion ? ` ${nic.driverVersion}` : ''}${nic.firmwareVersion ? ` firmware ${nic.firmwareVersion}` : ''}`;
    return { value, line: { source: `${p.node.name}: ${nic.sources[0] ?? `ethtool -i ${nic.name}`}`, text: `${nic.name}: driver ${value}` } };
  } },
  { name: 'kubelet', cluster: fromCluster('status.nodeInfo.kubeletVersion', (q) => q.node.kubeletVersion) },
  { name: 'kube-proxy', cluster: fromCluster('status.nodeInfo.kubeProxyVersion', (q) => q.node.kubeProxyVersion) },
  { name: 'container runtime', cluster: fromCluster('status.nodeInfo.containerRuntimeVersion', (q) => q.node.containerRuntimeVersion) },
  { name: 'architecture', cluster: fromCluster('status.nodeInfo.architecture', (q) => q.node.architecture) },
];

/** The reading every given node has (its own facts first), or undefined when neither covers them all. */
function reading(attr: Attribute, nodes: NodePair[]): ((p: NodePair) => Value | undefined) | undefined {
  for (const read of [attr.own, attr.cluster]) if (read && nodes.every((p) => read(p) !== undefined)) return read;
  return undefined;
}

export default defineRule({
  meta: {
    id: 'fleet-split',
    kind: 'cluster',
    title: { en: 'A node fact splits the failing nodes from the healthy ones, or nodes run a known-bad kernel build', zh: '某项节点属性把故障节点与正常节点分开,或有节点运行已知有问题的内核构建' },
    severity: 'warning',
    needs: ['nodes'],
    reasons: {
      tooFewNodes: { en: 'fewer than 2 nodes\' facts judged: no split between failing and healthy nodes to look for', zh: '经判断的节点数据少于 2 份:无从寻找故障节点与健康节点的差异' },
    },
    sufficient: [['cluster']],
    uses: ['cluster'],
    messages: {
      splits: {
        en: '{attribute} splits the failing nodes from the healthy ones: the {failCount} failing node(s) ({failing}) have {value}; the {healthyCount} healthy one(s) have {others}',
        zh: '{attribute} 把故障节点与正常节点分开:{failCount} 个故障节点({failing})是 {value};{healthyCount} 个正常节点是 {others}',
      },
      splitsDetail: {
        en: 'The failing nodes were found by the node rules: {rules}. Compare one failing and one healthy node side by side with the command below.',
        zh: '故障节点由节点规则判定:{rules}。用下面的命令把一个故障节点和一个正常节点并排比较。',
      },
      knownBad: {
        en: '{count} node(s) ({nodes}) run kernel build {release}, the other {otherCount} run {others}: {release} is a known bad build ({distro}): {problem}',
        zh: '{count} 个节点({nodes})运行内核构建 {release},其余 {otherCount} 个运行 {others}:{release} 是已知有问题的构建({distro}):{problem}',
      },
    },
    explanation: {
      en: 'When some nodes fail and others do not, the fact that tells them apart is the first lead: a kernel build (seed 000: Kylin 4.19.90-52.49 sends bad UDP checksums, 52.22 does not), an OS image, a NIC driver or firmware, a kubelet or runtime version. podpath reads, for every node, its own facts (uname, os-release, ethtool -i of the NIC under the VXLAN device) or what the cluster reports (status.nodeInfo), takes the nodes the node rules found something on as failing, and names each fact whose value all failing nodes share and no healthy node has. Independently, nodes running a kernel build the knowledge data marks bad are named with what the other nodes run.',
      zh: '部分节点故障而其他节点正常时,区分它们的属性就是首要线索:内核构建(种子 000:麒麟 4.19.90-52.49 发出错误的 UDP 校验和,52.22 不会)、操作系统镜像、网卡驱动或固件、kubelet 或运行时版本。podpath 为每个节点读取其自身数据(uname、os-release、VXLAN 设备底层网卡的 ethtool -i)或集群报告的信息(status.nodeInfo),把节点规则有发现的节点视为故障节点,并指出所有故障节点共有而正常节点都没有的属性值。另外,运行知识数据中标记为有问题的内核构建的节点会被列出,并给出其他节点运行的构建。',
    },
    remediation: [
      {
        description: { en: 'Compare a failing node with a healthy one fact by fact', zh: '逐项比较一个故障节点与一个正常节点' },
        commands: ['{diffCommand}'],
        undo: ['# nothing to undo: podpath diff only reads'],
      },
      {
        description: { en: 'For a known bad build: boot a known good one on those nodes', zh: '对已知有问题的构建:在这些节点上改用已知正常的构建启动' },
        commands: ['{bootCommand}'],
        undo: ['{bootUndo}'],
      },
    ],
    references: ['seeds/000_694fb590af4e1503.txt', 'kb:known-failures.md#2 (distribution kernels that emit bad UDP checksums)', 'src/rules/data/kernel-builds.ts (BAD_UDP_CHECKSUM_BUILDS)', 'node rule kernel-bad-udp-checksum'],
    unconfirmed: { en: 'A fact that splits failing from healthy nodes is a lead, not a cause: with few nodes a split can be chance.', zh: '把故障节点与正常节点分开的属性只是线索,不是原因:节点很少时,这种区分可能是巧合。' },
  },
  check(ctx) {
    const pairs = nodePairs(ctx.evidence);
    // Facts of nodes the cluster does not list are still part of the fleet (doctor --from-dir without --cluster-from).
    const unlisted: NodePair[] = (ctx.evidence.nodes ?? []).filter((n) => !pairs.some((p) => p.own === n)).map((own) => ({ node: bareNode(own), own }));
    const fleet = [...pairs, ...unlisted];
    knownBad(fleet);
    const judged = fleet.filter((p) => p.own?.health !== undefined);
    const failing = judged.filter((p) => p.own!.health!.failing);
    const healthy = judged.filter((p) => !p.own!.health!.failing);
    if (judged.length < 2) return ctx.skip('tooFewNodes');
    if (failing.length === 0 || healthy.length === 0) return;
    const rules = [...new Set(failing.flatMap((p) => p.own!.health!.ruleIds))].sort();
    for (const attr of ATTRIBUTES) {
      const read = reading(attr, judged);
      if (!read) continue;
      const f = failing.map((p) => read(p)!);
      const h = healthy.map((p) => read(p)!);
      const value = f[0]!.value;
      if (!f.every((v) => v.value === value)) continue;
      const others = [...new Set(h.map((v) => v.value))];
      if (others.includes(value)) continue;
      ctx.report({
        messageId: 'splits',
        detailId: 'splitsDetail',
        data: { attribute: attr.name, failCount: failing.length, failing: listShort(failing.map((p) => p.node.name)), value, healthyCount: healthy.length, others: listShort(others, 4), rules: rules.join(', ') },
        commandData: { diffCommand: diff(healthy[0]!.own!.from, failing[0]!.own!.from), ...NO_BAD_BUILD },
        evidence: [...f.slice(0, 3).map((v) => v.line), ...h.slice(0, 2).map((v) => v.line)],
      });
    }

    function knownBad(all: NodePair[]): void {
      const kernels = all.map((p) => ({ p, v: ATTRIBUTES[0]!.own?.(p) ?? ATTRIBUTES[0]!.cluster?.(p), release: p.own?.facts.kernel?.release ?? p.node.kernelVersion?.value }));
      for (const build of BAD_UDP_CHECKSUM_BUILDS) {
        const bad = kernels.filter((k) => k.release !== undefined && findBadUdpChecksumBuild(k.release) === build);
        if (bad.length === 0) continue;
        const rest = kernels.filter((k) => !bad.includes(k) && k.release !== undefined);
        const counts = new Map<string, number>();
        for (const k of rest) counts.set(releaseWithoutArch(k.release!), (counts.get(releaseWithoutArch(k.release!)) ?? 0) + 1);
        const others = [...counts].sort((a, b) => b[1] - a[1]).map(([r, n]) => `${r} (${n})`);
        const release = bad[0]!.release!;
        const arch = release.slice(releaseWithoutArch(release).length);
        ctx.report({
          messageId: 'knownBad',
          severity: 'error',
          data: { count: bad.length, nodes: listShort(bad.map((k) => k.p.node.name)), release, otherCount: rest.length, others: listShort(others, 4) || 'none', distro: build.distro, problem: build.problem },
          commandData: {
            diffCommand: rest[0]?.p.own && bad[0]!.p.own ? diff(rest[0].p.own.from, bad[0]!.p.own.from) : fragment('# podpath diff HEALTHY FAILING: no facts of both kinds of node were given'),
            ...bootFragments(`${build.knownGood[0] ?? releaseWithoutArch(release)}${arch}`, release, listShort(bad.map((k) => k.p.node.name))),
          },
          evidence: bad.slice(0, 4).map((k) => k.v!.line),
        });
      }
    }
  },
});

/** Boot the good build on the listed nodes, and back (each value quoted for sh). */
export function bootFragments(good: string, current: string, nodes: string): { bootCommand: ShellFragment; bootUndo: ShellFragment } {
  return {
    bootCommand: fragment('grubby --set-default /boot/vmlinuz-{kernel}  # on each of {nodes}; then reboot', { kernel: good, nodes }),
    bootUndo: fragment('grubby --set-default /boot/vmlinuz-{kernel}  # then reboot', { kernel: current }),
  };
}

/** `podpath diff HEALTHY FAILING`, each path quoted for sh. */
export function diff(healthy: string, failing: string): ShellFragment {
  return fragment('podpath diff {healthy} {failing}', { healthy, failing });
}

const NO_BAD_BUILD = { bootCommand: fragment('# no known bad kernel build among these nodes'), bootUndo: fragment('# nothing to undo') };

/** A node the cluster does not list, named as its facts came. */
function bareNode(own: ClusterNodeEvidence): NodePair['node'] {
  const none = { from: { kind: 'facts', name: own.name, path: '-' } };
  return { name: own.name, internalIPs: { value: [], ...none }, externalIPs: { value: [], ...none }, podCIDRs: { value: [], ...none }, conditions: { value: [], ...none }, unschedulable: { value: false, ...none }, labels: { value: {}, ...none } };
}
