// conntrack insert_failed: the race where two packets of one new UDP flow (A and AAAA DNS queries
// sent from the same socket) both try to insert a conntrack entry; the loser is dropped and the
// resolver waits its 5 s timeout.
import { defineRule } from '../../engine/types.js';
import { line } from '../shared/kb-shared.js';

/** Below this, insert_failed is worth knowing but rarely the cause of a visible outage. */
const SMALL = 100;

export default defineRule({
  meta: {
    id: 'conntrack-insert-failed',
    kind: 'node',
    title: { en: 'conntrack insert races dropped packets (DNS 5 s timeouts)', zh: 'conntrack 插入竞争导致丢包(DNS 5 秒超时)' },
    severity: 'warning',
    needs: ['conntrack'],
    uses: ['kernel'],
    messages: {
      insertFailed: {
        en: 'conntrack -S shows insert_failed = {insertFailed} (drop = {drop}): packets lost to the conntrack insert race; DNS lookups from pods stall for 5 s',
        zh: 'conntrack -S 显示 insert_failed = {insertFailed}(drop = {drop}):报文因 conntrack 插入竞争而丢失;Pod 的 DNS 查询会卡 5 秒',
      },
      insertFailedFew: {
        en: 'conntrack -S shows insert_failed = {insertFailed}: a few packets lost to the conntrack insert race (occasional 5 s DNS delays); watch whether it rises',
        zh: 'conntrack -S 显示 insert_failed = {insertFailed}:少量报文因 conntrack 插入竞争丢失(偶发 DNS 5 秒延迟);观察是否持续增长',
      },
    },
    reasons: {
      noStats: { en: '`conntrack -S` statistics not collected', zh: '未采集 `conntrack -S` 统计' },
    },
    explanation: {
      en: 'glibc sends the A and AAAA queries of one lookup in parallel from the same UDP socket. When both are NATed (pod -> DNS Service) on different CPUs, both try to insert a conntrack entry for the same tuple; the second insertion fails, the packet is dropped, and `insert_failed` rises. The resolver retries after its 5 s timeout: pods see DNS take 5 s now and then. Kernel fixes: ed07d9a021df (in 4.19) and 4e35c1cb9460 (in 5.0) resolve most clashes; workarounds are `options single-request-reopen` (or use-vc) in the pod\'s resolv.conf and NodeLocal DNSCache. The counter is cumulative since boot, so a small value (under 100) may be old and is reported as info: compare two readings.',
      zh: 'glibc 从同一个 UDP socket 并行发出一次解析的 A 与 AAAA 查询。两者都经过 NAT(Pod -> DNS Service)且在不同 CPU 上处理时,会为同一元组插入 conntrack 条目;第二次插入失败,报文被丢弃,`insert_failed` 增加。解析器在 5 秒超时后重试:Pod 的 DNS 时不时耗时 5 秒。内核修复:ed07d9a021df(4.19)与 4e35c1cb9460(5.0)解决了大部分冲突;规避方法是在 Pod 的 resolv.conf 中加 `options single-request-reopen`(或 use-vc),或使用 NodeLocal DNSCache。该计数从开机起累计,数值小(低于 100)可能是旧的,只作为提示报告:请对比两次读数。',
    },
    remediation: [
      {
        description: { en: 'Avoid the race in pods: resolve A and AAAA one after the other (pod dnsConfig)', zh: '在 Pod 中规避竞争:A 与 AAAA 依次解析(Pod 的 dnsConfig)' },
        commands: ['kubectl patch deployment "${DEPLOYMENT:?set DEPLOYMENT to the deployment whose DNS lookups time out}" -p \'{"spec":{"template":{"spec":{"dnsConfig":{"options":[{"name":"single-request-reopen"}]}}}}}\''],
        undo: ['kubectl patch deployment "${DEPLOYMENT:?set DEPLOYMENT to the deployment patched above}" --type=json -p \'[{"op":"remove","path":"/spec/template/spec/dnsConfig"}]\''],
      },
      {
        description: { en: 'Or deploy NodeLocal DNSCache, or upgrade the kernel to one with ed07d9a021df and 4e35c1cb9460', zh: '或部署 NodeLocal DNSCache,或把内核升级到包含 ed07d9a021df 与 4e35c1cb9460 的版本' },
        commands: ['kubectl apply -f nodelocaldns.yaml   # https://kubernetes.io/docs/tasks/administer-cluster/nodelocaldns/'],
        undo: ['kubectl delete -f nodelocaldns.yaml'],
      },
    ],
    references: ['kb:known-failures.md#6 (DNS 5 s timeouts, conntrack insert race)', 'kernel:ed07d9a021df', 'kernel:4e35c1cb9460', 'https://kubernetes.io/docs/tasks/administer-cluster/nodelocaldns/'],
  },
  check(ctx) {
    const ct = ctx.facts.conntrack;
    if (!ct) return;
    const insertFailed = ct.stats.insert_failed;
    if (insertFailed === undefined) {
      ctx.skip('noStats');
      return;
    }
    if (insertFailed <= 0) return;
    const source = ct.sources.find((s) => /conntrack_-S|conntrack -S|stat/.test(s)) ?? ct.sources[0] ?? 'conntrack -S';
    const drop = ct.stats.drop ?? 0;
    const evidence = [line(source, `insert_failed=${insertFailed} drop=${drop}${ct.stats.clash_resolve !== undefined ? ` clash_resolve=${ct.stats.clash_resolve}` : ''} (summed over CPUs)`)];
    if (ctx.facts.kernel) evidence.push(line(ctx.facts.kernel.source, `kernel ${ctx.facts.kernel.release}`));
    if (insertFailed < SMALL) ctx.report({ messageId: 'insertFailedFew', severity: 'info', data: { insertFailed, drop }, evidence });
    else ctx.report({ messageId: 'insertFailed', data: { insertFailed, drop }, evidence });
  },
});
