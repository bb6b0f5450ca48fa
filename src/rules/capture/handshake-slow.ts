// Seed 004's "63-second delay" as a capture shows it: handshakes that complete only after SYN
// retransmissions, often with the kernel's exponential back-off, and SYNs carried in packets with
// a bad outer checksum.
import { captureFileArg } from '../shared/capture.js';
import { defineRule } from '../../engine/types.js';
import { example, HANDSHAKE_PHRASES, handshakeLines, handshakeLocation, handshakesOf, withExample } from '../shared/capture-handshakes.js';

export default defineRule({
  meta: {
    id: 'handshake-slow',
    kind: 'capture',
    title: { en: 'TCP handshakes complete only after SYN retransmissions', zh: 'TCP 握手在 SYN 重传之后才完成' },
    severity: 'warning',
    needs: ['captures'],
    messages: {
      slow: withExample({
        en: '{count} TCP handshakes completed only after SYN retransmissions{backoffCount}; {example}, completed after {after} s{badOuter}',
        zh: '{count} 个 TCP 握手在 SYN 重传之后才完成{backoffCount}；{example}，{after} 秒后完成{badOuter}',
      }),
      slowOne: withExample({
        en: '1 TCP handshake completed only after SYN retransmissions{backoffCount}; {example}, completed after {after} s{badOuter}',
        zh: '1 个 TCP 握手在 SYN 重传之后才完成{backoffCount}；{example}，{after} 秒后完成{badOuter}',
      }),
      backoffCount: { en: " ({count} with the kernel's exponential back-off)", zh: '（{count} 个呈内核指数退避）' },
      badOuter: { en: '; the retried SYNs of {count} were carried in packets with a bad outer checksum', zh: '；其中 {count} 个的重传 SYN 所在报文外层校验和错误' },
      detail: {
        en: 'Each lost SYN costs the next retry (1, 2, 4, 8, 16, 32 s): a first request that takes ~63 s is six lost SYNs. Find out why the first SYNs are dropped (bad outer checksum: see the checksum findings).',
        zh: '每丢一个 SYN 就要等下一次重传（1、2、4、8、16、32 秒）：首个请求约 63 秒才返回，就是丢了六个 SYN。请查明前几个 SYN 为何被丢弃（外层校验和错误：见校验和结论）。',
      },
      ...HANDSHAKE_PHRASES,
    },
    explanation: {
      en: "The connection was made, late: the first SYNs were lost and a retry got through. The kernel retries after 1, 2, 4, 8, 16, 32 s, so a Service that answers after about 63 s is six lost SYNs, the mark of seed 004: node-to-Service traffic over VXLAN whose outer UDP checksum NAT corrupted (0xffff) until a retry left with another source port. When the retried SYNs sat in packets with a bad outer checksum the finding says so; the checksum findings of the same capture name the cause.",
      zh: '连接建立了，但很迟：最初的几个 SYN 丢失，某次重传才成功。内核在 1、2、4、8、16、32 秒后重传，所以约 63 秒才响应的 Service 就是丢了六个 SYN，这是种子 004 的特征：节点访问 Service 的 VXLAN 流量外层 UDP 校验和被 NAT 破坏（0xffff），直到某次重传换了源端口。若重传的 SYN 所在报文外层校验和错误，结论会指出；同一抓包的校验和结论会说明原因。',
    },
    remediation: [
      {
        description: { en: 'Find out why the first SYNs are lost: the checksum findings of this capture, and the node rules on the client node', zh: '查明最初的 SYN 为何丢失：看本抓包的校验和结论，以及客户端节点上的节点规则' },
        commands: ['podpath doctor --only vxlan-nat-checksum  # on the client node', 'podpath pcap analyze {file}  # the checksum findings beside this one'],
        undo: ['# nothing to undo: read-only checks'],
      },
    ],
    references: ['seeds/004_5dd277779bb5bec7.txt', 'kb:known-failures.md#1'],
  },
  check(ctx) {
    for (const sum of ctx.evidence.captures ?? []) {
      const hs = handshakesOf(sum, (h) => h.state === 'completed' && h.syns.length > 1);
      if (hs.length === 0) continue;
      const backoff = hs.filter((h) => h.backoff);
      const bad = hs.filter((h) => h.synsWithBadOuterChecksum > 0);
      const shown = backoff.length > 0 ? backoff : hs;
      const ex = example(shown);
      ctx.report({
        commandData: { file: captureFileArg(sum) },
        messageId: hs.length === 1 ? 'slowOne' : 'slow',
        detailId: 'detail',
        data: { count: hs.length, ...ex.data, after: shown[0]!.completedAfter?.toFixed(1) ?? '?', file: sum.file },
        phrases: {
          ...ex.phrases,
          backoffCount: backoff.length > 0 ? [{ id: 'backoffCount', data: { count: backoff.length } }] : [],
          badOuter: bad.length > 0 ? [{ id: 'badOuter', data: { count: bad.length } }] : [],
        },
        evidence: handshakeLines(sum.file, hs),
        location: handshakeLocation(sum.file, hs),
      });
    }
  },
});
