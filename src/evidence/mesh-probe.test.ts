import { describe, expect, it } from 'vitest';
import { MeshCell, type MeshCounterDelta } from './mesh-matrix.js';
import { probeEvidenceOf } from './mesh-probe.js';
import { placeLoss } from '../rules/shared/loss-place.js';

const delta = (d: Partial<MeshCounterDelta>): MeshCounterDelta => ({ udp: {}, netstat: {}, interfaces: {}, ...d });
const dev = (rxPackets: number) => ({ rxPackets, rxDropped: 0, rxErrors: 0, txPackets: 0, txDropped: 0 });

function cell(over: Partial<MeshCell> & Pick<MeshCell, 'plane'>): MeshCell {
  return MeshCell.parse({
    round: 3, from: 'n1', to: 'n3', fromAddress: '10.244.1.2', toAddress: '10.244.3.2', ms: 40,
    udp: { size: 64, sent: 10, received: 0, lossPct: 100, arrivedAtPeer: 0 },
    devices: { from: { nic: 'eth0', overlay: 'flannel.1' }, to: { nic: 'eth0', overlay: 'flannel.1' } },
    counters: { windowMs: 2000 },
    ...over,
  });
}

// The mesh keeps numbers only; the probe rules place a loss from them, for a cell as for a probe.
describe('a mesh cell judged by the probe rules (loss placement)', () => {
  it('nothing reached the receiving node: the underlay', () => {
    const p = probeEvidenceOf(cell({ plane: 'pod->pod', counters: { windowMs: 2000, to: delta({}), toNode: delta({}) } }))!;
    expect(p).toMatchObject({ label: 'overlay', sender: 'local', from: 'n1', to: 'n3', echo: { sent: 10, received: 0, arrivedAtPeer: 0 } });
    // the named devices are listed at zero: "eth0 took in nothing" is the evidence
    expect(p.counters).toContainEqual(expect.objectContaining({ node: 'peer', counter: 'dev.eth0.rxPackets', delta: 0 }));
    expect(placeLoss(p)?.place).toBe('underlay');
  });

  it("the receiving node's NIC took them in, its VXLAN device did not: decap, read on the host agent, not the pod's eth0", () => {
    const c = cell({
      plane: 'pod->pod',
      counters: { windowMs: 2000, to: delta({ interfaces: { eth0: dev(0) } }), toNode: delta({ interfaces: { eth0: dev(10) } }) },
    });
    const p = probeEvidenceOf(c)!;
    expect(p.counters.filter((x) => x.node === 'peer' && x.counter === 'dev.eth0.rxPackets').map((x) => x.delta)).toEqual([10]);
    expect(placeLoss(p)?.place).toBe('receiver-decap');
  });

  it("bad outer checksums on the receiving node's host (summed with the pod's own counters)", () => {
    const c = cell({ plane: 'host->pod', counters: { windowMs: 2000, to: delta({ udp: { InDatagrams: 2 } }), toNode: delta({ udp: { InCsumErrors: 10, InErrors: 10 }, interfaces: { eth0: dev(10) } }) } });
    expect(placeLoss(probeEvidenceOf(c)!)).toMatchObject({ place: 'receiver-kernel-checksum', data: { csum: 10, inErrors: 10 } });
  });

  it('host->host is the underlay; the answers lost on the way back are the return path', () => {
    const c = cell({
      plane: 'host->host', fromAddress: '192.168.77.2', toAddress: '192.168.78.2',
      udp: { size: 64, sent: 10, received: 0, lossPct: 100, arrivedAtPeer: 10, sendErrors: {} },
      devices: { from: { nic: 'eth0' }, to: { nic: 'eth0' } },
      counters: { windowMs: 2000, from: delta({}), to: delta({ interfaces: { eth0: dev(10) } }) },
    });
    const p = probeEvidenceOf(c)!;
    expect(p.label).toBe('underlay');
    expect(placeLoss(p)?.place).toBe('return-path-not-at-nic');
  });

  it('every echo back: delivered; an error cell has nothing to judge', () => {
    expect(placeLoss(probeEvidenceOf(cell({ plane: 'pod->host', udp: { size: 64, sent: 5, received: 5, lossPct: 0, sendErrors: {} } }))!)?.place).toBe('delivered');
    expect(probeEvidenceOf(cell({ plane: 'pod->host', udp: undefined, error: { code: 'E_AGENT', message: 'down' } }))).toBeUndefined();
  });

  it('the sweep, ramp and TCP numbers carry over', () => {
    const p = probeEvidenceOf(cell({
      plane: 'host->host',
      sweep: { largestPassing: 1472, smallestFailing: 1473, maxTried: 8972, tries: [] },
      tcp: { port: 7946, attempts: 1, connected: 1, connectMs: [1], failures: {} },
      ramp: { maxRateBps: 50_000_000, stoppedBy: 'loss', blackhole: true, lastCleanBps: 20_000_000, steps: [] },
    }))!;
    expect(p.sweep).toEqual({ largestPassing: 1472, smallestFailing: 1473, maxTried: 8972 });
    expect(p.tcp).toEqual({ target: '10.244.3.2:7946', attempts: 1, connected: 1, failures: {} });
    expect(p.ramp).toEqual({ maxRateBps: 50_000_000, stoppedBy: 'loss', blackhole: true, lastCleanBps: 20_000_000 });
  });
});
