// The agent is a long-running daemon: one bad request must never end it. An unhandled rejection
// is one failed operation (logged, the agent goes on); an uncaught exception with a system or
// Node error code (a socket's EPIPE, ECONNRESET, ERR_SOCKET_*) is an operational error of one
// connection, also logged. Anything else is a programming error whose damage is unknown: the
// agent logs it, stops what it started and exits 2, and the DaemonSet starts it again.
import type { LogFn } from './log.js';

export interface GuardedProcess {
  on(event: 'unhandledRejection', listener: (reason: unknown) => void): unknown;
  on(event: 'uncaughtException', listener: (error: Error) => void): unknown;
}

export function isOperationalError(e: unknown): boolean {
  const code = (e as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' && /^(E[A-Z]+|ERR_(SOCKET|STREAM|HTTP|TLS|SSL)_[A-Z_]+|UND_ERR_[A-Z_]+)$/.test(code);
}

function describe(e: unknown): Record<string, unknown> {
  if (e instanceof Error) return { name: e.name, message: e.message, code: (e as NodeJS.ErrnoException).code };
  return { message: String(e) };
}

export function installProcessGuard(log: LogFn, fatal: (e: unknown) => void, proc: GuardedProcess = process): void {
  proc.on('unhandledRejection', (reason) => {
    log('agent.unhandled-rejection', describe(reason));
  });
  proc.on('uncaughtException', (error) => {
    if (isOperationalError(error)) {
      log('agent.uncaught-exception', { ...describe(error), kept: true });
      return;
    }
    log('agent.fatal', describe(error));
    fatal(error);
  });
}
