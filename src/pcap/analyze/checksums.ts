// Checksum verdicts per layer, and the bad ones grouped by cause, sender and destination port:
// "one sender's datagrams arrive with bad checksums" (seed 000) is a per-sender statement.
import { CAUSE_LCO, CAUSE_OFFLOAD, CK_ABSENT, CK_BAD, CK_NONE, CK_OK, CK_UNVERIFIABLE, F_HAS_ID, F_L4_HEADER, L4_ICMP, L4_ICMPV6, L4_OTHER, L4_TCP, L4_UDP, type FlatPacket } from '../decode/flat.js';
import { ipv4String, ipv6String } from '../decode/addr.js';
import { AddressTable, OVERFLOW_TEXT } from './addresses.js';
import { AnswerTracker, PROTO_TCP, PROTO_UDP, type InnerFlow } from './answered.js';

/** Groups of bad sums kept (each holds a FrameSet); further ones go to one overflow group per layer and cause. */
const MAX_GROUPS = 10_000;
/** Bad outer sums of tunnel packets waiting to see whether their packet is answered. */
const MAX_AWAITING_ANSWER = 4096;
import { FrameSet, mergeFrames, type FrameSetJson } from './frame-set.js';
import { makeFinding, type Finding } from './findings.js';
import { ipField, layerLabel } from './layers.js';

export type Cause = 'wire' | 'offload' | 'lco' | 'unknown';
export const CAUSES: Cause[] = ['wire', 'offload', 'lco', 'unknown'];

export interface LayerCounts {
  layer: string;
  ok: number;
  bad: number;
  none: number;
  unverifiable: number;
  badByCause: Record<Cause, number>;
}

export interface BadGroup {
  layer: string;
  cause: Cause;
  src: string;
  dst: string;
  dstPort?: number;
  /**
   * The packets were answered (an ICMP error quoting them, a TCP ACK, a UDP reply): the receiver
   * took them, so the sum, wrong as captured, is an offload artefact (cause offload or lco).
   */
  answered?: true;
  count: number;
  /** One example: the value in the packet and the right one. */
  example: { frame: number; got: number; expected?: number };
  frames: FrameSetJson;
}

export interface ChecksumSummary {
  layers: LayerCounts[];
  badGroups: BadGroup[];
  /** Outer UDP sums of a tunnel packet equal to 0xffff and bad (seed 004's NAT + offload bug). */
  tunnelFfff: { count: number; frames: FrameSetJson; srcs: string[] };
}

interface GroupState extends Omit<BadGroup, 'frames'> {
  frames: FrameSet;
}

/** A bad sum, with what record() needs once it is known whether its packet was answered. */
interface BadSum {
  frame: number;
  li: number;
  got: number;
  expected: number;
  causeCode: number;
  src: number;
  dst: number;
  dstPort: number | undefined;
  /** an outer sum of a tunnel packet */
  tunnel: boolean;
  /** the cause if the packet turns out to be answered */
  answeredCause: number;
}

function emptyCounts(layer: string): LayerCounts {
  return { layer, ok: 0, bad: 0, none: 0, unverifiable: 0, badByCause: { wire: 0, offload: 0, lco: 0, unknown: 0 } };
}

const LAYER_ORDER = ['outer-ipv4', 'outer-udp', 'outer-tcp', 'outer-icmp', 'outer-icmpv6', 'inner-ipv4', 'inner-udp', 'inner-tcp', 'inner-icmp', 'inner-icmpv6'];

const CAUSE_OF: (Cause | undefined)[] = [undefined, 'wire', 'offload', 'lco', 'unknown'];

export class ChecksumAccumulator {
  // Indexed by layer (scope * 5 + protocol) and status / cause code: no string, no object per
  // packet on the hot path.
  private readonly seen = new Uint8Array(LAYER_ORDER.length);
  private readonly byStatus = new Float64Array(LAYER_ORDER.length * 5);
  private readonly byCause = new Float64Array(LAYER_ORDER.length * 5);
  /** Groups in order of first sight; found by (source, destination) and then (layer, cause, port). */
  private readonly groups: GroupState[] = [];
  private readonly groupIndex = new Map<number, Map<number, GroupState>>();
  /** Past MAX_GROUPS: one group per layer and cause. */
  private readonly overflowGroups = new Map<number, GroupState>();
  /**
   * Per layer and sender id: healthy sums (right, absent, artefacts) and really bad ones (wire,
   * unknown), side by side at [2 * id] and [2 * id + 1] (-1 healthy: sender not seen yet), grown
   * as ids come; with the senders in order of first sight.
   */
  private readonly senderTally: Float64Array[] = LAYER_ORDER.map(() => new Float64Array(0));
  private readonly senderOrder: number[][] = LAYER_ORDER.map(() => []);
  private readonly ffffFrames = new FrameSet();
  private readonly ffffSrcs = new Set<string>();
  /**
   * Bad outer UDP sums of tunnel packets (wire or unknown as decoded) wait here until their inner
   * packet is answered (then they are offload artefacts: the receiver took the packet, as it does
   * with a partial sum that NAT changed) or not (then they stay what they were).
   */
  private readonly answers = new AnswerTracker<BadSum>(MAX_AWAITING_ANSWER, (b, answered) => this.resolveBadSum(b, answered));
  private readonly innerFlow: InnerFlow = { src: 0, dst: 0, proto: 0, srcPort: 0, dstPort: 0 };

  constructor(private readonly addrs: AddressTable = new AddressTable()) {}

  /** One decoded packet; `srcIds` are its outer and inner source address ids. */
  add(f: FlatPacket, outerSrc: number, innerSrc: number): void {
    const inner = f.tunnelKind[0] !== 0 && f.ipVersion[1] !== 0;
    // Answers are looked for only while a bad sum waits for one: no cost on healthy captures.
    if (inner && this.answers.pending > 0) this.lookForAnswers(f, innerSrc);
    this.addLevel(f, 0, outerSrc, inner ? innerSrc : -1);
    if (inner) this.addLevel(f, 1, innerSrc, -1);
  }

  private addLevel(f: FlatPacket, l: number, src: number, innerSrc: number): void {
    const base = l === 0 ? 0 : 5;
    const ipStatus = f.ipCkStatus[l]!;
    if (ipStatus === CK_OK || ipStatus === CK_NONE || ipStatus === CK_UNVERIFIABLE) this.countHealthy(base, ipStatus, src);
    else if (ipStatus !== CK_ABSENT) this.record(this.badSum(f, l, base, f.ipCkGot[l]!, f.ipCkExpected[l]!, f.ipCkCause[l]!, src), false, false);
    const kind = f.l4Kind[l]!;
    const status = f.l4CkStatus[l]!;
    if (kind === 0 || kind === L4_OTHER || status === CK_ABSENT) return;
    // L4 kinds are numbered as PROTO_INDEX: udp 1, tcp 2, icmp 3, icmpv6 4.
    if (status !== CK_BAD) {
      this.countHealthy(base + kind, status, src);
      return;
    }
    const bad = this.badSum(f, l, base + kind, f.l4CkGot[l]!, f.l4CkExpected[l]!, f.l4CkCause[l]!, src);
    const cause = f.l4CkCause[l]!;
    if (l === 0 && kind === L4_UDP && innerSrc >= 0 && cause !== CAUSE_OFFLOAD && cause !== CAUSE_LCO && this.awaitAnswer(f, innerSrc, bad)) return;
    this.resolveBadSum(bad, false);
  }

  private badSum(f: FlatPacket, l: number, li: number, got: number, expected: number, causeCode: number, src: number): BadSum {
    const kind = f.l4Kind[l]!;
    const dstPort = li % 5 === 0 || (kind !== L4_UDP && kind !== L4_TCP) || (f.flags[l]! & F_L4_HEADER) === 0 ? undefined : f.dstPort[l]!;
    const tunnel = l === 0 && f.tunnelKind[0] !== 0;
    return { frame: f.frameNumber, li, got, expected, causeCode, src, dst: this.addrs.idAt(f, l, true), dstPort, tunnel, answeredCause: CAUSE_OFFLOAD };
  }

  /** The inner packet's flow (UDP or TCP with its header), or false when it has none to answer. */
  private innerFlowOf(f: FlatPacket, innerSrc: number): InnerFlow | undefined {
    const kind = f.l4Kind[1];
    if ((kind !== L4_UDP && kind !== L4_TCP) || (f.flags[1]! & F_L4_HEADER) === 0) return undefined;
    const k = this.innerFlow;
    k.src = innerSrc;
    k.dst = this.addrs.idAt(f, 1, true);
    // Past the address cap every new address shares one id: flows could not be told apart.
    if (this.addrs.text(k.src) === OVERFLOW_TEXT || this.addrs.text(k.dst) === OVERFLOW_TEXT) return undefined;
    k.proto = kind === L4_UDP ? PROTO_UDP : PROTO_TCP;
    k.srcPort = f.srcPort[1]!;
    k.dstPort = f.dstPort[1]!;
    return k;
  }

  private awaitAnswer(f: FlatPacket, innerSrc: number, bad: BadSum): boolean {
    const k = this.innerFlowOf(f, innerSrc);
    if (!k) return false;
    // NAT changed a sum the kernel left for offload: an LCO sum when the inner one is partial.
    bad.answeredCause = f.l4CkStatus[1] === CK_BAD && f.l4CkCause[1] === CAUSE_OFFLOAD ? CAUSE_LCO : CAUSE_OFFLOAD;
    const ipId = f.ipVersion[1] === 4 && (f.flags[1]! & F_HAS_ID) !== 0 ? f.ipId[1]! : -1;
    const tcp = k.proto === PROTO_TCP ? { seq: f.tcpSeq[1]!, flags: f.tcpFlags[1]!, payload: f.l4Length[1]! } : undefined;
    this.answers.add(k, f.frameNumber, ipId, bad, tcp);
    return true;
  }

  /** A tunnel packet while bad sums wait: its inner packet, or the packet its ICMP error quotes, may answer one. */
  private lookForAnswers(f: FlatPacket, innerSrc: number): void {
    const k = this.innerFlowOf(f, innerSrc);
    if (k) {
      this.answers.observe(k, f.frameNumber, f.tcpSeq[1]!, f.tcpAck[1]!, f.tcpFlags[1]!);
      return;
    }
    const kind = f.l4Kind[1];
    if ((kind === L4_ICMP || kind === L4_ICMPV6) && (f.flags[1]! & F_L4_HEADER) !== 0) this.quotedAnswer(f);
  }

  /** An ICMP/ICMPv6 error inside the tunnel: the packet it quotes (first 8 bytes of its L4 header) was received. */
  private quotedAnswer(f: FlatPacket): void {
    const type = f.icmpType[1]!;
    const v6 = f.l4Kind[1] === L4_ICMPV6;
    // Errors only: v4 unreachable (3), time exceeded (11), parameter problem (12); v6 types 1-4.
    if (v6 ? type < 1 || type > 4 : type !== 3 && type !== 11 && type !== 12) return;
    const at = f.l4At[1]!;
    const b = f.data;
    const end = f.frameEnd;
    const q = at + 8;
    if (at < 0 || q + 1 > end) return;
    const qv = b[q]! >> 4;
    let l4q: number;
    let proto: number;
    let ipId = -1;
    const k = this.innerFlow;
    if (qv === 4 && q + 20 <= end) {
      k.src = this.addrs.idOfText(ipv4String(b, q + 12));
      k.dst = this.addrs.idOfText(ipv4String(b, q + 16));
      proto = b[q + 9]!;
      ipId = (b[q + 4]! << 8) | b[q + 5]!;
      l4q = q + (b[q]! & 0x0f) * 4;
    } else if (qv === 6 && q + 40 <= end) {
      k.src = this.addrs.idOfText(ipv6String(b, q + 8));
      k.dst = this.addrs.idOfText(ipv6String(b, q + 24));
      proto = b[q + 6]!;
      l4q = q + 40;
    } else return;
    if ((proto !== PROTO_UDP && proto !== PROTO_TCP) || l4q + 4 > end) return;
    if (this.addrs.text(k.src) === OVERFLOW_TEXT || this.addrs.text(k.dst) === OVERFLOW_TEXT) return;
    k.proto = proto;
    k.srcPort = (b[l4q]! << 8) | b[l4q + 1]!;
    k.dstPort = (b[l4q + 2]! << 8) | b[l4q + 3]!;
    this.answers.observeQuote(k, ipId);
  }

  /** Records a bad sum: as it was decoded, or as an offload artefact when its packet was answered. */
  private resolveBadSum(bad: BadSum, answered: boolean): void {
    // Seed 004's 0xffff on a tunnel's outer UDP, unless the packet was answered (then it arrived).
    const ffff = !answered && bad.tunnel && bad.li === L4_UDP && bad.got === 0xffff;
    if (ffff) {
      this.ffffFrames.add(bad.frame);
      this.ffffSrcs.add(this.addrs.text(bad.src));
    }
    if (answered) bad.causeCode = bad.answeredCause;
    this.record(bad, ffff, answered);
  }

  /** Counts a verdict of layer `li` and gives the sender a tally if new; returns where its tally is. */
  private count(li: number, status: number, src: number): number {
    this.seen[li] = 1;
    this.byStatus[li * 5 + status]!++;
    let tally = this.senderTally[li]!;
    const o = src * 2;
    if (o >= tally.length) tally = this.growTally(li, o);
    if (tally[o]! < 0) {
      tally[o] = 0;
      this.senderOrder[li]!.push(src);
    }
    return o;
  }

  /** The common case, kept small to be inlined: a sum that is right, absent or unverifiable. */
  private countHealthy(li: number, status: number, src: number): void {
    const o = this.count(li, status, src); // first: it may replace the tally array
    this.senderTally[li]![o]!++;
  }

  private record(bad: BadSum, ffff: boolean, answered: boolean): void {
    const { li, causeCode, src, got, expected, dstPort, dst } = bad;
    const o = this.count(li, CK_BAD, src);
    const tally = this.senderTally[li]!;
    // A sender whose sums are right, absent (VXLAN's default) or mere offload artefacts is healthy.
    if (causeCode === CAUSE_OFFLOAD || causeCode === CAUSE_LCO) tally[o]!++;
    else tally[o + 1]!++;
    const cause: Cause = CAUSE_OF[causeCode] ?? 'unknown';
    const ci = CAUSES.indexOf(cause);
    this.byCause[li * 5 + ci]!++;
    if (ffff) return; // reported by its own finding, not twice
    const layer = LAYER_ORDER[li]!;
    // Numeric keys (ids below 2^19, so the pair is below 2^38): no string built per bad sum.
    const pair = src * 524288 + dst;
    const sub = (li * 4 + ci) * 65537 + (dstPort ?? -1) + 1 + (answered ? 2 ** 32 : 0);
    let inner = this.groupIndex.get(pair);
    let g = inner?.get(sub);
    if (!g) {
      const example = { frame: bad.frame, got, expected };
      if (this.groups.length < MAX_GROUPS) {
        g = { layer, cause, src: this.addrs.text(src), dst: this.addrs.text(dst), dstPort, ...(answered ? { answered: true as const } : {}), count: 0, example, frames: new FrameSet() };
        this.groups.push(g);
        if (!inner) this.groupIndex.set(pair, (inner = new Map()));
        inner.set(sub, g);
      } else {
        // Past the cap: one group per layer and cause for all further senders and receivers.
        const other = (li * 4 + ci) * 2 + (answered ? 1 : 0);
        g = this.overflowGroups.get(other);
        if (!g) {
          g = { layer, cause, src: OVERFLOW_TEXT, dst: OVERFLOW_TEXT, ...(answered ? { answered: true as const } : {}), count: 0, example, frames: new FrameSet() };
          this.overflowGroups.set(other, g);
          this.groups.push(g);
        }
      }
    }
    g.count++;
    g.frames.add(bad.frame);
  }

  private growTally(li: number, o: number): Float64Array {
    const old = this.senderTally[li]!;
    let n = Math.max(64, old.length * 2);
    while (n <= o + 1) n *= 2;
    const t = new Float64Array(n);
    t.set(old);
    for (let k = old.length; k < n; k += 2) t[k] = -1;
    this.senderTally[li] = t;
    return t;
  }

  /** Senders of `layer` packets and how many of theirs were ok / bad. */
  senders(layer: string): Map<string, { ok: number; bad: number }> {
    const out = new Map<string, { ok: number; bad: number }>();
    const li = LAYER_ORDER.indexOf(layer);
    if (li < 0) return out;
    const tally = this.senderTally[li]!;
    for (const id of this.senderOrder[li]!) out.set(this.addrs.text(id), { ok: tally[2 * id]!, bad: tally[2 * id + 1]! });
    return out;
  }

  finish(): ChecksumSummary {
    this.answers.finish(); // what still waits was not answered
    const layers: LayerCounts[] = [];
    for (let li = 0; li < LAYER_ORDER.length; li++) {
      if (!this.seen[li]) continue;
      const c = emptyCounts(LAYER_ORDER[li]!);
      c.ok = this.byStatus[li * 5 + CK_OK]!;
      c.bad = this.byStatus[li * 5 + CK_BAD]!;
      c.none = this.byStatus[li * 5 + CK_NONE]!;
      c.unverifiable = this.byStatus[li * 5 + CK_UNVERIFIABLE]!;
      CAUSES.forEach((cause, i) => (c.badByCause[cause] = this.byCause[li * 5 + i]!));
      layers.push(c);
    }
    // Frames of a group arrive out of order when some waited for an answer: put them in order.
    const badGroups = this.groups.map((g) => ({ ...g, frames: inOrder(g.frames.toJSON()) })).sort((a, b) => b.count - a.count);
    return { layers, badGroups, tunnelFfff: { count: this.ffffFrames.count, frames: this.ffffFrames.toJSON(), srcs: [...this.ffffSrcs] } };
  }
}

function inOrder(set: FrameSetJson): FrameSetJson {
  const r = set.ranges;
  for (let i = 1; i < r.length; i++) if (r[i]!.from <= r[i - 1]!.to + 1) return { ...mergeFrames([{ count: set.count, frames: set }]), count: set.count };
  return set;
}

const MEANING: Record<Cause, string> = {
  wire: 'the field is simply wrong as it travels',
  offload: 'the field holds only the pseudo-header sum: the NIC fills it in after the capture point (tx checksum offload)',
  lco: 'the outer VXLAN sum was computed as if the inner checksum were final (local checksum offload)',
  unknown: 'wrong, and neither an offload nor an LCO pattern explains it',
};

function counterFor(layer: string): string {
  if (layer.endsWith('-udp')) return 'Udp: InCsumErrors in /proc/net/snmp';
  if (layer.endsWith('-tcp')) return 'Tcp: InCsumErrors in /proc/net/snmp';
  if (layer.endsWith('-ipv4')) return 'Ip: InHdrErrors in /proc/net/snmp';
  return 'the protocol error counters in /proc/net/snmp';
}

function portPhrase(groups: BadGroup[]): string {
  const ports = [...new Set(groups.map((g) => g.dstPort).filter((p): p is number => p !== undefined))];
  if (ports.length === 0) return '';
  return ports.length === 1 ? ` to port ${ports[0]}` : ` to ports ${ports.slice(0, 4).join(', ')}${ports.length > 4 ? ', ...' : ''}`;
}

function senderPhrase(groups: BadGroup[], senders: Map<string, { ok: number; bad: number }>): string {
  const bySrc = new Map<string, number>();
  for (const g of groups) bySrc.set(g.src, (bySrc.get(g.src) ?? 0) + g.count);
  const clean = [...senders]
    .filter(([src, s]) => s.bad === 0 && s.ok > 0 && !bySrc.has(src))
    .sort((x, y) => y[1].ok - x[1].ok)
    .map(([src]) => src);
  const list = [...bySrc].sort((a, b) => b[1] - a[1]);
  const cleanNote = clean.length ? ` (${clean.length} other sender${clean.length > 1 ? 's' : ''} fine: ${clean.slice(0, 3).join(', ')}${clean.length > 3 ? ', ...' : ''})` : '';
  if (list.length === 1) return `seen from sender ${list[0]![0]} only${cleanNote}`;
  return `from ${list.length} senders: ${list.slice(0, 4).map(([s, n]) => `${s} (${n})`).join(', ')}${list.length > 4 ? ', ...' : ''}${cleanNote}`;
}

function senderPhraseZh(groups: BadGroup[], senders: Map<string, { ok: number; bad: number }>): string {
  const bySrc = new Map<string, number>();
  for (const g of groups) bySrc.set(g.src, (bySrc.get(g.src) ?? 0) + g.count);
  const clean = [...senders].filter(([src, s]) => s.bad === 0 && s.ok > 0 && !bySrc.has(src)).map(([src]) => src);
  const list = [...bySrc].sort((a, b) => b[1] - a[1]);
  const cleanNote = clean.length ? `（另有 ${clean.length} 个发送方正常：${clean.slice(0, 3).join('、')}${clean.length > 3 ? '等' : ''}）` : '';
  if (list.length === 1) return `只来自发送方 ${list[0]![0]}${cleanNote}`;
  return `来自 ${list.length} 个发送方：${list.slice(0, 4).map(([s, n]) => `${s}（${n}）`).join('、')}${list.length > 4 ? '等' : ''}${cleanNote}`;
}

const LAYER_ZH: Record<string, string> = { outer: '外层', inner: '内层' };
function layerZh(layer: string): string {
  const [scope, proto] = layer.split('-', 2);
  return `${LAYER_ZH[scope ?? ''] ?? scope} ${proto === 'ipv4' ? 'IPv4 头' : (proto ?? '').toUpperCase()}`;
}

/** A field filter for when the frame list is too long to spell out (needs checksum checks on). */
function fieldFilter(layer: string, groups: BadGroup[]): string | undefined {
  const [scope, proto] = layer.split('-', 2);
  if (scope !== 'outer' || !proto) return undefined;
  const field = proto === 'ipv4' ? 'ip' : proto;
  const srcs = [...new Set(groups.map((g) => g.src))];
  const src = srcs.length === 1 ? ` && ${ipField(srcs[0]!)}.src == ${srcs[0]}` : '';
  return `${field}.checksum.status == "Bad"${src}`;
}

const ANSWERED_MEANING = 'a sum the sending kernel left for checksum offload (or computed for local checksum offload) that NAT changed afterwards without fixing it up, as when kube-proxy masquerades the outer VXLAN header of node-to-Service traffic (kb 1): the packets were answered, so the receiving kernel took them';
const ANSWERED_MEANING_ZH = '发送端内核留给校验和卸载（或按本地校验和卸载计算）的校验和，之后被 NAT 改动而未修正，例如 kube-proxy 对节点访问 Service 流量的 VXLAN 外层头做 MASQUERADE（知识库第 1 条）：这些报文得到了应答，说明接收端内核已收下';

/** Bad-looking outer sums whose packets were answered: delivered, so artefacts, whatever their value. */
function answeredFinding(groups: BadGroup[], acc: ChecksumAccumulator, file?: string): Finding {
  const n = groups.reduce((k, g) => k + g.count, 0);
  const layer = groups[0]!.layer;
  const ex = groups[0]!.example;
  const exValue = `0x${ex.got.toString(16).padStart(4, '0')}${ex.expected !== undefined ? ` -> 0x${ex.expected.toString(16).padStart(4, '0')}` : ''}`;
  const ports = [...new Set(groups.map((g) => g.dstPort).filter((p): p is number => p !== undefined))];
  return makeFinding({
    id: 'checksum-answered',
    severity: 'info',
    file,
    message: `${n} ${layerLabel(layer)} checksum${n > 1 ? 's' : ''}${portPhrase(groups)} look${n > 1 ? '' : 's'} wrong, yet the packet${n > 1 ? 's were' : ' was'} answered (an ICMP error quoting it, a TCP ACK or a UDP reply): offload artefact${n > 1 ? 's' : ''}, not wire errors; ${senderPhrase(groups, acc.senders(layer))}; e.g. frame ${ex.frame}: ${exValue}`,
    detail: `${ANSWERED_MEANING[0]!.toUpperCase()}${ANSWERED_MEANING.slice(1)}. A kernel drops a datagram with a wrong UDP sum before anything can answer it; these arrived (behind a veth, or on a NIC that trusts the partial sum).`,
    frames: mergeFrames(groups),
    zh: {
      message: `${n} 个${ports.length ? `发往端口 ${ports.slice(0, 4).join('、')} 的` : ''}${layerZh(layer)}校验和看起来是错的，但报文得到了应答（引用它的 ICMP 差错、TCP ACK 或 UDP 回复）：是卸载造成的假象，不是线路错误；${senderPhraseZh(groups, acc.senders(layer))}；例如第 ${ex.frame} 帧：${exValue}`,
      detail: `${ANSWERED_MEANING_ZH}。内核会在任何应答之前丢弃 UDP 校验和错误的数据报；这些报文已经到达（经过 veth，或网卡信任部分校验和）。`,
    },
  });
}

export function checksumFindings(sum: ChecksumSummary, acc: ChecksumAccumulator, file?: string): Finding[] {
  const findings: Finding[] = [];
  const totalBad = sum.layers.reduce((n, l) => n + l.bad, 0);
  const artefacts = sum.layers.reduce((n, l) => n + l.badByCause.offload + l.badByCause.lco, 0);

  if (sum.tunnelFfff.count > 0) {
    findings.push(
      makeFinding({
        id: 'checksum-vxlan-ffff',
        severity: 'error',
        file,
        message: `${sum.tunnelFfff.count} outer VXLAN UDP checksums are 0xffff and wrong (from ${sum.tunnelFfff.srcs.slice(0, 3).join(', ')}): the kernel bug where a NATed VXLAN packet on a device with tx checksum offload gets a bad outer sum; the receiver drops it`,
        detail:
          'Known kernel bug (fixed in 5.6.13, 5.4.41, 4.19.123, 4.14.181): shows as ~63 s delays to Services across nodes. Workaround: `ethtool --offload vxlan.calico rx off tx off` on the sending node (Calico >= 3.20 does it); permanent: upgrade the kernel.',
        frames: sum.tunnelFfff.frames,
        fallbackFilter: 'udp.checksum == 0xffff && vxlan',
        zh: {
          message: `${sum.tunnelFfff.count} 个外层 VXLAN UDP 校验和为 0xffff 且错误（来自 ${sum.tunnelFfff.srcs.slice(0, 3).join('、')}）：VXLAN 报文经过 NAT 且设备开启发送校验和卸载时的内核缺陷，接收端会丢弃`,
          detail: '已知内核缺陷（5.6.13、5.4.41、4.19.123、4.14.181 修复），表现为跨节点访问 Service 延迟约 63 秒。临时规避：在发送节点执行 `ethtool --offload vxlan.calico rx off tx off`（Calico >= 3.20 会自动关闭）；根治：升级内核。',
        },
      }),
    );
  }

  const answered = sum.badGroups.filter((g) => g.answered);
  const nAnswered = answered.reduce((n, g) => n + g.count, 0);
  if (totalBad > 0 && artefacts === totalBad - sum.tunnelFfff.count && sum.tunnelFfff.count === 0) {
    const frames = mergeFrames(sum.badGroups);
    const some = nAnswered > 0 ? ` (${nAnswered} on packets that were answered, so the receiver took them)` : '';
    const someZh = nAnswered > 0 ? `（其中 ${nAnswered} 个所在的报文得到了应答，说明接收端已收下）` : '';
    findings.push(
      makeFinding({
        id: 'checksum-artefacts-only',
        severity: 'info',
        file,
        message: `all ${totalBad} bad checksums are offload artefacts${some}: this capture was taken on the sending host (or behind a veth), they prove nothing`,
        detail: `${MEANING.offload}; or ${MEANING.lco}${nAnswered > 0 ? `; or ${ANSWERED_MEANING}` : ''}. Only a capture on the receiving host (or its ${counterFor('outer-udp')}) can show real checksum errors.`,
        frames,
        zh: {
          message: `全部 ${totalBad} 个错误校验和都是卸载造成的假象${someZh}：此抓包在发送端（或 veth 之后）抓取，说明不了问题`,
          detail: `发送端开启校验和卸载时，抓包点看到的校验和字段只含伪首部和，由网卡稍后填写；VXLAN 外层校验和按本地校验和卸载（LCO）计算${nAnswered > 0 ? `；${ANSWERED_MEANING_ZH}` : ''}。只有接收端的抓包（或其 /proc/net/snmp 中的 Udp: InCsumErrors）才能证明真正的校验和错误。`,
        },
      }),
    );
    return findings;
  }

  if (answered.length > 0) findings.push(answeredFinding(answered, acc, file));

  for (const layerCounts of sum.layers) {
    for (const cause of CAUSES) {
      const groups = sum.badGroups.filter((g) => g.layer === layerCounts.layer && g.cause === cause && !g.answered);
      if (groups.length === 0) continue;
      const n = groups.reduce((k, g) => k + g.count, 0);
      const what = `${n} ${layerLabel(layerCounts.layer)} checksum${n > 1 ? 's' : ''}${portPhrase(groups)}`;
      const are = n > 1 ? 'are' : 'is';
      const who = senderPhrase(groups, acc.senders(layerCounts.layer));
      const whoZh = senderPhraseZh(groups, acc.senders(layerCounts.layer));
      const ports = [...new Set(groups.map((g) => g.dstPort).filter((p): p is number => p !== undefined))];
      const whatZh = `${n} 个${ports.length ? `发往端口 ${ports.slice(0, 4).join('、')} 的` : ''}${layerZh(layerCounts.layer)}校验和`;
      const ex = groups[0]!.example;
      const exValue = `0x${ex.got.toString(16).padStart(4, '0')}${ex.expected !== undefined ? ` -> 0x${ex.expected.toString(16).padStart(4, '0')}` : ''}`;
      const exText = `e.g. frame ${ex.frame}: ${exValue}`;
      const exZh = `例如第 ${ex.frame} 帧：${exValue}`;
      const frames = mergeFrames(groups);
      const fallbackFilter = fieldFilter(layerCounts.layer, groups);
      if (cause === 'wire') {
        findings.push(
          makeFinding({
            id: 'checksum-wire',
            severity: 'error',
            file,
            message: `${what} ${are} wrong on the wire: the receiver's kernel drops them (${counterFor(layerCounts.layer)}); ${who}; ${exText}`,
            detail:
              'Not an offload pattern: the sending host (its kernel build or NIC) or a device on the path wrote a wrong sum. Capture on the sender too (`podpath pcap diff`), compare its kernel build and offloads with a healthy node.',
            frames,
            fallbackFilter,
            zh: {
              message: `${whatZh}在线路上就是错的：接收端内核会丢弃它们（${counterFor(layerCounts.layer)}）；${whoZh}；${exZh}`,
              detail: '不是卸载造成的：发送主机（内核版本或网卡）或路径上的设备写入了错误的校验和。请在发送端也抓包（`podpath pcap diff`），并与正常节点对比内核版本和卸载设置。',
            },
          }),
        );
      } else if (cause === 'unknown') {
        findings.push(
          makeFinding({
            id: 'checksum-unknown',
            severity: 'warning',
            file,
            message: `${what} ${are} wrong, and no offload pattern explains it; ${who}; ${exText}`,
            detail: `If this capture was taken on the receiving host these packets are dropped (${counterFor(layerCounts.layer)}); if on the sender, capture on the receiver to tell.`,
            frames,
            fallbackFilter,
            zh: { message: `${whatZh}是错的，且不符合任何卸载模式；${whoZh}；${exZh}`, detail: `若此抓包在接收端抓取，这些报文会被丢弃（${counterFor(layerCounts.layer)}）；若在发送端抓取，请到接收端抓包确认。` },
          }),
        );
      } else {
        findings.push(
          makeFinding({
            id: cause === 'offload' ? 'checksum-offload' : 'checksum-lco',
            severity: 'info',
            file,
            message: `${what} ${are} ${cause === 'offload' ? 'tx offload' : 'local checksum offload (LCO)'} artefact${n > 1 ? 's' : ''}, ${who}: captured on the sending host, they prove nothing`,
            detail: `${MEANING[cause]}.`,
            frames,
            fallbackFilter,
            zh: { message: `${whatZh}是${cause === 'offload' ? '发送校验和卸载' : '本地校验和卸载（LCO）'}造成的假象，${whoZh}：在发送端抓取，说明不了问题` },
          }),
        );
      }
    }
  }
  return findings;
}
