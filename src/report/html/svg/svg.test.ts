// The charts' SVG, checked as text: well-formed (every tag closed), accessible (a title and a role
// on the root, a title on every cell, bar, point and event), the numbers where they belong, sorted
// as promised, and nothing from the input able to leave its text node. Their sizes are printed.
import { describe, expect, it } from 'vitest';
import { badnessOrder, heatmap } from './heatmap.js';
import { curve } from './curve.js';
import { binValues, histogram } from './histogram.js';
import { timeline } from './timeline.js';
import { niceTicks, num } from './common.js';

/** Every element closed in order (the SVG is XML): returns the element names in document order. */
function wellFormed(svg: string): string[] {
  const stack: string[] = [];
  const names: string[] = [];
  for (const m of svg.matchAll(/<(\/?)([a-zA-Z][\w:-]*)([^>]*?)(\/?)>/g)) {
    const [, close, name, , self] = m;
    if (close) expect(stack.pop(), `closing </${name}>`).toBe(name);
    else {
      names.push(name!);
      if (!self) stack.push(name!);
    }
  }
  expect(stack).toEqual([]);
  // No stray angle bracket outside a tag: all text was escaped.
  expect(svg.replace(/<\/?[a-zA-Z][^>]*>/g, '')).not.toMatch(/[<>]/);
  return names;
}

const count = (s: string, re: RegExp) => (s.match(re) ?? []).length;
const sizes: Record<string, number> = {};

describe('heatmap', () => {
  const rows = ['node-a', 'node-b', 'node-c'].map((label) => ({ label }));
  const cols = ['r1', 'r2', 'r3', 'r4'].map((label) => ({ label }));
  // node-b fails on r3 and r4, node-c on r4: rows b, c, a; columns r4, r3, then r1, r2 in order.
  const values: (number | null)[][] = [
    [0, 0, 0, 0],
    [0, null, 3, 4],
    [0, 0, 0, 2],
  ];
  const svg = heatmap({
    id: 'hm', lang: 'en', title: { en: 'Results', zh: '结果' }, desc: 'rows are nodes', rows, cols,
    cell: (r, c) => ({ value: values[r]![c]!, label: { en: `${rows[r]!.label} ${cols[c]!.label} en`, zh: `${rows[r]!.label} ${cols[c]!.label} zh` }, ...(values[r]![c] ? { mark: '✗', href: `#f-${r}-${c}` } : {}), ...(r === 0 && c === 0 ? { detail: 'pair-0-0' } : {}) }),
    color: (v) => (v === 0 ? '#cfe8d3' : '#6e0000'),
  }).toString();
  sizes.heatmap = Buffer.byteLength(svg);

  /** The cells' data beside the frame (what the page's script draws from). */
  const data = (markup: string) => JSON.parse(/<script type="application\/json" id="[^"]*">([^<]*)<\/script>/.exec(markup)![1]!) as {
    s: number; x0: number; y0: number; r: [string, number][]; c: [string, number][]; f: Record<string, string>;
    t: (string | [string, string])[]; m: string[]; a: string[]; k: (number | null)[][];
  };
  const d = data(svg);
  const cellAt = (r: number, c: number) => d.k.find((k) => d.r[k[0]!]![1] === r && d.c[k[1]!]![1] === c)!;

  it('is a well-formed SVG frame with an accessible name and a description, its cells as data beside it', () => {
    const frame = svg.slice(0, svg.indexOf('</svg>') + 6);
    wellFormed(frame);
    expect(svg).toMatch(/^<svg [^>]*data-hm="hm-data"[^>]*role="group" aria-labelledby="hm-t hm-d"/);
    expect(svg).toContain('<title id="hm-t" data-zh="结果">Results</title>');
    expect(svg).toContain('<title id="hm-d" class="desc">rows are nodes</title>');
    expect(svg).toContain('<noscript>');
  });
  it('sorts rows and columns worst first, stable otherwise', () => {
    expect(badnessOrder(3, 4, (r, c) => values[r]![c]!)).toEqual({ rows: [1, 2, 0], cols: [3, 2, 0, 1] });
    expect(d.r.map(([label]) => label)).toEqual(['node-b', 'node-c', 'node-a']);
    expect(d.c.map(([label]) => label)).toEqual(['r4', 'r3', 'r1', 'r2']);
    expect(d.r.map(([, i]) => i)).toEqual([1, 2, 0]);
  });
  it('gives every cell a title, its row, column and value; links, marks and the click hook where asked; shared strings once', () => {
    expect(d.k).toHaveLength(12);
    expect(d.t).toHaveLength(12);
    expect(d.t).toContainEqual(['node-b r4 en', 'node-b r4 zh']);
    // node-b (row 1), r4 (column 3): value 4, a mark, a link.
    const c13 = cellAt(1, 3);
    expect(c13[2]).toBe(4);
    expect(d.f['4']).toBe('#6e0000');
    expect(d.t[c13[3]!]).toEqual(['node-b r4 en', 'node-b r4 zh']);
    expect(d.m[c13[4]!]).toBe('✗');
    expect([d.a[c13[5]!], c13[6]]).toEqual(['#f-1-3', 0]);
    // The click hook: a detail element's id.
    const c00 = cellAt(0, 0);
    expect([c00[2], d.a[c00[5]!], c00[6]]).toEqual([0, 'pair-0-0', 2]);
    // Not measured: no value (drawn hatched); nothing more: three numbers and its label.
    expect(cellAt(1, 1)[2]).toBeNull();
    expect(cellAt(2, 0)).toHaveLength(4);
    expect(d.m).toEqual(['✗']);
    expect(d.k.filter((k) => k[4] === 0)).toHaveLength(3);
  });
  it('refuses ids, links and colours that did not come from podpath', () => {
    const base = { lang: 'en' as const, title: 't', rows: [{ label: 'a' }], cols: [{ label: 'b' }], color: () => '#000' };
    expect(() => heatmap({ ...base, id: 'x" onload="alert(1)', cell: () => ({ value: 1, label: 'l' }) })).toThrow(/chart id/);
    expect(() => heatmap({ ...base, id: 'ok', cell: () => ({ value: 1, label: 'l', href: 'javascript:alert(1)' }) })).toThrow(/anchors/);
    expect(() => heatmap({ ...base, id: 'ok', color: () => 'red" onclick="x', cell: () => ({ value: 1, label: 'l' }) })).toThrow(/colour/);
  });
  it('keeps labels from the input text: nothing closes the data block, control characters made visible', () => {
    const evil = '</title></svg></script><script>alert(1)</script>\u202e\u0007&';
    const s = heatmap({ id: 'ev', lang: 'en', title: evil, rows: [{ label: evil }], cols: [{ label: evil }], color: () => '#000', cell: () => ({ value: 1, label: evil, mark: evil }) }).toString();
    wellFormed(s.slice(0, s.indexOf('</svg>') + 6));
    expect(s).not.toContain('<script>');
    const block = /<script type="application\/json" id="ev-data">([^<]*)<\/script>/.exec(s)![1]!;
    expect(block).not.toMatch(/[<>&]/);
    const back = data(s);
    expect(back.t[0]).toBe('</title></svg></script><script>alert(1)</script>\\u202e\\x07&');
    expect(back.r[0]![0]).toBe(back.t[0]);
  });
});

describe('curve', () => {
  const svg = curve({
    id: 'sweep', lang: 'zh', title: { en: 'Size sweep', zh: '大小扫描' },
    x: { label: { en: 'datagram size', zh: '报文大小' }, unit: 'B' }, y: { label: { en: 'delivered', zh: '送达' }, unit: '%', min: 0, max: 100 },
    series: [
      { name: 'A → B', points: [[64, 100], [512, 100], [1024, 100], [1472, 100], [1473, 0], [9000, 0]] },
      { name: 'B → A', points: [[64, 100], [1472, 100], [1473, 0], [NaN, 5], [9000, Infinity]] },
    ],
    marks: [{ x: 1472, label: { en: 'largest that crosses', zh: '可通过的最大值' } }],
  }).toString();
  sizes.curve = Buffer.byteLength(svg);
  it('draws each series with a point title per finite value, a legend and the mark', () => {
    wellFormed(svg);
    expect(svg).toMatch(/^<svg [^>]*role="img" aria-labelledby="sweep-t"/);
    expect(svg).toContain('<title id="sweep-t" data-en="Size sweep">大小扫描</title>');
    expect(count(svg, /<g class="series"/g)).toBe(2);
    expect(count(svg, /<circle /g)).toBe(6 + 3);
    expect(svg).toContain('<title>A → B: 1,472 B → 100 %</title>');
    expect(svg).toContain('<title>B → A: 1,473 B → 0 %</title>');
    expect(svg).toContain('<tspan class="i" lang="zh">可通过的最大值</tspan> 1,472 B');
    expect(svg).not.toMatch(/NaN|Infinity/);
    expect(count(svg, /class="legend"/g)).toBe(2);
  });
});

describe('histogram', () => {
  it('bins values (the last bin keeps the maximum) and draws a bar per bin with its range and count', () => {
    const bins = binValues([60, 60, 74, 1514, 1514, 1514, 9014, NaN], 4);
    expect(bins.map((b) => b.count)).toEqual([6, 0, 0, 1]);
    const svg = histogram({ id: 'sizes', lang: 'en', title: 'Packet sizes', x: { label: 'size', unit: 'B' }, y: { label: 'packets' }, bins }).toString();
    sizes.histogram = Buffer.byteLength(svg);
    wellFormed(svg);
    expect(count(svg, /<rect class="bar"/g)).toBe(4);
    expect(svg).toContain('data-count="6"><title>60–2,299 B: 6</title>');
    expect(svg).toContain('data-count="0"');
  });
});

describe('time axis', () => {
  it('shows a SYN back-off: every retry at its time, the gap doubling written between them', () => {
    const svg = timeline({
      id: 'syn', lang: 'en', title: 'Handshakes', axis: { en: 'time', zh: '时间' },
      lanes: [
        { label: '10.0.1.5:40000 → 10.0.2.7:80', events: [{ t: 0, label: 'SYN', kind: 'send' }, { t: 1, label: 'SYN again', kind: 'retry' }, { t: 3, label: 'SYN again', kind: 'retry' }, { t: 7, label: 'SYN again', kind: 'retry' }, { t: 15, label: 'SYN again', kind: 'retry' }] },
        { label: '10.0.1.5:40001 → 10.0.2.7:80', events: [{ t: 0.2, label: 'SYN' }, { t: 0.201, label: 'SYN-ACK', kind: 'reply' }] },
      ],
    }).toString();
    sizes.timeline = Buffer.byteLength(svg);
    wellFormed(svg);
    expect(count(svg, /<path class="ev /g)).toBe(7);
    expect([...svg.matchAll(/<text class="gap"[^>]*>([^<]*)<\/text>/g)].map((m) => m[1])).toEqual(['+1 s', '+2 s', '+4 s', '+8 s', '+0.001 s']);
    expect(svg).toContain('<title>15 s: SYN again</title>');
    expect(svg).toContain('<tspan class="i" lang="zh">时间(秒)</tspan>');
  });
});

describe('chart helpers', () => {
  it('makes round ticks and short numbers', () => {
    expect(niceTicks(0, 100, 5)).toEqual([0, 20, 40, 60, 80, 100]);
    expect(niceTicks(64, 9000, 6)).toEqual([2000, 4000, 6000, 8000]);
    expect(niceTicks(5, 5)).toEqual([5]);
    expect(num(NaN)).toBe('0');
    expect(num(1 / 3)).toBe('0.33');
  });
  it('says what each chart adds to the file', () => {
    // Not a bound: the figures for the report's notes (see the final summary of the HTML slice).
    console.log(`chart bytes: ${JSON.stringify(sizes)}`);
    expect(Object.keys(sizes).length).toBeGreaterThan(0);
  });
});
