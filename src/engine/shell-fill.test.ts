import { describe, expect, it } from 'vitest';
import { fillCommand, fragment, placeholderContexts, refusalNote } from './shell-fill.js';

const text = (template: string, data: Record<string, string | number>) => {
  const r = fillCommand(template, data);
  if (!r.ok) throw new Error(`refused: ${JSON.stringify(r.refusal)}`);
  return r.text;
};

describe('placeholder contexts as sh reads the template', () => {
  it('tells words, parts of words, quotes, $(...) and comments apart', () => {
    const t = `nmcli x "$(nmcli -g C device show {a})" y; echo 'K="{b}"' >> /etc/ifcfg-{c}  # on {d}`;
    expect(placeholderContexts(t).map((p) => `${p.name}:${p.context}`)).toEqual(['a:word', 'b:single-quoted', 'c:part', 'd:comment']);
    expect(placeholderContexts('echo "x {a} y"').map((p) => p.context)).toEqual(['double-quoted']);
    expect(placeholderContexts('ethtool -K "${NIC:?set NIC}" {x}').map((p) => p.name)).toEqual(['x']);
  });

  it('refuses a template it cannot read (a programming error, caught by the tests)', () => {
    expect(() => placeholderContexts("echo 'open")).toThrow(/single quote/);
    expect(() => placeholderContexts('echo `id`')).toThrow(/backquotes/);
  });
});

describe('filling', () => {
  it('quotes a word so it stays one argument', () => {
    expect(text('ethtool -K {nic} lro off', { nic: 'eth0;touch /tmp/PWNED;#' })).toBe("ethtool -K 'eth0;touch /tmp/PWNED;#' lro off");
    expect(text('ethtool -K {nic} lro off', { nic: "a'b" })).toBe("ethtool -K 'a'\\''b' lro off");
    expect(text('ethtool -K {nic} lro off', { nic: 'flannel.1' })).toBe('ethtool -K flannel.1 lro off');
  });

  it('accepts only plain tokens inside quotes and parts of words', () => {
    expect(text("echo 'ETHTOOL_OPTS=\"-K {nic} lro off\"' >> ifcfg-{nic}", { nic: 'eth0.100' })).toBe("echo 'ETHTOOL_OPTS=\"-K eth0.100 lro off\"' >> ifcfg-eth0.100");
    for (const nic of ['eth0 x', 'a/../b', '$(id)', 'x"y', "x'y", 'e*', '']) {
      const r = fillCommand("sed -i '/^X=\"{nic}\"$/d' f", { nic });
      expect(r.ok, nic).toBe(false);
    }
    expect(fillCommand('cat /tmp/podpath-{dev}.txt', { dev: '../../etc/shadow' }).ok).toBe(false);
  });

  it('refuses control characters, options and missing values; escapes them in comments', () => {
    expect(fillCommand('ip link delete {d}', { d: 'eth0\u001b[8m' })).toMatchObject({ ok: false, refusal: { why: 'control' } });
    expect(fillCommand('ip link delete {d}', { d: '--all' })).toMatchObject({ ok: false, refusal: { why: 'option' } });
    expect(fillCommand('ip link delete {d}', {})).toMatchObject({ ok: false, refusal: { why: 'missing' } });
    expect(text('uname -r  # after the reboot: {k}', { k: 'a\nrm -rf /' })).toBe('uname -r  # after the reboot: a\\nrm -rf /');
  });

  it('puts in fragments and lists as words, each quoted', () => {
    const r = fillCommand('sysctl -w a=1 {args}', { args: [fragment('net/ipv4/conf/{i}/rp_filter={v}', { i: 'flannel.1', v: 2 })] });
    expect(r).toEqual({ ok: true, text: 'sysctl -w a=1 net/ipv4/conf/flannel.1/rp_filter=2' });
    const cmd = fragment('bridge fdb del {mac} dev {dev}', { mac: '0e:00', dev: 'x y' });
    expect(fillCommand('{c}', { c: cmd })).toEqual({ ok: true, text: "bridge fdb del 0e:00 dev 'x y'" });
  });

  it('says why in a one-line comment, the value escaped and clipped', () => {
    const r = fillCommand('ip link delete {d}', { d: `eth0\u001b[8m${'x'.repeat(500)}` });
    if (r.ok) throw new Error('not refused');
    for (const lang of ['en', 'zh'] as const) {
      const note = refusalNote(r.refusal, lang);
      expect(note.startsWith('# ')).toBe(true);
      expect(note).toContain('eth0\\x1b[8m');
      expect(note.length).toBeLessThan(300);
    }
  });
});
