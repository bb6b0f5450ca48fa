// SYNs that nothing answered within the capture: the SYN is dropped on the way (or at the server),
// or the answer is. The kernel's 1, 2, 4, 8... s back-off on them names the symptom.
import { captureFileArg } from '../shared/capture.js';
import { defineRule } from '../../engine/types.js';
import { example, HANDSHAKE_PHRASES, handshakeLines, handshakeLocation, handshakesOf, withExample } from '../shared/capture-handshakes.js';

export default defineRule({
  meta: {
    id: 'handshake-no-answer',
    kind: 'capture',
    title: { en: 'TCP SYNs that nothing answered', zh: '没有任何应答的 TCP SYN' },
    severity: 'error',
    needs: ['captures'],
    messages: {
      noAnswer: withExample({
        en: '{count} TCP handshakes never completed: SYN without any answer{backoffSeen}; {example}',
        zh: '{count} 个 TCP 握手始终未完成：SYN 没有任何应答{backoffSeen}；{example}',
      }),
      noAnswerOne: withExample({
        en: '1 TCP handshake never completed: SYN without any answer{backoffSeen}; {example}',
        zh: '1 个 TCP 握手始终未完成：SYN 没有任何应答{backoffSeen}；{example}',
      }),
      backoffSeen: { en: ' (kernel back-off 1, 2, 4, 8... s seen on {count})', zh: '（其中 {count} 个呈内核 1、2、4、8... 秒退避）' },
      detail: {
        en: 'Nothing answered the SYN within the capture: it is dropped on the way (or at the server, e.g. a bad outer checksum or a firewall), or the answer is. Capture on the server node too and run `podpath pcap diff`.',
        zh: '抓包期间没有任何应答：SYN 在路上（或在服务端，例如外层校验和错误、防火墙）被丢弃，或应答被丢弃。请在服务端节点同时抓包并运行 `podpath pcap diff`。',
      },
      ...HANDSHAKE_PHRASES,
    },
    explanation: {
      en: 'A client sent SYNs and got neither a SYN-ACK nor a RST within the capture. The kernel retries a SYN after 1, 2, 4, 8, 16, 32 s (tcp_syn_retries = 6, about 63 s in all; kernels >= 6.7 may retry linearly first): seeing that sequence says the client kept trying. The SYN died on the way (a firewall or security group, an underlay that drops the tunnel, a wrong outer checksum the receiving kernel drops), at the server (nothing listening would answer RST, so a DROP rule), or the answer died on the way back. A capture taken at the other end, compared with `podpath pcap diff`, tells which. A handshake the capture ended in the middle of (one SYN, the next retry not yet due) is not counted.',
      zh: '客户端发出了 SYN，但在抓包期间既没有收到 SYN-ACK 也没有收到 RST。内核在 1、2、4、8、16、32 秒后重传 SYN（tcp_syn_retries = 6，共约 63 秒；>= 6.7 的内核可能先线性重试）：出现这个序列说明客户端一直在重试。SYN 在路上被丢弃（防火墙或安全组、丢弃隧道流量的底层网络、接收端内核丢弃的错误外层校验和）、在服务端被丢弃（没有监听时会回 RST，因此是 DROP 规则），或者应答在回程中被丢弃。在另一端抓包并用 `podpath pcap diff` 对比即可判断。抓包结束时仍在进行的握手（只有一个 SYN，下一次重传尚未到期）不计入。',
    },
    remediation: [
      {
        description: { en: 'Capture on the server node too, during the same traffic, and compare: is the SYN lost on the way there, or the answer on the way back?', zh: '在服务端节点同时抓包（同一段流量）并对比：是 SYN 在去程丢失，还是应答在回程丢失？' },
        commands: ['tcpdump -i any -nn -w server.pcap  # on the server node, while the client retries', 'podpath pcap diff {file} server.pcap'],
        undo: ['rm -f server.pcap'],
      },
    ],
    references: ['seeds/004_5dd277779bb5bec7.txt', 'kb:known-failures.md#6 (firewall or security group blocks the tunnel)'],
  },
  check(ctx) {
    for (const sum of ctx.evidence.captures ?? []) {
      const hs = handshakesOf(sum, (h) => h.state === 'no-synack' && !(h.inProgressAtEnd && h.syns.length < 2));
      if (hs.length === 0) continue;
      const backoff = hs.filter((h) => h.backoff);
      const ex = example(backoff.length > 0 ? backoff : hs);
      ctx.report({
        commandData: { file: captureFileArg(sum) },
        messageId: hs.length === 1 ? 'noAnswerOne' : 'noAnswer',
        detailId: 'detail',
        data: { count: hs.length, ...ex.data, file: sum.file },
        phrases: { ...ex.phrases, backoffSeen: backoff.length > 0 ? [{ id: 'backoffSeen', data: { count: backoff.length } }] : [] },
        evidence: handshakeLines(sum.file, hs),
        location: handshakeLocation(sum.file, hs),
      });
    }
  },
});
