import { describe, expect, it } from 'vitest';
import type { MeshCell } from '../evidence/mesh-matrix.js';
import { cellLine, cellShortfall, progressBar, summaryText } from './mesh.js';

// Control characters, found by code point (a regex of them trips the lint rule meant for mistakes).
const hasControl = (s: string) => [...s].some((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f);

const cell = (o: Partial<MeshCell> = {}): MeshCell => ({
  plane: 'host->host', round: 1, from: 'n1', to: 'n2', fromAddress: '10.0.0.1', toAddress: '10.0.0.2', ms: 10, refused: [],
  counters: { windowMs: 100 }, udp: { size: 64, sent: 5, received: 5, lossPct: 0, arrivedAtPeer: 5, sendErrors: {}, rttMs: { min: 0.1, avg: 0.2, max: 0.3 } }, ...o,
});

describe('mesh lines', () => {
  it('says the numbers of a cell on one line, marked when anything fell short', () => {
    expect(cellLine(cell())).toBe('ok host->host  n1 -> n2  udp 5/5 (5 arrived) rtt 0.2 ms');
    const short = cell({ sweep: { largestPassing: 1472, smallestFailing: 1473, maxTried: 9000, tries: [] }, icmp: { sent: 3, received: 0 } });
    expect(cellLine(short)).toBe('!! host->host  n1 -> n2  udp 5/5 (5 arrived) rtt 0.2 ms  icmp 0/3  sweep 1472 (1473 lost)');
    expect(cellShortfall(short)).toEqual(['icmp loss', 'size limit']);
    expect(cellShortfall(cell({ icmp: { sent: 0, received: 0, skipped: 'no ping program on this node' } }))).toEqual([]);
  });

  it('shows names and messages from agents and agents files with control characters escaped', () => {
    const hostile = cell({ from: 'n1\u001b[2J', to: 'x\ny', error: { code: 'E_\u0007', message: 'bad\r\u001b]0;owned\u0007' } });
    const line = cellLine(hostile);
    expect(hasControl(line)).toBe(false);
    expect(line).toContain('n1\\x1b[2J -> x\\ny');
    const summary = summaryText({ rounds: 2, errors: [{ where: 'n1\u001b[31m/host', code: 'E_AGENT', message: 'no\u001b[0m' }], errorsDropped: 0, ms: 1000 }, { cells: 1, short: 1, byShortfall: new Map([['error E_AGENT', 1]]) });
    expect(hasControl(summary.replace(/\n/g, ''))).toBe(false);
  });

  it('draws the progress bar', () => {
    expect(progressBar({ stage: 'host->pod', round: 2, rounds: 5, cells: 50, totalCells: 100 }, 3, 10)).toBe('[#####.....] 50/100 cells, 3 short  host->pod round 2/5');
  });
});
