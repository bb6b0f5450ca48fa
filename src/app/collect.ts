// `podpath collect -o BUNDLE`: reads this node (or a bundle) through a recording host and writes
// what it read, sosreport layout plus podpath.json, so the bundle judges the same as the node did.
import { collectFromHost } from '../sources/collect.js';
import { bundleHost } from '../sources/host/bundle.js';
import { liveHost } from '../sources/host/live.js';
import { recordingHost } from '../sources/host/recording.js';
import { writeBundle } from '../sources/bundle/writer.js';
import type { NodeFacts } from '../evidence/node-facts.js';
import { PodpathError } from '../util/errors.js';

export interface CollectBundleOptions {
  /** A new directory, or .tar.gz/.tgz/.tar/.tar.xz. */
  output: string;
  /** Read a bundle instead of this host. */
  from?: string;
  /** Live only: read files under this root (a lab node). */
  root?: string;
}

export interface CollectBundleOutcome {
  facts: NodeFacts;
  written: { path: string; commands: number; files: number };
}

export function checkCollectOptions(o: { from?: string; root?: string }): void {
  if (o.from && o.root) throw new PodpathError('E_USAGE', '--root reads the live host under a directory; it cannot be combined with --from');
}

export async function collectBundle(o: CollectBundleOptions): Promise<CollectBundleOutcome> {
  checkCollectOptions(o);
  const inner = o.from ? await bundleHost(o.from) : liveHost({ root: o.root });
  const host = recordingHost(inner);
  try {
    const facts = await collectFromHost(host);
    const written = await writeBundle(o.output, host.recorded, facts);
    return { facts, written };
  } finally {
    await host.close();
  }
}
