import { describe, expect, it } from 'vitest';
import { demoteHeadings, jsonText, mdBlock, mdCell, mdCode, mdText, show } from './safe-text.js';

describe('text a report did not write', () => {
  it('show: one line, escapes visible, clipped before it is escaped', () => {
    expect(show('a\nb\u001b[8mc\u202e')).toBe('a\\nb\\x1b[8mc\\u202e');
    const long = show('x'.repeat(300 * 1024), 10);
    expect(long).toBe(`${'x'.repeat(10)}… (${300 * 1024 - 10} more characters)`);
    expect(show(undefined)).toBe('');
  });

  it('mdText: no heading, list, quote, link, image, HTML, entity, emphasis or math from a name', () => {
    expect(mdText('# h')).toBe('\\# h');
    expect(mdText('- x')).toBe('\\- x');
    expect(mdText('1. x')).toBe('1\\. x');
    expect(mdText('> q')).toBe('\\> q');
    expect(mdText('[a](http://e) ![i](x) <b>&amp; *e* $m$ ~s~ _u_')).toBe('\\[a\\](http://e) !\\[i\\](x) \\<b\\>\\&amp; \\*e\\* \\$m\\$ \\~s\\~ \\_u\\_');
    expect(mdText('x86_64 flannel.1')).toBe('x86_64 flannel.1');
  });

  it('mdCell: a pipe cannot open a column', () => {
    expect(mdCell('a|b')).toBe('a\\|b');
  });

  it('mdCode: a span its text cannot close', () => {
    expect(mdCode('plain')).toBe('`plain`');
    expect(mdCode('a`b')).toBe('``a`b``');
    expect(mdCode('``x``')).toBe('``` ``x`` ```');
  });

  it('mdBlock: a fence no line inside can close', () => {
    expect(mdBlock('sh', ['echo ok'])).toEqual(['```sh', 'echo ok', '```']);
    expect(mdBlock('sh', ['```', 'x````y'])).toEqual(['`````sh', '```', 'x````y', '`````']);
  });

  it('demoteHeadings: headings outside code blocks only', () => {
    expect(demoteHeadings('# t\n```sh\n# comment\n```\n## s', 1)).toBe('## t\n```sh\n# comment\n```\n### s');
  });

  it('jsonText: the same values, nothing a terminal acts on', () => {
    const v = { s: 'a\u009b2J\u2028\u202e\u007f' };
    const text = jsonText(v);
    expect(text).not.toMatch(/[\u007f-\u009f\u2028\u202e]/);
    expect(JSON.parse(text)).toEqual(v);
  });
});
