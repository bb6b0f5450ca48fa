import type { Command } from 'commander';

/** Placeholder: the `diff` command is wired here by the issue that builds it. */
export function registerDiff(_program: Command): void {}
