// docs/pcap-json.md must name every field of the JSON schemas (and the schemas are what real
// output is validated against in the other tests), every capture rule, and the map from the
// finding ids of schemaVersion 1 to the rules of schemaVersion 2.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { analyzeJsonSchema, findingSchema, frameSetSchema, readErrorSchema } from '../../src/report/capture-json.js';
import { diffJsonSchema } from '../../src/report/capture-diff-json.js';
import { rulesOfKind } from '../../src/rules/index.js';
import { schemaPaths } from './helpers/schema-paths.js';

const doc = readFileSync(fileURLToPath(new URL('../../docs/pcap-json.md', import.meta.url)), 'utf8');
const changelog = readFileSync(fileURLToPath(new URL('../../CHANGELOG.md', import.meta.url)), 'utf8');
const named = [frameSetSchema, findingSchema, readErrorSchema];

function documented(section: string, paths: string[]): string[] {
  const text = section === '' ? doc : doc.slice(doc.indexOf(section));
  return paths.filter((p) => !text.includes(`| \`${p}\` |`));
}

/** The finding ids of schemaVersion 1, as src/pcap emitted them. */
const V1_IDS = [
  'checksum-wire', 'checksum-unknown', 'checksum-offload', 'checksum-lco', 'checksum-answered', 'checksum-artefacts-only', 'checksum-vxlan-ffff',
  'handshake-no-answer', 'handshake-synack-no-ack', 'handshake-slow', 'handshake-refused', 'size-ceiling', 'size-fragments',
  'icmp-frag-needed', 'icmp-admin-prohibited', 'icmp-port-unreachable', 'icmp-host-unreachable', 'icmp-time-exceeded',
  'diff-capture-overlap', 'diff-no-match', 'diff-loss-size', 'diff-loss-rate', 'diff-loss-window', 'diff-loss', 'diff-one-way',
  'diff-reverse-loss', 'diff-segmentation-offload', 'diff-altered', 'diff-limits',
];

describe('docs/pcap-json.md', () => {
  it('documents every field of the shared types', () => {
    expect(documented('', schemaPaths(frameSetSchema, 'FrameSet'))).toEqual([]);
    expect(documented('', schemaPaths(findingSchema, 'Finding', [frameSetSchema]))).toEqual([]);
    expect(documented('', schemaPaths(readErrorSchema, 'ReadError'))).toEqual([]);
  });

  it('documents every field of pcap analyze --json', () => {
    expect(documented('## `pcap analyze`', schemaPaths(analyzeJsonSchema, '', named))).toEqual([]);
  });

  it('documents every field of pcap diff --json', () => {
    expect(documented('## `pcap diff`', schemaPaths(diffJsonSchema, '', named))).toEqual([]);
  });

  it('lists every capture rule', () => {
    const ids = rulesOfKind('capture').map((r) => r.meta.id);
    expect(ids.length).toBeGreaterThan(20);
    expect(ids.filter((id) => !doc.includes(`\`${id}\``))).toEqual([]);
  });

  it('maps every finding id of schemaVersion 1 to its rule, here and in CHANGELOG.md', () => {
    const rules = new Set(rulesOfKind('capture').map((r) => r.meta.id));
    for (const text of [doc, changelog]) {
      const map = new Map([...text.matchAll(/^\| `([a-z0-9-]+)` \| `([a-z0-9-]+)`(?: \(`([A-Za-z]+)`[^)]*\))? \|/gm)].map((m) => [m[1]!, { rule: m[2]!, messageId: m[3] }]));
      for (const id of V1_IDS) {
        const to = map.get(id);
        expect(to, `${id} is not in the map`).toBeDefined();
        expect(rules.has(to!.rule), `${id} -> ${to!.rule}: no such rule`).toBe(true);
        if (to!.messageId) expect(Object.keys(rulesOfKind('capture').find((r) => r.meta.id === to!.rule)!.meta.messages)).toContain(to!.messageId);
      }
    }
  });
});
