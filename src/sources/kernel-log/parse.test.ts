import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { scanKernelLog } from './parse.js';
import { KERNEL_LOG_PATTERNS } from './patterns.js';

const fx = (path: string) => readFileSync(new URL(`../../../test/fixtures/${path}`, import.meta.url), 'utf8');

describe('scanKernelLog', () => {
  it('finds the skb_warn_bad_offload of seed 002 with its caps= line and the forwarding call trace', () => {
    const { hits, lines } = scanKernelLog(fx('sources/kernel-log/seed-002-messages'));
    expect(lines).toBe(49);
    expect(hits.every((h) => h.pattern === 'skb-warn-bad-offload')).toBe(true);
    const text = hits.map((h) => h.line).join('\n');
    expect(hits[0]!.line).toMatch(/WARNING: CPU: 1 PID: 0 at net\/core\/dev.c:2496 skb_warn_bad_offload/);
    expect(text).toMatch(/caps=\(0x00003021001b5889, 0x0000000000000000\) len=1464 .* gso_type=5 ip_summed=1/);
    expect(text).toMatch(/__skb_gso_segment/);
    expect(text).toMatch(/\] ip_forward\+0x37c/);
    expect(text).toMatch(/virtnet_poll.*\[virtio_net\]/);
    // The TRACE line of iptables before the warning, and unrelated frames, are not evidence.
    expect(text).not.toMatch(/TRACE: filter|dump_stack|Modules linked in/);
  });

  it('finds nothing in a clean boot log (real dmesg of this build host, via sos)', () => {
    const { hits, lines } = scanKernelLog(fx('bundles/sos-4.0-netns/sos_commands/kernel/dmesg'));
    expect(lines).toBeGreaterThan(100);
    expect(hits).toEqual([]);
  });

  it('matches the one-line messages by their kernel format strings', () => {
    const log = [
      '[ 8123.551920] UDP: bad checksum. From 10.20.50.166:46543 to 10.20.50.169:8472 ulen 11',
      '[ 9011.120001] eth0: hw csum failure',
      '[  120.000101] eth0: failed to disable LRO!',
      '[77123.012345] nf_conntrack: nf_conntrack: table full, dropping packet',
      '[ 5012.221000] IPv4: martian source 10.244.1.5 from 10.244.2.7, on dev flannel.1',
      '[ 5012.221010] ll header: 00000000: 0a 58 0a f4 01 05 ce d7 2b 34 1c 8f 08 00',
      '[ 6000.000001] neighbour: arp_cache: neighbor table overflow!',
      '[ 7000.000001] NETDEV WATCHDOG: eth0 (virtio_net): transmit queue 0 timed out',
      '[ 7100.000001] an unrelated line',
    ].join('\n');
    const { hits } = scanKernelLog(log);
    expect(hits.map((h) => h.pattern)).toEqual([
      'udp-bad-checksum', 'hw-csum-failure', 'failed-to-disable-lro', 'nf-conntrack-table-full', 'martian-source', 'martian-source', 'neighbour-table-overflow', 'netdev-watchdog-timeout',
    ]);
  });

  it('keeps only the latest lines of a flooded pattern', () => {
    const log = Array.from({ length: 500 }, (_, i) => `[${i}.000000] nf_conntrack: nf_conntrack: table full, dropping packet`).join('\n');
    const { hits, lines } = scanKernelLog(log, KERNEL_LOG_PATTERNS, 10);
    expect(lines).toBe(500);
    expect(hits).toHaveLength(10);
    expect(hits[9]!.line).toMatch(/^\[499\.0/);
  });

  it('has unique pattern ids with reasons', () => {
    const ids = KERNEL_LOG_PATTERNS.map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const p of KERNEL_LOG_PATTERNS) expect(p.reason.length).toBeGreaterThan(20);
  });
});
