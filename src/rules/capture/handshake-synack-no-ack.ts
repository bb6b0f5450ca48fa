// Seed 001: the server answers every SYN with a SYN-ACK and the client never acknowledges, so
// the client keeps retrying: the server's answers do not reach the client (the return path).
import { defineRule } from '../../engine/types.js';
import { example, HANDSHAKE_PHRASES, handshakeLines, handshakeLocation, handshakesOf, withExample } from '../shared/capture-handshakes.js';

export default defineRule({
  meta: {
    id: 'handshake-synack-no-ack',
    kind: 'capture',
    title: { en: 'TCP handshakes answered by SYN-ACK, never acknowledged', zh: 'TCP 握手收到 SYN-ACK 却始终没有 ACK' },
    severity: 'error',
    needs: ['captures'],
    messages: {
      synackNoAck: withExample({
        en: '{count} TCP handshakes never completed: the server answered with SYN-ACK but no ACK came back; {example}',
        zh: '{count} 个 TCP 握手始终未完成：服务端回了 SYN-ACK，但客户端的 ACK 始终没有回来；{example}',
      }),
      synackNoAckOne: withExample({
        en: '1 TCP handshake never completed: the server answered with SYN-ACK but no ACK came back; {example}',
        zh: '1 个 TCP 握手始终未完成：服务端回了 SYN-ACK，但客户端的 ACK 始终没有回来；{example}',
      }),
      detail: {
        en: "Repeated SYN-ACKs with repeated SYNs mean the server's answers do not reach the client (return path: routes on the client node, e.g. NetworkManager managing flannel.1/cni0, or rp_filter). On the client, `ip route get <server>` must not say `local`.",
        zh: 'SYN 与 SYN-ACK 反复重传，说明服务端的应答到不了客户端（回程路径：客户端节点的路由，例如 NetworkManager 接管了 flannel.1/cni0，或 rp_filter）。在客户端执行 `ip route get <服务端>`，结果不应是 `local`。',
      },
      ...HANDSHAKE_PHRASES,
    },
    explanation: {
      en: "The client's SYN reached the server (it answered), but the SYN-ACK never reached the client's TCP: the client retries its SYN with the kernel's back-off and the server repeats its SYN-ACK. The way back is broken: on the client node a route that sends the server's address somewhere else (seed 001: NetworkManager took over flannel.1 and cni0, and `ip route get` for the node's own flannel address answered `local`, so the peer pod routes were gone), strict reverse-path filtering on asymmetric paths, or a firewall that drops the answers. Where the capture was taken matters: on the server it shows the SYN-ACKs leaving; on the client, whether they arrive.",
      zh: '客户端的 SYN 到达了服务端（服务端已应答），但 SYN-ACK 始终到不了客户端的 TCP：客户端按内核退避重传 SYN，服务端重复发送 SYN-ACK。回程路径有问题：客户端节点上有路由把服务端地址送往别处（种子 001：NetworkManager 接管了 flannel.1 和 cni0，节点自身 flannel 地址的 `ip route get` 结果为 `local`，对端 Pod 路由消失）、非对称路径上的严格反向路径过滤，或丢弃应答的防火墙。抓包位置很重要：在服务端抓到的是 SYN-ACK 发出；在客户端抓包才能看出它们是否到达。',
    },
    remediation: [
      {
        description: { en: 'On the client node, check the route back to the server and the reverse-path filter; podpath doctor there runs the route and NetworkManager rules', zh: '在客户端节点检查回到服务端的路由和反向路径过滤；在该节点运行 podpath doctor 会执行路由和 NetworkManager 相关规则' },
        commands: ['ip route get {serverAddr}  # on the client node: must not say local', 'sysctl net.ipv4.conf.all.rp_filter', 'podpath doctor  # on the client node'],
        undo: ['# nothing to undo: read-only checks'],
      },
    ],
    references: ['seeds/001_0a221eb4beabdda2.txt', 'kb:known-failures.md#4 (NetworkManager managing CNI interfaces)'],
  },
  check(ctx) {
    for (const sum of ctx.evidence.captures ?? []) {
      // A handshake the capture ended in the middle of (one SYN-ACK, the next retry not yet due) proves nothing.
      const hs = handshakesOf(sum, (h) => h.state === 'synack-no-ack' && !(h.inProgressAtEnd && h.synAcks.length < 2));
      if (hs.length === 0) continue;
      const ex = example(hs);
      ctx.report({
        messageId: hs.length === 1 ? 'synackNoAckOne' : 'synackNoAck',
        detailId: 'detail',
        data: { count: hs.length, ...ex.data, serverAddr: hostOf(hs[0]!.server) },
        phrases: ex.phrases,
        evidence: handshakeLines(sum.file, hs),
        location: handshakeLocation(sum.file, hs),
      });
    }
  },
});

/** `10.0.0.2` of `10.0.0.2:80`, `fd00::2` of `[fd00::2]:80`. */
function hostOf(endpoint: string): string {
  const v6 = /^\[(.*)\]:\d+$/.exec(endpoint);
  if (v6) return v6[1]!;
  return endpoint.replace(/:\d+$/, '');
}
