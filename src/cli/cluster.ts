// `podpath cluster install | uninstall | status | facts` (also `kubectl podpath cluster ...`).
import type { Command } from 'commander';
import { stringify } from 'yaml';
import { buildManifests, DEFAULT_NAMESPACE, type Toleration } from '../app/cluster/manifests.js';
import { clusterStatus, installCluster, uninstallCluster } from '../app/cluster/install.js';
import { defaultBundlePath, loadBundleGz } from '../app/cluster/bundle.js';
import { connectKube } from '../sources/kube/client.js';
import { collectFromApi } from '../sources/kube/api.js';
import { readKubeDumps } from '../sources/kube/files.js';
import { buildClusterFacts } from '../sources/kube/build.js';
import { renderAgentStatus, renderClusterFacts, renderSteps } from '../report/cluster.js';
import { loadClusterFacts, nodeSourcesFrom, runClusterDoctor, type AgentAccess } from '../app/cluster/doctor.js';
import { renderClusterDoctor } from '../report/cluster-doctor.js';
import { loadApiToken } from '../agent/secrets.js';
import { normalizeFingerprint } from '../agent/tls.js';
import { renderClusterHtml } from '../report/html/render.js';
import { PodpathError } from '../util/errors.js';
import { listClusterAgents, tokenFromCluster, type AgentPodRef } from '../app/cluster/agents.js';
import { FallbackMemo } from '../api/reach.js';
import { tokenGiven } from './reach-options.js';
import { agentLine, skippedLines } from '../report/agents-text.js';
import { VERSION } from '../util/version.js';
import { resolveLang, type Lang } from '../util/i18n.js';

interface KubeFlags { kubeconfig?: string; context?: string; namespace?: string }
interface InstallFlags extends KubeFlags { image?: string; toleration?: string[]; bundle?: string; dryRun?: boolean; hostPorts?: string; podPorts?: string }

function kubeOptions(c: Command): Command {
  return c
    .option('--kubeconfig <file>', 'kubeconfig file (else $KUBECONFIG, ~/.kube/config, or the in-cluster service account)')
    .option('--context <name>', 'kubeconfig context to use')
    .option('-n, --namespace <name>', `namespace of podpath's agents (default ${DEFAULT_NAMESPACE})`);
}

/** kubectl taint syntax: `key=value:Effect`, `key:Effect`, `key` (any value), `all` (every taint), `none`. */
export function parseToleration(s: string): Toleration[] {
  if (s === 'all') return [{ operator: 'Exists' }];
  if (s === 'none') return [];
  const m = /^([A-Za-z0-9][-A-Za-z0-9_./]{0,252})(?:=([-A-Za-z0-9_.]{0,63}))?(?::(NoSchedule|PreferNoSchedule|NoExecute))?$/.exec(s);
  if (!m) throw new PodpathError('E_USAGE', `not a toleration (key[=value][:Effect], all, none): ${JSON.stringify(s)}`);
  const [, key, value, effect] = m;
  return [{ key, ...(value !== undefined ? { operator: 'Equal' as const, value } : { operator: 'Exists' as const }), ...(effect ? { effect: effect as Toleration['effect'] } : {}) }];
}

function ports(s: string | undefined, which: 'host' | 'pod'): Record<string, number> {
  if (!s) return {};
  const m = /^(\d{1,5}),(\d{1,5})$/.exec(s);
  if (!m) throw new PodpathError('E_USAGE', `--${which}-ports takes PROBE,API (e.g. 7946,7947): ${JSON.stringify(s)}`);
  return which === 'host' ? { hostProbe: Number(m[1]), hostApi: Number(m[2]) } : { podProbe: Number(m[1]), podApi: Number(m[2]) };
}

const collect = (v: string, prev: string[] = []) => [...prev, v];

export function registerCluster(program: Command): void {
  const cluster = program.command('cluster').description('deploy podpath\'s agents on every node, and read what the cluster says about itself');

  kubeOptions(cluster.command('install'))
    .description('apply the namespace, Secret, bundle ConfigMap and both agent DaemonSets (server-side apply)')
    .option('--image <ref>', 'a stock Node image for the agents (a local mirror on air-gapped sites)')
    .option('--toleration <t>', 'tolerate taints: key[=value][:Effect], all (default), none; repeatable', collect)
    .option('--bundle <file>', 'the podpath.mjs to deploy (default: the one running)')
    .option('--host-ports <probe,api>', 'host-plane agent ports (default 7946,7947)')
    .option('--pod-ports <probe,api>', 'pod-plane agent ports (default 7946,7947)')
    .option('--dry-run', 'print the objects as YAML instead of applying them (Secret values withheld)')
    .option('--lang <zh|en>', 'language of the text (default: from LC_ALL / LANG)')
    .action(async (o: InstallFlags & { lang?: string }) => {
      const lang = resolveLang(o.lang);
      const tolerations = o.toleration?.flatMap(parseToleration);
      const base = { namespace: o.namespace, image: o.image, tolerations, ports: { ...ports(o.hostPorts, 'host'), ...ports(o.podPorts, 'pod') }, version: VERSION };
      if (o.dryRun) {
        const objs = buildManifests({ ...base, secrets: { hmacKey: '<made at install>'.padEnd(32, '.'), apiToken: '<made at install>'.padEnd(33, '.') } });
        const shown = objs.map((x) => (x.kind === 'Secret' ? { ...x, data: { 'hmac-key': '<made at install>', 'api-token': '<made at install>' } } : x));
        process.stdout.write(shown.map((x) => stringify(x, { lineWidth: 0 })).join('---\n'));
        return;
      }
      const bundleGz = loadBundleGz(o.bundle ?? defaultBundlePath());
      const client = connectKube(o);
      const steps = await installCluster(client, { ...base, namespace: o.namespace ?? DEFAULT_NAMESPACE, bundleGz });
      process.stdout.write(renderSteps(steps, lang));
    });

  kubeOptions(cluster.command('uninstall'))
    .description('delete what install made: each object by name, only if labelled app.kubernetes.io/managed-by=podpath')
    .option('--lang <zh|en>', 'language of the text (default: from LC_ALL / LANG)')
    .action(async (o: KubeFlags & { lang?: string }) => {
      const steps = await uninstallCluster(connectKube(o), { namespace: o.namespace ?? DEFAULT_NAMESPACE });
      process.stdout.write(renderSteps(steps, resolveLang(o.lang)));
    });

  kubeOptions(cluster.command('status'))
    .description('the agent DaemonSets\' ready counts and each agent pod (node, ready, restarts)')
    .option('-o, --output <format>', 'text or json', 'text')
    .option('--lang <zh|en>', 'language of the text (default: from LC_ALL / LANG)')
    .action(async (o: KubeFlags & { output: string; lang?: string }) => {
      const ns = o.namespace ?? DEFAULT_NAMESPACE;
      const s = await clusterStatus(connectKube(o), { namespace: ns });
      process.stdout.write(o.output === 'json' ? JSON.stringify(s, null, 2) + '\n' : renderAgentStatus(s, ns, resolveLang(o.lang)));
    });

  kubeOptions(cluster.command('facts'))
    .description('what the cluster says about itself (nodes, flannel/Calico settings, kube-proxy, DNS), from the API or from kubectl dumps')
    .option('--from <paths...>', '`kubectl get ... -o json|yaml` dumps (files, directories or .tar/.tar.gz/.tgz/.tar.xz of them) instead of the API')
    .option('-o, --output <format>', 'text or json', 'text')
    .option('--lang <zh|en>', 'language of the text (default: from LC_ALL / LANG)')
    .action(async (o: KubeFlags & { from?: string[]; output: string; lang?: string }) => {
      const lang = resolveLang(o.lang);
      if (o.from && (o.kubeconfig || o.context)) throw new PodpathError('E_USAGE', '--from reads dumps; it cannot be combined with --kubeconfig or --context');
      const inv = o.from ? await readKubeDumps(o.from) : await collectFromApi(connectKube(o));
      const facts = buildClusterFacts(inv);
      process.stdout.write(o.output === 'json' ? JSON.stringify(facts, null, 2) + '\n' : renderClusterFacts(facts, lang));
    });

  kubeOptions(cluster.command('doctor'))
    .description('judge the cluster: every node\'s facts by the node rules, and the cluster\'s facts with all nodes\' facts by the cluster rules')
    .option('--from <paths...>', 'cluster facts from `kubectl get nodes,configmaps,ippools,felixconfigurations -A -o json` dumps (files, directories or .tar/.tar.gz/.tgz/.tar.xz of them) instead of the API')
    .option('--nodes-from <paths...>', 'node facts: bundles, sosreports or facts .json files named by node (node-a.json, node-a.tar.xz), or directories of them')
    .option('--agents', "also fetch each node's facts from its host-plane agent (GET /v1/facts), for nodes --nodes-from does not cover: the agent pod the cluster lists on the node, else an agent at the node's InternalIP (the default when reading the API without --nodes-from)")
    .option('--api-port <port>', 'with --agents: the API port of agents not listed as pods', '7947')
    .option('--token-file <file>', "with --agents: the agents' API token (else $PODPATH_TOKEN, else the install's Secret)")
    .option('--via-apiserver', "with --agents: reach every agent pod through the API server's pod proxy (default: directly, and through the proxy only where a direct connection fails)")
    .option('--tls-fingerprint <sha256>', 'with --agents: talk TLS and pin the agents\' certificate (64 hex digits)')
    .option('--concurrency <n>', 'node facts read at once', '4')
    .option('--lang <zh|en>', 'language of the report (default: from LC_ALL / LANG)')
    .option('-o, --output <format>', 'text, markdown, json or html (one self-contained file; redirect it: > cluster.html)', 'text')
    .option('--only <ids>', 'run only these rules (comma-separated ids, node or cluster rules)')
    .addHelpText('after', CLUSTER_DOCTOR_HELP)
    .action(async (o: KubeFlags & ClusterDoctorFlags) => {
      if (o.from && (o.kubeconfig || o.context)) throw new PodpathError('E_USAGE', '--from reads dumps; it cannot be combined with --kubeconfig or --context');
      const format = clusterFormat(o.output);
      const cluster = await loadClusterFacts({ from: o.from, kube: o });
      const nodes = await nodeSourcesFrom(o.nodesFrom ?? []);
      // Reading the API, the agents are where the nodes' facts come from unless files are given.
      const useAgents = o.agents === true || (nodes.length === 0 && !o.from);
      if (nodes.length === 0 && !useAgents) throw new PodpathError('E_USAGE', 'give the nodes\' facts: --nodes-from DIR|FILES, or --agents to fetch them from the agents');
      if (o.viaApiserver && (!useAgents || o.from)) throw new PodpathError('E_USAGE', '--via-apiserver reaches the agents\' pods through the API server: it needs --agents and the API (not --from)');
      const lang = resolveLang(o.lang);
      const agents: AgentAccess | undefined = useAgents ? await doctorAgents(o, lang) : undefined;
      // The HTML page carries both languages: the rules judge the same facts once more in the other.
      const { report, translation, exitCode } = await runClusterDoctor({ cluster, nodes, agents, lang, only: splitIds(o.only), concurrency: toCount(o.concurrency), ...(format === 'html' ? { alsoIn: lang === 'en' ? 'zh' as const : 'en' as const } : {}) });
      process.stdout.write(format === 'html' ? renderClusterHtml(report, { translation }) : renderClusterDoctor(report, format, { color: format === 'text' && process.stdout.isTTY === true && !process.env.NO_COLOR }));
      process.exitCode = exitCode;
    });
}

interface ClusterDoctorFlags { from?: string[]; nodesFrom?: string[]; agents?: boolean; apiPort: string; tokenFile?: string; tlsFingerprint?: string; viaApiserver?: boolean; concurrency: string; lang?: string; output: string; only?: string }

/**
 * The agents' access for cluster doctor: reading the API, the host-plane agent pods (a node's facts
 * from its own pod, through the API server where it cannot be reached from here) and the token from
 * the install's Secret unless one is given. From dumps: agents at the InternalIPs, as before.
 */
async function doctorAgents(o: KubeFlags & ClusterDoctorFlags, lang: Lang): Promise<AgentAccess> {
  const base = { port: toPort(o.apiPort), ...(o.tlsFingerprint ? { tls: { fingerprint256: normalizeFingerprint(o.tlsFingerprint) } } : {}) };
  if (o.from) return { ...base, token: loadApiToken(o.tokenFile) };
  const kube = connectKube(o);
  const namespace = o.namespace ?? DEFAULT_NAMESPACE;
  let pods: AgentPodRef[] = [];
  try {
    const listed = await listClusterAgents(kube, namespace);
    pods = listed.pods;
    process.stderr.write(skippedLines(listed.skipped, lang));
  } catch (e) {
    // Agents started by hand still answer at the InternalIPs; only the pod proxy needs the pods.
    if (o.viaApiserver || !(e instanceof PodpathError) || !/^E_KUBE_(FORBIDDEN|NOT_FOUND)$/.test(e.code)) throw e;
    process.stderr.write(agentLine('listFailed', lang, { code: e.code, message: e.message }));
  }
  const token = tokenGiven(o.tokenFile) ? loadApiToken(o.tokenFile) : await tokenFromCluster(kube, namespace);
  return { ...base, token, pods, reach: { kube, namespace, mode: o.viaApiserver ? 'proxy' : 'fallback', memo: new FallbackMemo((e) => process.stderr.write(agentLine('fallback', lang, { ...e }))) } };
}

export const CLUSTER_DOCTOR_HELP = `
Node facts are tied to Kubernetes nodes by name (the file name, else the facts' hostname), else by an
address equal to the node's InternalIP; the report says which for each node. The same run from fleet
mode: podpath doctor --from-dir DIR --cluster-from DUMP.
Exit code: 0 no findings, 1 findings, 2 a node's facts could not be read (the others are still
judged), 3 no findings but evidence incomplete (a bundle cut short, or a cluster list cut short).`;

export function clusterFormat(v: string): 'text' | 'markdown' | 'json' | 'html' {
  const f = v === 'md' ? 'markdown' : v;
  if (f === 'text' || f === 'markdown' || f === 'json' || f === 'html') return f;
  throw new PodpathError('E_BAD_FORMAT', `unknown output format "${v}" for a cluster report: use text, markdown, json or html`);
}

export function splitIds(s: string | undefined): string[] | undefined {
  return s?.split(',').map((x) => x.trim()).filter(Boolean);
}

function toPort(s: string): number {
  const n = Number(s);
  if (!Number.isInteger(n) || n < 1 || n > 65535) throw new PodpathError('E_USAGE', `not a port: ${JSON.stringify(s)}`);
  return n;
}

export function toCount(s: string): number {
  const n = Number(s);
  if (!Number.isInteger(n) || n < 1) throw new PodpathError('E_USAGE', `--concurrency takes a whole number >= 1, got ${JSON.stringify(s)}`);
  return n;
}
