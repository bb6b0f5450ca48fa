// The node diff as HTML: the facts of a healthy flannel node and seed 000's Kylin node (fixture
// NodeFacts) compared by the real diff, side by side, through `podpath report` reading the JSON
// `podpath diff --json` writes.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildHtmlReportInput } from '../../app/report.js';
import { nodeDiff } from '../../app/node-diff/node-diff.js';
import type { NodeFacts } from '../../evidence/node-facts.js';
import { renderNodeDiffJson } from '../node-diff-json.js';
import { renderHtmlReport } from './render.js';
import { sayNotes } from '../../evidence/node-diff-notes.js';

const facts = (name: string) => JSON.parse(readFileSync(new URL(`../../../test/fixtures/evidence/${name}.json`, import.meta.url), 'utf8')) as NodeFacts;

describe('podpath diff -o html / podpath report DIFF.json', () => {
  const diff = nodeDiff(facts('healthy-flannel-node'), facts('seed-000-kylin-bad-udp-checksum'));
  const page = renderHtmlReport(buildHtmlReportInput([{ from: 'diff.json', text: renderNodeDiffJson(diff, { labelA: 'good.json', labelB: 'seed000<b>.json' }) }], { now: new Date(0) }));

  it('puts each relevant difference side by side, marked by relevance, the low ones folded', () => {
    const relevant = diff.differences.filter((d) => d.relevance !== 'low');
    expect(relevant.length).toBeGreaterThan(0);
    expect(diff.differences.some((d) => d.relevance === 'high')).toBe(true);
    for (const d of diff.differences) {
      const key = d.key.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
      const m = new RegExp(`<tr class="rel-${d.relevance}" data-key="${key.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}" data-relevance="${d.relevance}">(.*?)</tr>`).exec(page);
      expect(m, d.key).not.toBeNull();
      // A value in podpath's words is said in both languages, read back from the JSON's codes.
      const zh = d.words?.a ? sayNotes([d.words.a], 'zh') : undefined;
      const shown = zh !== undefined && zh !== d.a ? `<span class="i" lang="en">${d.a ?? ''}</span><span class="i" lang="zh">${zh}</span>` : d.a;
      if (d.a !== undefined && !/[<>&"']/.test(d.a) && d.a.length < 200) expect(m![1]).toContain(`<td class="va"><code>${shown ?? ''}</code>`);
    }
    expect(diff.differences.some((d) => d.words?.a), 'the fixtures have a value in podpath\'s words').toBe(true);
    const low = diff.differences.filter((d) => d.relevance === 'low').length;
    if (low > 0) expect(page).toMatch(/<details class="low"><summary>/);
    expect(page).toMatch(new RegExp(`<p class="diff-line" data-relevant="${diff.relevantCount}" data-high="${diff.differences.filter((d) => d.relevance === 'high').length}"`));
    expect(page).toContain('data-verdict="findings"');
  });

  it('escapes the labels it was given', () => {
    expect(page).toContain('seed000&lt;b&gt;.json (broken)');
    expect(page).not.toContain('seed000<b>');
  });
});
