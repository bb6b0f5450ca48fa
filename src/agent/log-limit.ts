// Log lines that anyone can cause (a refused request needs no token) are rate-limited: at most
// `perWindow` lines a window, then one line saying how many were suppressed, so a flood of bad
// requests cannot fill the node's disk through the log collector.
import type { LogFn } from './log.js';

export class LimitedLog {
  private windowStart: number;
  private logged = 0;
  private suppressed = 0;
  private timer?: { cancel(): void };

  constructor(
    private readonly log: LogFn,
    private readonly event: string,
    private readonly perWindow: number,
    private readonly windowMs = 60_000,
    private readonly now: () => number = Date.now,
    /** Calls `fn` after `ms` (an unref'd timer by default): the suppressed line comes even if nothing else does. */
    private readonly schedule: (fn: () => void, ms: number) => { cancel(): void } = (fn, ms) => {
      const t = setTimeout(fn, ms);
      t.unref();
      return { cancel: () => clearTimeout(t) };
    },
  ) {
    this.windowStart = now();
  }

  write(fields: Record<string, unknown>): void {
    if (this.now() - this.windowStart >= this.windowMs) this.flush();
    if (this.logged < this.perWindow) {
      this.logged++;
      this.log(this.event, fields);
      return;
    }
    this.suppressed++;
    this.timer ??= this.schedule(() => this.flush(), Math.max(0, this.windowStart + this.windowMs - this.now()));
  }

  /** Ends the window: the suppressed line, if any, then a new window. */
  flush(): void {
    this.timer?.cancel();
    this.timer = undefined;
    if (this.suppressed > 0) this.log(`${this.event}.suppressed`, { suppressed: this.suppressed, windowSeconds: this.windowMs / 1000 });
    this.suppressed = 0;
    this.logged = 0;
    this.windowStart = this.now();
  }

  stop(): void {
    this.flush();
  }
}
