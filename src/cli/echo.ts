import type { Command } from 'commander';

/** Placeholder: the `echo` command is wired here by the issue that builds it. */
export function registerEcho(_program: Command): void {}
