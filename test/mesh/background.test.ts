// Background probing (opt-in): a few peers, per-peer Prometheus series for those peers only, the
// same proof-first policy and budget as any probe.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAgent, type RunningAgent } from '../../src/agent/server.js';
import { parseBackgroundPeers } from '../../src/agent/background.js';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { AGENT_ENV, CLI } from '../helpers/agent.js';

const key = Buffer.from('mesh-background-key-0123456789');
const token = 'mesh-background-token-0123456789';
let peer: RunningAgent;
let other: RunningAgent;
let prober: RunningAgent;

beforeAll(async () => {
  peer = await startAgent({ key, token, addresses: ['127.0.40.2'], probePort: 0, apiPort: 0, log: () => undefined });
  other = await startAgent({ key, token, addresses: ['127.0.40.4'], probePort: 0, apiPort: 0, log: () => undefined });
  prober = await startAgent({
    key, token, addresses: ['127.0.40.1'], probePort: 0, apiPort: 0, log: () => undefined,
    background: { peers: [{ host: '127.0.40.2', port: peer.probePort }, { host: '127.0.40.3', port: 9 }], intervalMs: 700, sweepMax: 3000 },
  });
});
afterAll(async () => {
  await prober.stop();
  await peer.stop();
  await other.stop();
});

const metrics = async () => (await fetch(`http://127.0.40.1:${prober.apiPort}/metrics`, { headers: { authorization: `Bearer ${token}` } })).text();
const value = (text: string, name: string, peerLabel: string) => {
  const m = new RegExp(`^${name}\\{peer="${peerLabel.replace(/[.[\]]/g, '\\$&')}"\\} (\\S+)$`, 'm').exec(text);
  return m ? Number(m[1]) : undefined;
};

describe('podpath agent --background-peers', () => {
  it('exports rtt, packets, path MTU and reachability for its few peers, and no series for anyone else', async () => {
    const live = `127.0.40.2:${peer.probePort}`;
    let text = '';
    for (let i = 0; i < 100; i++) {
      text = await metrics();
      if ((value(text, 'podpath_probe_packets_sent_total', live) ?? 0) >= 6 && value(text, 'podpath_peer_reachable', '127.0.40.3:9') !== undefined) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(value(text, 'podpath_probe_packets_sent_total', live)).toBeGreaterThanOrEqual(6);
    expect(value(text, 'podpath_probe_packets_received_total', live)).toBe(value(text, 'podpath_probe_packets_sent_total', live));
    expect(value(text, 'podpath_peer_reachable', live)).toBe(1);
    expect(value(text, 'podpath_probe_rtt_seconds', live)).toBeGreaterThan(0);
    // the first interval sweeps: 3000 bytes of payload crossed, 3028 bytes of IP packet
    expect(value(text, 'podpath_path_mtu_bytes', live)).toBe(3028);
    // nothing answers on 127.0.40.3: it is not proven, nothing but the proof is sent, it is not reachable
    expect(value(text, 'podpath_peer_reachable', '127.0.40.3:9')).toBe(0);
    expect(value(text, 'podpath_probe_packets_received_total', '127.0.40.3:9')).toBe(0);
    // one series per metric and configured peer, never one for an agent it was not told about
    const series = text.split('\n').filter((l) => /^podpath_(probe|path|peer)_/.test(l));
    expect(series.every((l) => l.includes(`peer="${live}"`) || l.includes('peer="127.0.40.3:9"'))).toBe(true);
    expect(series.length).toBeLessThanOrEqual(5 * 2);
    expect(text).not.toContain('127.0.40.4');
  });

  it('takes at most 16 peers, IP literals only', () => {
    expect(parseBackgroundPeers(['10.0.0.2,10.0.0.3:8000', '[fd00::2]:7000', 'fd00::3'], 7946)).toEqual([
      { host: '10.0.0.2', port: 7946 }, { host: '10.0.0.3', port: 8000 }, { host: 'fd00::2', port: 7000 }, { host: 'fd00::3', port: 7946 },
    ]);
    expect(() => parseBackgroundPeers(['node-2.local'], 7946)).toThrow(/IP addresses with an optional port/);
    expect(() => parseBackgroundPeers(['10.0.0.2:99999'], 7946)).toThrow(/IP addresses/);
    expect(() => parseBackgroundPeers([Array.from({ length: 17 }, (_, i) => `10.0.1.${i + 1}`).join(',')], 7946)).toThrow(/at most 16 peers/);
  });
});

describe('podpath agent --background-* usage', () => {
  it('refuses too many peers, names, and an interval under 5 s, with one line and exit 2', async () => {
    const run = (args: string[]) => promisify(execFile)(process.execPath, [...CLI, 'agent', '--listen', '127.0.40.9', '--port', '0', '--api-port', '0', ...args], { env: AGENT_ENV, timeout: 30_000 })
      .then(() => ({ code: 0, stderr: '' }), (e: { code: number; stderr: string }) => e);
    const many = Array.from({ length: 17 }, (_, i) => `10.0.1.${i + 1}`).join(',');
    for (const [args, want] of [
      [['--background-peers', many], /^podpath: E_USAGE: --background-peers takes at most 16 peers/],
      [['--background-peers', 'peer.local'], /^podpath: E_USAGE: --background-peers takes IP addresses/],
      [['--background-peers', '10.0.0.2', '--background-interval', '1s'], /^podpath: E_USAGE: --background-interval is at least 5s$/],
    ] as [string[], RegExp][]) {
      const r = await run(args);
      expect(r.code).toBe(2);
      expect(r.stderr.trim()).toMatch(want);
    }
  });
});
