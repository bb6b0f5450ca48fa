// A two-host link in network namespaces for benchmarks: created here, removed on exit.
import { execFileSync } from 'node:child_process';

export interface NsPair { a: string; b: string; addrA: string; addrB: string; cleanup(): void }

export function sh(args: string[]): string {
  return execFileSync(args[0]!, args.slice(1), { encoding: 'utf8' });
}

export function makePair(prefix: string): NsPair {
  const a = `${prefix}-a`;
  const b = `${prefix}-b`;
  const cleanup = () => {
    for (const ns of [a, b]) {
      // Quietly: it runs before the pair is made (leftovers of a killed run) and again at exit.
      try { execFileSync('ip', ['netns', 'del', ns], { stdio: 'ignore' }); } catch { /* already gone */ }
    }
  };
  cleanup();
  sh(['ip', 'netns', 'add', a]);
  sh(['ip', 'netns', 'add', b]);
  sh(['ip', '-n', a, 'link', 'add', 'eth0', 'type', 'veth', 'peer', 'name', 'eth0', 'netns', b]);
  sh(['ip', '-n', a, 'addr', 'add', '192.168.231.1/24', 'dev', 'eth0']);
  sh(['ip', '-n', b, 'addr', 'add', '192.168.231.2/24', 'dev', 'eth0']);
  for (const ns of [a, b]) {
    sh(['ip', '-n', ns, 'link', 'set', 'lo', 'up']);
    sh(['ip', '-n', ns, 'link', 'set', 'eth0', 'up']);
  }
  process.once('exit', cleanup);
  return { a, b, addrA: '192.168.231.1', addrB: '192.168.231.2', cleanup };
}
