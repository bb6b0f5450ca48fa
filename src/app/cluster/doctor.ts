// `podpath cluster doctor` (and `doctor --from-dir DIR --cluster-from DUMP`): one bag for the whole
// cluster. Each node's facts (an agent's /v1/facts, a bundle, a facts .json) are tied to a
// Kubernetes node by name, else by InternalIP; the node rules judge each node on its own, then the
// cluster rules judge the cluster's facts with every node's facts (and each node's verdict) at once.
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import type { ClusterFacts, ClusterNode } from '../../evidence/cluster-facts.js';
import type { ClusterNodeEvidence, NodeMatch } from '../../evidence/cluster-nodes.js';
import { isNodeSection } from '../../evidence/evidence.js';
import { networkView } from '../../evidence/network-view.js';
import type { EvidenceKey, NodeFacts } from '../../evidence/node-facts.js';
import { describeError, listBundleDir, mapBounded, DEFAULT_FLEET_CONCURRENCY, type FleetError } from '../fleet.js';
import { evidenceFor, runRules, type RunOutcome } from '../../engine/run-rules.js';
import type { Lang, Rule } from '../../engine/types.js';
import { AgentApi, type AgentTlsOptions } from '../../api/client.js';
import type { MeshReach } from '../mesh.js';
import type { AgentPodRef } from './agents.js';
import { ROUTES } from '../../api/routes.js';
import { buildReport, EXIT_INCONCLUSIVE, isInconclusive } from '../../report/model.js';
import { buildClusterReport, clusterRulesVerdict, type ClusterDoctorReport, type ClusterNodeEntry } from '../../report/cluster-doctor-model.js';
import { clusterRules } from '../../rules/cluster-rules.js';
import { nodeRules } from '../../rules/index.js';
import { collectNodeFacts } from '../../sources/collect.js';
import { collectFromApi } from '../../sources/kube/api.js';
import { buildClusterFacts } from '../../sources/kube/build.js';
import { connectKube, type KubeConnectOptions } from '../../sources/kube/client.js';
import { readKubeDumps } from '../../sources/kube/files.js';
import { oneLine } from '../../util/terminal-safe.js';
import { PodpathError } from '../../util/errors.js';
import { VERSION } from '../../util/version.js';
import { trimEndChar } from '../../util/strings.js';

/** Where one node's facts come from: a bundle or facts file (`name`: the node it is named for), or an agent. */
export type NodeSource = { kind: 'file'; path: string; name?: string } | { kind: 'agent'; address: string; name: string; port?: number; pod?: string };

export interface AgentAccess {
  port: number;
  token: string;
  tls?: AgentTlsOptions;
  /** The host-plane agent pods listed from the cluster: their hostIP and API port, and the pod proxy. */
  pods?: AgentPodRef[];
  reach?: MeshReach;
}

export interface ClusterDoctorOptions {
  /** The cluster's facts (from the API or dumps); absent: the node rules and the cluster rules that need no cluster facts. */
  cluster?: ClusterFacts;
  nodes: NodeSource[];
  /** With `agents`: fetch /v1/facts from each cluster node's InternalIP that no file covers. */
  agents?: AgentAccess;
  lang: Lang;
  only?: string[];
  alsoIn?: Lang;
  concurrency?: number;
  /** Replaces reading facts (tests). */
  load?: (source: NodeSource, needs: EvidenceKey[]) => Promise<NodeFacts>;
}

export interface ClusterDoctorOutcome {
  report: ClusterDoctorReport;
  translation?: ClusterDoctorReport;
  /** 2 when a node's facts could not be had, else 1 with findings, else 3 when incomplete, else 0. */
  exitCode: number;
}

/** The rules chosen by --only, split by where they run; unknown ids are refused once. */
function chooseRules(only: string[] | undefined): { node: readonly Rule[]; cluster: readonly Rule[] } {
  if (!only || only.length === 0) return { node: nodeRules, cluster: clusterRules };
  const known = new Set([...nodeRules, ...clusterRules].map((r) => r.meta.id));
  const unknown = only.filter((id) => !known.has(id));
  if (unknown.length > 0) throw new PodpathError('E_UNKNOWN_RULE', `unknown rule id: ${unknown.join(', ')} (see \`podpath rules\`)`);
  return { node: nodeRules.filter((r) => only.includes(r.meta.id)), cluster: clusterRules.filter((r) => only.includes(r.meta.id)) };
}

/** A file named for its node: `node-a.json`, `node-a.tar.xz`, `node-a/` -> node-a. */
export function nameFromPath(p: string): string {
  return path.basename(trimEndChar(p, '/')).replace(/\.(tar\.gz|tar\.xz|tar\.bz2|tgz|txz|tbz2|tar|json)$/i, '');
}

/**
 * Ties facts to a cluster node: the given name or the facts' hostname equal to a node's name (or to
 * its first label, `ip-10-0-0-1` for `ip-10-0-0-1.ec2.internal`), else an address of the facts equal
 * to a node's InternalIP.
 */
export function matchNode(facts: NodeFacts, given: string | undefined, nodes: readonly ClusterNode[]): { node?: ClusterNode; matchedBy: NodeMatch; matchedAddress?: string } {
  const names = [given, facts.kernel?.hostname].filter((n): n is string => n !== undefined && n !== '');
  for (const n of names) {
    const node = nodes.find((c) => c.name === n) ?? nodes.find((c) => c.name.split('.')[0] === n.split('.')[0]);
    if (node) return { node, matchedBy: 'name' };
  }
  const addresses = new Set((facts.links?.items ?? []).flatMap((l) => l.addresses.map((a) => a.address)));
  for (const node of nodes) {
    const ip = node.internalIPs.value.find((a) => addresses.has(a));
    if (ip) return { node, matchedBy: 'internalIP', matchedAddress: ip };
  }
  return { matchedBy: 'none' };
}

async function defaultLoad(source: NodeSource, needs: EvidenceKey[], agents: AgentAccess | undefined): Promise<NodeFacts> {
  if (source.kind === 'file') return collectNodeFacts({ from: source.path, needs });
  if (!agents) throw new PodpathError('E_USAGE', 'no agent access given');
  const r = agents.reach;
  const api = new AgentApi(source.address, source.port ?? agents.port, agents.token, agents.tls, source.pod && r ? { pod: { kube: r.kube, namespace: r.namespace, name: source.pod }, mode: r.mode, memo: r.memo } : {});
  return api.get(ROUTES.facts);
}

function sourceLabel(s: NodeSource, agents: AgentAccess | undefined): string {
  if (s.kind === 'file') return s.path;
  const direct = `${agents?.tls ? 'https' : 'http'}://${s.address.includes(':') ? `[${s.address}]` : s.address}:${s.port ?? agents?.port ?? 0}`;
  const r = agents?.reach;
  // Said per node: which agents were reached through the API server, and why.
  if (s.pod && r && (r.mode === 'proxy' || r.memo?.isSwitched(direct))) return `pod ${r.namespace}/${s.pod} /v1/facts through the API server's proxy${r.mode === 'proxy' ? '' : ` (${direct} not reachable from here)`}`;
  return `${direct}/v1/facts`;
}

export async function runClusterDoctor(o: ClusterDoctorOptions): Promise<ClusterDoctorOutcome> {
  const rules = chooseRules(o.only);
  const needs = [...new Set([...evidenceFor([...rules.node, ...rules.cluster]).filter(isNodeSection), 'kernel', 'os', 'links', 'routes', 'neighbours', 'fdb', 'nics', 'cni'] as EvidenceKey[])].filter((k) => k !== 'probes').sort();
  const clusterNodes = o.cluster?.nodes ?? [];
  const sources = [...o.nodes];
  // Agents for the cluster nodes no file is named for.
  if (o.agents) {
    const named = new Set(o.nodes.filter((s) => s.kind === 'file').map((s) => (s.kind === 'file' ? s.name ?? nameFromPath(s.path) : '')));
    const pods = new Map((o.agents.pods ?? []).filter((p) => p.plane === 'host').map((p) => [p.node, p]));
    for (const n of clusterNodes) {
      if (named.has(n.name)) continue;
      // The node's own agent pod where the cluster lists one; else an agent at its InternalIP.
      const pod = pods.get(n.name);
      const address = pod?.address ?? n.internalIPs.value[0];
      if (address) sources.push({ kind: 'agent', address, name: n.name, ...(pod ? { port: pod.apiPort, pod: pod.pod } : {}) });
    }
  }
  const load = o.load ?? ((s: NodeSource, k: EvidenceKey[]) => defaultLoad(s, k, o.agents));
  const loaded = await mapBounded(sources, Math.max(1, o.concurrency ?? DEFAULT_FLEET_CONCURRENCY), async (s): Promise<{ source: NodeSource; facts?: NodeFacts; error?: FleetError }> => {
    try {
      return { source: s, facts: await load(s, needs) };
    } catch (e) {
      return { source: s, error: describeError(e) };
    }
  });
  // Match, one set of facts per cluster node (a second claim on a node stays unmatched, with its own name).
  const taken = new Set<string>();
  const entries: { evidence?: ClusterNodeEvidence; error?: FleetError; name: string; from: string }[] = loaded.map((l) => {
    const from = sourceLabel(l.source, o.agents);
    const given = l.source.kind === 'file' ? l.source.name ?? nameFromPath(l.source.path) : l.source.name;
    if (!l.facts) return { name: given, from, error: l.error };
    const m = matchNode(l.facts, given, clusterNodes);
    if (m.node && !taken.has(m.node.name)) {
      taken.add(m.node.name);
      return { name: m.node.name, from, evidence: { name: m.node.name, matchedBy: m.matchedBy, ...(m.matchedAddress ? { matchedAddress: m.matchedAddress } : {}), from, facts: l.facts } };
    }
    return { name: l.facts.kernel?.hostname ?? given, from, evidence: { name: l.facts.kernel?.hostname ?? given, matchedBy: 'none', from, facts: l.facts } };
  });
  const now = new Date();
  const judge = (lang: Lang): ClusterDoctorReport => {
    const nodeEntries: ClusterNodeEntry[] = [];
    const bag: ClusterNodeEvidence[] = [];
    for (const e of entries) {
      if (!e.evidence) {
        nodeEntries.push({ name: e.name, from: e.from, matchedBy: 'none', error: e.error! });
        continue;
      }
      const outcome: RunOutcome = runRules(rules.node, { node: e.evidence.facts }, { lang });
      const report = buildReport(e.evidence.facts, outcome, { lang, version: VERSION, now, kubernetesNode: networkView(e.evidence.facts).kubernetesNode.value });
      const failing = outcome.findings.length > 0;
      bag.push({ ...e.evidence, health: { failing, ruleIds: [...new Set(outcome.findings.map((f) => f.ruleId))].sort() } });
      nodeEntries.push({ name: e.evidence.name, from: e.from, matchedBy: e.evidence.matchedBy, ...(e.evidence.matchedAddress ? { matchedAddress: e.evidence.matchedAddress } : {}), report });
    }
    const outcome = runRules(rules.cluster, { ...(o.cluster ? { cluster: o.cluster } : {}), nodes: bag }, { lang });
    const withFacts = new Set(bag.map((b) => b.name));
    return buildClusterReport({ cluster: o.cluster, nodes: nodeEntries, outcome, withoutFacts: clusterNodes.map((n) => n.name).filter((n) => !withFacts.has(n)), lang, version: VERSION, now });
  };
  const report = judge(o.lang);
  const translation = o.alsoIn !== undefined && o.alsoIn !== o.lang ? judge(o.alsoIn) : undefined;
  return { report, ...(translation ? { translation } : {}), exitCode: clusterExitCode(report) };
}

export function clusterExitCode(r: ClusterDoctorReport): number {
  if (r.nodes.some((n) => n.error)) return 2;
  if (r.summary.findings > 0) return 1;
  // No cluster rule judged (no Node objects, no node's facts): nothing says the cluster is fine.
  if (clusterRulesVerdict(r) === 'notJudged') return EXIT_INCONCLUSIVE;
  return r.nodes.some((n) => n.report && isInconclusive(n.report)) || r.cluster?.partial.length ? EXIT_INCONCLUSIVE : 0;
}

/** The cluster's facts from `kubectl get -o json|yaml` dumps, or from the API server. */
export async function loadClusterFacts(o: { from?: string[]; kube?: KubeConnectOptions }): Promise<ClusterFacts> {
  const inv = o.from && o.from.length > 0 ? await readKubeDumps(o.from) : await collectFromApi(connectKube(o.kube ?? {}));
  return buildClusterFacts(inv);
}

/**
 * `--nodes-from` paths as node sources: a directory of bundles / facts files gives one source per
 * entry (named by its file name); a bundle directory, tarball or .json file is one source.
 */
export async function nodeSourcesFrom(paths: string[]): Promise<NodeSource[]> {
  const out: NodeSource[] = [];
  for (const p of paths) {
    const st = await stat(p).catch(() => undefined);
    if (!st) throw new PodpathError('E_BUNDLE_NOT_FOUND', `no such file or directory: ${oneLine(p)}`);
    const isBundle = st.isDirectory() && (await readdir(p)).some((e) => e === 'sos_commands' || e === 'podpath.json');
    const listed = st.isDirectory() && !isBundle ? await listBundleDir(p) : [p];
    for (const f of listed) out.push({ kind: 'file', path: f, name: nameFromPath(f) });
  }
  // One source per path, even when a directory and a file in it are both given.
  return out.filter((s, i) => out.findIndex((x) => x.kind === 'file' && s.kind === 'file' && x.path === s.path) === i);
}
