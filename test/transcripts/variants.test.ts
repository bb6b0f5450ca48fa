// Issue 11: the same outputs pasted from several shells and terminals (synthetic, built from the
// real tools' output formats: no real thread had CRLF or colour codes): bash `[root@node ~]#`,
// Debian `root@node:~#`, `$`, `#`, zsh `node% ` and its arrow theme, Windows line ends, ANSI colour
// codes, tabs, a line-number gutter. Each must give the same facts, cited by transcript line.
import { describe, expect, it } from 'vitest';
import { splitTranscript } from '../../src/sources/transcript/split.js';
import { transcriptEvidence } from '../../src/app/doctor-transcript.js';

const ETHTOOL = ['Features for flannel.1:', 'rx-checksumming: on', 'tx-checksumming: on', '\ttx-checksum-ipv4: off [fixed]', '\ttx-checksum-ip-generic: on', 'large-receive-offload: off [fixed]'];
const UNAME = ['Linux node1 4.18.0-305.el8.x86_64 #1 SMP Thu Apr 29 08:54:30 EDT 2021 x86_64 x86_64 x86_64 GNU/Linux'];

function paste(prompt: string, opts: { crlf?: boolean; ansi?: boolean; gutter?: boolean } = {}): string {
  const p = opts.ansi ? `\u001b[01;32m${prompt}\u001b[00m` : prompt;
  let lines = [`${p}uname -a`, ...UNAME, `${p}ethtool -k flannel.1`, ...ETHTOOL.map((l) => (opts.ansi && l.includes(': on') ? l.replace(': on', ': \u001b[1mon\u001b[0m') : l))];
  if (opts.gutter) lines = lines.map((l, i) => `${i + 1} ${l}`);
  return `${lines.join(opts.crlf ? '\r\n' : '\n')}${opts.crlf ? '\r\n' : '\n'}`;
}

const PROMPTS: Record<string, string> = {
  'bash [root@node ~]#': '[root@node1 ~]# ',
  'Debian root@node:~#': 'root@node1:~# ',
  'user@host ~ $ (Flatcar)': 'core@node1 ~ $ ',
  'bare $': '$ ',
  'bare #': '# ',
  'zsh node%': '[node1]% ',
  'zsh arrow theme': '➜  ~ ',
  'sh-4.4#': 'sh-4.4# ',
};

describe('a transcript is read the same whatever the shell and terminal', () => {
  for (const [label, prompt] of Object.entries(PROMPTS)) {
    for (const variant of [{}, { crlf: true }, { ansi: true }, { crlf: true, ansi: true }] as const) {
      const name = `${label}${'crlf' in variant ? ' CRLF' : ''}${'ansi' in variant ? ' ANSI' : ''}`;
      it(name, async () => {
        const text = paste(prompt, variant);
        const t = splitTranscript(text, 't.txt');
        const kinds = t.segments.filter((s) => s.kind !== 'unknown').map((s) => [s.kind, s.commandLine]);
        expect(kinds).toEqual([['uname', 1], ['ethtool-k', 3]]);
        const ev = await transcriptEvidence({ text, name: 't.txt', notes: [] });
        expect(ev.facts.kernel?.release).toBe('4.18.0-305.el8.x86_64');
        expect(ev.facts.kernel?.source).toBe('t.txt:2');
        const nic = ev.facts.nics?.find((n) => n.name === 'flannel.1');
        // Tabs and colour codes inside the output do not change a value.
        expect(nic?.features['tx-checksum-ip-generic']?.on).toBe(true);
        expect(nic?.features['large-receive-offload']).toEqual({ on: false, fixed: true });
      });
    }
  }

  it('a line-number gutter (a web page copied with its line numbers) is taken off', async () => {
    const ev = await transcriptEvidence({ text: paste('[root@node1 ~]# ', { gutter: true }), name: 't.txt', notes: [] });
    expect(ev.facts.kernel?.release).toBe('4.18.0-305.el8.x86_64');
    expect(ev.facts.nics?.find((n) => n.name === 'flannel.1')?.features['tx-checksum-ip-generic']?.on).toBe(true);
  });

  it('outputs pasted without prompts are recognised by their shape', async () => {
    const text = `${[...UNAME, '', ...ETHTOOL].join('\n')}\n`;
    const ev = await transcriptEvidence({ text, name: 't.txt', notes: [] });
    expect(ev.facts.kernel?.release).toBe('4.18.0-305.el8.x86_64');
    expect(ev.facts.nics?.find((n) => n.name === 'flannel.1')?.features['tx-checksum-ip-generic']?.on).toBe(true);
  });
});
