// What the handshake rules share: one handshake as an example (`inner A -> B: SYN x7, retries
// after 1, 2, 4 s, SYN-ACK x1, exponential back-off, 63 s in all`), its phrases in both languages,
// evidence lines and the frames of a group of handshakes.
import type { MessageData, Phrase } from '../../engine/types.js';
import type { EvidenceLine } from '../../evidence/node-facts.js';
import type { CaptureSummary, Handshake } from '../../evidence/capture-summary.js';
import { frameSetOf } from '../../evidence/frame-set.js';
import { capped, captureLocation } from './capture.js';
import type { FindingLocation } from '../../engine/types.js';

/** The example in a message: `{example}` of the templates is spelled out as this. */
export const EXAMPLE = {
  en: '{scope}{client} -> {server}: SYN x{syns}{retries}{synAcks}{backoff}{more}',
  zh: '{scope}{client} -> {server}：SYN {syns} 次{retries}{synAcks}{backoff}{more}',
};

/** A message template with the example put in where `{example}` stands. */
export function withExample(text: { en: string; zh: string }): { en: string; zh: string } {
  return { en: text.en.replace('{example}', EXAMPLE.en), zh: text.zh.replace('{example}', EXAMPLE.zh) };
}

export const HANDSHAKE_PHRASES = {
  inner: { en: 'inner ', zh: '内层 ' },
  retries: { en: ', retries after {seconds} s', zh: '，重传间隔 {seconds} 秒' },
  synAcks: { en: ', SYN-ACK x{count}', zh: '，SYN-ACK {count} 次' },
  backoff: { en: ', exponential back-off, {total} s in all', zh: '，指数退避，共 {total} 秒' },
  more: { en: ' (and {count} more)', zh: '（另有 {count} 个）' },
};

const secs = (xs: readonly number[]) => xs.map((x) => (x >= 10 ? x.toFixed(0) : x.toFixed(1).replace(/\.0$/, ''))).join(', ');

/** Data and phrases of the example: the first handshake of the list, and how many more there are. */
export function example(hs: readonly Handshake[]): { data: MessageData; phrases: Record<string, Phrase[]> } {
  const h = hs[0]!;
  const total = h.syns[h.syns.length - 1] ?? 0;
  return {
    data: { client: h.client, server: h.server, syns: h.syns.length },
    phrases: {
      scope: h.scope === 'inner' ? [{ id: 'inner' }] : [],
      retries: h.synIntervals.length > 0 ? [{ id: 'retries', data: { seconds: secs(h.synIntervals) } }] : [],
      synAcks: h.synAcks.length > 0 ? [{ id: 'synAcks', data: { count: h.synAcks.length } }] : [],
      backoff: h.backoff ? [{ id: 'backoff', data: { total: total.toFixed(0) } }] : [],
      more: hs.length > 1 ? [{ id: 'more', data: { count: hs.length - 1 } }] : [],
    },
  };
}

/** One line per handshake (at most five): who, the state, when the SYNs and SYN-ACKs came. */
export function handshakeLines(file: string, hs: readonly Handshake[]): EvidenceLine[] {
  return capped(
    hs,
    5,
    file,
    (h) =>
      `${h.scope} ${h.client} -> ${h.server} ${h.state}: SYN at ${h.syns.join(', ')} s${h.synAcks.length ? `; SYN-ACK at ${h.synAcks.join(', ')} s` : ''}${h.backoff ? '; back-off' : ''}${h.completedAfter !== undefined ? `; completed after ${h.completedAfter} s` : ''}${h.synsWithBadOuterChecksum ? `; ${h.synsWithBadOuterChecksum} SYNs with a bad outer checksum` : ''}`,
  );
}

/** The frames of all of them (SYNs, SYN-ACKs, RST, the completing ACK) and a filter showing them. */
export function handshakeLocation(file: string, hs: readonly Handshake[]): FindingLocation {
  return captureLocation(file, frameSetOf(hs.flatMap((h) => h.frames)));
}

/** The notable handshakes of a capture that match. */
export function handshakesOf(sum: CaptureSummary, pred: (h: Handshake) => boolean): Handshake[] {
  return sum.handshakes.notable.filter(pred);
}
