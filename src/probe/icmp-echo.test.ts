// ping's output as it really is (captured from iputils 20221126 on this machine: a clean run, a run
// whose echo requests an nft rule dropped, an unreachable network, and a copy of ping without its
// NET_RAW capability run as nobody) and busybox's form; then the real ping on loopback.
import { describe, expect, it } from 'vitest';
import { icmpEcho, parsePing } from './icmp-echo.js';
import { missingRequirement } from '../../test/helpers/env.js';

const OK = `PING 127.0.0.1 (127.0.0.1) 56(84) bytes of data.

--- 127.0.0.1 ping statistics ---
3 packets transmitted, 3 received, 0% packet loss, time 411ms
rtt min/avg/max/mdev = 0.027/0.039/0.048/0.008 ms
`;
const LOST = `PING 127.0.0.1 (127.0.0.1) 56(84) bytes of data.

--- 127.0.0.1 ping statistics ---
2 packets transmitted, 0 received, 100% packet loss, time 204ms

`;
const NO_CAP = `/tmp/ping-nocap: socktype: SOCK_RAW
/tmp/ping-nocap: socket: Operation not permitted
/tmp/ping-nocap: => missing cap_net_raw+p capability or setuid?
`;
const BUSYBOX = `PING 10.244.2.2 (10.244.2.2): 56 data bytes

--- 10.244.2.2 ping statistics ---
3 packets transmitted, 2 packets received, 33% packet loss
round-trip min/avg/max = 0.101/0.154/0.207 ms
`;

describe('parsePing', () => {
  it('reads counts and round-trip times', () => {
    expect(parsePing('127.0.0.1', OK, '', 0)).toEqual({ kind: 'icmp-echo', target: '127.0.0.1', sent: 3, received: 3, rttMs: { min: 0.027, avg: 0.039, max: 0.048 } });
    expect(parsePing('10.244.2.2', BUSYBOX, '', 1)).toMatchObject({ sent: 3, received: 2, rttMs: { min: 0.101, avg: 0.154, max: 0.207 } });
  });

  it('reads total loss as sent with nothing received (not a skip, not an error)', () => {
    expect(parsePing('127.0.0.1', LOST, '', 1)).toEqual({ kind: 'icmp-echo', target: '127.0.0.1', sent: 2, received: 0 });
  });

  it("says why ICMP was skipped or could not be sent, from ping's own error", () => {
    expect(parsePing('127.0.0.1', '', NO_CAP, 2).skipped).toMatch(/needs NET_RAW/);
    expect(parsePing('10.1.2.3', '', 'ping: connect: Network is unreachable\n', 2)).toMatchObject({ sent: 0, received: 0, error: 'connect: Network is unreachable' });
    expect(parsePing('10.1.2.3', '', '', 'ENOENT').skipped).toBe('no ping program on this node');
  });
});

describe('icmpEcho', () => {
  it('pings loopback with the system ping', async (ctx) => {
    if (missingRequirement({ tools: ['ping'] })) return ctx.skip();
    const r = await icmpEcho({ host: '127.0.0.1', count: 2 });
    if (r.skipped) return ctx.skip(); // an unprivileged run without ping_group_range
    expect(r).toMatchObject({ sent: 2, received: 2 });
    expect(r.rttMs!.avg).toBeGreaterThan(0);
  });

  it('skips when there is no ping program, and refuses a name or an option as the target', async () => {
    expect((await icmpEcho({ host: '127.0.0.1', ping: '/nonexistent/ping' })).skipped).toBe('no ping program on this node');
    await expect(icmpEcho({ host: '-f' })).rejects.toThrow(/must be an IP address/);
    await expect(icmpEcho({ host: 'example.com' })).rejects.toThrow(/must be an IP address/);
    await expect(icmpEcho({ host: '127.0.0.1', source: '-I' })).rejects.toThrow(/source must be an IP address/);
  });
});
