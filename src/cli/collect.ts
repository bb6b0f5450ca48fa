import type { Command } from 'commander';

/** Placeholder: the `collect` command is wired here by the issue that builds it. */
export function registerCollect(_program: Command): void {}
