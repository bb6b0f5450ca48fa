// Seeds 001 and 004 as the user sees them: a TCP handshake or a DNS query across nodes that never
// completes (curl and dig time out) although the UDP probes may pass.
import { defineRule } from '../../engine/types.js';
import { probeLine, probesOf } from '../shared/probe-shared.js';

export default defineRule({
  meta: {
    id: 'service-probe-fails',
    kind: 'probe',
    title: { en: 'TCP handshakes or DNS queries across the nodes fail', zh: '跨节点的 TCP 握手或 DNS 查询失败' },
    severity: 'error',
    needs: ['probes'],
    messages: {
      tcp: {
        en: 'TCP handshakes from {from} to {target} failed {failed} of {attempts} times ({causes})',
        zh: '{from} 到 {target} 的 TCP 握手 {attempts} 次中失败 {failed} 次({causes})',
      },
      dns: {
        en: 'DNS query for {name} to {server} over {transport} failed: {error}',
        zh: '通过 {transport} 向 {server} 查询 {name} 失败:{error}',
      },
    },
    reasons: {
      noServiceProbe: { en: 'no TCP or DNS probe among the probes', zh: '探测结果中没有 TCP 或 DNS 探测' },
    },
    explanation: {
      en: 'A TIMEOUT means no answer came back to the SYN: the SYN or the SYN-ACK was lost (seed 001: SYN and SYN-ACK repeated on both ends because the node routed the answers wrongly; seed 004: the first SYNs carried a corrupted outer VXLAN checksum and the client waited 1, 2, 4, 8, 16, 32 s: about 63 s). ECONNREFUSED means the packet arrived and nothing listens. A DNS query over UDP that times out while TCP works points at UDP-only loss (checksums, conntrack races); both failing points at the path or the DNS pod. Read the other findings: they usually name the cause; a capture on both ends (`podpath pcap analyze`) shows the handshake.',
      zh: 'TIMEOUT 表示 SYN 没有收到应答:SYN 或 SYN-ACK 丢失(种子 001:由于节点把应答路由错了,两端的 SYN 和 SYN-ACK 反复重传;种子 004:最初的 SYN 外层 VXLAN 校验和被破坏,客户端依次等待 1、2、4、8、16、32 秒,约 63 秒)。ECONNREFUSED 表示报文到达但没有进程监听。UDP 的 DNS 查询超时而 TCP 正常,指向仅影响 UDP 的丢包(校验和、conntrack 竞争);两者都失败,指向路径或 DNS Pod。请结合其他发现,它们通常会指出原因;在两端抓包(`podpath pcap analyze`)可以看到握手过程。',
    },
    remediation: [
      {
        description: { en: 'Capture the handshake on both ends and let podpath read it', zh: '在两端抓取握手过程并交给 podpath 分析' },
        commands: ['tcpdump -nn -i any -w /tmp/hs.pcap host {targetHost} & sleep 30; kill %1; podpath pcap analyze /tmp/hs.pcap'],
        undo: ['rm -f /tmp/hs.pcap'],
      },
    ],
    references: ['seeds/001_0a221eb4beabdda2.txt', 'seeds/004_5dd277779bb5bec7.txt'],
  },
  check(ctx) {
    const probes = probesOf(ctx.facts).filter((p) => p.tcp || p.dns);
    if (probes.length === 0) return ctx.skip('noServiceProbe');
    for (const p of probes) {
      if (p.tcp && p.tcp.connected < p.tcp.attempts) {
        const causes = Object.entries(p.tcp.failures).map(([k, v]) => `${k} x${v}`).join(', ') || 'unknown';
        ctx.report({
          messageId: 'tcp',
          data: { from: p.from, target: p.tcp.target, failed: p.tcp.attempts - p.tcp.connected, attempts: p.tcp.attempts, causes, targetHost: p.tcp.target.replace(/:\d+$/, '') },
          evidence: [probeLine(p, `TCP ${p.from} -> ${p.tcp.target}: connected ${p.tcp.connected}/${p.tcp.attempts}; failures ${causes}`)],
        });
      }
      for (const q of p.dns ?? []) {
        if (q.ok) continue;
        ctx.report({
          messageId: 'dns',
          data: { name: q.name, server: q.server, transport: q.transport, error: q.error ?? `rcode ${q.rcode}`, targetHost: q.server.replace(/:\d+$/, '') },
          evidence: [probeLine(p, `DNS ${q.transport} ${q.server} ${q.name}: ${q.error ?? `rcode ${q.rcode}`}`)],
        });
      }
    }
  },
});
