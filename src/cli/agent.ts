import type { Command } from 'commander';

/** Placeholder: the `agent` command is wired here by the issue that builds it. */
export function registerAgent(_program: Command): void {}
