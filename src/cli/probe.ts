import type { Command } from 'commander';

/** Placeholder: the `probe` command is wired here by the issue that builds it. */
export function registerProbe(_program: Command): void {}
