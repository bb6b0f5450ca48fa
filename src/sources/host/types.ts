// What our HostReader implementations add to the contract: why something could not be had, and
// where the host came from. Sources ask `whyMissing` to fill NodeFacts.missing with a real reason.
import type { ReadNote } from '../../evidence/node-facts.js';
import { because } from '../../evidence/missing-reasons.js';
import type { ReasonRef } from '../../util/i18n.js';
import type { HostReader } from '../types.js';

export interface ExplainingHostReader extends HostReader {
  /** Why the last attempt at this command line or file path came back empty, if known (a code of evidence/missing-reasons.ts). */
  explain(what: string): ReasonRef | undefined;
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

/** Paths start with /; anything else is a command line. */
const isPath = (what: string) => what.startsWith('/');

/** Why a command output (by its command line) or a file (by its path) is missing, for NodeFacts.missing. */
export function whyMissing(host: HostReader, what: string): ReasonRef {
  const reason = isExplaining(host) ? host.explain(what) : undefined;
  if (reason) return reason;
  if (host.kind === 'bundle') return isPath(what) ? because('fileNotInBundle', { path: what }) : because('commandNotCollected', { command: what });
  return isPath(what) ? because('fileUnavailable', { path: what }) : because('commandUnavailable', { command: what });
}

/** True when the command ran and printed nothing: an answer (no rules, no entries), not missing evidence. */
export function printedNothing(host: HostReader, commandLine: string): boolean {
  return isExplaining(host) && host.explain(commandLine)?.code === 'emptyOutput';
}
