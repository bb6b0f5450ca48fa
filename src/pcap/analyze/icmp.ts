// ICMP and ICMPv6 errors, read with the packet they quote: who refused or could not forward
// what. A "fragmentation needed" / "packet too big" names the path MTU; "administratively
// prohibited" a firewall's REJECT; "port unreachable" a closed port (or iptables' default
// REJECT); "host unreachable" a missing route or neighbour; "time exceeded" a loop (the capture
// rules say so; this only groups them).
import { ipv4String, ipv6String } from '../decode/addr.js';
import { F_L4_HEADER, L4_ICMP, L4_ICMPV6, type FlatPacket } from '../decode/flat.js';
import { FrameSet } from './frame-set.js';
import type { IcmpErrorGroup, IcmpErrorKind, IcmpSummary } from '../../evidence/capture-summary.js';

export type { IcmpErrorGroup, IcmpErrorKind, IcmpSummary };

const MAX_GROUPS = 1000;
const PROTO_TCP = 6;
const PROTO_UDP = 17;

function kind4(type: number, code: number): IcmpErrorKind | undefined {
  if (type === 11) return 'time-exceeded';
  if (type !== 3) return undefined;
  switch (code) {
    case 0:
      return 'net-unreachable';
    case 1:
      return 'host-unreachable';
    case 2:
      return 'protocol-unreachable';
    case 3:
      return 'port-unreachable';
    case 4:
      return 'frag-needed';
    case 9:
    case 10:
    case 13:
      return 'admin-prohibited';
    default:
      return 'unreachable';
  }
}

function kind6(type: number, code: number): IcmpErrorKind | undefined {
  if (type === 2) return 'frag-needed';
  if (type === 3) return 'time-exceeded';
  if (type !== 1) return undefined;
  switch (code) {
    case 0:
      return 'net-unreachable';
    case 1:
    case 5:
    case 6:
      return 'admin-prohibited';
    case 3:
      return 'host-unreachable';
    case 4:
      return 'port-unreachable';
    default:
      return 'unreachable';
  }
}

interface GroupState extends Omit<IcmpErrorGroup, 'frames'> {
  frames: FrameSet;
}

export class IcmpAccumulator {
  private readonly groups = new Map<string, GroupState>();
  private unquoted = 0;
  private otherGroups = 0;

  add(f: FlatPacket): void {
    this.level(f, 0);
    if (f.tunnelKind[0] !== 0) this.level(f, 1);
  }

  private level(f: FlatPacket, l: number): void {
    const k4 = f.l4Kind[l];
    if ((k4 !== L4_ICMP && k4 !== L4_ICMPV6) || (f.flags[l]! & F_L4_HEADER) === 0) return;
    const type = f.icmpType[l]!;
    // Echo and the other informational types (v4: 0, 8...; v6: >= 128) are not errors.
    const v6 = k4 === L4_ICMPV6;
    const kind = v6 ? kind6(type, f.icmpCode[l]!) : kind4(type, f.icmpCode[l]!);
    if (kind === undefined) return;
    const at = f.l4At[l]!;
    const b = f.data;
    const end = f.frameEnd;
    const reporter = f.srcAt[l]! < 0 ? f.texts[-1 - f.srcAt[l]!]! : f.ipVersion[l] === 4 ? ipv4String(b, f.srcAt[l]!) : ipv6String(b, f.srcAt[l]!);
    // The quoted packet starts after the 8-byte ICMP header (both versions).
    const q = at + 8;
    let src: string;
    let dst: string;
    let proto: number;
    let l4q: number;
    if (at < 0 || q + 1 > end) {
      this.unquoted++;
      return;
    }
    const qv = b[q]! >> 4;
    if (qv === 4 && q + 20 <= end) {
      src = ipv4String(b, q + 12);
      dst = ipv4String(b, q + 16);
      proto = b[q + 9]!;
      l4q = q + (b[q]! & 0x0f) * 4;
    } else if (qv === 6 && q + 40 <= end) {
      src = ipv6String(b, q + 8);
      dst = ipv6String(b, q + 24);
      proto = b[q + 6]!;
      l4q = q + 40;
    } else {
      this.unquoted++;
      return;
    }
    const dstPort = (proto === PROTO_TCP || proto === PROTO_UDP) && l4q + 4 <= end ? (b[l4q + 2]! << 8) | b[l4q + 3]! : undefined;
    let mtu: number | undefined;
    if (kind === 'frag-needed') {
      if (v6 && at + 8 <= end) mtu = ((b[at + 4]! << 24) | (b[at + 5]! << 16) | (b[at + 6]! << 8) | b[at + 7]!) >>> 0;
      else if (!v6 && at + 8 <= end) mtu = (b[at + 6]! << 8) | b[at + 7]!;
    }
    const key = `${kind}|${type}|${f.icmpCode[l]}|${reporter}|${src}|${dst}|${proto}|${dstPort ?? ''}|${mtu ?? ''}`;
    let g = this.groups.get(key);
    if (!g) {
      if (this.groups.size >= MAX_GROUPS) {
        this.otherGroups++;
        return;
      }
      g = { kind, version: v6 ? 6 : 4, type, code: f.icmpCode[l]!, reporter, src, dst, proto, dstPort, mtu, count: 0, frames: new FrameSet() };
      this.groups.set(key, g);
    }
    g.count++;
    g.frames.add(f.frameNumber);
  }

  finish(): IcmpSummary {
    const errors = [...this.groups.values()].map((g) => ({ ...g, frames: g.frames.toJSON() })).sort((a, b) => b.count - a.count);
    return { errors, unquoted: this.unquoted, otherGroups: this.otherGroups };
  }
}
