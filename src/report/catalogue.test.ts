// Every catalogue entry (rule messages, reasons, titles, explanations and fixes; engine and
// missing-evidence reasons; report labels; evidence and rule-kind names) has both languages and
// the same placeholders in each; and no table of Chinese text lives outside the catalogues.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { entryProblems, type Localized } from '../util/i18n.js';
import { allCatalogues, CATALOGUES, type Catalogue } from './catalogue.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

function problemsOf(catalogues: readonly Catalogue[]): string[] {
  return catalogues.flatMap((c) => Object.entries(c.entries).flatMap(([key, entry]) => entryProblems(`${c.name}: ${key}`, entry)));
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = path.join(dir, name);
    return statSync(p).isDirectory() ? sourceFiles(p) : p.endsWith('.ts') && !p.endsWith('.test.ts') ? [p] : [];
  });
}

/**
 * Files that hold Chinese without being a catalogue, and why. src/pcap: the capture slice turns its
 * findings into rules (with their messages in the rules' catalogue) and empties these.
 */
const NOT_CATALOGUES: Record<string, string> = {
  'src/report/rule-docs.ts': 'the docs pages head their Chinese half with "中文" and the index has a 标题 column: both languages on one page',
  'src/report/catalogue.ts': 'the list of catalogues itself',
  'src/sources/transcript/facts.ts': 'a comment quotes a Chinese seed report the transcript reader takes a kernel from',
  'src/sources/transcript/manual-tests.ts': 'patterns that read Chinese transcripts (收不到, 最大, 在 X 上): input, not output',
  'src/report/html/page.ts': 'the language switch names each language in itself (English, 中文)',
  'src/rules/shared/capture.ts': 'phrase tables the capture rules spread into their meta.messages (checked there, rule by rule)',
  'src/rules/shared/capture-checksums.ts': 'phrase tables the capture rules spread into their meta.messages (checked there, rule by rule)',
  'src/rules/shared/capture-diff.ts': 'phrase tables the capture rules spread into their meta.messages (checked there, rule by rule)',
  'src/rules/shared/capture-handshakes.ts': 'phrase tables the capture rules spread into their meta.messages (checked there, rule by rule)',
  'src/rules/shared/capture-icmp.ts': 'phrase tables the capture rules spread into their meta.messages (checked there, rule by rule)',
  'src/rules/shared/cluster-shared.ts': 'skip reasons the cluster rules spread into their meta.reasons (checked there, rule by rule)',
  'src/rules/shared/mesh-quote.ts': 'the next steps the mesh rules spread into their meta.messages (checked there, rule by rule); its evidence words are a catalogue',
};

describe('the catalogues', () => {
  it('every entry has both languages, neither empty, with the same placeholders', () => {
    const all = allCatalogues();
    expect(all.length).toBeGreaterThan(CATALOGUES.length + 20);
    expect(problemsOf(all)).toEqual([]);
  });

  it('the check finds a missing language, an empty one and placeholders that differ', () => {
    const bad: Catalogue = {
      file: 'x', name: 'bad',
      entries: {
        onlyEn: { en: 'no {evidence}' } as unknown as Localized,
        emptyZh: { en: 'fine', zh: ' ' },
        drift: { en: '{command} failed: {error}', zh: '{command} 失败' },
        renamed: { en: 'no {evidence}', zh: '缺少 {evidenz}' },
      },
    };
    expect(problemsOf([bad])).toEqual([
      'bad: onlyEn: needs both en and zh',
      'bad: emptyZh.zh is empty',
      'bad: drift: placeholders differ between en {command,error} and zh {command}',
      'bad: renamed: placeholders differ between en {evidence} and zh {evidenz}',
    ]);
  });

  it('Chinese text lives only in the catalogues and the rules', () => {
    const known = new Set(CATALOGUES.map((c) => c.file));
    const strays = sourceFiles(path.join(root, 'src'))
      .map((p) => path.relative(root, p).split(path.sep).join('/'))
      .filter((f) => /[\u4e00-\u9fff]/.test(readFileSync(path.join(root, f), 'utf8')))
      .filter((f) => !known.has(f) && !/^src\/rules\/(?!shared\/)[a-z]+\/[a-z0-9-]+\.ts$/.test(f) && !(f in NOT_CATALOGUES));
    expect(strays).toEqual([]);
  });
});
