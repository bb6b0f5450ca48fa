// `podpath diff A B`: what differs between a healthy node (A) and a broken one (B) that matters for
// cross-node traffic. Exit 0: nothing relevant differs; 1: something does; 2: error; 3: nothing
// differs, but a side's bundle is incomplete (cut short, damaged or empty).
import type { Command } from 'commander';
import { COMPARED_SECTIONS, diffNodes } from '../compare/diff-nodes.js';
import { renderDiffJson, renderDiffText } from '../compare/render.js';
import type { NodeFacts } from '../evidence/node-facts.js';
import { collectNodeFacts } from '../sources/collect.js';
import { PodpathError, isPodpathError } from '../util/errors.js';
import { EXIT_INCONCLUSIVE, isInconclusive } from '../report/model.js';
import { oneLine } from '../util/terminal-safe.js';

interface DiffCliOptions {
  json?: boolean;
  all?: boolean;
  evidence?: boolean;
}

async function load(side: 'A' | 'B', path: string): Promise<NodeFacts> {
  try {
    return await collectNodeFacts({ from: path, needs: COMPARED_SECTIONS });
  } catch (e) {
    if (isPodpathError(e)) throw new PodpathError(e.code, `${side} (${path}): ${e.message}`, { exitCode: 2, cause: e });
    throw e;
  }
}

export function registerDiff(program: Command): void {
  program
    .command('diff')
    .description('Compare a healthy node (A) with a broken one (B): kernel build, drivers, offloads, MTUs, VXLAN, sysctls, routes, packet filter, NetworkManager, CNI')
    .argument('<a>', 'healthy node: bundle directory or tarball, sosreport, or facts .json')
    .argument('<b>', 'broken node: same kinds of input')
    .option('--json', 'print the differences as JSON')
    .option('--all', 'also show differences of low relevance (never change the exit code)')
    .option('--evidence', 'show the lines behind each value')
    .action(async (a: string, b: string, opts: DiffCliOptions) => {
      const [fa, fb] = [await load('A', a), await load('B', b)];
      // How each side was read (a bundle cut short, files cut at the size cap): said before the diff.
      for (const [side, path, f] of [['A', a, fa], ['B', b, fb]] as const) {
        for (const n of f.notes ?? []) process.stderr.write(`podpath: note: ${n.code}: ${side} (${oneLine(path)}): ${oneLine(n.message)}\n`);
      }
      const comparable = COMPARED_SECTIONS.filter((s) => fa[s] !== undefined && fb[s] !== undefined);
      if (comparable.length === 0) {
        throw new PodpathError('E_DIFF_NOTHING_COMPARABLE', `A and B have no evidence section in common (A has: ${present(fa)}; B has: ${present(fb)})`);
      }
      const diff = diffNodes(fa, fb);
      if (opts.json) process.stdout.write(renderDiffJson(diff, { labelA: a, labelB: b }));
      else process.stdout.write(renderDiffText(diff, { labelA: a, labelB: b, all: opts.all, evidence: opts.evidence, colors: process.stdout.isTTY === true && !process.env.NO_COLOR }));
      // "Nothing differs" means nothing when a side's evidence is incomplete.
      process.exitCode = diff.relevantCount > 0 ? 1 : isInconclusive(fa) || isInconclusive(fb) ? EXIT_INCONCLUSIVE : 0;
    });
}

function present(f: NodeFacts): string {
  const have = COMPARED_SECTIONS.filter((s) => f[s] !== undefined);
  return have.length > 0 ? have.join(', ') : 'none';
}
