// Helpers for the lab's end-to-end tests: host snapshots (to prove nothing leaks) and a per-node
// snapshot of everything a fault may touch (to prove heal restores it exactly).
import { execFileSync } from 'node:child_process';

const sh = (argv: string[]): string => {
  try {
    return execFileSync(argv[0]!, argv.slice(1), { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (e) {
    return `ERROR ${(e as Error).message}`;
  }
};

export interface HostSnapshot {
  namespaces: string[];
  links: string[];
  nftTables: string[];
}

export function hostSnapshot(): HostSnapshot {
  return {
    namespaces: sh(['ip', 'netns', 'list']).split('\n').map((l) => l.split(' ')[0]!).filter(Boolean).sort(),
    links: sh(['ip', '-o', 'link', 'show']).split('\n').map((l) => l.split(':')[1]?.trim().split('@')[0] ?? '').filter(Boolean).sort(),
    nftTables: sh(['nft', 'list', 'tables']).split('\n').filter(Boolean).sort(),
  };
}

/** Everything faults change on a node, without counters. */
export function nodeSnapshot(ns: string, vtep: string): string {
  const run = (argv: string[]) => sh(['ip', 'netns', 'exec', ns, ...argv]);
  // Entries re-added in another order are the same state.
  const sorted = (argv: string[]) => run(argv).split('\n').sort().join('\n');
  return [
    run(['nft', '-s', 'list', 'ruleset']),
    sorted(['ip', 'route', 'show', 'table', 'all']),
    sorted(['ip', 'neigh', 'show', 'nud', 'permanent']),
    sorted(['bridge', 'fdb', 'show', 'dev', vtep]),
    linkConfig(run(['ip', '-d', 'link', 'show', 'dev', vtep])),
    linkConfig(run(['ip', '-o', 'link', 'show', 'dev', 'eth0'])),
    run(['sysctl', 'net.ipv4.ip_forward', 'net.ipv4.conf.all.rp_filter', `net/ipv4/conf/${vtep}/rp_filter`]),
    run(['ethtool', '-k', 'eth0']).split('\n').filter((l) => /^tx-checksumming/.test(l)).join('\n'),
  ].join('\n----\n');
}

export function switchSnapshot(ns: string): string {
  return [sh(['ip', 'netns', 'exec', ns, 'nft', '-s', 'list', 'ruleset']), linkConfig(sh(['ip', '-n', ns, '-o', 'link', 'show']))].join('\n----\n');
}

/** Other engineers' test prefixes: their namespaces, links and tables come and go concurrently. */
const OTHERS = /(^|\s)pp(a|b|d1|d2|e2|g)[-_]/;

/** Entries present in `after` but not in `before`, other engineers' own entries aside. */
export function appeared(before: string[], after: string[]): string[] {
  return after.filter((x) => !before.includes(x) && !OTHERS.test(x));
}

/** A link's configuration without its run-time state (index, flags, operstate settle on their own). */
function linkConfig(text: string): string {
  return text.replace(/^\d+: /gm, '').replace(/<[^>]*>/g, '').replace(/ state \S+/g, '');
}
