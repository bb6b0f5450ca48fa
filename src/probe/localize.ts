// Where did the packet die? Combines what the sender sent, what the receiver's responder counted,
// and both kernels' counter deltas into one placed verdict with the lines that prove it.
import type { CounterDelta } from './counters.js';
import { pushAll } from '../util/arrays.js';

export type LossPlace =
  | 'delivered'
  | 'sender-kernel'
  | 'underlay'
  | 'receiver-kernel-checksum'
  | 'receiver-rp-filter'
  | 'receiver-no-socket'
  | 'receiver-socket-buffer'
  | 'receiver-decap'
  | 'receiver-kernel'
  | 'return-path';

export interface LossVerdict {
  place: LossPlace;
  sent: number;
  lost: number;
  summary: string;
  evidence: string[];
}

export interface LocalizeInput {
  from: string;
  to: string;
  sent: number;
  echoed: number;
  /** What the receiving responder counted (undefined when its tally could not be read). */
  arrived?: number;
  sendErrors?: Record<string, number>;
  sender?: CounterDelta;
  receiver?: CounterDelta;
  /** The receiver's underlay NIC and its VXLAN device, to read their rx counters. */
  receiverNic?: string;
  receiverOverlayDev?: string;
  /** The sender's own NIC and VXLAN device: where the answers died when they did. */
  senderNic?: string;
  senderOverlayDev?: string;
}

export function localizeLoss(i: LocalizeInput): LossVerdict {
  const lost = i.sent - i.echoed;
  const base = { sent: i.sent, lost };
  if (lost <= 0) return { ...base, place: 'delivered', summary: `all ${i.sent} probes from ${i.from} to ${i.to} came back`, evidence: [] };
  const evidence: string[] = [];
  const sendErr = Object.entries(i.sendErrors ?? {}).filter(([, n]) => n > 0);
  if (sendErr.length) {
    pushAll(evidence, sendErr.map(([code, n]) => `${i.from}: sendto() failed ${n}x with ${code}`));
    return { ...base, place: 'sender-kernel', summary: `refused by ${i.from}'s own kernel before leaving (${sendErr[0]![0]})`, evidence };
  }
  const missing = i.sent - (i.arrived ?? 0);
  const near = (n: number | undefined) => n !== undefined && n > 0 && n >= missing * 0.5;
  const rx = (delta: CounterDelta | undefined, dev: string | undefined) => (dev ? delta?.interfaces[dev]?.rxPackets : undefined);
  // The requests arrived when the responder counted them, or (its tally lost too) when the
  // receiver's UDP stack or VXLAN device took in about as many datagrams as were missing.
  // Udp InDatagrams also counts the outer VXLAN datagrams the tunnel took in, so it proves nothing
  // when the receiver's kernel says it dropped about as many (bad checksum, reverse-path filter).
  const droppedOnArrival = near(i.receiver?.udp.InCsumErrors) || near(i.receiver?.netstat.IPReversePathFilter);
  const arrivedByCounters = i.arrived === undefined && !droppedOnArrival && (near(i.receiver?.udp.InDatagrams) || near(rx(i.receiver, i.receiverOverlayDev)));
  if ((i.arrived !== undefined && i.arrived >= i.sent) || arrivedByCounters) {
    evidence.push(i.arrived !== undefined
      ? `${i.to}: the responder counted ${i.arrived} of ${i.sent} probes`
      : `${i.to}: Udp InDatagrams +${i.receiver?.udp.InDatagrams ?? 0}${i.receiverOverlayDev ? `, ${i.receiverOverlayDev} rx_packets +${rx(i.receiver, i.receiverOverlayDev) ?? 0}` : ''}`);
    const back = rx(i.sender, i.senderNic);
    if (back !== undefined) evidence.push(`${i.from}: ${i.senderNic} rx_packets +${back}${i.senderOverlayDev ? `, ${i.senderOverlayDev} rx_packets +${rx(i.sender, i.senderOverlayDev) ?? 0}` : ''}`);
    const rpf = i.sender?.netstat.IPReversePathFilter;
    if (near(rpf)) {
      evidence.push(`${i.from}: /proc/net/netstat IPReversePathFilter +${rpf}`);
      return { ...base, place: 'return-path', summary: `reached ${i.to}; the answers reached ${i.from} and were dropped by ${i.from}'s reverse-path filter (rp_filter)`, evidence };
    }
    const where = back !== undefined && near(back) && i.senderOverlayDev && !near(rx(i.sender, i.senderOverlayDev))
      ? `the answers reached ${i.from}'s NIC and died there before decapsulation (a firewall on the VXLAN port?)`
      : back !== undefined && !near(back) ? `the answers never reached ${i.from}'s NIC` : `the echoes were lost on the way back to ${i.from}`;
    return { ...base, place: 'return-path', summary: `reached ${i.to}; ${where}`, evidence };
  }
  if (i.arrived !== undefined) evidence.push(`${i.to}: the responder counted ${i.arrived} of ${i.sent} probes`);
  const udp = i.receiver?.udp ?? {};
  const ns = i.receiver?.netstat ?? {};
  const nic = i.receiverNic ? i.receiver?.interfaces[i.receiverNic] : undefined;
  const overlay = i.receiverOverlayDev ? i.receiver?.interfaces[i.receiverOverlayDev] : undefined;
  if (near(udp.InCsumErrors)) {
    evidence.push(`${i.to}: /proc/net/snmp Udp InCsumErrors +${udp.InCsumErrors}, InErrors +${udp.InErrors ?? 0}`);
    return { ...base, place: 'receiver-kernel-checksum', summary: `reached ${i.to}'s NIC, dropped by ${i.to}'s kernel: InCsumErrors +${udp.InCsumErrors} = bad UDP checksum`, evidence };
  }
  if (near(ns.IPReversePathFilter)) {
    evidence.push(`${i.to}: /proc/net/netstat IPReversePathFilter +${ns.IPReversePathFilter}`);
    return { ...base, place: 'receiver-rp-filter', summary: `reached ${i.to}'s NIC, dropped by ${i.to}'s reverse-path filter (rp_filter)`, evidence };
  }
  if (near(udp.RcvbufErrors)) {
    evidence.push(`${i.to}: /proc/net/snmp Udp RcvbufErrors +${udp.RcvbufErrors}`);
    return { ...base, place: 'receiver-socket-buffer', summary: `reached ${i.to}'s socket, dropped because its receive buffer was full`, evidence };
  }
  if (near(udp.NoPorts)) {
    evidence.push(`${i.to}: /proc/net/snmp Udp NoPorts +${udp.NoPorts}`);
    return { ...base, place: 'receiver-no-socket', summary: `reached ${i.to}'s kernel, but nothing listens on the port (for VXLAN: no device on that UDP port)`, evidence };
  }
  if (nic) {
    evidence.push(`${i.to}: ${i.receiverNic} rx_packets +${nic.rxPackets}, rx_dropped +${nic.rxDropped}`);
    if (nic.rxPackets < missing * 0.5) {
      return { ...base, place: 'underlay', summary: `left ${i.from}'s socket; never reached ${i.to}'s NIC (underlay)`, evidence };
    }
    if (overlay) {
      evidence.push(`${i.to}: ${i.receiverOverlayDev} rx_packets +${overlay.rxPackets}`);
      if (overlay.rxPackets < missing * 0.5) {
        return { ...base, place: 'receiver-decap', summary: `reached ${i.to}'s NIC, but not ${i.receiverOverlayDev}: dropped before decapsulation (checksum, port, or a filter on the VXLAN port)`, evidence };
      }
    }
  }
  return { ...base, place: 'receiver-kernel', summary: `reached ${i.to}'s NIC, dropped inside ${i.to}'s kernel with no counter to say why (a packet filter?)`, evidence };
}
