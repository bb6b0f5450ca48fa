// NodeFacts from partial objects (rule fixtures) and from JSON files (`doctor --facts`), always
// validated with the zod schema so a fixture can never hold what a source could not produce.
import type { z } from 'zod';
import { NODE_FACTS_SCHEMA_VERSION, NodeFacts, upgradeNodeFacts } from '../evidence/node-facts.js';
import { PodpathError } from '../util/errors.js';
import { oneLine } from '../util/terminal-safe.js';
import { readFactsText } from './facts-file.js';

export type NodeFactsInput = z.input<typeof NodeFacts>;
/** What a fixture may leave out: the envelope is filled in. */
export type PartialFacts = Omit<NodeFactsInput, 'schemaVersion' | 'collectedAt' | 'origin'> & Partial<Pick<NodeFactsInput, 'schemaVersion' | 'collectedAt' | 'origin'>>;

function describeIssues(err: z.ZodError): string {
  return err.issues
    .slice(0, 5)
    .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
    .join('; ');
}

/** Validates facts (an older schema version upgraded first); throws E_FACTS_INVALID naming the first bad fields. */
export function parseFacts(value: unknown, where = 'facts'): NodeFacts {
  const parsed = NodeFacts.safeParse(upgradeNodeFacts(value));
  if (!parsed.success) throw new PodpathError('E_FACTS_INVALID', `${where} does not match the NodeFacts schema: ${describeIssues(parsed.error)}`);
  return parsed.data;
}

/** Fills the envelope (schema version, time, origin `fixture`) and validates. */
export function makeFacts(partial: PartialFacts = {}): NodeFacts {
  return parseFacts(
    {
      schemaVersion: NODE_FACTS_SCHEMA_VERSION,
      collectedAt: '2026-01-01T00:00:00.000Z',
      origin: { kind: 'fixture' },
      ...partial,
    },
    'fixture',
  );
}

/** Reads a NodeFacts JSON file (as `podpath collect -o json` writes it, or a test fixture). */
export function loadFactsFile(path: string): NodeFacts {
  const text = readFactsText(path, (errno) => new PodpathError('E_FACTS_READ', `cannot read ${oneLine(path)}: ${errno}`));
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new PodpathError('E_FACTS_JSON', `${oneLine(path)} is not JSON: ${oneLine((e as Error).message)}`, { cause: e });
  }
  return parseFacts(json, oneLine(path));
}
