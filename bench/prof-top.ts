// The top self-time functions of V8 CPU profiles (node --cpu-prof), for `mesh.bench.ts --prof`:
// where the CPU went, by function and file, summed over every profile given.
//
//   npx tsx bench/prof-top.ts bench/out/prof/*.cpuprofile [--top 25]
import { readFileSync } from 'node:fs';

interface ProfileNode { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; hitCount?: number }
interface Profile { nodes: ProfileNode[]; samples?: number[]; timeDeltas?: number[]; startTime: number; endTime: number }

/** Self time (ms) by function, from the samples and their time deltas (hitCount alone ignores uneven sampling). */
export function selfTimes(p: Profile): Map<string, number> {
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const out = new Map<string, number>();
  const samples = p.samples ?? [];
  const deltas = p.timeDeltas ?? [];
  for (let i = 0; i < samples.length; i++) {
    const n = byId.get(samples[i]!);
    if (!n) continue;
    // The delta after a sample is the time it stands for.
    const us = deltas[i + 1] ?? 0;
    const key = nameOf(n);
    out.set(key, (out.get(key) ?? 0) + us / 1000);
  }
  return out;
}

function nameOf(n: ProfileNode): string {
  const f = n.callFrame;
  const file = f.url.replace(/^file:\/\//, '').replace(/^.*\/(node_modules\/)/, '$1').replace(/^.*\/(src|bench|dist)\//, '$1/');
  return `${f.functionName || '(anonymous)'} ${file ? `${file}:${f.lineNumber + 1}` : ''}`.trim();
}

function main(): void {
  const args = process.argv.slice(2);
  const ti = args.indexOf('--top');
  const top = ti >= 0 ? Number(args[ti + 1]) : 25;
  const files = args.filter((a, i) => !a.startsWith('--') && (ti < 0 || i !== ti + 1));
  if (!files.length) throw new Error('usage: prof-top.ts FILE.cpuprofile... [--top N]');
  const total = new Map<string, number>();
  let all = 0;
  for (const f of files) {
    for (const [k, ms] of selfTimes(JSON.parse(readFileSync(f, 'utf8')) as Profile)) {
      total.set(k, (total.get(k) ?? 0) + ms);
      all += ms;
    }
  }
  const rows = [...total].sort((a, b) => b[1] - a[1]).slice(0, top);
  console.log(`${files.length} profile(s), ${(all / 1000).toFixed(1)} s sampled; top ${rows.length} by self time:`);
  for (const [k, ms] of rows) console.log(`${(ms / 1000).toFixed(2).padStart(8)} s ${((ms / all) * 100).toFixed(1).padStart(5)}%  ${k}`);
}

if (process.argv[1]?.endsWith('prof-top.ts')) main();
