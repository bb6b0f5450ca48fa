// Issue 11 audit: defects found in the transcript reading, each with the paste that showed it.
// Pieces under test/fixtures/transcript-pieces/ (README there names each one's source).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { splitTranscript } from '../../src/sources/transcript/split.js';
import { transcriptEvidence } from '../../src/app/doctor-transcript.js';

const PIECES = 'test/fixtures/transcript-pieces';
const piece = (name: string): string => readFileSync(`${PIECES}/${name}`, 'utf8');
const evidenceOf = (text: string, name = 't.txt') => transcriptEvidence({ text, name, notes: [] });

describe('ip neigh pasted without its command is recognised by its shape', () => {
  it('calico#5460: PERMANENT, REACHABLE, STALE and FAILED entries are neighbours, not routes', async () => {
    const text = piece('calico-5460-ip-neigh.txt');
    expect(splitTranscript(text, 't.txt').segments.map((s) => s.kind)).toEqual(['ip-neigh']);
    const ev = await evidenceOf(text);
    expect(ev.facts.routes).toBeUndefined();
    const items = ev.facts.neighbours?.items ?? [];
    expect(items).toHaveLength(15);
    expect(items.find((n) => n.address === '224.0.0.22')).toMatchObject({ dev: 'vxlan.calico', states: ['FAILED'] });
    expect(items.find((n) => n.address === '192.168.178.0')).toMatchObject({ dev: 'vxlan.calico', lladdr: '66:76:38:5d:31:cd', states: ['PERMANENT'] });
    expect(ev.facts.neighbours?.source).toBe('t.txt:1');
  });

  it('a route table is still a route table', () => {
    const routes = ['default via 10.10.10.1 dev ens192 proto static metric 100', '10.10.10.0/24 dev ens192 proto kernel scope link src 10.10.10.50 metric 100', '192.168.178.0/26 via 192.168.178.0 dev vxlan.calico onlink'];
    expect(splitTranscript(`${routes.join('\n')}\n`, 't.txt').segments.map((s) => s.kind)).toEqual(['ip-route']);
  });
});
