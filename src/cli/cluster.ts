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
import { PodpathError } from '../util/errors.js';
import { VERSION } from '../util/version.js';
import { resolveLang } from '../util/i18n.js';

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
    .option('--from <paths...>', '`kubectl get ... -o json|yaml` dumps (files or directories) instead of the API')
    .option('-o, --output <format>', 'text or json', 'text')
    .option('--lang <zh|en>', 'language of the text (default: from LC_ALL / LANG)')
    .action(async (o: KubeFlags & { from?: string[]; output: string; lang?: string }) => {
      const lang = resolveLang(o.lang);
      if (o.from && (o.kubeconfig || o.context)) throw new PodpathError('E_USAGE', '--from reads dumps; it cannot be combined with --kubeconfig or --context');
      const inv = o.from ? await readKubeDumps(o.from) : await collectFromApi(connectKube(o));
      const facts = buildClusterFacts(inv);
      process.stdout.write(o.output === 'json' ? JSON.stringify(facts, null, 2) + '\n' : renderClusterFacts(facts, lang));
    });
}
