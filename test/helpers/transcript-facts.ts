// Rule tests on real pastes: the facts (and tcpdump captures) a transcript fixture gives, as
// `doctor --from FILE.txt` reads them.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { transcriptEvidence } from '../../src/app/doctor-transcript.js';
import type { NodeFacts } from '../../src/evidence/node-facts.js';
import type { EvidenceParts } from '../../src/evidence/evidence.js';

export async function factsOfTranscript(fixture: string): Promise<{ facts: NodeFacts; parts?: Partial<EvidenceParts> }> {
  const name = join('test/fixtures/transcripts', fixture, 'transcript.txt');
  const ev = await transcriptEvidence({ text: readFileSync(name, 'utf8'), name: 'transcript.txt', notes: [] });
  return ev.captures.length > 0 ? { facts: ev.facts, parts: { captures: ev.captures } } : { facts: ev.facts };
}

/** The same for a transcript piece (test/fixtures/transcript-pieces/NAME), cited as NAME. */
export async function factsOfPiece(name: string): Promise<{ facts: NodeFacts; parts?: Partial<EvidenceParts> }> {
  const ev = await transcriptEvidence({ text: readFileSync(join('test/fixtures/transcript-pieces', name), 'utf8'), name, notes: [] });
  return ev.captures.length > 0 ? { facts: ev.facts, parts: { captures: ev.captures } } : { facts: ev.facts };
}
