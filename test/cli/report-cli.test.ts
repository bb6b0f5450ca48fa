// `podpath report` as a user runs it: HTML on stdout or in --out, the document's language, and
// every bad input as one `podpath: E_CODE: message` line with exit 2.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { hostileReport } from '../helpers/html-report.js';

const dir = mkdtempSync(path.join(tmpdir(), 'pp-report-cli-'));
const f = (name: string, text: string) => {
  const p = path.join(dir, name);
  writeFileSync(p, text);
  return p;
};

describe('podpath report (child process)', () => {
  it('writes one HTML file to stdout or --out, in the language asked', async () => {
    const input = f('h.json', JSON.stringify(hostileReport()));
    const out = await runCli(['report', input], { dir });
    expect(out.code).toBe(0);
    expect(out.stderr).toBe('');
    expect(out.stdout.startsWith('<!DOCTYPE html>\n<html lang="en">')).toBe(true);
    const file = path.join(dir, 'r.html');
    const zh = await runCli(['report', '--lang', 'zh', '--out', file, input], { dir });
    expect(zh.code).toBe(0);
    expect(zh.stdout).toBe('');
    expect(readFileSync(file, 'utf8').startsWith('<!DOCTYPE html>\n<html lang="zh">')).toBe(true);
  });
  it('says what is wrong with an input in one line, exit 2', async () => {
    const cases: [string[], RegExp][] = [
      [[f('bad.json', '{')], /^podpath: E_REPORT_JSON: .*bad\.json is not JSON/],
      [[f('pcap.json', '{"schemaVersion":2,"command":"pcap analyze"}')], /^podpath: E_REPORT_INPUT: .*pcap analyze --json/],
      [[f('diff.json', '{"schemaVersion":1,"a":"x","b":"y","relevantCount":0,"differences":[]}')], /^podpath: E_REPORT_INPUT: .*podpath diff --json document: notCompared/],
      [[f('other.json', '{"schema":"something\\u001b[2J"}')], /^podpath: E_REPORT_UNKNOWN: .*\(schema "something\\x1b\[2J"\)/],
      [[f('partial.json', '{"schema":"podpath.doctor","schemaVersion":1}')], /^podpath: E_REPORT_INPUT: /],
      [[path.join(dir, 'missing.json')], /^podpath: E_REPORT_READ: cannot read .*missing\.json: ENOENT/],
      [[dir], /^podpath: E_REPORT_SPECIAL_FILE: /],
      [['--out', path.join(dir, 'no/such/dir/r.html'), f('ok.json', JSON.stringify(hostileReport()))], /^podpath: E_REPORT_WRITE: /],
      [[], /^podpath: E_USAGE: missing required argument/],
    ];
    // podpath's own rule list, as `podpath rules --json` prints it: a result the report does not draw.
    const rules = await runCli(['rules', '--json'], { dir });
    expect(rules.code).toBe(0);
    cases.push([[f('rules.json', rules.stdout)], /^podpath: E_REPORT_UNSUPPORTED: .*rules\.json: rule list \(rules --json\) is not drawn by podpath report; it reads doctor report \(doctor -o json\), /]);
    for (const [args, re] of cases) {
      const r = await runCli(['report', ...args], { dir });
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(re);
    }
  });
});

describe('-o html of pcap analyze and pcap diff (child process)', () => {
  const cap = (name: string) => path.resolve(import.meta.dirname, '../fixtures/pcap-analyze', name);
  it('pcap analyze -o html and pcap diff -o html write one page with both languages; a bad -o is one line', async () => {
    const a = await runCli(['pcap', 'analyze', cap('syn-backoff-63s-client.pcap'), '-o', 'html', '--lang', 'zh'], { dir });
    expect(a.code).toBe(1);
    expect(a.stdout.startsWith('<!DOCTYPE html>\n<html lang="zh">')).toBe(true);
    expect(a.stdout).toMatch(/<span class="i" lang="en">TCP handshakes complete only after SYN retransmissions<\/span>/);
    const d = await runCli(['pcap', 'diff', cap('syn-backoff-63s-client.pcap'), cap('syn-backoff-63s-server.pcap'), '-o', 'html'], { dir });
    expect(d.stdout).toContain('<section class="capture-diff"');
    const bad = await runCli(['pcap', 'analyze', cap('syn-backoff-63s-client.pcap'), '-o', 'pdf'], { dir });
    expect([bad.code, bad.stdout, bad.stderr.trim()]).toEqual([2, '', 'podpath: E_USAGE: -o takes text, json or html, not "pdf"']);
  }, 60_000);
});
