// Tests people run by hand between two nodes, as probe evidence: `nc -u HOST PORT < 1473.log`
// (a datagram of the file's size) with the sentence that says what arrived, `ping -s SIZE` with
// its own statistics, and `iperf3 -u -b RATE` with what happened to the path. Only what the text
// states is taken: a size or a rate with an outcome written next to it (in English or Chinese).
import type { ProbeEvidence } from '../../evidence/probe-evidence.js';
import type { TLine } from './types.js';
import { maxOf, minOf } from '../../util/arrays.js';

/** How far from the command the sentence stating the outcome may be. */
const NEAR = 6;

// The Chinese words as \u escapes (收不到 不通 丢 失败 不可达; 最大 上限 最多; 在 … 上; 超过): regular
// expressions keep non-ASCII characters in the bundle, which makes V8 hold and scan all of it as
// two-byte text (test/cli/bundle-startup.test.ts).
const FAILED = /\u6536\u4e0d\u5230|\u4e0d\u901a|\u4e22|\u5931\u8d25|\u4e0d\u53ef\u8fbe|lost|never arriv|not (?:be )?received|no (?:reply|response)|didn'?t arrive|does not arrive|timed? ?out|unreachable|blocked|cut off|stops?\b|stopped|no longer/i;
const MAXIMUM = /\u6700\u5927|\u4e0a\u9650|\u6700\u591a|max(?:imum)?|largest|limit/i;
const HOST = /^[A-Za-z0-9][\w.-]{0,252}$/;

/** Bits per second of an iperf `-b` value (`22100K`, `1.5M`, `100m`). */
export function iperfRate(value: string): number | undefined {
  const m = /^(\d{1,9}(?:\.\d{1,6})?)([KkMmGg])?$/.exec(value);
  if (!m) return undefined;
  const unit = (m[2] ?? '').toUpperCase();
  return Number(m[1]) * (unit === 'K' ? 1e3 : unit === 'M' ? 1e6 : unit === 'G' ? 1e9 : 1);
}

/** Who ran it: the prompt's host, or the sentence before it (`在 rancher3 上`, `on rancher3`). */
function runFrom(lines: TLine[], i: number, host: string | undefined): string {
  if (host) return host;
  for (let j = i; j >= Math.max(0, i - 3); j--) {
    const m = /\u5728\s{0,2}([A-Za-z0-9][\w.-]{0,62})\s{0,2}\u4e0a/.exec(lines[j]!.text) ?? /\bon ([a-z][\w.-]{0,62}[0-9])\b/i.exec(lines[j]!.text);
    if (m) return m[1]!;
  }
  return 'this node';
}

export interface ManualLine extends TLine {
  /** The prompt's host, when the line is a command after a prompt naming one. */
  host?: string;
}

export function manualTests(lines: ManualLine[], cite: (no: number) => string): ProbeEvidence[] {
  const out: ProbeEvidence[] = [];
  const near = (i: number): TLine[] => lines.slice(Math.max(0, i - NEAR), i + NEAR + 1).filter((_, k, arr) => arr[k] !== lines[i]);
  for (let i = 0; i < lines.length; i++) {
    const { text, no } = lines[i]!;
    const nc = /\bnc(?:at)? [^<\n]{0,300}?-u\b[^<\n]{0,300}? (\S{1,253}) (\d{1,5}) {0,2}< {0,2}(\S{1,200})/.exec(text);
    if (nc && HOST.test(nc[1]!)) {
      const size = /(?:^|\D)(\d{3,5})(?:\D|$)/.exec(nc[3]!.replace(/^.*\//, ''))?.[1];
      const n = size ? Number(size) : NaN;
      if (Number.isFinite(n) && n >= 100 && n <= 65507) {
        const around = near(i);
        const maxLine = around.find((l) => MAXIMUM.test(l.text) && new RegExp(`(?:^|\\D)${n - 1}(?:\\D|$)`).test(l.text));
        const failLine = around.find((l) => FAILED.test(l.text) && (new RegExp(`(?:^|\\D)${n}(?:\\D|$)`).test(l.text) || l === maxLine || /\u8d85\u8fc7|above|larger|bigger|more than/i.test(l.text)));
        if (maxLine || failLine) {
          const lines2 = [maxLine, failLine].filter((l): l is TLine => l !== undefined);
          out.push({
            peer: nc[1]!, label: 'underlay', sender: 'local', devices: { local: {}, peer: {} }, from: runFrom(lines, i, lines[i]!.host), to: nc[1]!, target: `${nc[1]}:${nc[2]}`,
            sweep: { ...(maxLine ? { largestPassing: n - 1 } : {}), smallestFailing: n, maxTried: n },
            // The sentence that states the outcome is cited in the source: schema 2 keeps no verdict text.
            source: `${cite(no)} (${lines2.map((l) => cite(l.no)).join(', ')})`,
            counters: [],
          });
        }
      }
    }
    const iperf = /\biperf3? /.test(text) && / -u\b/.test(text) ? { host: / -c (\S{1,253})/.exec(text)?.[1], rate: / -b (\S{1,16})/.exec(text)?.[1] } : undefined;
    if (iperf?.host && iperf.rate) {
      const host = iperf.host;
      const rateText = iperf.rate;
      const bps = iperfRate(rateText);
      const after = lines.slice(i + 1, i + 5);
      const fail = after.find((l) => FAILED.test(l.text));
      if (bps !== undefined && fail && HOST.test(host)) {
        out.push({
          peer: host, label: 'underlay', sender: 'local', devices: { local: {}, peer: {} }, from: runFrom(lines, i, lines[i]!.host), to: host, target: host,
          source: `${cite(no)} (${cite(fail.no)})`,
          ramp: { maxRateBps: bps, stoppedBy: 'stated', lossOnsetBps: bps, blackhole: true },
          counters: [],
        });
      }
    }
  }
  return pingSweeps(lines, cite, out);
}

/** `ping -s SIZE [-M do] HOST` followed by its `N packets transmitted, M received`: passing and failing sizes per host. */
function pingSweeps(lines: ManualLine[], cite: (no: number) => string, out: ProbeEvidence[]): ProbeEvidence[] {
  const byHost = new Map<string, { pass: number[]; fail: number[]; no: number; from: string }>();
  for (let i = 0; i < lines.length; i++) {
    const m = /\bping\s(?:[^\n]{0,200}?\s)?-s\s?(\d{1,5})\b[^\n]{0,200}?\s([A-Za-z0-9][\w.-]{0,252})\s*$/.exec(lines[i]!.text);
    if (!m) continue;
    const stats = lines.slice(i + 1, i + 40).find((l) => /(?<!\d)\d+ packets transmitted, (\d+) (?:packets )?received/.test(l.text));
    if (!stats) continue;
    const received = Number(/transmitted, (\d+)/.exec(stats.text)![1]);
    const e = byHost.get(m[2]!) ?? { pass: [], fail: [], no: lines[i]!.no, from: runFrom(lines, i, lines[i]!.host) };
    (received > 0 ? e.pass : e.fail).push(Number(m[1]));
    byHost.set(m[2]!, e);
  }
  for (const [host, e] of byHost) {
    if (e.fail.length === 0 || e.pass.length === 0) continue;
    const smallestFailing = minOf(e.fail);
    const passing = e.pass.filter((s) => s < smallestFailing);
    if (passing.length === 0) continue;
    // ping's -s is the ICMP payload: the same IP size as a UDP payload of the same length.
    out.push({ peer: host, label: 'underlay', sender: 'local', devices: { local: {}, peer: {} }, from: e.from, to: host, target: host, source: cite(e.no), sweep: { largestPassing: maxOf(passing), smallestFailing, maxTried: maxOf(e.fail) }, counters: [] });
  }
  return out;
}
