// SYNs answered by RST: the path works; nothing listens there, or something rejects.
import { defineRule } from '../../engine/types.js';
import { example, HANDSHAKE_PHRASES, handshakeLines, handshakeLocation, handshakesOf, withExample } from '../shared/capture-handshakes.js';

export default defineRule({
  meta: {
    id: 'handshake-refused',
    kind: 'capture',
    title: { en: 'TCP connection attempts refused', zh: 'TCP 连接被拒绝' },
    severity: 'info',
    needs: ['captures'],
    messages: {
      refused: withExample({
        en: '{count} TCP connection attempts were refused (RST to the SYN); {example}',
        zh: '{count} 个 TCP 连接被拒绝（SYN 收到 RST）；{example}',
      }),
      refusedOne: withExample({
        en: '1 TCP connection attempt was refused (RST to the SYN); {example}',
        zh: '1 个 TCP 连接被拒绝（SYN 收到 RST）；{example}',
      }),
      detail: {
        en: 'The path works; nothing listens on that port, or a firewall rejects (kube-proxy rejects Services without endpoints).',
        zh: '路径是通的；该端口无人监听，或被防火墙拒绝（kube-proxy 会拒绝没有 endpoint 的 Service）。',
      },
      ...HANDSHAKE_PHRASES,
    },
    explanation: {
      en: "A SYN answered by a RST crossed the path both ways: the network works. The answer says no: nothing listens on that address and port, or a REJECT rule answers for it (kube-proxy rejects connections to a Service that has no ready endpoints). Not a fault of the overlay, which is why this is information.",
      zh: '收到 RST 应答的 SYN 已在路径上往返：网络是通的。应答的意思是拒绝：该地址和端口上没有程序监听，或有 REJECT 规则代为应答（kube-proxy 会拒绝发往没有就绪 endpoint 的 Service 的连接）。这不是 overlay 的故障，因此只作提示。',
    },
    remediation: [
      {
        description: { en: 'Check that the service listens there and that the Service has endpoints', zh: '确认服务在该地址端口上监听，且 Service 有 endpoint' },
        commands: ['ss -ltnp  # on the server', 'kubectl get services,endpointslices -A -o wide  # a Service for {serverAddr} without endpoints'],
        undo: ['# nothing to undo: read-only checks'],
      },
    ],
    references: ['https://kubernetes.io/docs/reference/networking/virtual-ips/'],
  },
  check(ctx) {
    for (const sum of ctx.evidence.captures ?? []) {
      const hs = handshakesOf(sum, (h) => h.state === 'reset');
      if (hs.length === 0) continue;
      const ex = example(hs);
      ctx.report({
        messageId: hs.length === 1 ? 'refusedOne' : 'refused',
        detailId: 'detail',
        data: { count: hs.length, ...ex.data, serverAddr: hs[0]!.server.replace(/:\d+$/, '').replace(/^\[|\]$/g, '') },
        phrases: ex.phrases,
        evidence: handshakeLines(sum.file, hs),
        location: handshakeLocation(sum.file, hs),
      });
    }
  },
});
