// Every change podpath makes to the host while tracing, in order, each with the command that
// undoes it. The caller hears of each change as it happens (to print it), and undo runs the list
// backwards: on a normal end, on an error, on SIGINT/SIGTERM, and from a process 'exit' handler as
// the last resort. Undo steps are synchronous so that last resort can run them too.
import type { HostChange, LeftoverRemoved } from '../../evidence/drop-trace.js';
import { shellQuote } from '../../util/shell-quote.js';
import { oneLine } from '../../util/terminal-safe.js';
import type { Journal, JournalEntry } from './journal.js';

export type ChangeEvent =
  | { type: 'did'; did: string; undo: string }
  | { type: 'undone'; undo: string }
  | { type: 'undo-failed'; undo: string; error: string }
  | { type: 'leftover'; what: string; did: string; error?: string };

export type ChangeListener = (e: ChangeEvent) => void;

interface Step { record?: HostChange; undo: () => void; journal?: JournalEntry }

export class ChangeLog {
  readonly records: HostChange[] = [];
  readonly leftovers: LeftoverRemoved[] = [];
  private readonly steps: Step[] = [];
  private readonly exitHandler = () => this.undoAll();

  constructor(private readonly listener: ChangeListener = () => undefined, private readonly journal?: Journal) {
    process.once('exit', this.exitHandler);
  }

  /**
   * Makes a change (`apply`), then records it with its undo. A failed change is not recorded.
   * `journal`: how another process undoes it after a crash, for changes not found by name.
   */
  async change(did: string, undo: string, apply: () => Promise<void> | void, revert: () => void, journal?: JournalEntry): Promise<void> {
    await apply();
    const record: HostChange = { did, undo, at: new Date().toISOString(), state: 'done' };
    this.records.push(record);
    this.steps.push({ record, undo: revert, journal });
    if (journal) this.journal?.add(journal);
    this.listener({ type: 'did', did, undo });
  }

  /** A clean-up that is not a host change (closing our own file or child): runs in undo order, unprinted. */
  defer(cleanup: () => void): void {
    this.steps.push({ undo: cleanup });
  }

  leftover(what: string, did: string, error?: string): void {
    this.leftovers.push({ what, did, ...(error ? { error } : {}) });
    this.listener({ type: 'leftover', what, did, ...(error ? { error } : {}) });
  }

  /** Undoes everything still in place, newest first; keeps going past failures. */
  undoAll(): void {
    while (this.steps.length > 0) {
      const step = this.steps.pop()!;
      try {
        step.undo();
        if (step.journal) this.journal?.remove(step.journal);
        if (step.record) {
          step.record.state = 'undone';
          this.listener({ type: 'undone', undo: step.record.undo });
        }
      } catch (e) {
        if (!step.record) continue;
        const error = oneLine(errorText(e));
        step.record.state = 'undo-failed';
        step.record.error = error;
        this.listener({ type: 'undo-failed', undo: step.record.undo, error });
      }
    }
    process.off('exit', this.exitHandler);
  }

  get pending(): number {
    return this.steps.length;
  }
}

export function errorText(e: unknown): string {
  const err = e as NodeJS.ErrnoException & { stderr?: Buffer | string };
  const stderr = err?.stderr ? String(err.stderr).trim().split('\n')[0] : '';
  if (stderr) return stderr;
  return err?.code ? `${err.code}: ${err.message}` : err instanceof Error ? err.message : String(e);
}

/** `echo VALUE > PATH`, as a user would type it (both quoted for sh). */
export function echoTo(value: string, path: string): string {
  return `echo ${shellQuote(value)} > ${shellQuote(path)}`;
}
