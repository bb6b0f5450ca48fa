// Where the bytes of an HTML report go (issue 15's size budget): the page's frame (head, style,
// script), each top-level section of <main> by its class (the 50 node sections summed as one line),
// and inside them the parts that grow with the nodes (heatmaps, data blocks, hidden details).
// A reading aid for page-sizes.test.ts, not a parser: it leans on the shapes render.ts writes.

export interface Part {
  part: string;
  bytes: number;
  count: number;
}

const bytes = (s: string) => Buffer.byteLength(s);

/** Each top-level `<section ...>...</section>` of `body`, by its start, end and class. */
function sections(body: string): { cls: string; text: string }[] {
  const out: { cls: string; text: string }[] = [];
  const tag = /<(\/?)section\b([^>]*)>/g;
  let depth = 0;
  let start = 0;
  let cls = '';
  for (let m = tag.exec(body); m; m = tag.exec(body)) {
    if (m[1] === '') {
      if (depth === 0) {
        start = m.index;
        cls = /class="([^"]*)"/.exec(m[2]!)?.[1] ?? '?';
      }
      depth++;
    } else if (--depth === 0) out.push({ cls, text: body.slice(start, tag.lastIndex) });
  }
  return out;
}

/** Sizes of matches of `re` in `text` (summed, counted). */
function inner(text: string, re: RegExp): { bytes: number; count: number } {
  let n = 0;
  let b = 0;
  for (const m of text.matchAll(re)) {
    n++;
    b += bytes(m[0]);
  }
  return { bytes: b, count: n };
}

export function anatomy(page: string): Part[] {
  const parts: Part[] = [];
  const add = (part: string, b: number, count = 1) => {
    const known = parts.find((p) => p.part === part);
    if (known) {
      known.bytes += b;
      known.count += count;
    } else parts.push({ part, bytes: b, count });
  };
  const main = page.indexOf('<main');
  const end = page.indexOf('</main>');
  add('head (style, title)', bytes(page.slice(0, page.indexOf('<body'))));
  add('page script', bytes(page.slice(end)));
  const body = page.slice(main, end);
  for (const s of sections(body)) {
    const name = `section.${s.cls.split(' ')[0]}`;
    add(name, bytes(s.text));
    const pieces: [string, RegExp][] = [
      ['svg charts', /<svg\b[^>]*class="chart[\s\S]*?<\/svg>/g],
      ['data blocks (JSON)', /<script type="application\/json"[\s\S]*?<\/script>/g],
      ['the pair panel template', /<div class="mesh-tpl"[\s\S]*?<\/div><\/div><\/div>/g],
      ['findings', /<article class="finding[\s\S]*?<\/article>/g],
    ];
    for (const [label, re] of pieces) {
      const r = inner(s.text, re);
      if (r.count > 0) add(`  ${name}: ${label}`, r.bytes, r.count);
    }
  }
  return parts;
}

/** The parts as an aligned table (bytes, share of the page, how many). */
export function anatomyTable(page: string): string {
  const total = bytes(page);
  const rows = anatomy(page).map((p) => `${p.part.padEnd(44)} ${String(p.bytes).padStart(9)} ${((100 * p.bytes) / total).toFixed(1).padStart(5)}%  x${p.count}`);
  return [`${'page'.padEnd(44)} ${String(total).padStart(9)} 100.0%`, ...rows].join('\n');
}
