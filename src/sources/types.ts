// The contract of evidence sources: a source reads raw text through a HostReader (the live host
// or a bundle), parses it with pure functions, and returns the NodeFacts sections it provides.
import type { EvidenceKey, NodeFacts } from '../evidence/node-facts.js';
import type { MissingRef } from '../evidence/missing-reasons.js';

/** A command as a source runs it, and where a sosreport keeps its output. */
export interface CommandSpec {
  /** argv, e.g. ['ip', '-s', '-d', 'link']. */
  argv: string[];
  /** sosreport plugin folder: the output lives at sos_commands/<plugin>/<argv joined by '_'>. */
  plugin: string;
  /** The output is one JSON document (`ip -j`): its lines are not cut at the line limit (JSON.parse is linear). */
  json?: boolean;
}

export interface CommandOutput {
  stdout: string;
  /** Where the text came from: the bundle-relative path, or the command line when live. */
  source: string;
}

export interface FileContent {
  text: string;
  source: string;
}

/** Reads the raw text of a node: implemented for the live host and for bundles/sosreports. */
export interface HostReader {
  readonly kind: 'live' | 'bundle';
  /** A file by its absolute path on the node (`/etc/os-release`, `/proc/net/snmp`); undefined if absent. */
  readFile(path: string): Promise<FileContent | undefined>;
  /** Files matching a directory listing (`/etc/NetworkManager/conf.d`), absolute paths. */
  listDir(path: string): Promise<string[]>;
  /** Runs (live) or finds (bundle) a command's output; undefined when unavailable. */
  run(cmd: CommandSpec): Promise<CommandOutput | undefined>;
}

/** Sections a source produced, and what it could not get (one entry per reason, as codes: evidence/missing-reasons.ts). */
export type FactsPart = Partial<Omit<NodeFacts, 'schemaVersion' | 'collectedAt' | 'origin' | 'missing' | 'notes'>> & {
  missing?: MissingRef[];
};

export interface EvidenceSource {
  /** kebab-case id, also the folder name under src/sources/. */
  id: string;
  /** NodeFacts sections this source fills. */
  provides: EvidenceKey[];
  /** Raw commands and files it reads: `collect --script` and bundle writers use this list. */
  commands: CommandSpec[];
  files: string[];
  /**
   * The sections of other sources it reads from `facts` (ethtool runs per link: `['links']`). The one
   * declaration of a source's dependencies: the collector runs the sources these name first (and
   * with `needs`, runs them too), refuses a cycle or a section no source provides, and hands `read`
   * only these sections.
   */
  reads: EvidenceKey[];
  /** Reads and parses. `facts` holds the sections named in `reads`, as their sources produced them. */
  read(host: HostReader, facts: FactsPart): Promise<FactsPart>;
}
