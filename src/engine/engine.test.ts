import { describe, expect, it } from 'vitest';
import { formatMessage, placeholdersOf, resolveLang, unfilledPlaceholders } from './i18n.js';
import { checkInvalidCase, checkSkippedCase, checkValidCase, makeFacts } from './rule-tester.js';
import { evidenceFor, runRules } from './run-rules.js';
import { defineRule, type Rule } from './types.js';
import { validateRuleMeta } from './validate-meta.js';

// A small real-shaped rule: fires when Udp InCsumErrors is non-zero.
const probe: Rule = defineRule({
  meta: {
    id: 'test-csum',
    title: { en: 'checksum errors', zh: '校验和错误' },
    kind: 'node',
    severity: 'error',
    needs: ['snmp'],
    uses: ['kernel'],
    messages: { nonZero: { en: 'InCsumErrors = {n}', zh: 'InCsumErrors = {n}(非零)' } },
    reasons: { noUdpTable: { en: 'no Udp table', zh: '没有 Udp 表' } },
    explanation: { en: 'x', zh: 'x' },
    remediation: [{ description: { en: 'look at {n}', zh: '看 {n}' }, commands: ['echo {n}'], undo: ['true'] }],
    references: ['seed 000'],
  },
  check(ctx) {
    const n = ctx.facts.snmp?.tables.Udp?.InCsumErrors;
    if (n === undefined) return ctx.skip('noUdpTable');
    if (n > 0) ctx.report({ messageId: 'nonZero', data: { n }, evidence: [{ source: ctx.facts.snmp?.source ?? '', text: `Udp: InCsumErrors ${n}` }] });
  },
});

const snmp = (n: number) => ({ snmp: { tables: { Udp: { InErrors: n, InCsumErrors: n } }, source: '/proc/net/snmp' } });

describe('i18n', () => {
  it('fills placeholders and leaves unknown ones visible', () => {
    expect(formatMessage('{a} and {b}', { a: 1 })).toBe('1 and {b}');
    expect(placeholdersOf('{a} {b} {a}')).toEqual(['a', 'b']);
    expect(unfilledPlaceholders('{a} {b}', { a: 'x' })).toEqual(['b']);
  });
  it('picks the language from --lang, then LC_ALL, LC_MESSAGES, LANG', () => {
    expect(resolveLang('zh', {})).toBe('zh');
    expect(resolveLang('en', { LANG: 'zh_CN.UTF-8' })).toBe('en');
    expect(resolveLang(undefined, { LANG: 'zh_CN.UTF-8' })).toBe('zh');
    expect(resolveLang(undefined, { LC_ALL: 'en_US.UTF-8', LANG: 'zh_CN.UTF-8' })).toBe('en');
    expect(resolveLang(undefined, { LC_ALL: 'zh_TW.UTF-8' })).toBe('zh');
    expect(resolveLang(undefined, {})).toBe('en');
    expect(() => resolveLang('fr', {})).toThrow(/E_BAD_LANG|unknown language/);
  });
});

describe('runRules', () => {
  it('skips a rule whose evidence is absent, or present but listed as missing', () => {
    const absent = runRules([probe], { node: makeFacts({}) });
    expect(absent.results[0]).toMatchObject({ status: 'skipped', reason: 'no SNMP counters' });
    const denied = { evidence: 'snmp', code: 'filePermissionDenied', data: { path: '/proc/net/snmp' }, reason: '/proc/net/snmp: permission denied' };
    const listed = runRules([probe], { node: makeFacts({ ...snmp(0), missing: [denied] }) });
    expect(listed.results[0]).toMatchObject({ status: 'skipped', reason: 'no SNMP counters: /proc/net/snmp: permission denied' });
    expect(listed.results[0]?.reasons).toEqual([{ code: 'missingEvidence', data: { evidence: 'snmp' }, because: [{ code: 'filePermissionDenied', data: { path: '/proc/net/snmp' } }] }]);
    // Rendered from the codes in the run's language, never from the English `reason`.
    const zh = runRules([probe], { node: makeFacts({ ...snmp(0), missing: [denied] }) }, { lang: 'zh' });
    expect(zh.results[0]?.reason).toBe('缺少 SNMP 计数:/proc/net/snmp:权限不足');
  });
  it('passes, fails and skips by what the rule says', () => {
    expect(runRules([probe], { node: makeFacts(snmp(0)) }).results[0]?.status).toBe('pass');
    const out = runRules([probe], { node: makeFacts(snmp(7)) }, { lang: 'zh' });
    expect(out.results[0]?.status).toBe('fail');
    expect(out.findings[0]).toMatchObject({ ruleId: 'test-csum', message: 'InCsumErrors = 7(非零)', title: '校验和错误' });
    expect(out.findings[0]?.remediation[0]).toEqual({ description: '看 7', commands: ['echo 7'], undo: ['true'] });
    const noUdp = runRules([probe], { node: makeFacts({ snmp: { tables: {}, source: 's' } }) });
    expect(noUdp.results[0]).toMatchObject({ status: 'skipped', reason: 'no Udp table' });
  });
  it('never passes a rule that throws', () => {
    const broken = defineRule({ ...probe, meta: { ...probe.meta, id: 'broken' }, check: () => { throw new Error('boom'); } });
    expect(runRules([broken], { node: makeFacts(snmp(1)) }).results[0]).toMatchObject({ status: 'skipped', reason: 'internal error: `boom`' });
  });
  it('says an evidence line once when a rule quotes it twice (the same frame as the bad sum and as the retry)', () => {
    const twice = defineRule({ ...probe, meta: { ...probe.meta, id: 'twice' }, check: (ctx) => ctx.report({ messageId: 'nonZero', data: { n: 1 }, evidence: [
      { source: 'transcript.txt:8', text: 'frame 8' }, { source: 'transcript.txt:4', text: 'frame 4' }, { source: 'transcript.txt:8', text: 'frame 8' },
      { source: 'transcript.txt:9', text: 'frame 8' },
    ] }) });
    expect(runRules([twice], { node: makeFacts(snmp(1)) }).findings[0]?.evidence).toEqual([
      { source: 'transcript.txt:8', text: 'frame 8' }, { source: 'transcript.txt:4', text: 'frame 4' }, { source: 'transcript.txt:9', text: 'frame 8' },
    ]);
  });
  it('refuses an unknown --only id, and lists what the rules need', () => {
    expect(() => runRules([probe], { node: makeFacts({}) }, { only: ['nope'] })).toThrow(/unknown rule id: nope/);
    expect(evidenceFor([probe])).toEqual(['kernel', 'snmp']);
  });
});

describe('reasons and sufficient evidence', () => {
  it('gives a skip reason as a code with data, in the run\'s language from the rule\'s own catalogue', () => {
    const en = runRules([probe], { node: makeFacts({ snmp: { tables: {}, source: 's' } }) }).results[0];
    expect(en).toMatchObject({ status: 'skipped', reason: 'no Udp table', reasons: [{ code: 'noUdpTable' }] });
    const zh = runRules([probe], { node: makeFacts({ snmp: { tables: {}, source: 's' } }) }, { lang: 'zh' }).results[0];
    expect(zh?.reason).toBe('没有 Udp 表');
    const absent = runRules([probe], { node: makeFacts({}) }).results[0];
    expect(absent?.reasons).toEqual([{ code: 'missingEvidence', data: { evidence: 'snmp' } }]);
  });
  it('refuses a skip with a code the rule does not declare (a reason with no translation)', () => {
    const sloppy: Rule = { ...probe, check: (ctx) => ctx.skip('undeclared') };
    expect(() => runRules([sloppy], { node: makeFacts(snmp(0)) })).toThrow(expect.objectContaining({ code: 'E_RULE_REASON' }));
  });
  it('runs a rule when one of its sufficient sets is complete, though its needs are not', () => {
    const either: Rule = defineRule({
      meta: { ...probe.meta, id: 'test-either', needs: ['snmp'], sufficient: [['kernelLog']] },
      check(ctx) {
        const line = ctx.facts.kernelLog?.matches[0];
        if (line) ctx.report({ messageId: 'nonZero', data: { n: 1 }, evidence: [{ source: line.source, text: line.line }] });
      },
    });
    const log = { kernelLog: { matches: [{ pattern: 'udp-bad-checksum', line: 'UDP: bad checksum. From 10.0.0.2:41000 to 10.0.0.1:8472', source: 'dmesg' }], linesScanned: 1, sources: ['dmesg'] } };
    expect(runRules([either], { node: makeFacts(log) }).results[0]?.status).toBe('fail');
    expect(runRules([either], { node: makeFacts({}) }).results[0]?.status).toBe('skipped');
    expect(evidenceFor([either])).toEqual(['kernel', 'kernelLog', 'snmp']);
  });
});

describe('RuleTester checks', () => {
  it('accepts a correct valid and invalid case', () => {
    expect(() => checkValidCase(probe, { name: 'zero', facts: snmp(0) })).not.toThrow();
    expect(() => checkInvalidCase(probe, { name: 'seven', facts: snmp(7), errors: [{ messageId: 'nonZero', data: { n: 7 }, evidence: [/InCsumErrors 7/] }] })).not.toThrow();
  });
  it('refuses an invalid case that reports nothing', () => {
    expect(() => checkInvalidCase(probe, { name: 'x', facts: snmp(0), errors: [{ messageId: 'nonZero' }] })).toThrow(/should report 1 but reported 0/);
  });
  it('refuses another messageId, a wrong count, unknown ids and wrong data', () => {
    const other = defineRule({ ...probe, meta: { ...probe.meta, messages: { ...probe.meta.messages, other: { en: 'o', zh: 'o' } } } });
    expect(() => checkInvalidCase(other, { name: 'x', facts: snmp(7), errors: [{ messageId: 'other' }] })).toThrow(/not the expected "other"/);
    expect(() => checkInvalidCase(probe, { name: 'x', facts: snmp(7), errors: [{ messageId: 'missing' }] })).toThrow(/not in meta.messages/);
    expect(() => checkInvalidCase(probe, { name: 'x', facts: snmp(7), errors: [{ messageId: 'nonZero' }, { messageId: 'nonZero' }] })).toThrow(/should report 2/);
    expect(() => checkInvalidCase(probe, { name: 'x', facts: snmp(7), errors: [{ messageId: 'nonZero', data: { n: 8 } }] })).toThrow(/data.n/);
    expect(() => checkInvalidCase(probe, { name: 'x', facts: snmp(7), errors: [{ messageId: 'nonZero', severity: 'warning' }] })).toThrow(/severity error, expected warning/);
  });
  it('refuses a valid case that is skipped or reports', () => {
    expect(() => checkValidCase(probe, { name: 'x', facts: {} })).toThrow(/skipped/);
    expect(() => checkValidCase(probe, { name: 'x', facts: snmp(1) })).toThrow(/should report nothing/);
  });
  it('refuses reports with unfilled placeholders or no evidence', () => {
    const sloppy = defineRule({ ...probe, check: (ctx) => ctx.report({ messageId: 'nonZero', evidence: [] }) });
    expect(() => checkInvalidCase(sloppy, { name: 'x', facts: snmp(7), errors: [{ messageId: 'nonZero' }] })).toThrow(/no data for \{n\}.*no evidence/);
  });
  it('validates fixtures with the schema', () => {
    expect(() => checkValidCase(probe, { name: 'x', facts: { snmp: { tables: { Udp: { InCsumErrors: 'many' } }, source: 's' } } as never })).toThrow(/E_FACTS_INVALID|NodeFacts schema/);
  });
  it('checks skip reasons', () => {
    expect(() => checkSkippedCase(probe, { name: 'x', facts: {}, reason: 'no SNMP counters' })).not.toThrow();
    expect(() => checkSkippedCase(probe, { name: 'x', facts: snmp(0), reason: 'no SNMP counters' })).toThrow(/should be skipped/);
  });
});

describe('validateRuleMeta', () => {
  it('finds missing languages, placeholder drift and fixes without undo', () => {
    const bad = defineRule({
      ...probe,
      meta: { ...probe.meta, id: 'Bad_Id', messages: { m: { en: '{a}', zh: '{b}' } }, remediation: [{ description: { en: 'd', zh: '' }, commands: ['x'], undo: [] }], references: [] },
    });
    const problems = validateRuleMeta(bad).join('\n');
    expect(problems).toMatch(/kebab-case/);
    expect(problems).toMatch(/placeholders differ/);
    expect(problems).toMatch(/no undo/);
    expect(problems).toMatch(/description.zh is empty/);
    expect(problems).toMatch(/references is empty/);
    expect(validateRuleMeta(probe)).toEqual([]);
  });
});

describe('facts files', () => {
  it('refuses a file that is not JSON, or not NodeFacts, with stable codes', async () => {
    const { mkdtempSync, writeFileSync, rmSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { loadFactsFile } = await import('../evidence/load-facts.js');
    const dir = mkdtempSync(`${tmpdir()}/ppe1-facts-`);
    try {
      writeFileSync(`${dir}/bad.json`, '{"schemaVersion": 1,');
      writeFileSync(`${dir}/wrong.json`, JSON.stringify({ schemaVersion: 99, collectedAt: 'x', origin: { kind: 'live' } }));
      expect(() => loadFactsFile(`${dir}/bad.json`)).toThrow(expect.objectContaining({ code: 'E_FACTS_JSON' }));
      expect(() => loadFactsFile(`${dir}/wrong.json`)).toThrow(expect.objectContaining({ code: 'E_FACTS_INVALID', message: expect.stringMatching(/schemaVersion/) }));
      expect(() => loadFactsFile(`${dir}/absent.json`)).toThrow(expect.objectContaining({ code: 'E_FACTS_READ' }));
      // Schema 1 is read as 2: its probe entries lose the verdict and gain `sender`.
      writeFileSync(`${dir}/v1.json`, JSON.stringify({
        schemaVersion: 1, collectedAt: 'x', origin: { kind: 'live' },
        probes: [{ peer: 'p', label: 'overlay', from: 'p', to: 'this node', target: 't', source: 's', echo: { sent: 2, received: 0, place: 'underlay', summary: 'lost', evidence: ['x'] }, counters: [] }],
      }));
      const v1 = loadFactsFile(`${dir}/v1.json`);
      expect(v1.schemaVersion).toBe(3);
      expect(v1.probes?.[0]).toMatchObject({ sender: 'peer', echo: { sent: 2, received: 0, sendErrors: {} }, devices: { local: {}, peer: {} } });
      expect(v1.probes?.[0]?.echo).not.toHaveProperty('place');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reads version 1 facts (missing reasons as English text): the text is kept, quoted, under the code recordedText', async () => {
    const { mkdtempSync, writeFileSync, rmSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { loadFactsFile } = await import('../evidence/load-facts.js');
    const dir = mkdtempSync(`${tmpdir()}/ppe1-facts-`);
    try {
      const v1 = { schemaVersion: 1, collectedAt: 'x', origin: { kind: 'live' }, missing: [{ evidence: 'snmp', reason: '/proc/net/snmp: permission denied' }] };
      writeFileSync(`${dir}/v1.json`, JSON.stringify(v1));
      const facts = loadFactsFile(`${dir}/v1.json`);
      expect(facts.schemaVersion).toBe(3);
      expect(facts.missing).toEqual([{ evidence: 'snmp', code: 'recordedText', data: { text: '/proc/net/snmp: permission denied' }, reason: '/proc/net/snmp: permission denied' }]);
      const en = runRules([probe], { node: facts }).results[0];
      expect(en?.reason).toBe('no SNMP counters: /proc/net/snmp: permission denied');
      expect(runRules([probe], { node: facts }, { lang: 'zh' }).results[0]?.reason).toBe('缺少 SNMP 计数:`/proc/net/snmp: permission denied`(旧版 podpath 记录的英文原因)');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('phrases: parts of a message that differ by case, from the rule\'s own catalogue', () => {
  const who: Rule = defineRule({
    meta: {
      ...probe.meta,
      id: 'test-phrases',
      messages: {
        bad: { en: '{n} bad sums {who}{ports}', zh: '{n} 个{ports}错误校验和，{who}' },
        one: { en: 'from {src} only', zh: '只来自 {src}' },
        port: { en: ' to port {port}', zh: '发往端口 {port} 的' },
      },
    },
    check(ctx) {
      const n = ctx.facts.snmp?.tables.Udp?.InCsumErrors ?? 0;
      const ports = n > 5 ? [{ id: 'port', data: { port: 8472 } }, { id: 'port', data: { port: 4789 } }] : [];
      if (n > 0) ctx.report({ messageId: 'bad', data: { n }, phrases: { who: { id: 'one', data: { src: '10.0.0.1' } }, ports }, evidence: [{ source: 's', text: `InCsumErrors ${n}` }] });
    },
  });
  it('fills a placeholder with a phrase in the run\'s language, a list joined, an empty list with nothing', () => {
    expect(runRules([who], { node: makeFacts(snmp(2)) }).findings[0]?.message).toBe('2 bad sums from 10.0.0.1 only');
    expect(runRules([who], { node: makeFacts(snmp(7)) }).findings[0]?.message).toBe('7 bad sums from 10.0.0.1 only to port 8472;  to port 4789');
    expect(runRules([who], { node: makeFacts(snmp(7)) }, { lang: 'zh' }).findings[0]?.message).toBe('7 个发往端口 8472 的；发往端口 4789 的错误校验和，只来自 10.0.0.1');
  });
  it('the tester checks phrase ids and their placeholders, and the expected phrases and message', () => {
    expect(() => checkInvalidCase(who, { name: 'x', facts: snmp(2), errors: [{ messageId: 'bad', phrases: { who: 'one', ports: [] }, message: '2 bad sums from 10.0.0.1 only' }] })).not.toThrow();
    expect(() => checkInvalidCase(who, { name: 'x', facts: snmp(2), errors: [{ messageId: 'bad', message: /from 10\.0\.0\.2/ }] })).toThrow(/the en message is/);
    expect(() => checkInvalidCase(who, { name: 'x', facts: snmp(2), errors: [{ messageId: 'bad', phrases: { who: 'two' } }] })).toThrow(/phrase \{who\} is "one"/);
    const unknown = defineRule({ ...who, check: (ctx) => ctx.report({ messageId: 'bad', data: { n: 1 }, phrases: { who: { id: 'nope' }, ports: [] }, evidence: [{ source: 's', text: 't' }] }) });
    expect(() => checkInvalidCase(unknown, { name: 'x', facts: snmp(2), errors: [{ messageId: 'bad' }] })).toThrow(/unknown messageId "nope"/);
    const unfilled = defineRule({ ...who, check: (ctx) => ctx.report({ messageId: 'bad', data: { n: 1, who: 'x' }, phrases: { who: { id: 'one', data: { src: 'a' } }, ports: [{ id: 'port' }] }, evidence: [{ source: 's', text: 't' }] }) });
    expect(() => checkInvalidCase(unfilled, { name: 'x', facts: snmp(2), errors: [{ messageId: 'bad' }] })).toThrow(/\{who\} is given both as data and as a phrase.*phrase port.en: no data for \{port\}/);
  });
});

describe('RuleTester takes an Evidence fixture', () => {
  const captures: Rule = defineRule({
    meta: { ...probe.meta, id: 'test-captures', kind: 'capture', needs: ['captures'], uses: [], messages: { frames: { en: '{file}: {n} frames', zh: '{file}：{n} 帧' } }, remediation: [{ description: { en: 'd', zh: 'd' }, commands: ['# read {file}'], undo: ['# nothing'] }] },
    check(ctx) {
      for (const c of ctx.evidence.captures ?? []) if (c.packets.frames > 0) ctx.report({ messageId: 'frames', data: { file: c.file, n: c.packets.frames }, evidence: [{ source: c.file, text: `${c.packets.frames} frames` }] });
    },
  });
  const summary = (frames: number) => ({
    file: 'a.pcap',
    read: { format: 'pcap' as const, frames, bytesRead: 24, linkTypes: [1] },
    packets: { frames, ip: 0, tunnel: 0, truncated: 0, notes: {} },
    checksums: { layers: [], badGroups: [], tunnelFfff: { count: 0, frames: { count: 0, ranges: [], truncated: false }, srcs: [] }, senders: [] },
    handshakes: { total: 0, completed: 0, completedFirstTry: 0, notable: [], notableTruncated: false },
    sizes: { bucketLabels: [], flows: [], otherFlows: 0, fragmentFrames: { count: 0, ranges: [], truncated: false } },
    icmp: { errors: [], unquoted: 0, otherGroups: 0 },
  });
  it('runs a capture rule without a node, and checks the fixture against the schema', () => {
    expect(() => checkValidCase(captures, { name: 'empty', evidence: { captures: [summary(0)] } })).not.toThrow();
    expect(() => checkInvalidCase(captures, { name: 'two', evidence: { captures: [summary(2)] }, errors: [{ messageId: 'frames', message: 'a.pcap: 2 frames' }] })).not.toThrow();
    expect(() => checkSkippedCase(captures, { name: 'none', evidence: {}, reason: 'no packet captures' })).not.toThrow();
    expect(() => checkValidCase(captures, { name: 'bad', evidence: { captures: [{ ...summary(0), packets: { frames: -1 } } as never] } })).toThrow(/packets/);
  });
});
