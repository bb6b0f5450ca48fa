// Kernel log patterns as data, like node-problem-detector's config/kernel-monitor.json: each with an
// id (what rules refer to), a regex over one log line, and the reason in words. `follow` collects the
// lines that explain a match (the caps= line and call trace of a WARNING) from the next few lines.

export interface KernelLogPattern {
  id: string;
  regex: RegExp;
  reason: string;
  follow?: { regex: RegExp; maxLines: number };
}

export const KERNEL_LOG_PATTERNS: readonly KernelLogPattern[] = [
  {
    id: 'skb-warn-bad-offload',
    // 3.10: `WARNING: at net/core/dev.c:2189 skb_warn_bad_offload+0x99/0xb0()`;
    // later: `WARNING: CPU: 1 PID: 0 at net/core/dev.c:2245 skb_warn_bad_offload+0xcd/0xda`.
    regex: /skb_warn_bad_offload/,
    reason: 'The kernel was handed a packet whose offload state (GSO/checksum) the output device cannot handle, e.g. LRO-merged packets being forwarded; the packet is dropped.',
    follow: {
      // `virtio_net: caps=(0x..., 0x...) len=... gso_type=... ip_summed=...` and the trace frames that name the path.
      regex: /caps=\(|gso_type=|ip_summed=|Call Trace|\b(?:__skb_gso_segment|skb_gso_segment|skb_mac_gso_segment|ip_forward|ip_finish_output2?|dev_hard_start_xmit|validate_xmit_skb[\w.]{0,64}|br_forward[\w.]{0,64}|br_dev_queue_push_xmit|vxlan_\w+|udp_tunnel\w*|virtnet_poll|start_xmit|napi_gro_receive)\+0x/,
      maxLines: 60,
    },
  },
  {
    id: 'udp-bad-checksum',
    // net_dbg_ratelimited("UDP%s: bad checksum. From %pI4:%u to %pI4:%u ulen %d\n", ...)
    regex: /UDP(?:Lite)?6?: bad checksum\./,
    reason: 'The kernel dropped a received UDP datagram whose checksum is wrong (counted in Udp InCsumErrors): corrupted on the wire or sent with a bad checksum.',
  },
  {
    id: 'hw-csum-failure',
    // netdev_rx_csum_fault(): "%s: hw csum failure\n"
    regex: /hw csum failure/,
    reason: 'A NIC reported a receive checksum (CHECKSUM_COMPLETE) that the kernel found wrong: a driver or offload bug.',
    follow: { regex: /Call Trace|\b(?:netdev_rx_csum_fault|__skb_checksum_complete\w*|udp\w*|vxlan_\w+|tcp_v4_rcv)\+0x/, maxLines: 40 },
  },
  {
    id: 'failed-to-disable-lro',
    // dev_disable_lro(): netdev_WARN(dev, "failed to disable LRO!\n")
    regex: /failed to disable LRO/,
    reason: 'IP forwarding or bridging needs LRO off, and the driver refused: forwarded large packets will be dropped.',
  },
  {
    id: 'nf-conntrack-table-full',
    regex: /nf_conntrack: table full, dropping packet/,
    reason: 'The connection tracking table is full (net.netfilter.nf_conntrack_max): new flows, VXLAN included, are dropped.',
  },
  {
    id: 'nf-conntrack-expectation-full',
    regex: /nf_conntrack: expectation table full/,
    reason: 'The conntrack expectation table is full: related flows are dropped.',
  },
  {
    id: 'martian-source',
    // "martian source %pI4 from %pI4, on dev %s" (logged when log_martians=1), followed by "ll header: ..."
    regex: /martian source /,
    reason: 'A packet arrived with a source address the routing table says cannot be there (reverse path check): rp_filter drops it.',
    follow: { regex: /ll header:/, maxLines: 1 },
  },
  {
    id: 'firewalld-reject',
    // firewalld with LogDenied: `filter_FWD_public_REJECT: IN=flannel.1 OUT=cni0 ...`, `filter_IN_public_REJECT: ...`,
    // `FINAL_REJECT: ...` (its catch-all rule).
    regex: /\b(?:filter_(?:FWD|FWDI|FWDO|IN|OUT)_[\w-]{1,64}_(?:REJECT|DROP)|FINAL_REJECT): /,
    reason: 'firewalld rejected (or dropped) a packet, logged with its zone in the prefix.',
  },
  {
    id: 'ufw-block',
    regex: /\[UFW BLOCK\] /,
    reason: 'ufw blocked a packet.',
  },
  {
    id: 'martian-destination',
    regex: /martian destination /,
    reason: 'A packet arrived for a destination that cannot be routed from that interface.',
  },
  {
    id: 'neighbour-table-overflow',
    // "neighbour: arp_cache: neighbor table overflow!" (older: "Neighbour table overflow.")
    regex: /neighbou?r table overflow/i,
    reason: "The ARP/neighbour table is full (gc_thresh3): new neighbours, peers' VTEPs included, cannot be resolved.",
  },
  {
    id: 'netdev-watchdog-timeout',
    // "NETDEV WATCHDOG: eth0 (virtio_net): transmit queue 0 timed out"
    // and 6.x: "NETDEV WATCHDOG: CPU: 1: transmit queue 0 timed out 5376 ms". No `.*` gap: from
    // each repeat of the prefix it re-read the rest of the line (quadratic, issue 9 item 5).
    regex: /NETDEV WATCHDOG: [^:]*(?::[^:]*)?: transmit queue \d+ timed out/,
    reason: 'A NIC transmit queue stalled: the driver or the device stopped sending.',
  },
  {
    id: 'nic-link-down',
    regex: /\b(?:NIC )?Link is Down\b/,
    reason: 'A NIC lost its link: every flow through it stops until it comes back.',
  },
  {
    id: 'tcp-out-of-memory',
    regex: /TCP: out of memory -- consider tuning tcp_mem/,
    reason: 'TCP ran out of socket memory (net.ipv4.tcp_mem): connections stall and drop.',
  },
  {
    id: 'nf-queue-full',
    regex: /nf_queue: full at \d+ entries, dropping packet/,
    reason: 'An NFQUEUE consumer is too slow: packets are dropped.',
  },
  {
    id: 'vxlan-error',
    // e.g. "vxlan: non-ECT from 10.0.0.2 with TOS=0x2", "vxlan: cannot ..."; flannel.1 / vxlan.calico device messages.
    // The first `flannel.N: ` is taken atomically (lookahead + backreference): `flannel\.\d+: .*error`
    // re-read the rest of the line from every repeat of the prefix (quadratic).
    regex: /\bvxlan(?:\.calico)?:|^(?=(.*?flannel\.\d+: ))\1.*(?:error|fail)/is,
    reason: 'The VXLAN driver reported a problem with a received or sent packet.',
  },
];
