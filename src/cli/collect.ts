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
import { resolveLang, t } from '../util/i18n.js';
import { noteText } from '../evidence/read-notes.js';
import { TEXT_LABELS } from '../report/text-labels.js';

interface CollectCliOptions {
  output?: string;
  from?: string;
  root?: string;
  script?: boolean;
  json?: boolean;
  lang?: string;
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
    .option('--lang <zh|en>', 'language of the messages (default: from LC_ALL / LANG)')
    .action(async (opts: CollectCliOptions) => {
      const lang = resolveLang(opts.lang);
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
        const wrote = t(TEXT_LABELS.collectWrote, lang, { path: oneLine(written.path), commands: written.commands, files: written.files });
        const names = [...new Set(facts.missing.map((m) => evidenceName(m.evidence, lang)))].join(', ');
        process.stderr.write(`podpath: ${wrote}${names ? `; ${t(TEXT_LABELS.collectMissing, lang, { names })}` : ''}\n`);
        for (const n of facts.notes ?? []) process.stderr.write(`podpath: ${t(TEXT_LABELS.note, lang)}: ${n.code}: ${oneLine(noteText(n, lang))}\n`);
        if (opts.json) process.stdout.write(JSON.stringify(facts, null, 2) + '\n');
      } finally {
        await host.close();
      }
    });
}
