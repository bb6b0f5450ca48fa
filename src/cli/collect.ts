// `podpath collect`: gathers one node's evidence into a bundle (sosreport layout + podpath.json),
// or prints it as JSON, or prints a sh script that gathers it where podpath cannot run.
import type { Command } from 'commander';
import { collectFromHost } from '../sources/collect.js';
import { collectScript } from '../sources/script.js';
import { bundleHost } from '../sources/host/bundle.js';
import { liveHost } from '../sources/host/live.js';
import { recordingHost } from '../sources/host/recording.js';
import { writeBundle } from '../sources/bundle/writer.js';
import { collectNodeFacts } from '../sources/collect.js';
import { PodpathError } from '../util/errors.js';
import { evidenceName } from '../evidence/names.js';
import { oneLine } from '../util/terminal-safe.js';

interface CollectCliOptions {
  output?: string;
  from?: string;
  root?: string;
  script?: boolean;
  json?: boolean;
}

export function registerCollect(program: Command): void {
  program
    .command('collect')
    .description('Collect this node\'s evidence into a bundle (sosreport layout plus podpath.json), or print it')
    .option('-o, --output <dir|file.tar.gz>', 'write a bundle: a new directory, or .tar.gz/.tgz/.tar/.tar.xz')
    .option('--from <path>', 'read a bundle, sosreport (directory or tarball) or facts .json instead of this host')
    .option('--root <dir>', 'live only: read files under this root directory (a lab node)')
    .option('--script', 'print a POSIX sh script that gathers the same raw files, for nodes without node.js')
    .option('--json', 'print the evidence (NodeFacts) as JSON')
    .action(async (opts: CollectCliOptions) => {
      if (opts.script) {
        process.stdout.write(collectScript());
        return;
      }
      if (opts.from && opts.root) {
        throw new PodpathError('E_USAGE', '--root reads the live host under a directory; it cannot be combined with --from');
      }
      if (!opts.output) {
        const facts = await collectNodeFacts({ from: opts.from, root: opts.root });
        process.stdout.write(JSON.stringify(facts, null, 2) + '\n');
        return;
      }
      const inner = opts.from ? await bundleHost(opts.from) : liveHost({ root: opts.root });
      const host = recordingHost(inner);
      try {
        const facts = await collectFromHost(host);
        const written = await writeBundle(opts.output, host.recorded, facts);
        process.stderr.write(
          `podpath: wrote ${written.path}: ${written.commands} command outputs, ${written.files} files` +
            (facts.missing.length > 0 ? `; missing: ${facts.missing.map((m) => evidenceName(m.evidence)).join(', ')}` : '') + '\n',
        );
        for (const n of facts.notes ?? []) process.stderr.write(`podpath: note: ${n.code}: ${oneLine(n.message)}\n`);
        if (opts.json) process.stdout.write(JSON.stringify(facts, null, 2) + '\n');
      } finally {
        await host.close();
      }
    });
}
