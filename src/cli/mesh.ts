// `podpath mesh`: every ordered pair of agents, on every plane combination, in bounded rounds.
// Wiring only: flags to options, the use case in app/mesh.ts, the lines in report/mesh.ts.
import { createWriteStream, writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { Option } from 'commander';
import { judgeMatrixRun, runMeshCommand } from '../app/mesh.js';
import type { Finding, Lang } from '../engine/types.js';
import { renderHtmlReport } from '../report/html/render.js';
import { oneLine } from '../util/terminal-safe.js';
import { VERSION } from '../util/version.js';
import { loadApiToken } from '../agent/secrets.js';
import { PLANE_PAIRS, PlanePair, type MeshCell, type MeshMatrix } from '../evidence/mesh-matrix.js';
import type { CoordinatorOptions } from '../mesh/coordinator.js';
import { inventoryFromList, readAgentsFile, type Inventory } from '../mesh/inventory.js';
import { cellLine, cellShortfall, findingsCountText, htmlWroteText, meshFindingsText, noTraceText, notJudgedText, progressBar, summaryText, traceChangeText } from '../report/mesh.js';
import { agentLine, skippedLines } from '../report/agents-text.js';
import { TEXT_LABELS } from '../report/text-labels.js';
import { resolveLang, t } from '../util/i18n.js';
import { PodpathError } from '../util/errors.js';
import { LIMITS } from '../util/limits.js';
import { parseDuration, parseRate } from '../util/units.js';
import { toPort } from './port-arg.js';
import { tlsClientFrom } from './probe-options.js';
import { normalizeFingerprint } from '../agent/tls.js';
import { parsePorts } from '../sources/tracefs/rule-trace.js';
import type { ChangeEvent } from '../sources/tracefs/changes.js';
import { connectKube, kubeconfigAvailable } from '../sources/kube/client.js';
import { inventoryOfAgents, listClusterAgents, tokenFromCluster } from '../app/cluster/agents.js';
import { DEFAULT_NAMESPACE } from '../app/cluster/manifests.js';
import { FallbackMemo } from '../api/reach.js';
import type { MeshReach } from '../app/mesh.js';
import { tokenGiven } from './reach-options.js';

interface MeshCliOptions {
  agents?: string; nodes?: string; port: string; apiPort: string; tokenFile?: string;
  kubeconfig?: string; context?: string; namespace?: string; viaApiserver?: boolean;
  k: string; sample?: string; seed: string; run?: string; jitter: string; planes?: string;
  count: string; size: string; sweep: boolean; sweepMax: string; tcp: boolean; icmp: boolean;
  maxRate?: string; rampDuration: string; recoveryWatch: string;
  out?: string; json?: boolean; html?: string; parallel: string;
  tls?: boolean; tlsFingerprint?: string; tlsCa?: string; lang?: string;
  trace?: boolean; traceRules?: string | boolean;
}

function int(name: string, s: string, min: number, max: number): number {
  const n = Number(s);
  if (!/^\d+$/.test(s.trim()) || !Number.isInteger(n) || n < min || n > max) throw new PodpathError('E_USAGE', `--${name} must be an integer ${min}..${max}, not ${JSON.stringify(s.slice(0, 40))}`);
  return n;
}

function planesFrom(spec: string | undefined, inv: Inventory): PlanePair[] {
  if (spec === undefined) return inv.nodes.some((n) => n.pod) ? [...PLANE_PAIRS] : ['host->host'];
  const out: PlanePair[] = [];
  for (const p of spec.split(',').map((s) => s.trim()).filter(Boolean)) {
    const parsed = PlanePair.safeParse(p);
    if (!parsed.success) throw new PodpathError('E_USAGE', `--planes takes ${PLANE_PAIRS.join(', ')}, not ${JSON.stringify(p.slice(0, 40))}`);
    if (!out.includes(parsed.data)) out.push(parsed.data);
  }
  if (!out.length) throw new PodpathError('E_USAGE', '--planes needs at least one plane combination');
  return out;
}

/** The agents from --agents, --nodes, or else the install's DaemonSets' pods (with the token and the pod proxy). */
async function meshAgents(o: MeshCliOptions, lang: Lang): Promise<{ inventory: Inventory; token: string; reach?: MeshReach }> {
  if (o.agents || o.nodes) {
    if (o.viaApiserver) throw new PodpathError('E_USAGE', "--via-apiserver reaches the agents by their pods: it takes the agents from the cluster (without --agents or --nodes)");
    const inventory = o.agents ? readAgentsFile(o.agents) : inventoryFromList(o.nodes!, { port: toPort(o.port), apiPort: toPort(o.apiPort) });
    return { inventory, token: loadApiToken(o.tokenFile) };
  }
  if (!kubeconfigAvailable(o)) throw new PodpathError('E_USAGE', 'give --agents FILE or --nodes LIST, or a kubeconfig (--kubeconfig, $KUBECONFIG, ~/.kube/config) to take the agents from the cluster');
  const kube = connectKube(o);
  const namespace = o.namespace ?? DEFAULT_NAMESPACE;
  const agents = await listClusterAgents(kube, namespace);
  process.stderr.write(skippedLines(agents.skipped, lang));
  if (agents.nodesUnread) process.stderr.write(agentLine('nodesUnread', lang, agents.nodesUnread));
  const inventory = inventoryOfAgents(agents);
  const token = tokenGiven(o.tokenFile) ? loadApiToken(o.tokenFile) : await tokenFromCluster(kube, namespace);
  const mode = o.viaApiserver ? 'proxy' : 'fallback';
  process.stderr.write(agentLine(mode === 'proxy' ? 'agentsProxy' : 'agentsFallback', lang, { n: inventory.nodes.length, namespace, server: kube.server }));
  return { inventory, token, reach: { kube, namespace, mode, memo: new FallbackMemo((e) => process.stderr.write(agentLine('fallback', lang, { ...e }))) } };
}

/** --trace / --trace-rules: what the agents trace around each round (nothing without --trace). */
export function meshTraceFrom(o: Pick<MeshCliOptions, 'trace' | 'traceRules' | 'port'>, inv: Inventory): CoordinatorOptions['trace'] {
  if (!o.trace) {
    if (o.traceRules !== undefined) throw new PodpathError('E_USAGE', '--trace-rules needs --trace');
    return undefined;
  }
  if (inv.nodes.length > LIMITS.meshTraceNodes.value) {
    throw new PodpathError(LIMITS.meshTraceNodes.code, `--trace traces at most ${LIMITS.meshTraceNodes.value} nodes; this mesh has ${inv.nodes.length} (trace a --sample run of a part of the cluster)`);
  }
  if (o.traceRules === undefined) return {};
  // The agents' probe ports (UDP echo, sweep and TCP) and the VXLAN ports the overlay cells cross.
  const probePorts = new Set(inv.nodes.flatMap((n) => [n.host?.port, n.pod?.port]).filter((p): p is number => p !== undefined));
  const ports = o.traceRules === true ? [...new Set([...probePorts, 8472, 4789])] : parsePorts(String(o.traceRules));
  if (ports.length > LIMITS.ruleTracePorts.value) throw new PodpathError(LIMITS.ruleTracePorts.code, `--trace-rules takes at most ${LIMITS.ruleTracePorts.value} ports; the agents use ${ports.length}: give them as --trace-rules LIST`);
  return { rulePorts: ports };
}

/** A tracing agent's host change, as printed (every change with its undo; every undo): the words of `podpath trace`'s. */
export function changeLine(node: string, e: ChangeEvent, lang: Lang = 'en'): string {
  const say = (k: keyof typeof TEXT_LABELS, data: Record<string, string>) => t(TEXT_LABELS[k], lang, Object.fromEntries(Object.entries(data).map(([key, v]) => [key, oneLine(v)])));
  const change = e.type === 'did' ? say('traceChanged', { did: e.did, undo: e.undo })
    : e.type === 'undone' ? say('traceUndoneLine', { undo: e.undo })
      : e.type === 'undo-failed' ? say('traceUndoFailed', { undo: e.undo, error: e.error })
        : e.error ? say('traceLeftoverFailed', { what: e.what, did: e.did, error: e.error }) : say('traceLeftover', { what: e.what, did: e.did });
  return traceChangeText(node, change, lang);
}

export function coordinatorOptions(o: MeshCliOptions, inv: Inventory): CoordinatorOptions {
  const k = int('k', o.k, 1, LIMITS.meshPeersPerRound.value);
  const maxRateBps = o.maxRate ? parseRate(o.maxRate) : undefined;
  const trace = meshTraceFrom(o, inv);
  return {
    k,
    sample: o.sample !== undefined ? int('sample', o.sample, 1, LIMITS.meshNodes.value) : undefined,
    seed: int('seed', o.seed, 0, 0xffffffff),
    // Sampled runs move on by themselves: each hour is a new window of peers unless --run fixes it.
    run: o.run !== undefined ? int('run', o.run, 0, 0xffffffff) : Math.floor(Date.now() / 3_600_000),
    jitterMs: parseDuration(o.jitter),
    planes: planesFrom(o.planes, inv),
    probes: {
      echo: { count: int('count', o.count, 1, 100), size: int('size', o.size, 44, 9000) },
      ...(o.sweep ? { sweep: { max: int('sweep-max', o.sweepMax, 44, 65507), repeats: 3 } } : {}),
      ...(o.tcp ? { tcp: { attempts: 3 } } : {}),
      ...(o.icmp ? { icmp: { count: 3 } } : {}),
    },
    ...(maxRateBps ? { ramp: { maxRateBps, maxDurationMs: parseDuration(o.rampDuration), recoveryWatchMs: parseDuration(o.recoveryWatch), stepMs: 500 } } : {}),
    parallel: int('parallel', o.parallel, 1, 1024),
    ...(trace ? { trace } : {}),
  };
}

/** The HTML report of a run: its findings, and the same rules' findings in the other language. */
function writeMeshHtml(file: string, matrix: MeshMatrix, findings: Finding[] | undefined, lang: Lang): void {
  const other: Lang = lang === 'en' ? 'zh' : 'en';
  // The rules again in the other language: its findings are the translation, its results the tally.
  const again = findings ? judgeMatrixRun(matrix, other) : undefined;
  const page = renderHtmlReport({
    lang,
    parts: [{ kind: 'mesh', from: 'podpath mesh', matrix, lang, ...(findings && again ? { findings, translation: again.findings, judged: again.judged } : {}) }],
    generatedAt: new Date().toISOString(),
    version: VERSION,
  });
  try {
    writeFileSync(file, page);
  } catch (e) {
    throw new PodpathError('E_REPORT_WRITE', `cannot write ${oneLine(file)}: ${(e as NodeJS.ErrnoException).code ?? 'EIO'}`);
  }
  process.stderr.write(htmlWroteText(file, page.length, lang));
}

export function registerMesh(program: Command): void {
  program
    .command('mesh')
    .description('probe every ordered pair of agents on the host and pod planes in rounds of bounded load; stream the cells and keep the matrix as JSON evidence')
    .addOption(new Option('--agents <file>', 'agents file (JSON or YAML): { nodes: [{ name, labels?, subnet?, host?: { address }, pod?: { address } }] }; without --agents and --nodes: the agents `podpath cluster install` runs, from the cluster').conflicts('nodes'))
    .option('--nodes <list>', 'host-plane agents instead: 10.0.1.5,10.0.2.7 or n1=10.0.1.5,n2=10.0.2.7')
    .option('--kubeconfig <file>', 'agents from the cluster: kubeconfig file (else $KUBECONFIG, ~/.kube/config, or the in-cluster service account)')
    .option('--context <name>', 'agents from the cluster: kubeconfig context to use')
    .option('-n, --namespace <name>', `agents from the cluster: namespace of podpath's agents (default ${DEFAULT_NAMESPACE})`)
    .option('--via-apiserver', "agents from the cluster: talk to every agent through the API server's pod proxy (default: directly, and through the proxy only where a direct connection fails)")
    .option('--port <n>', 'the agents\' probe port (when the file does not say)', '7946')
    .option('--api-port <n>', 'the agents\' API port (when the file does not say)', '7947')
    .option('--token-file <file>', "agent API token (else $PODPATH_TOKEN; agents from the cluster: else the install's Secret)")
    .option('-k, --k <n>', `peers each agent probes, and is probed by, per round (at most ${LIMITS.meshPeersPerRound.value})`, '8')
    .option('--sample <m>', 'probe m peers per node (every node still sends and is probed), not every pair; rotates with --run')
    .option('--seed <n>', 'fixes the order of the nodes in the schedule', '0')
    .option('--run <n>', 'run counter for --sample (default: the hour since the epoch, so samples rotate)')
    .option('--jitter <d>', 'start each probe of a round after a random delay up to this', '20ms')
    .option('--planes <list>', `plane combinations (${PLANE_PAIRS.join(',')}); default: all the agents allow`)
    .option('--count <n>', 'UDP echoes per pair', '10')
    .option('--size <bytes>', 'UDP echo payload', '64')
    .option('--no-sweep', 'skip the DF size sweep')
    .option('--sweep-max <bytes>', 'largest payload the sweep tries', '9000')
    .option('--no-tcp', 'skip the TCP handshakes to the peer agent\'s probe port')
    .option('--no-icmp', 'skip ICMP echo')
    .option('--max-rate <rate>', 'also ramp UDP up to this rate between host agents, one pair at a time, after everything else (e.g. 30mbit); no ramp without it')
    .option('--ramp-duration <d>', 'cap on one ramp', '30s')
    .option('--recovery-watch <d>', 'how long to wait for a blackholed path to come back', '30s')
    .option('-o, --out <file>', 'write the matrix (JSON evidence) to this file as it is measured')
    .option('--json', 'write the matrix JSON to stdout instead of lines')
    .option('--html <file>', `also write the HTML report to this file: a map per plane and probe with the findings drawn on it, a pair's numbers on a click, both languages (at most ${LIMITS.htmlMeshNodes.value} nodes; later: podpath report MATRIX.json)`)
    .option('--parallel <n>', 'agent API requests the coordinator keeps open at once (a round waits for the slowest wave)', '256')
    .option('--trace', "each node's agent traces its kernel's drops (skb:kfree_skb) around every round: the failing cells' losses are named by the kernel's reason and place (mesh-kernel-drop); every change to a host is printed with its undo and undone")
    .option('--trace-rules [ports]', "with --trace: also trace each node's packet filter (a temporary nftables table, or iptables-legacy TRACE) for these ports, to name the table, chain and rule (default: the agents' probe ports, 8472, 4789)")
    .option('--lang <zh|en>', 'language of the findings (default: from LC_ALL / LANG)')
    .option('--tls', "talk to the agents' API over TLS")
    .option('--tls-fingerprint <sha256>', 'with --tls: pin this certificate for every agent (per agent: tlsFingerprint in the agents file)')
    .option('--tls-ca <file>', 'with --tls: the PEM CA to verify the agents with')
    .action(async (o: MeshCliOptions) => {
      const lang = resolveLang(o.lang);
      const { inventory, token, reach } = await meshAgents(o, lang);
      for (const n of inventory.nodes) {
        for (const a of [n.host, n.pod]) if (a?.tlsFingerprint) a.tlsFingerprint = normalizeFingerprint(a.tlsFingerprint);
      }
      if (inventory.nodes.length > LIMITS.meshNodes.value) throw new PodpathError(LIMITS.meshNodes.code, `more than ${LIMITS.meshNodes.value} nodes`);
      if (o.html !== undefined && inventory.nodes.length > LIMITS.htmlMeshNodes.value) throw new PodpathError(LIMITS.htmlMeshNodes.code, `--html draws at most ${LIMITS.htmlMeshNodes.value} nodes; this mesh has ${inventory.nodes.length} (draw a --sample run, or a part of the cluster)`);
      const coordinator = coordinatorOptions(o, inventory);
      const tls = tlsClientFrom(o);
      // The API server ends the TLS connection the pod proxy takes: podpath cannot check a pin there.
      if (reach && tls?.fingerprint256) process.stderr.write(agentLine('tlsPinProxy', lang));
      const file = o.out ? createWriteStream(o.out) : undefined;
      const tty = process.stderr.isTTY && !o.json;
      const tally = { cells: 0, short: 0, byShortfall: new Map<string, number>() };
      let lastDraw = 0;
      const onCell = (c: MeshCell) => {
        tally.cells++;
        const s = cellShortfall(c);
        if (s.length) tally.short++;
        for (const x of s) tally.byShortfall.set(x, (tally.byShortfall.get(x) ?? 0) + 1);
        // A pipe gets every cell as a line; a terminal a bar (the lines of short cells above it).
        if (o.json) return;
        if (!process.stdout.isTTY) process.stdout.write(cellLine(c, false, lang) + '\n');
        else if (s.length) process.stdout.write(`\r\x1b[K${cellLine(c, true, lang)}\n`);
      };
      // Tracing changes the hosts: every change and undo is said as it happens (stderr: stdout may be the matrix).
      const onChange = coordinator.trace ? (node: string, e: ChangeEvent) => process.stderr.write(`${tty ? '\r\x1b[K' : ''}${changeLine(node, e, lang)}`) : undefined;
      const traceErrors = new Map<string, number>();
      const outcome = await runMeshCommand({
        inventory, token, tls, reach, coordinator, matrix: o.json ? process.stdout : file, onCell, judge: { lang: resolveLang(o.lang) }, onChange,
        onTrace: (t) => {
          if (!t.error) return;
          const k = `${t.node}: ${t.error.code}: ${oneLine(t.error.message)}`;
          if (!traceErrors.has(k)) process.stderr.write(`${tty ? '\r\x1b[K' : ''}${noTraceText({ node: t.node, code: t.error.code, message: t.error.message }, lang)}`);
          traceErrors.set(k, (traceErrors.get(k) ?? 0) + 1);
        },
        onProgress: (p) => {
          if (!tty || Date.now() - lastDraw < 100) return;
          lastDraw = Date.now();
          process.stderr.write(`\r\x1b[K${progressBar(p, tally.short, 30, lang)}`);
        },
      });
      if (tty) process.stderr.write('\r\x1b[K');
      if (file) await new Promise<void>((resolve, reject) => file.end((e?: Error | null) => (e ? reject(e) : resolve())));
      process.stderr.write(summaryText(outcome, tally, o.out, lang));
      // The findings follow the summary (in JSON they are the matrix document's `findings`).
      if (outcome.notJudged) process.stderr.write(notJudgedText(outcome.notJudged, lang));
      if (o.html !== undefined && outcome.matrix) writeMeshHtml(o.html, outcome.matrix, outcome.findings, resolveLang(o.lang));
      if (outcome.findings?.length && !o.json) process.stdout.write(meshFindingsText(outcome.findings, resolveLang(o.lang)));
      else if (outcome.findings) process.stderr.write(findingsCountText(outcome.findings.length, lang));
      process.exitCode = outcome.errors.length ? 2 : tally.short || outcome.findings?.length ? 1 : 0;
    });
}
