// br_netfilter missing or off: bridged pod traffic (cni0) bypasses iptables, so kube-proxy's
// Service NAT and network policies do not see it.
import { defineRule } from '../../engine/types.js';
import { line, sysctlSource } from '../shared/kb-shared.js';

const KEY = 'net.bridge.bridge-nf-call-iptables';

export default defineRule({
  meta: {
    id: 'br-netfilter-missing',
    kind: 'node',
    title: { en: 'Bridged pod traffic bypasses iptables (br_netfilter)', zh: '桥接的 Pod 流量绕过 iptables(br_netfilter)' },
    severity: 'error',
    needs: ['links', 'sysctls'],
    // flannel's own log line says it, when the sysctls and links were not collected.
    sufficient: [['componentLog']],
    uses: ['modules', 'componentLog'],
    messages: {
      logged: {
        en: 'The CNI says br_netfilter is not loaded (`{line}`): /proc/sys/net/bridge does not exist, bridged pod traffic bypasses iptables, and flannel refuses to start without it',
        zh: 'CNI 报告 br_netfilter 未加载(`{line}`):/proc/sys/net/bridge 不存在,桥接的 Pod 流量绕过 iptables,flannel 也因此拒绝启动',
      },
      moduleMissing: {
        en: '{bridge} is a CNI bridge but {key} does not exist: the br_netfilter module is not loaded',
        zh: '{bridge} 是 CNI 网桥,但 {key} 不存在:br_netfilter 模块未加载',
      },
      callOff: {
        en: '{key} = {value} on a node with CNI bridge {bridge}: packets bridged between pods skip iptables (Service NAT, policies)',
        zh: '节点有 CNI 网桥 {bridge},但 {key} = {value}:Pod 之间桥接的报文跳过 iptables(Service NAT、网络策略)',
      },
    },
    reasons: {
      logOnly: { en: 'only log lines, and none about br_netfilter: no bridge or sysctls to judge', zh: '只有日志,且没有关于 br_netfilter 的行:没有网桥或 sysctl 可判断' },
    },
    explanation: {
      en: 'flannel and the bridge CNI plugin attach pods to a Linux bridge (cni0). Without br_netfilter, or with net.bridge.bridge-nf-call-iptables = 0, frames switched inside cni0 never traverse iptables: a pod reaching a Service whose backend sits on the same node is DNATed on the way out but the reply is bridged back without un-NAT, so the connection fails (and kube-proxy logs that br_netfilter is missing). Cross-node pod-to-pod traffic is routed and is not affected; Service traffic is. The sysctl exists only while the module is loaded, so its absence is the sign that the module is missing (it can also be built into the kernel, then the sysctl is present).',
      zh: 'flannel 与 bridge CNI 插件把 Pod 接到 Linux 网桥(cni0)上。没有 br_netfilter,或 net.bridge.bridge-nf-call-iptables = 0 时,在 cni0 内交换的帧不经过 iptables:Pod 访问后端在同一节点上的 Service,出去时做了 DNAT,回包却被直接桥接回来没有反向 NAT,连接失败(kube-proxy 日志也会提示缺少 br_netfilter)。跨节点 Pod 到 Pod 的流量是路由的,不受影响;Service 流量受影响。该 sysctl 只在模块加载后存在,因此它不存在就说明模块缺失(模块也可能编译进内核,那时 sysctl 存在)。',
    },
    remediation: [
      {
        description: { en: 'Load br_netfilter, turn the bridge sysctls on, and persist both', zh: '加载 br_netfilter,开启网桥 sysctl,并持久化' },
        commands: [
          'modprobe br_netfilter',
          'sysctl -w net.bridge.bridge-nf-call-iptables=1 net.bridge.bridge-nf-call-ip6tables=1',
          "echo br_netfilter > /etc/modules-load.d/90-podpath-br_netfilter.conf",
          "printf 'net.bridge.bridge-nf-call-iptables = 1\\nnet.bridge.bridge-nf-call-ip6tables = 1\\n' > /etc/sysctl.d/90-podpath-bridge.conf",
        ],
        undo: [
          'rm -f /etc/modules-load.d/90-podpath-br_netfilter.conf /etc/sysctl.d/90-podpath-bridge.conf',
          'sysctl -w net.bridge.bridge-nf-call-iptables=0 net.bridge.bridge-nf-call-ip6tables=0',
          'modprobe -r br_netfilter',
        ],
      },
    ],
    references: ['kb:known-failures.md#6 (br_netfilter missing / off)', 'https://kubernetes.io/docs/setup/production-environment/container-runtimes/#forwarding-ipv4-and-letting-iptables-see-bridged-traffic'],
  },
  check(ctx) {
    const { facts } = ctx;
    const said = (facts.componentLog?.matches ?? []).find((m) => m.pattern === 'br-netfilter-missing');
    if (said) {
      ctx.report({ messageId: 'logged', data: { line: said.line }, evidence: [line(said.source, said.line)] });
      return;
    }
    if (!facts.links || !facts.sysctls) return ctx.skip('logOnly');
    const bridge = (facts.links?.items ?? []).find((l) => l.kind === 'bridge' && /^(cni\d*|cbr\d+)$/.test(l.name));
    if (!bridge) return;
    const source = sysctlSource(facts);
    const bridgeLine = line(bridge.source, `${bridge.name}: kind bridge mtu ${bridge.mtu}`);
    const values = facts.sysctls?.values ?? {};
    const value = values[KEY];
    if (value !== undefined) {
      if (value.trim() === '0') ctx.report({ messageId: 'callOff', data: { key: KEY, value: value.trim(), bridge: bridge.name }, evidence: [line(source, `${KEY} = 0`), bridgeLine] });
      return;
    }
    // Absent: judge only when we can tell "not there" from "not collected".
    const loaded = facts.modules?.loaded;
    const moduleLoaded = loaded?.some((m) => m === 'br_netfilter');
    const fullDump = Object.keys(values).some((k) => k.startsWith('net.ipv4.conf.'));
    if (moduleLoaded === true) return;
    if (loaded !== undefined || fullDump) {
      const evidence = [line(source, `${KEY}: absent from ${source}`), bridgeLine];
      if (loaded !== undefined) evidence.push(line(facts.modules?.source ?? 'lsmod', 'br_netfilter: not in the loaded modules'));
      ctx.report({ messageId: 'moduleMissing', data: { bridge: bridge.name, key: KEY }, evidence });
    }
  },
});
