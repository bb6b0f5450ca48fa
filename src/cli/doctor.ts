import type { Command } from 'commander';

/** Placeholder: the `doctor` command is wired here by the issue that builds it. */
export function registerDoctor(_program: Command): void {}
