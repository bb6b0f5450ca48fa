import type { Command } from 'commander';

/** Placeholder: the `rules` command is wired here by the issue that builds it. */
export function registerRules(_program: Command): void {}
