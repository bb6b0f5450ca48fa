import type { Command } from 'commander';

/** Placeholder: the `lab` command is wired here by the issue that builds it. */
export function registerLab(_program: Command): void {}
