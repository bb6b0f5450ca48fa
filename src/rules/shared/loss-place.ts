// Where did the probes die? Judged from what a probe measured: what the sender sent, what came back,
// what the receiving responder counted, and both nodes' counter deltas on the devices the probes
// crossed. Pure: the place is a code with the numbers that prove it; the rules that use it say it
// in words (their messages, in both languages).
import type { EvidenceLine } from '../../evidence/node-facts.js';
import type { ProbeEvidence, ProbeNode } from '../../evidence/probe-evidence.js';
import type { MessageData } from '../../engine/types.js';

export type LossPlace =
  | 'delivered'
  /** sendto() failed on the sender: its own kernel refused the datagrams. */
  | 'sender-kernel'
  /** The receiver's NIC saw (about) nothing: lost between the nodes. */
  | 'underlay'
  | 'receiver-kernel-checksum'
  | 'receiver-rp-filter'
  | 'receiver-no-socket'
  | 'receiver-socket-buffer'
  /** Reached the receiver's NIC, not its VXLAN device. */
  | 'receiver-decap'
  /** Reached the receiver's NIC, dropped there with no counter to say why. */
  | 'receiver-kernel'
  /** The requests arrived; the answers reached the sender with a bad UDP checksum and died there. */
  | 'return-path-checksum'
  /** The requests arrived; the answers were dropped by the sender's reverse-path filter. */
  | 'return-path-rp-filter'
  /** The requests arrived; the answers reached the sender's NIC, not its VXLAN device. */
  | 'return-path-before-decap'
  /** The requests arrived; the answers never reached the sender's NIC. */
  | 'return-path-not-at-nic'
  /** The requests arrived; the answers were lost, nothing says where. */
  | 'return-path';

export interface LossPlacement {
  place: LossPlace;
  /** from, to, label, sent, lost, and the numbers of the place (see each place in placeLoss). */
  data: MessageData;
  /** The measured lines that prove the place (quoted numbers, not judgement). */
  evidence: EvidenceLine[];
}

/** True when every echo came back. */
export function isDelivered(p: ProbeEvidence): boolean {
  return p.echo !== undefined && p.echo.received >= p.echo.sent;
}

/** The place of a probe's echo loss; undefined when it has no UDP echo. */
export function placeLoss(p: ProbeEvidence): LossPlacement | undefined {
  const e = p.echo;
  if (!e) return undefined;
  const { from, to } = p;
  const lost = e.sent - e.received;
  const data: MessageData = { from, to, label: p.label, sent: e.sent, lost };
  const evidence: EvidenceLine[] = [];
  const line = (text: string) => evidence.push({ source: p.source, text });
  const done = (place: LossPlace, more: MessageData = {}): LossPlacement => ({ place, data: { ...data, ...more }, evidence });
  if (lost <= 0) return done('delivered');

  const sendErr = Object.entries(e.sendErrors).filter(([, n]) => n > 0);
  if (sendErr.length > 0) {
    for (const [code, n] of sendErr) line(`${from}: sendErrors ${code} ${n}`);
    return done('sender-kernel', { error: sendErr[0]![0] });
  }

  const sender: ProbeNode = p.sender;
  const receiver: ProbeNode = sender === 'local' ? 'peer' : 'local';
  const counter = (node: ProbeNode, name: string) => p.counters.find((c) => c.node === node && c.counter === name)?.delta;
  /** A device's rx packets; undefined when the device was not named (its counters were not read). */
  const rx = (node: ProbeNode, dev: string | undefined) => (dev === undefined ? undefined : counter(node, `dev.${dev}.rxPackets`) ?? 0);
  const missing = e.sent - (e.arrivedAtPeer ?? 0);
  // A counter that rose by at least half of what is missing accounts for the loss.
  const near = (n: number | undefined) => n !== undefined && n > 0 && n >= missing * 0.5;
  const rDev = p.devices[receiver];
  const sDev = p.devices[sender];
  const rUdp = (k: string) => counter(receiver, `Udp.${k}`);
  const rRpf = counter(receiver, 'Netstat.IPReversePathFilter');

  // The requests arrived when the responder counted them, or (its tally lost too) when the
  // receiver's UDP stack or VXLAN device took in about as many datagrams as were missing.
  // Udp InDatagrams also counts the outer VXLAN datagrams the tunnel took in, so it proves nothing
  // when the receiver's kernel says it dropped about as many (bad checksum, reverse-path filter).
  const droppedOnArrival = near(rUdp('InCsumErrors')) || near(rRpf);
  const arrivedByCounters = e.arrivedAtPeer === undefined && !droppedOnArrival && (near(rUdp('InDatagrams')) || near(rx(receiver, rDev.overlay)));
  if ((e.arrivedAtPeer !== undefined && e.arrivedAtPeer >= e.sent) || arrivedByCounters) {
    line(e.arrivedAtPeer !== undefined
      ? `${to}: arrivedAtPeer ${e.arrivedAtPeer}/${e.sent}`
      : `${to}: Udp InDatagrams +${rUdp('InDatagrams') ?? 0}${rDev.overlay !== undefined ? `, ${rDev.overlay} rx_packets +${rx(receiver, rDev.overlay) ?? 0}` : ''}`);
    const back = rx(sender, sDev.nic);
    const backOverlay = rx(sender, sDev.overlay);
    if (back !== undefined) line(`${from}: ${sDev.nic} rx_packets +${back}${sDev.overlay !== undefined ? `, ${sDev.overlay} rx_packets +${backOverlay ?? 0}` : ''}`);
    // On the way back the answers are what is missing: a counter accounts for them when it rose by
    // at least half of the answers lost (not of the requests, which all arrived).
    const nearLost = (n: number | undefined) => n !== undefined && n > 0 && n >= lost * 0.5;
    const sCsum = counter(sender, 'Udp.InCsumErrors');
    if (nearLost(sCsum)) {
      line(`${from}: /proc/net/snmp Udp InCsumErrors +${sCsum}, InErrors +${counter(sender, 'Udp.InErrors') ?? 0}`);
      return done('return-path-checksum', { csum: sCsum ?? 0, inErrors: counter(sender, 'Udp.InErrors') ?? 0 });
    }
    const sRpf = counter(sender, 'Netstat.IPReversePathFilter');
    if (nearLost(sRpf)) {
      line(`${from}: /proc/net/netstat IPReversePathFilter +${sRpf}`);
      return done('return-path-rp-filter', { rpf: sRpf ?? 0 });
    }
    if (back !== undefined && nearLost(back) && sDev.overlay !== undefined && !nearLost(backOverlay)) {
      return done('return-path-before-decap', { nic: sDev.nic ?? '', nicRx: back, overlayDev: sDev.overlay, overlayRx: backOverlay ?? 0 });
    }
    if (back !== undefined && !nearLost(back)) return done('return-path-not-at-nic', { nic: sDev.nic ?? '', nicRx: back });
    return done('return-path');
  }

  if (e.arrivedAtPeer !== undefined) line(`${to}: arrivedAtPeer ${e.arrivedAtPeer}/${e.sent}`);
  const csum = rUdp('InCsumErrors');
  if (near(csum)) {
    line(`${to}: /proc/net/snmp Udp InCsumErrors +${csum}, InErrors +${rUdp('InErrors') ?? 0}`);
    return done('receiver-kernel-checksum', { csum: csum ?? 0, inErrors: rUdp('InErrors') ?? 0 });
  }
  if (near(rRpf)) {
    line(`${to}: /proc/net/netstat IPReversePathFilter +${rRpf}`);
    return done('receiver-rp-filter', { rpf: rRpf ?? 0 });
  }
  const rcvbuf = rUdp('RcvbufErrors');
  if (near(rcvbuf)) {
    line(`${to}: /proc/net/snmp Udp RcvbufErrors +${rcvbuf}`);
    return done('receiver-socket-buffer', { rcvbuf: rcvbuf ?? 0 });
  }
  const noPorts = rUdp('NoPorts');
  if (near(noPorts)) {
    line(`${to}: /proc/net/snmp Udp NoPorts +${noPorts}`);
    return done('receiver-no-socket', { noPorts: noPorts ?? 0 });
  }
  const nicRx = rx(receiver, rDev.nic);
  if (nicRx !== undefined && rDev.nic !== undefined) {
    line(`${to}: ${rDev.nic} rx_packets +${nicRx}, rx_dropped +${counter(receiver, `dev.${rDev.nic}.rxDropped`) ?? 0}`);
    if (nicRx < missing * 0.5) return done('underlay', { nic: rDev.nic, nicRx });
    const overlayRx = rx(receiver, rDev.overlay);
    if (overlayRx !== undefined && rDev.overlay !== undefined) {
      line(`${to}: ${rDev.overlay} rx_packets +${overlayRx}`);
      if (overlayRx < missing * 0.5) return done('receiver-decap', { nic: rDev.nic, nicRx, overlayDev: rDev.overlay, overlayRx });
    }
  }
  return done('receiver-kernel');
}
