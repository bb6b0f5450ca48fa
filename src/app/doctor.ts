// `podpath doctor` without the CLI: gather the evidence the chosen rules need (live, a bundle, or a
// facts file), run the rules, build the report. Exit code: 0 healthy, 1 findings, 3 no findings but
// the evidence is incomplete (a bundle cut short or empty); 2: errors, thrown.
import { isNodeSection, type Evidence, type EvidenceParts } from '../evidence/evidence.js';
import type { EvidenceKey, NodeFacts } from '../evidence/node-facts.js';
import type { ProbeEvidence } from '../evidence/probe-evidence.js';
import { because, recordMissing } from '../evidence/missing-reasons.js';
import { collectNodeFacts } from '../sources/collect.js';
import { buildReport, EXIT_INCONCLUSIVE, isInconclusive, type DoctorReport } from '../report/model.js';
import { allRules, rulesOfKind } from '../rules/index.js';
import { VERSION } from '../util/version.js';
import { loadFactsFile } from '../evidence/load-facts.js';
import { evidenceFor, runRules } from '../engine/run-rules.js';
import type { Lang, Rule } from '../engine/types.js';
import { PodpathError } from '../util/errors.js';
import type { PeerCheckOptions } from '../probe/doctor-peer.js';
import type { DropsEvidence } from '../evidence/drop-evidence.js';
import { commandsFor } from '../sources/commands-for.js';
import { judgeVerdict } from '../engine/verdict.js';
import { networkView } from '../evidence/network-view.js';
import { doctorProbes, type DoctorProbes } from '../report/doctor-probes.js';

export interface DoctorOptions {
  from?: string;
  root?: string;
  /** A NodeFacts JSON file: no collection at all. */
  facts?: string;
  lang: Lang;
  only?: string[];
  rules?: readonly Rule[];
  /** Replaces collection (tests). */
  collect?: (opts: { from?: string; root?: string; needs: EvidenceKey[] }) => Promise<NodeFacts>;
  /** Probe this peer (its agent) and judge its own evidence too. */
  peer?: PeerCheckOptions;
  /** Evidence besides the node's facts, judged in the same run (a transcript's tcpdump text as captures). */
  parts?: Partial<EvidenceParts>;
  /**
   * Also judge the same evidence in this language (`translation`): the HTML report carries both.
   * The rules run again on what was collected once; nothing is read or probed twice.
   */
  alsoIn?: Lang;
  /**
   * The kernel drop traces taken around the peer probes (--trace; the hooks ride in `peer.window`),
   * by the probes as measured. Without it the drops rules are left out of the run.
   */
  peerDrops?: (probes: ProbeEvidence[]) => DropsEvidence;
}

/** The probes were run from the other end: on the peer's report the probe rules have nothing of their own. */
const NO_PROBES_ON_PEER = recordMissing({ evidence: 'probes', ...because('probesOnOtherNode') });
const NO_PROBES = recordMissing({ evidence: 'probes', ...because('noPeerProbed') });

/** A probe as the peer saw it: its counters, devices and sends are `local` there, ours are its `peer`'s. */
function asSeenByPeer(p: ProbeEvidence): ProbeEvidence {
  const flip = (n: 'local' | 'peer'): 'local' | 'peer' => (n === 'local' ? 'peer' : 'local');
  return { ...p, sender: flip(p.sender), devices: { local: p.devices.peer, peer: p.devices.local }, counters: p.counters.map((c) => ({ ...c, node: flip(c.node) })) };
}

/** What doctor reads besides the rules' needs: enough to tell whether this is a Kubernetes node. */
const ALWAYS: EvidenceKey[] = ['kernel', 'os', 'links', 'cni'];

export async function runDoctor(opts: DoctorOptions): Promise<{ report: DoctorReport; exitCode: number; translation?: DoctorReport }> {
  // Doctor judges the node and its probes (and, with --peer --trace, the drop traces around them);
  // captures are judged by `pcap analyze` / `pcap diff`.
  let rules = opts.rules ?? rulesOfKind('node', 'probe', 'drops');
  if (opts.facts && (opts.from || opts.root)) throw new PodpathError('E_USAGE', '--facts cannot be combined with --from or --root');
  const clusterOnly = (opts.only ?? []).filter((id) => allRules.some((r) => r.meta.id === id && r.meta.kind === 'cluster'));
  if (clusterOnly.length > 0 && !opts.rules) throw new PodpathError('E_USAGE', `${clusterOnly.join(', ')} judge${clusterOnly.length === 1 ? 's' : ''} the cluster, not one node: run \`podpath cluster doctor\` (or \`doctor --from-dir DIR --cluster-from DUMP\`)`);
  const chosen = opts.only && opts.only.length > 0 ? rules.filter((r) => opts.only?.includes(r.meta.id)) : rules;
  // Probes are not read from the node: they come from --peer, or stay missing with a reason.
  const needs = [...new Set([...evidenceFor(chosen).filter(isNodeSection), ...ALWAYS])].filter((k) => k !== 'probes').sort();
  const collect = opts.collect ?? collectNodeFacts;
  let facts = opts.facts ? loadFactsFile(opts.facts) : await collect({ from: opts.from, root: opts.root, needs });
  /** The peer's facts as collected (its report's node and notes), and as its rules judge them. */
  let peer: { collected: NodeFacts; judged: NodeFacts } | undefined;
  let peerError: string | undefined;
  let drops: DropsEvidence | undefined;
  let probes: DoctorProbes | undefined;
  if (opts.peer) {
    if (opts.from || opts.facts) throw new PodpathError('E_USAGE', '--peer probes from this host: it cannot be combined with --from or --facts');
    // Imported here: the probes and the agent API client (with the kube client it uses for
    // proxied agents) are evaluated only by `doctor --peer`.
    const { checkPeer } = await import('../probe/doctor-peer.js');
    const check = await checkPeer(facts, opts.peer);
    drops = opts.peerDrops?.(check.probes);
    probes = doctorProbes(check.report);
    facts = { ...facts, probes: [...(facts.probes ?? []), ...check.probes], missing: facts.missing.filter((m) => m.evidence !== 'probes') };
    if (check.peerFacts) {
      // The rules that need probes stay here (they judged the probes already); the peer's other rules
      // read the peer's own counter changes while probing, e.g. InCsumErrors rising or not since boot.
      peer = { collected: check.peerFacts, judged: { ...check.peerFacts, probes: check.probes.map(asSeenByPeer), missing: [...check.peerFacts.missing.filter((m) => m.evidence !== 'probes'), NO_PROBES_ON_PEER] } };
    } else {
      peerError = check.peerFactsError;
    }
  } else if (!facts.probes) {
    facts = { ...facts, missing: [...facts.missing.filter((m) => m.evidence !== 'probes'), NO_PROBES] };
  }
  // The drops rules judge only a run that traced (doctor --peer --trace), from this node's report.
  const noDrops = (all: readonly Rule[]) => (opts.only && opts.only.length > 0 ? all : all.filter((r) => r.meta.kind !== 'drops'));
  const peerRules = noDrops(rules);
  if (!drops) rules = noDrops(rules);
  const now = new Date();
  // The network view is computed once per node: the report shows it, it does not work it out.
  const kubernetesNode = networkView(facts).kubernetesNode.value;
  const peerKubernetesNode = peer ? networkView(peer.collected).kubernetesNode.value : false;
  const judge = (lang: Lang): DoctorReport => {
    const evidence: Evidence = { ...opts.parts, node: facts, ...(drops ? { drops } : {}) };
    const outcome = runRules(rules, evidence, { lang, only: opts.only });
    const report = buildReport(facts, outcome, { lang, version: VERSION, now, kubernetesNode });
    report.verdict = judgeVerdict({ rules: chosen, results: outcome.results, evidence, notes: facts.notes, commandsFor });
    if (opts.peer) {
      const peerReport = peer ? buildReport(peer.collected, runRules(peerRules, { node: peer.judged }, { lang, only: opts.only }), { lang, version: VERSION, now, kubernetesNode: peerKubernetesNode }) : undefined;
      report.peer = { address: opts.peer.peer, report: peerReport, error: peerError };
      if (probes) report.probes = probes;
    }
    return report;
  };
  const report = judge(opts.lang);
  const translation = opts.alsoIn !== undefined && opts.alsoIn !== opts.lang ? judge(opts.alsoIn) : undefined;
  const anyFindings = report.findings.length > 0 || (report.peer?.report?.findings.length ?? 0) > 0;
  // A bundle cut short, a transcript that lets too few rules judge: never passed as healthy.
  return { report, exitCode: anyFindings ? 1 : isInconclusive(report) ? EXIT_INCONCLUSIVE : 0, ...(translation ? { translation } : {}) };
}
