import { describe, expect, it } from 'vitest';
import { dataBlock, escapeText, html, join, plainText, trusted } from './html.js';
import { paired, swapped, tr } from './i18n.js';

const HOSTILE = [
  '<script>alert(1)</script>',
  '"><img src=x onerror=alert(1)>',
  "' onmouseover='alert(1)",
  '</style><script>alert(2)</script>',
  '</textarea></title></svg><script>alert(3)</script>',
  'a\u0000b\u001b[31mred\u0007\r\nforged line',
  'abc\u202edcba\u2066x\u2069\u200f',
  '\ud800lone surrogate',
  '&lt;already&gt; &amp;',
];

describe('html template tag', () => {
  it('escapes every interpolated string: no tag, no attribute break-out, no control or bidi character', () => {
    for (const s of HOSTILE) {
      const out = html`<p title="${s}">${s}</p>`.toString();
      const m = /^<p title="([^"<>']*)">([^"<>']*)<\/p>$/.exec(out);
      expect(m, out).not.toBeNull();
      expect(m![1]).toBe(m![2]);
      // eslint-disable-next-line no-control-regex
      expect(out).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069\u200b-\u200f\u061c\ufeff]/);
      expect(out).not.toMatch(/[\ud800-\udbff](?![\udc00-\udfff])/);
    }
  });
  it('shows control characters as visible escapes, as the terminal report does', () => {
    expect(escapeText('a\u001b[31mb\nc')).toBe('a\\x1b[31mb\\nc');
    expect(escapeText('x\u202ey')).toBe('x\\u202ey');
    expect(escapeText('a\u200fb\u200bc\u061cd\ufeff')).toBe('a\\u200fb\\u200bc\\u061cd\\ufeff');
    expect(escapeText('&lt;')).toBe('&amp;lt;');
  });
  it('keeps its own markup, arrays and nested templates; drops undefined, null and false', () => {
    const inner = html`<b>${'<i>'}</b>`;
    expect(html`<div>${inner}${[html`<br>`, 'x&y']}${undefined}${null}${false}${0}</div>`.toString()).toBe('<div><b>&lt;i&gt;</b><br>x&amp;y0</div>');
    expect(join(['a', 'b'], trusted('\n')).toString()).toBe('a\nb');
    expect(join(['a', 'b'], '\n').toString()).toBe('a\\nb');
  });
});

describe('data blocks (what the page script draws from)', () => {
  it('hold any string as JSON no HTML parser ends early, and give it back whole', () => {
    const strings = [...HOSTILE, '<!--', '<script>', ']]>', '\u2028\u2029', 'x</SCRIPT >y'].map(plainText);
    const out = dataBlock('d-1', { s: strings }).toString();
    const m = /^<script type="application\/json" id="d-1">([^<>&]*)<\/script>$/.exec(out);
    expect(m, out).not.toBeNull();
    expect((JSON.parse(m![1]!) as { s: string[] }).s).toEqual(strings);
    expect(() => dataBlock('x" onload="y', {})).toThrow(/id/);
  });
  it('plainText makes control and bidi characters visible as escapeText does, without entities', () => {
    for (const s of HOSTILE) expect(escapeText(s)).toBe(escapeText(plainText(s)));
    expect(plainText('a\u202eb<')).toBe('a\\u202eb<');
  });
});

describe('both languages in one file', () => {
  it('writes a translated text as two spans the CSS chooses from, a neutral one once', () => {
    expect(tr({ en: 'Fix', zh: '修复' }).toString()).toBe('<span class="i" lang="en">Fix</span><span class="i" lang="zh">修复</span>');
    expect(tr({ en: 'same', zh: 'same' }).toString()).toBe('same');
    expect(tr('node-1').toString()).toBe('node-1');
  });
  it('keeps text that exists in one language only visible, with its language', () => {
    expect(tr(paired('zh', '问题')).toString()).toBe('<span lang="zh">问题</span>');
    expect(paired('zh', '问题', 'problem')).toEqual({ en: 'problem', zh: '问题' });
  });
  it('escapes translated text and the swapped attributes alike', () => {
    const t = { en: '<b>"x"</b>', zh: "</title><script>'" };
    expect(tr(t).toString()).not.toMatch(/<b>|<script>/);
    const title = swapped('title', t, 'en').toString();
    expect(title).toBe('<title data-zh="&lt;/title&gt;&lt;script&gt;&#39;">&lt;b&gt;&quot;x&quot;&lt;/b&gt;</title>');
    expect(swapped('title', t, 'zh').toString()).toBe('<title data-en="&lt;b&gt;&quot;x&quot;&lt;/b&gt;">&lt;/title&gt;&lt;script&gt;&#39;</title>');
  });
});
