// tcpdump's text output (plain, -v, -vv, -vvv, with or without -e and -n) as decoded packets, so a
// pasted capture is judged by the same analyzer as a pcap file. Each record gives what tcpdump
// printed: addresses and ports (service names mapped back to numbers where tcpdump's table has
// them), the IP header (id, flags, length, ttl), the checksum verdict the text states (`[bad udp
// cksum 0xffff -> 0x3af0!]`, `[udp sum ok]`, `[no cksum]`, `cksum 0x.. (correct)`, `(incorrect ->
// 0x..)`), TCP flags, sequence numbers and window, ICMP types, and a VXLAN/OTV packet's inner
// packet. A bad sum's cause is found as the pcap decoder finds it (text-causes.ts). Records may
// be numbered (`-#`) and carry the device and direction (`-i any`). Times are seconds of the day
// (tcpdump prints no date); records without a time keep their order.
import type { ChecksumVerdict, DecodedPacket, L4Info, PacketLayers, TcpInfo } from '../types.js';
import { TCP_ACK, TCP_FIN, TCP_PSH, TCP_RST, TCP_SYN } from '../types.js';
import { classifyTextSums } from './text-causes.js';

/** Names tcpdump prints for ports (from /etc/services) that pod and node traffic uses. */
const SERVICES: Record<string, number> = {
  http: 80, https: 443, domain: 53, ssh: 22, ntp: 123, bootps: 67, bootpc: 68, snmp: 161, ldap: 389, 'microsoft-ds': 445,
  mysql: 3306, postgresql: 5432, 'http-alt': 8080, webcache: 8080, 'us-cli': 8082, 'us-srv': 8083, 'nim-vdrshell': 6420,
  'sun-sr-https': 6443, websm: 9090, 'hp-pdl-datastr': 9100, sunrpc: 111, nfs: 2049, irdmi: 8000, vxlan: 4789, otv: 8472,
  'etcd-client': 2379, 'etcd-server': 2380, bgp: 179, smtp: 25, telnet: 23, ftp: 21, 'ftp-data': 20, pop3: 110, imap: 143,
  kerberos: 88, syslog: 514, 'radius': 1812, 'xmpp-client': 5222, amqp: 5672, 'redis': 6379, 'memcache': 11211, zabbix: 10050,
};

export interface TextCapture {
  packets: DecodedPacket[];
  /** The transcript line of each packet's record (index: frame number - 1). */
  lines: number[];
  /** The link type the `listening on` line names (1 Ethernet, 113 Linux cooked, 101 raw IP). */
  linkType: number;
}

interface Line {
  no: number;
  text: string;
}

const TIME = /^(\d\d):(\d\d):(\d\d)\.(\d{6}) /;
const MAC = /^[0-9a-f]{2}(?::[0-9a-f]{2}){5} > /;
const LINK_TYPES: Record<string, number> = { EN10MB: 1, LINUX_SLL: 113, LINUX_SLL2: 276, RAW: 101, NULL: 0 };

/**
 * `-#` numbers each record (tcpdump's `%5u  `: `    1  12:00:00.000000 IP ...`). The lines under a
 * record (the packet inside a VXLAN one, at column 0) carry no number: they are not records.
 */
const NUMBERED = /^\d{1,10} {2}(?=\d\d:\d\d:\d\d\.\d{6} |IP6? |ARP|[0-9a-f]{2}(?::[0-9a-f]{2}){5} |[\w.@:-]{1,16} +(?:In|Out|M|B|P) )/;
/** `-i any`: the device and the direction after the time (`eth0  Out IP ...`). */
const ANY_DEVICE = /^[\w.@:-]{1,16} +(?:In|Out|M|B|P) +(?=IP6? |ARP|[0-9a-f]{2}(?::[0-9a-f]{2}){5} )/;

/** Records: a numbered or timed line with the lines under it (an inner packet, a payload), joined. */
function records(lines: Line[]): { no: number; text: string; time?: number; numbered?: boolean }[] {
  const numbered = lines.some((l) => NUMBERED.test(l.text.trim()));
  const timed = lines.some((l) => TIME.test(l.text.trim().replace(NUMBERED, '')));
  const out: { no: number; text: string; time?: number; numbered?: boolean }[] = [];
  for (const l of lines) {
    let t = l.text.trim();
    if (t === '') continue;
    const n = numbered ? NUMBERED.exec(t) : null;
    if (n) t = t.slice(n[0].length);
    const m = TIME.exec(t);
    const starts = numbered ? n !== null : timed ? m !== null : MAC.test(t) || /^IP6? /.test(l.text);
    if (starts) {
      const time = m ? Number(m[1]) * 3600 + Number(m[2]) * 60 + Number(m[3]) + Number(m[4]) / 1e6 : undefined;
      const body = m ? t.slice(m[0].length) : t;
      out.push({ no: l.no, text: body.replace(ANY_DEVICE, ''), ...(time !== undefined ? { time } : {}), ...(n ? { numbered: true } : {}) });
    } else if (out.length > 0) {
      const last = out[out.length - 1]!;
      // A payload printed by -vv/-X (HTTP headers, hex) is not part of the packet's description.
      if (/^(?:IP6? |\(tos |[0-9a-f]{2}(?::[0-9a-f]{2}){5} > |[\w.:-]{1,300} > )/.test(t)) last.text += ` ${t}`;
    }
  }
  return out;
}

export function parseTcpdumpText(lines: Line[]): TextCapture {
  const linkName = lines.map((l) => /link-type (\w+)/.exec(l.text)?.[1]).find((x) => x !== undefined);
  const linkType = linkName !== undefined ? LINK_TYPES[linkName] ?? 1 : 1;
  const packets: DecodedPacket[] = [];
  const at: number[] = [];
  let day = 0;
  let last = -1;
  for (const r of records(lines)) {
    // A timed or numbered record that is not IP (ARP, STP) is a frame all the same: frame numbers
    // stay those of tcpdump -# and of the capture file.
    const layers = parseLayers(r.text) ?? (r.time !== undefined || r.numbered ? { vlanIds: [] } : undefined);
    if (!layers) continue;
    let t = r.time ?? (last < 0 ? 0 : last + 1e-6);
    // tcpdump prints no date: a time that runs back by hours is the next day.
    if (r.time !== undefined && last >= 0 && t + day < last - 12 * 3600) day += 86400;
    t += r.time !== undefined ? day : 0;
    last = t;
    const size = (layers.ip?.totalLength ?? 0) + (linkType === 1 ? 14 : linkType === 113 ? 16 : 0);
    packets.push({
      ...layers,
      frameNumber: packets.length + 1,
      tsSec: Math.floor(t),
      tsNsec: Math.round((t - Math.floor(t)) * 1e9),
      linkType,
      capLen: size,
      origLen: size,
      truncated: false,
    });
    at.push(r.no);
  }
  return { packets, lines: at, linkType };
}

/**
 * The IP header tcpdump -v prints in parentheses, `(tos 0x0, ttl 64, ..., proto UDP (17), length 78) `,
 * which holds up to three parenthesised parts of its own: its body and its whole length, or
 * undefined. A scan, not a regex: a nested lazy pattern took 8 s to prove linear.
 */
export function ipHeaderOf(s: string): { body: string; length: number } | undefined {
  if (!s.startsWith('(tos ')) return undefined;
  let nested = 0;
  const end = Math.min(s.length, 1000);
  for (let i = 1; i < end; i++) {
    const c = s[i];
    if (c === '(') {
      if (++nested > 3) return undefined;
      const close = s.indexOf(')', i + 1);
      if (close < 0 || close - i - 1 > 40 || s.slice(i + 1, close).includes('(')) return undefined;
      i = close;
    } else if (c === ')') {
      return s[i + 1] === ' ' ? { body: s.slice(1, i), length: i + 2 } : undefined;
    }
  }
  return undefined;
}

/** One packet's description: [ethernet] [IP|IP6] [(header)] SRC > DST: payload [inner packet]. */
export function parseLayers(text: string): PacketLayers | undefined {
  let s = text.trim();
  const vlanIds: number[] = [];
  let etherType: number | undefined;
  const eth = /^[0-9a-f]{2}(?::[0-9a-f]{2}){5} > [0-9a-f]{2}(?::[0-9a-f]{2}){5}, (?:ethertype (IPv4|IPv6|ARP|802\.1Q) \(0x([0-9a-f]{4})\)|[^:]{0,200}?), length \d{1,6}: /.exec(s);
  if (eth) {
    if (eth[1] === 'ARP') return undefined;
    etherType = eth[2] ? parseInt(eth[2], 16) : undefined;
    s = s.slice(eth[0].length);
  }
  const v = /^(IP6?) /.exec(s);
  let version: 4 | 6 = etherType === 0x86dd ? 6 : 4;
  if (v) {
    version = v[1] === 'IP6' ? 6 : 4;
    s = s.slice(v[0].length);
  } else if (!eth) return undefined;
  if (/^ARP\b/.test(s)) return undefined;
  const header: { ttl?: number; id?: number; offset?: number; flags?: string; proto?: number; length?: number; bad?: ChecksumVerdict } = {};
  const h = ipHeaderOf(s);
  if (h) {
    const body = h.body;
    const num = (re: RegExp): number | undefined => {
      const m = re.exec(body);
      return m ? Number(m[1]) : undefined;
    };
    header.ttl = num(/\bttl (\d+)/);
    header.id = num(/\bid (\d+)/);
    header.offset = num(/\boffset (\d+)/);
    header.flags = /\bflags \[([^\]]{0,20})\]/.exec(body)?.[1];
    header.proto = num(/\bproto \w{1,16} \((\d+)\)/) ?? num(/\bnext-header \w{1,16} \((\d+)\)/);
    header.length = num(/\blength (\d+)/) ?? num(/\bpayload length: (\d+)/);
    const bad = /\bbad cksum ([0-9a-f]{1,4}) \(->([0-9a-f]{1,4})\)!/.exec(body);
    if (bad) header.bad = { status: 'bad', got: parseInt(bad[1]!, 16), expected: parseInt(bad[2]!, 16), cause: 'unknown' };
    s = s.slice(h.length);
  }
  const addr = /^(\S{1,300}) > (\S{1,300}): ?/.exec(s);
  if (!addr) return undefined;
  const payload = s.slice(addr[0].length);
  const proto = header.proto ?? protoOf(payload);
  const ported = proto === 6 || proto === 17;
  const [src, srcPort] = ported ? splitPort(addr[1]!) : [addr[1]!, undefined];
  const [dst, dstPort] = ported ? splitPort(addr[2]!.replace(/:$/, '')) : [addr[2]!.replace(/:$/, ''), undefined];
  const totalLength = header.length ?? (payloadLength(payload) ?? 0) + (proto === 6 ? 40 : proto === 17 ? 28 : 28);
  const layers: PacketLayers = {
    vlanIds,
    etherType: etherType ?? (version === 6 ? 0x86dd : 0x0800),
    ip: {
      version, src, dst, proto: proto ?? 0, ttl: header.ttl ?? 0,
      ...(header.id !== undefined ? { id: header.id } : {}),
      totalLength, headerLength: version === 6 ? 40 : 20,
      ...(header.flags !== undefined ? { dontFragment: /DF/.test(header.flags) } : {}),
      ...((header.offset ?? 0) > 0 || /\+/.test(header.flags ?? '') ? { fragment: { offset: header.offset ?? 0, more: /\+/.test(header.flags ?? '') } } : {}),
      ...(header.bad ? { headerChecksum: header.bad } : {}),
    },
  };
  if (proto === 17) udpLayer(layers, payload, srcPort, dstPort, totalLength);
  else if (proto === 6) layers.l4 = tcpLayer(payload, srcPort, dstPort, totalLength);
  else if (proto === 1 || proto === 58) layers.l4 = icmpLayer(payload, proto === 58);
  // IP options lengthen the header by an amount -v does not print: the TCP length is not known.
  classifyTextSums(layers, /\boptions \(/.test(h?.body ?? ''));
  return layers;
}

function protoOf(payload: string): number | undefined {
  if (/^Flags \[/.test(payload) || /^(?:tcp|\[tcp)/.test(payload)) return 6;
  if (/^(?:UDP, |\[(?:bad udp cksum|udp sum ok|no cksum)|VXLAN|OTV)/.test(payload)) return 17;
  if (/^ICMP6?\b/.test(payload)) return /^ICMP6/.test(payload) ? 58 : 1;
  return undefined;
}

function payloadLength(payload: string): number | undefined {
  const m = /\blength (\d{1,6})/.exec(payload);
  return m ? Number(m[1]) : undefined;
}

/** `10.0.0.1.8472` -> [10.0.0.1, 8472]; `nodeC.local.http` -> [nodeC.local, 80]; an unknown service name gives no port. */
export function splitPort(a: string): [string, number | undefined] {
  const i = a.lastIndexOf('.');
  if (i <= 0) return [a, undefined];
  const host = a.slice(0, i);
  const p = a.slice(i + 1);
  if (/^\d{1,5}$/.test(p)) return [host, Number(p)];
  return [host, SERVICES[p]];
}

function udpLayer(layers: PacketLayers, payload: string, srcPort: number | undefined, dstPort: number | undefined, totalLength: number): void {
  let checksum: ChecksumVerdict | undefined;
  let rest = payload;
  const bad = /^\[bad udp cksum 0x([0-9a-f]{1,4}) -> 0x([0-9a-f]{1,4})!\] ?/.exec(rest);
  if (bad) {
    checksum = { status: 'bad', got: parseInt(bad[1]!, 16), expected: parseInt(bad[2]!, 16), cause: 'unknown' };
    rest = rest.slice(bad[0].length);
  } else if (/^\[udp sum ok\] ?/.test(rest)) {
    checksum = { status: 'ok', got: 0 };
    rest = rest.replace(/^\[udp sum ok\] ?/, '');
  } else if (/^\[no cksum\] ?/.test(rest)) {
    checksum = { status: 'none', got: 0 };
    rest = rest.replace(/^\[no cksum\] ?/, '');
  }
  const ipHeader = layers.ip?.headerLength ?? 20;
  layers.l4 = {
    kind: 'udp', ...(srcPort !== undefined ? { srcPort } : {}), ...(dstPort !== undefined ? { dstPort } : {}),
    ...(checksum ? { checksum } : {}),
    length: totalLength > ipHeader ? totalLength - ipHeader : (payloadLength(rest) ?? 0) + 8,
  };
  // VXLAN (4789) or OTV (8472, how tcpdump names flannel's port), and the packet inside when printed.
  const tunnel = /^(?:VXLAN|OTV), flags \[[^\]]{0,8}\] \(0x[0-9a-f]{1,2}\), (?:vni (\d{1,8})|overlay \d{1,8}, instance (\d{1,8}))\s?(.*)$/s.exec(rest);
  if (tunnel) {
    // The VXLAN header was printed: a tunnel packet, with its inner packet when tcpdump printed that too.
    layers.tunnel = { kind: 'vxlan', vni: Number(tunnel[1] ?? tunnel[2]), inner: parseLayers(tunnel[3] ?? '') ?? { vlanIds: [] } };
  }
}

const FLAG_BITS: Record<string, number> = { S: TCP_SYN, F: TCP_FIN, R: TCP_RST, P: TCP_PSH, '.': TCP_ACK };

function tcpLayer(payload: string, srcPort: number | undefined, dstPort: number | undefined, totalLength: number): L4Info {
  const flags = /^Flags \[([^\]]{0,10})\]/.exec(payload)?.[1] ?? '';
  let bits = 0;
  for (const c of flags) bits |= FLAG_BITS[c] ?? 0;
  const num = (re: RegExp): number | undefined => {
    const m = re.exec(payload);
    return m ? Number(m[1]) : undefined;
  };
  const length = num(/, length (\d+)/) ?? Math.max(0, totalLength - 40);
  const tcp: TcpInfo = { flags: bits, seq: num(/\bseq (\d+)/) ?? 0, ack: num(/\back (\d+)/) ?? 0, window: num(/\bwin (\d+)/) ?? 0, payloadLength: length };
  const ck = /\bcksum 0x([0-9a-f]{1,4}) \((correct|incorrect -> 0x([0-9a-f]{1,4}))\)/.exec(payload);
  const checksum: ChecksumVerdict | undefined = ck
    ? ck[2] === 'correct' ? { status: 'ok', got: parseInt(ck[1]!, 16) } : { status: 'bad', got: parseInt(ck[1]!, 16), expected: parseInt(ck[3]!, 16), cause: 'unknown' }
    : undefined;
  return { kind: 'tcp', ...(srcPort !== undefined ? { srcPort } : { srcPort: 0 }), ...(dstPort !== undefined ? { dstPort } : { dstPort: 0 }), ...(checksum ? { checksum } : {}), length, tcp };
}

/** ICMP as tcpdump words it: echo request/reply, unreachable (port, host, need to frag, admin prohibited), time exceeded. */
function icmpLayer(payload: string, v6: boolean): L4Info {
  const p = payload;
  let type = -1;
  let code = 0;
  if (/echo request/.test(p)) type = v6 ? 128 : 8;
  else if (/echo reply/.test(p)) type = v6 ? 129 : 0;
  else if (/time exceeded/.test(p)) type = v6 ? 3 : 11;
  else if (/unreachable/.test(p)) {
    type = v6 ? 1 : 3;
    code = /need to frag/.test(p) ? 4 : /port \S{1,64} unreachable| port unreachable/.test(p) ? 3 : /admin prohibited|host-prohibited|prohibited filter/.test(p) ? (/host/.test(p) ? 10 : 13) : /host \S{1,64} unreachable/.test(p) ? 1 : 0;
  } else if (/packet too big/.test(p)) type = 2;
  const length = payloadLength(p) ?? 0;
  return { kind: v6 ? 'icmpv6' : 'icmp', length, ...(type >= 0 ? { icmp: { type, code } } : {}) };
}
