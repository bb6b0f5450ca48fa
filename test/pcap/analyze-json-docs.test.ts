// docs/pcap-json.md must name every field of the JSON schemas (and the schemas are what real
// output is validated against in the other tests).
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { analyzeJsonSchema, findingSchema, frameSetSchema, readErrorSchema } from '../../src/pcap/analyze/json.js';
import { diffJsonSchema } from '../../src/pcap/diff/json.js';
import { schemaPaths } from './helpers/schema-paths.js';

const doc = readFileSync(fileURLToPath(new URL('../../docs/pcap-json.md', import.meta.url)), 'utf8');
const named = [frameSetSchema, findingSchema, readErrorSchema];

function documented(section: string, paths: string[]): string[] {
  const text = section === '' ? doc : doc.slice(doc.indexOf(section));
  return paths.filter((p) => !text.includes(`| \`${p}\` |`));
}

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

  it('lists every finding id the code can emit', () => {
    const ids = new Set<string>();
    for (const f of ['analyze/checksums.ts', 'analyze/handshakes.ts', 'analyze/sizes.ts', 'analyze/icmp.ts', 'diff/findings.ts']) {
      const src = readFileSync(fileURLToPath(new URL(`../../src/pcap/${f}`, import.meta.url)), 'utf8');
      for (const m of src.matchAll(/'((?:checksum|handshake|size|icmp|diff)-[a-z0-9-]+)'/g)) ids.add(m[1]!);
    }
    expect(ids.size).toBeGreaterThan(15);
    expect([...ids].filter((id) => !doc.includes(`\`${id}\``))).toEqual([]);
  });
});
