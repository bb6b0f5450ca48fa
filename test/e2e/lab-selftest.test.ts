// lab selftest on this kernel: real datagrams over the paths broken kernels get wrong, judged at
// the receiver (capture + /proc/net/snmp). Kernels >= 5.7 must deliver everything.
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { missingRequirement } from '../helpers/env.js';
import { formatSelftest, runSelftest } from '../../src/lab/selftest.js';

const skip = missingRequirement({ root: true, tools: ['ip', 'nft', 'tcpdump', 'iptables', 'ethtool', 'bridge'] });

function kernelAtLeast(major: number, minor: number): boolean {
  const [a, b] = execFileSync('uname', ['-r'], { encoding: 'utf8' }).split('.').map((x) => parseInt(x, 10));
  return a! > major || (a === major && b! >= minor);
}

describe.skipIf(skip)('lab selftest', () => {
  it('reports delivered / corrupted / dropped per path with the outer checksum evidence', async () => {
    const r = await runSelftest({ name: 'e2est', count: 3, keep: false });
    console.log(formatSelftest(r));
    expect(r.results).toHaveLength(12);
    expect(execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' })).not.toMatch(/pplab-e2est-/);
    for (const x of r.results) {
      expect(x.sent).toBe(3);
      expect(x.delivered + x.dropped).toBe(3);
      // Every datagram was captured at the receiver, with an outer checksum verdict.
      expect(x.outer.packets).toBe(3);
      if (x.udpcsum) expect(x.outer.zero).toBe(0);
      else expect(x.outer.zero).toBe(3);
      // tcpdump, as a peer tool, sees the same packets and zero sums as podpath's reader.
      expect(x.tcpdump.packets).toBe(3);
      expect(x.tcpdump.zero).toBe(x.outer.zero);
      expect(x.tcpdump.ok + x.tcpdump.bad).toBe(x.outer.ok + x.outer.bad);
      if (x.path === 'node-to-service') {
        // The pre-v1.17.9 kube-proxy rule NATs the inner packet of each datagram, and the outer one
        // too (unless a datagram's outer flow already had a conntrack entry: hence "more than 3").
        expect(x.masqueraded).toBeGreaterThan(3);
      }
      if (kernelAtLeast(5, 7)) {
        expect(x.verdict, `${x.variant} ${x.path}`).toBe('delivered');
        expect(x.corrupted).toBe(0);
        // Delivered and answered: no bad-looking sum may be called a wire error (issue 9, item 25).
        expect(x.outer.causes.wire ?? 0, `${x.variant} ${x.path}: ${x.how}`).toBe(0);
        expect(x.outer.causes.unknown ?? 0).toBe(0);
      }
    }
    const text = formatSelftest(r);
    expect(text).toMatch(/flannel\.1 noudpcsum, tx offload on/);
    expect(text).toMatch(/node-to-service +DELIVERED 3\/3/);
  });
});
