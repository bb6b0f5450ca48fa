// What our HostReader implementations add to the contract: why something could not be had, and
// where the host came from. Sources ask `whyMissing` to fill NodeFacts.missing with a real reason.
import type { ReadNote } from '../../evidence/node-facts.js';
import type { HostReader } from '../types.js';

export interface ExplainingHostReader extends HostReader {
  /** The reason the last attempt at this command line or file path came back empty, if known. */
  explain(what: string): string | undefined;
  readonly origin: { kind: 'live' | 'bundle'; path?: string };
  /**
   * Live only: what a command that ran and failed without stdout printed on stderr (sos keeps that
   * text as the command's file, so a bundle written from the live host does too).
   */
  failedOutput?(commandLine: string): string | undefined;
  /**
   * How the reads went, when the reader must know: files cut at a limit, a tarball cut short
   * (E_BUNDLE_TRUNCATED). Each note once, in the order they arose.
   */
  notes?(): ReadNote[];
  /** Releases what the host holds. Safe to call twice. */
  close(): Promise<void>;
}

function isExplaining(host: HostReader): host is ExplainingHostReader {
  return typeof (host as Partial<ExplainingHostReader>).explain === 'function';
}

/** A one-line reason for a missing command output or file, for NodeFacts.missing. */
export function whyMissing(host: HostReader, what: string): string {
  const reason = isExplaining(host) ? host.explain(what) : undefined;
  if (reason) return reason;
  return host.kind === 'bundle' ? `${what}: not in the bundle` : `${what}: unavailable`;
}
