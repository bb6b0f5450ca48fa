/**
 * Every error a user can see carries a stable code (as undici does), so scripts and docs can
 * refer to it; the CLI prints `podpath: CODE: message` on one line and exits non-zero.
 */
export class PodpathError extends Error {
  readonly code: string;
  /** Byte offset in the input where the problem was found, when the input is a file. */
  readonly offset?: number;
  readonly exitCode: number;

  constructor(code: string, message: string, options: { offset?: number; exitCode?: number; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'PodpathError';
    this.code = code;
    this.offset = options.offset;
    this.exitCode = options.exitCode ?? 2;
  }
}

export function isPodpathError(e: unknown): e is PodpathError {
  return e instanceof PodpathError;
}

/** One line for the terminal: never a stack trace. */
export function formatError(e: unknown): string {
  if (isPodpathError(e)) {
    const at = e.offset === undefined ? '' : ` (at byte ${e.offset})`;
    return `podpath: ${e.code}: ${e.message}${at}`;
  }
  const err = e as NodeJS.ErrnoException | undefined;
  if (err && typeof err === 'object' && typeof err.code === 'string') {
    return `podpath: E_SYSTEM: ${err.code}: ${err.message}`;
  }
  return `podpath: E_INTERNAL: ${err instanceof Error ? err.message : String(e)}`;
}
