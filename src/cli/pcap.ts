import type { Command } from 'commander';

/** Placeholder: the `pcap` command is wired here by the issue that builds it. */
export function registerPcap(_program: Command): void {}
