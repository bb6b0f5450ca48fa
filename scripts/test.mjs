// `npm test`: the type check, the lint, the unit tests and the end-to-end tests, run at once as four
// processes, each line of output prefixed with its job; exits non-zero if any job failed.
// Why not one `vitest run`: vitest keeps one pool of (CPUs - 1) workers for every project, so on a
// 2-core machine every file, unit and e2e, ran one after the other (29 min in CI). The unit tests
// mostly wait on the processes they start, so they get more workers than cores (vitest.config.ts);
// the e2e files share one kernel and stay one at a time, in their own process, beside them.
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

const bin = (name) => new URL(`../node_modules/.bin/${name}`, import.meta.url).pathname;
// The type check and the lint run at the lowest priority: they only need to finish, while the
// vitest main processes must answer their workers within vitest's fixed 60 s RPC timeout; starved
// of CPU on 2 cores they did not ("Timeout calling onTaskUpdate", a failed run with every test
// passed; the worker-side stall watch, test/support/loop-watch.ts, saw no stall over 8 s).
const nice = (argv) => ['nice', '-n', '19', ...argv];
const jobs = [
  { name: 'typecheck', argv: nice([bin('tsc'), '--noEmit', '-p', 'tsconfig.json']) },
  { name: 'lint', argv: nice([bin('eslint'), '.']) },
  { name: 'unit', argv: [bin('vitest'), 'run', '--project', 'unit'] },
  { name: 'e2e', argv: [bin('vitest'), 'run', '--project', 'e2e'] },
];
const only = process.argv.slice(2);
const chosen = only.length ? jobs.filter((j) => only.includes(j.name)) : jobs;
const started = Date.now();

const results = await Promise.all(chosen.map((job) => new Promise((resolve) => {
  const t = Date.now();
  const child = spawn(job.argv[0], job.argv.slice(1), { stdio: ['ignore', 'pipe', 'pipe'] });
  const lines = [];
  for (const stream of [child.stdout, child.stderr]) {
    createInterface({ input: stream }).on('line', (line) => {
      lines.push(line);
      process.stdout.write(`[${job.name}] ${line}\n`);
    });
  }
  child.on('error', (e) => resolve({ job, lines, code: 127, seconds: 0, error: e.message }));
  child.on('close', (code, signal) => resolve({ job, lines, code: code ?? (signal ? 128 : 1), seconds: Math.round((Date.now() - t) / 1000) }));
})));

// A failed job's own failure report is printed again at the very end: the jobs' lines interleave, and
// a CI log is often read from its tail only.
const DIGEST_LINES = 150;
const ESC = String.fromCharCode(27); // the colour codes vitest writes
const plain = (line) => line.split(ESC).map((part, i) => (i === 0 ? part : part.replace(/^\[[0-9;]*m/, ''))).join('');
for (const r of results.filter((x) => x.code !== 0)) {
  const text = r.lines.map(plain);
  const start = text.findIndex((l) => /⎯{3,} (Failed Tests|Failed Suites|Unhandled (Errors|Rejection))/.test(l));
  const shown = start >= 0 ? text.slice(start, start + DIGEST_LINES) : text.slice(-60);
  process.stdout.write(`\n==== ${r.job.name} failed; its report ${start >= 0 ? '' : '(last lines) '}====\n${shown.join('\n')}\n`);
}

process.stdout.write('\n');
for (const r of results) process.stdout.write(`${r.code === 0 ? 'ok  ' : 'FAIL'} ${r.job.name.padEnd(9)} ${r.seconds} s${r.code === 0 ? '' : ` (exit ${r.code}${r.error ? `: ${r.error}` : ''})`}\n`);
process.stdout.write(`all jobs: ${Math.round((Date.now() - started) / 1000)} s\n`);
process.exit(results.every((r) => r.code === 0) ? 0 : 1);
