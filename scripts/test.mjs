// `npm test`: the type check, the lint, the unit tests and the end-to-end tests, run at once as four
// processes, each line of output prefixed with its job; exits non-zero if any job failed.
// Why not one `vitest run`: vitest keeps one pool of (CPUs - 1) workers for every project, so on a
// 2-core machine every file, unit and e2e, ran one after the other (29 min in CI). The unit tests
// mostly wait on the processes they start, so they get more workers than cores (vitest.config.ts);
// the e2e files share one kernel and stay one at a time, in their own process, beside them.
import { spawn } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { StringDecoder } from 'node:string_decoder';
import { join } from 'node:path';

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

// Each job writes to a file of its own, never to a pipe: a write to a full pipe blocks a Node process
// on Linux, so a slow reader of this script's output (a CI log collector) would stall a vitest main
// process past its workers' 60 s RPC timeout. This script reads the files as they grow.
const logDir = mkdtempSync(join(tmpdir(), 'podpath-test-logs-'));
const POLL_MS = 200;

function runJob(job) {
  return new Promise((resolve) => {
    const t = Date.now();
    const path = join(logDir, `${job.name}.log`);
    const fd = openSync(path, 'w');
    const lines = [];
    let offset = 0;
    let partial = '';
    const decoder = new StringDecoder('utf8'); // a read may end inside a character
    const drain = (final) => {
      const size = statSync(path).size;
      if (size > offset) {
        const buf = Buffer.alloc(size - offset);
        const rfd = openSync(path, 'r');
        try { readSync(rfd, buf, 0, buf.length, offset); } finally { closeSync(rfd); }
        offset = size;
        partial += decoder.write(buf);
      }
      const parts = partial.split('\n');
      partial = parts.pop() ?? '';
      if (final && partial) parts.push(partial);
      for (const line of parts) {
        lines.push(line);
        process.stdout.write(`[${job.name}] ${line}\n`);
      }
    };
    const poll = setInterval(() => drain(false), POLL_MS);
    const child = spawn(job.argv[0], job.argv.slice(1), { stdio: ['ignore', fd, fd] });
    closeSync(fd);
    const finish = (result) => {
      clearInterval(poll);
      drain(true);
      resolve({ job, lines, seconds: Math.round((Date.now() - t) / 1000), ...result });
    };
    child.on('error', (e) => finish({ code: 127, error: e.message }));
    child.on('close', (code, signal) => finish({ code: code ?? (signal ? 128 : 1) }));
  });
}

const results = await Promise.all(chosen.map(runJob));
rmSync(logDir, { recursive: true, force: true });

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
