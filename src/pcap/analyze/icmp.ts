// ICMP and ICMPv6 errors, read with the packet they quote: who refused or could not forward
// what. A "fragmentation needed" / "packet too big" names the path MTU; "administratively
// prohibited" a firewall's REJECT; "port unreachable" a closed port (or iptables' default
// REJECT); "host unreachable" a missing route or neighbour; "time exceeded" a loop.
import { ipv4String, ipv6String } from '../decode/addr.js';
import { F_L4_HEADER, L4_ICMP, L4_ICMPV6, type FlatPacket } from '../decode/flat.js';
import { FrameSet, mergeFrames, type FrameSetJson } from './frame-set.js';
import { makeFinding, type Finding } from './findings.js';

export type IcmpErrorKind = 'frag-needed' | 'admin-prohibited' | 'port-unreachable' | 'host-unreachable' | 'net-unreachable' | 'protocol-unreachable' | 'unreachable' | 'time-exceeded';

export interface IcmpErrorGroup {
  kind: IcmpErrorKind;
  /** 4: ICMP, 6: ICMPv6. */
  version: 4 | 6;
  type: number;
  code: number;
  /** Who sent the error (the ICMP packet's source). */
  reporter: string;
  /** The quoted packet: the one that was refused. */
  src: string;
  dst: string;
  proto: number;
  dstPort?: number;
  /** Next-hop MTU of a "fragmentation needed" / "packet too big". */
  mtu?: number;
  count: number;
  frames: FrameSetJson;
}

export interface IcmpSummary {
  /** Groups by kind, reporter, quoted addresses, protocol, port and MTU, most packets first. */
  errors: IcmpErrorGroup[];
  /** ICMP errors whose quoted packet was not captured whole enough to read (counted, not grouped). */
  unquoted: number;
  /** More groups than MAX_GROUPS: further ones only counted here. */
  otherGroups: number;
}

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

const PROTO_NAME: Record<number, string> = { 1: 'icmp', 6: 'tcp', 17: 'udp', 58: 'icmpv6' };

function what(g: IcmpErrorGroup): string {
  const proto = PROTO_NAME[g.proto] ?? `ip${g.proto}`;
  return `${g.src} -> ${g.dst} ${proto}${g.dstPort !== undefined ? `/${g.dstPort}` : ''}`;
}

function listed(groups: IcmpErrorGroup[], show: (g: IcmpErrorGroup) => string): string {
  return groups.slice(0, 3).map(show).join('; ') + (groups.length > 3 ? `; and ${groups.length - 3} more` : '');
}

interface KindText {
  id: string;
  severity: Finding['severity'];
  en: (n: number, list: string) => string;
  zh: (n: number, list: string) => string;
  detail: string;
  detailZh: string;
  fallbackFilter: string;
}

type FindingKind = 'frag-needed' | 'admin-prohibited' | 'port-unreachable' | 'host-unreachable' | 'time-exceeded';

const KINDS: Record<FindingKind, KindText> = {
  'frag-needed': {
    id: 'icmp-frag-needed',
    severity: 'error',
    en: (n, list) => `${n} ICMP "fragmentation needed" / "packet too big": a hop cannot forward packets this large: ${list}`,
    zh: (n, list) => `${n} 个 ICMP “需要分片”/“报文过大”：路径上某一跳转发不了这么大的报文：${list}`,
    detail: 'The path MTU is smaller than what the sender sends with DF set. If these ICMPs are filtered before they reach the sender, large packets vanish silently (a PMTU blackhole). Make the MTUs agree (overlay MTU = underlay MTU - 50 for VXLAN) or clamp the TCP MSS.',
    detailZh: '路径 MTU 小于发送端带 DF 发出的报文。若这些 ICMP 在到达发送端之前被过滤，大报文会悄无声息地消失（PMTU 黑洞）。请统一 MTU（VXLAN 的 overlay MTU = underlay MTU - 50）或钳制 TCP MSS。',
    fallbackFilter: '(icmp.type == 3 && icmp.code == 4) || icmpv6.type == 2',
  },
  'admin-prohibited': {
    id: 'icmp-admin-prohibited',
    severity: 'error',
    en: (n, list) => `${n} ICMP "administratively prohibited": a firewall rejects these packets: ${list}`,
    zh: (n, list) => `${n} 个 ICMP “管理性禁止”：防火墙拒绝了这些报文：${list}`,
    detail: 'A REJECT rule (iptables/nftables `reject with icmp-admin-prohibited`, a security group, a NetworkPolicy) on the reporting host refuses them: look at its FORWARD/INPUT rules (`podpath doctor` on that node).',
    detailZh: '上报主机上的 REJECT 规则（iptables/nftables 的 `reject with icmp-admin-prohibited`、安全组、NetworkPolicy）拒绝了它们：检查该主机的 FORWARD/INPUT 规则（在该节点上运行 `podpath doctor`）。',
    fallbackFilter: '(icmp.type == 3 && (icmp.code == 9 || icmp.code == 10 || icmp.code == 13)) || (icmpv6.type == 1 && (icmpv6.code == 1 || icmpv6.code == 5 || icmpv6.code == 6))',
  },
  'port-unreachable': {
    id: 'icmp-port-unreachable',
    severity: 'warning',
    en: (n, list) => `${n} ICMP "port unreachable": nothing listens on these ports (or a REJECT rule answers so): ${list}`,
    zh: (n, list) => `${n} 个 ICMP “端口不可达”：这些端口上没有程序监听（或有 REJECT 规则这样应答）：${list}`,
    detail: "The reporter is the destination host itself (or a firewall using iptables' default REJECT, which answers port-unreachable). Check that the service listens on that address and port.",
    detailZh: '上报者通常就是目标主机本身（或使用 iptables 默认 REJECT 的防火墙，它以端口不可达应答）。请确认服务在该地址和端口上监听。',
    fallbackFilter: '(icmp.type == 3 && icmp.code == 3) || (icmpv6.type == 1 && icmpv6.code == 4)',
  },
  'host-unreachable': {
    id: 'icmp-host-unreachable',
    severity: 'error',
    en: (n, list) => `${n} ICMP "host / network unreachable": a hop has no way to these destinations: ${list}`,
    zh: (n, list) => `${n} 个 ICMP “主机/网络不可达”：某一跳到不了这些目的地：${list}`,
    detail: 'The reporting hop has no route to the destination, or its neighbour (ARP/NDP) never answered: check routes and neighbours there (for an overlay: the peer-pod routes and the VXLAN FDB/neighbour entries of the node that reports it).',
    detailZh: '上报的那一跳没有到目的地的路由，或邻居（ARP/NDP）始终无应答：检查它的路由和邻居表（overlay 时：上报节点的对端 Pod 路由以及 VXLAN FDB/邻居条目）。',
    fallbackFilter: '(icmp.type == 3 && (icmp.code <= 1 || icmp.code == 2 || icmp.code >= 5)) || (icmpv6.type == 1 && (icmpv6.code == 0 || icmpv6.code == 2 || icmpv6.code == 3))',
  },
  'time-exceeded': {
    id: 'icmp-time-exceeded',
    severity: 'warning',
    en: (n, list) => `${n} ICMP "time exceeded": packets ran out of TTL on the way (a routing loop, unless a traceroute ran): ${list}`,
    zh: (n, list) => `${n} 个 ICMP “超时”：报文在途中 TTL 耗尽（除非有人在跑 traceroute，否则是路由环路）：${list}`,
    detail: 'Two hops that route the destination to each other loop packets until the TTL runs out: compare the routes of the reporting hops.',
    detailZh: '两跳互相把目的地路由给对方，报文循环直到 TTL 耗尽：请对比上报各跳的路由。',
    fallbackFilter: 'icmp.type == 11 || icmpv6.type == 3',
  },
};

/** Which finding a kind belongs to (the rarer unreachable codes go with host-unreachable). */
function findingKind(k: IcmpErrorKind): FindingKind {
  return k === 'net-unreachable' || k === 'protocol-unreachable' || k === 'unreachable' ? 'host-unreachable' : k;
}

export function icmpFindings(sum: IcmpSummary, file?: string): Finding[] {
  const byKind = new Map<FindingKind, IcmpErrorGroup[]>();
  for (const g of sum.errors) {
    const k = findingKind(g.kind);
    byKind.set(k, [...(byKind.get(k) ?? []), g]);
  }
  const out: Finding[] = [];
  for (const [k, groups] of byKind) {
    const t = KINDS[k];
    const n = groups.reduce((x, g) => x + g.count, 0);
    const show = (g: IcmpErrorGroup) => `${what(g)} from ${g.reporter}${g.mtu !== undefined ? ` (MTU ${g.mtu})` : ''} x${g.count}`;
    const showZh = (g: IcmpErrorGroup) => `${what(g)}，上报者 ${g.reporter}${g.mtu !== undefined ? `（MTU ${g.mtu}）` : ''} x${g.count}`;
    out.push(
      makeFinding({
        id: t.id,
        severity: t.severity,
        file,
        message: t.en(n, listed(groups, show)),
        detail: t.detail,
        zh: { message: t.zh(n, listed(groups, showZh)), detail: t.detailZh },
        frames: mergeFrames(groups),
        fallbackFilter: t.fallbackFilter,
      }),
    );
  }
  return out;
}
