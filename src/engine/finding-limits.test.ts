// Issue 9 item 8 (part): a 300 MiB one-line uname was echoed whole. A finding's evidence lines and
// the values its message is built from are cut at LIMITS.evidenceLine, saying how much was left
// out; a value that long is never put into a printed command (refused, with a note).
import { describe, expect, it } from 'vitest';
import { makeFacts } from '../evidence/load-facts.js';
import { runRules } from './run-rules.js';
import { defineRule } from './types.js';
import { LIMITS } from '../util/limits.js';

const huge = `Linux node ${'x'.repeat(8 << 20)} #1 SMP x86_64 GNU/Linux`;

const rule = defineRule({
  meta: {
    id: 'test-long',
    title: { en: 'long', zh: '长' },
    kind: 'node',
    severity: 'error',
    needs: ['kernel'],
    messages: { m: { en: 'kernel {release}', zh: '内核 {release}' } },
    explanation: { en: 'x', zh: 'x' },
    remediation: [{ description: { en: 'x', zh: 'x' }, commands: ['uname -r  # expect {release}', 'dnf versionlock add kernel-{release}'], undo: ['# nothing'] }],
    references: ['x'],
  },
  check(ctx) {
    ctx.report({ messageId: 'm', data: { release: ctx.facts.kernel?.release ?? '' }, evidence: [{ source: 'uname -a', text: ctx.facts.kernel?.uname ?? '' }] });
  },
});

describe('a finding is as long as a report can show', () => {
  it('clips evidence and message values, refuses the value in commands', () => {
    const facts = makeFacts({ kernel: { release: 'x'.repeat(8 << 20), uname: huge, hostname: 'node', source: 'uname -a' } } as never);
    const [f] = runRules([rule], { node: facts }).findings;
    const max = LIMITS.evidenceLine.value;
    expect(f!.evidence[0]!.text.length).toBeLessThan(max + 40);
    expect(f!.evidence[0]!.text).toMatch(new RegExp(`… \\(${huge.length - max} more characters\\)$`));
    expect(f!.message.length).toBeLessThan(max + 60);
    const [comment, versionlock] = f!.remediation[0]!.commands;
    expect(comment!.length).toBeLessThan(400);
    expect(versionlock).toMatch(/^# command not shown: .*longer than any real value/);
    expect(versionlock!.length).toBeLessThan(400);
  });
});
