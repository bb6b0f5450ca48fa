// iptables 1.8 keeps its rules either in nf_tables or in the legacy tables, and the host's iptables,
// kube-proxy's image and the CNI's binary may each use another: FORWARD DROP in one backend and the
// accept rules in the other (k3s#1114), kube-proxy finding no table (kubernetes#71305), KUBE-* rules
// written twice. A log line of a legacy iptables that finds no table is enough to tell.
import { defineRule } from '../../engine/types.js';
import type { EvidenceLine, NodeFacts } from '../../evidence/node-facts.js';
import { line } from '../shared/kb-shared.js';

type Tables = NonNullable<NonNullable<NodeFacts['packetFilter']>['iptables']>;

function kubeChains(t: Tables | undefined): string[] {
  return Object.values(t ?? {}).flatMap((chains) => Object.keys(chains).filter((c) => /^KUBE-/.test(c)));
}

/** 1.8.0 to 1.8.2 in nf_tables mode: the releases Debian 10, Raspbian 10 and Fedora 29 shipped before kube-proxy learned the backend. */
function earlyNft(version: string): boolean {
  return /^1\.8\.[0-2]$/.test(version);
}

export default defineRule({
  meta: {
    id: 'iptables-backend-split',
    kind: 'node',
    title: { en: 'iptables rules split between the nf_tables and legacy backends', zh: 'iptables 规则分散在 nf_tables 与 legacy 两个后端' },
    severity: 'error',
    needs: ['iptablesBackends'],
    sufficient: [['componentLog']],
    uses: ['packetFilter'],
    outranks: ['forward-policy-drop'],
    messages: {
      forwardSplit: {
        en: 'FORWARD has policy {nftPolicy} in the rules `iptables` shows (nf_tables) and {legacyPolicy} in the legacy backend (`iptables-legacy`): a packet is judged by both, so the accept rules written into one backend do not save it from the DROP of the other; pod traffic between nodes is dropped',
        zh: 'FORWARD 在 `iptables` 所示规则(nf_tables)中的策略是 {nftPolicy},在 legacy 后端(`iptables-legacy`)中是 {legacyPolicy}:报文要经过两套规则,写在一个后端的放行规则挡不住另一个后端的 DROP,节点之间的 Pod 流量被丢弃',
      },
      kubeDuplicated: {
        en: 'kube-proxy\'s KUBE-* chains exist in both backends ({both}): rules are written twice, and the copy the kernel also applies is stale (kubernetes/website#16271: "duplicated firewall rules and breaks kube-proxy")',
        zh: 'kube-proxy 的 KUBE-* 链同时存在于两个后端({both}):规则被写了两遍,内核同样会执行的那一份是过期的(kubernetes/website#16271:"重复的防火墙规则,kube-proxy 失效")',
      },
      bothBackends: {
        en: 'Both iptables backends hold rules ({what}): whatever wrote into the other one (kube-proxy, the CNI, Docker) is not in the rules `iptables` shows, and both apply',
        zh: '两个 iptables 后端都有规则({what}):写入另一个后端的规则(kube-proxy、CNI、Docker)不在 `iptables` 所示规则中,但两套都会生效',
      },
      legacyClient: {
        en: 'A legacy iptables ({client}) found no table (`{error}`) on a host whose iptables {host} runs in nf_tables mode: kube-proxy or the CNI (with their own legacy iptables) write their rules where the host\'s tools do not look, or not at all (kubernetes#71305)',
        zh: '在 iptables {host} 以 nf_tables 模式运行的主机上,legacy iptables({client})找不到表(`{error}`):kube-proxy 或 CNI(使用自带的 legacy iptables)把规则写到主机工具看不到的地方,或根本写不进去(kubernetes#71305)',
      },
      legacyClientOnly: {
        en: 'A legacy iptables ({client}) found no table (`{error}`): the host keeps its rules in nf_tables, and whatever uses that legacy iptables (kube-proxy\'s or the CNI\'s image) cannot see or manage them (kubernetes#71305)',
        zh: 'legacy iptables({client})找不到表(`{error}`):主机的规则在 nf_tables 中,使用这个 legacy iptables 的组件(kube-proxy 或 CNI 的镜像)看不到也管不了这些规则(kubernetes#71305)',
      },
      earlyNft: {
        en: 'iptables {version} runs in nf_tables mode: Kubernetes components of that time (kube-proxy before 1.17, CNI images with iptables 1.6) still wrote legacy rules, and these early nf_tables releases mix badly with them. Check whether the legacy backend holds rules too (`iptables-legacy-save`)',
        zh: 'iptables {version} 以 nf_tables 模式运行:同时代的 Kubernetes 组件(1.17 之前的 kube-proxy、带 iptables 1.6 的 CNI 镜像)仍写入 legacy 规则,而这些早期 nf_tables 版本与之混用问题很多。请检查 legacy 后端是否也有规则(`iptables-legacy-save`)',
      },
    },
    reasons: {
      oneBackend: { en: 'only one backend is shown (no legacy rules, no second version)', zh: '只看到一个后端(没有 legacy 规则,也没有第二个版本)' },
    },
    explanation: {
      en: 'iptables 1.8 has two backends: nf_tables (`iptables-nft`, `iptables v1.8.x (nf_tables)`) and the old x_tables one (`iptables-legacy`). The kernel applies both, one after the other. When the host\'s iptables uses one and kube-proxy, the CNI or Docker (each may ship its own iptables binary) the other, the rule sets split: Docker\'s FORWARD policy DROP in nf_tables while flannel\'s accept rules went into legacy (k3s#1114, Debian 10); kube-proxy\'s legacy iptables 1.6 finding no `nat` table on a host that has only nf_tables (kubernetes#71305); KUBE-* rules duplicated. Kubernetes >= 1.17 images carry iptables-wrapper, which picks the backend the host uses; for older components the documented fix is to switch the host to the legacy backend. iptables-nft itself warns "iptables-legacy tables present" when both hold rules.',
      zh: 'iptables 1.8 有两个后端:nf_tables(`iptables-nft`,`iptables v1.8.x (nf_tables)`)和旧的 x_tables(`iptables-legacy`)。内核会先后执行两套规则。主机的 iptables 用一个后端,而 kube-proxy、CNI 或 Docker(各自可能带有自己的 iptables)用另一个时,规则就被拆开:Docker 的 FORWARD DROP 在 nf_tables 中,flannel 的放行规则却写进了 legacy(k3s#1114,Debian 10);kube-proxy 自带的 legacy iptables 1.6 在只有 nf_tables 的主机上找不到 `nat` 表(kubernetes#71305);KUBE-* 规则被写了两遍。Kubernetes >= 1.17 的镜像带有 iptables-wrapper,会选用主机所用的后端;对较老的组件,文档给出的办法是把主机切换到 legacy 后端。两个后端都有规则时,iptables-nft 自己会提示 "iptables-legacy tables present"。',
    },
    remediation: [
      {
        description: { en: 'Use one backend: switch the host to the one its Kubernetes components use (legacy for kube-proxy < 1.17 and old CNI images), or upgrade those to images with iptables-wrapper', zh: '只用一个后端:把主机切换到其 Kubernetes 组件所用的后端(kube-proxy < 1.17 与旧 CNI 镜像用 legacy),或把这些组件升级到带 iptables-wrapper 的镜像' },
        commands: [
          'update-alternatives --set iptables /usr/sbin/iptables-legacy',
          'update-alternatives --set ip6tables /usr/sbin/ip6tables-legacy',
          'iptables --version  # should say (legacy)',
        ],
        undo: ['update-alternatives --set iptables /usr/sbin/iptables-nft', 'update-alternatives --set ip6tables /usr/sbin/ip6tables-nft'],
      },
      {
        description: { en: 'Then let kube-proxy and the CNI write their rules again into that backend (or reboot the node)', zh: '然后让 kube-proxy 和 CNI 把规则重新写入该后端(或重启节点)' },
        commands: ['kubectl -n kube-system delete pod -l k8s-app=kube-proxy --field-selector spec.nodeName="$(hostname)"', 'kubectl -n kube-flannel delete pod -l app=flannel --field-selector spec.nodeName="$(hostname)"  # or calico-node'],
        undo: ['# nothing to undo: the pods are recreated and write their rules again'],
      },
    ],
    references: ['gh:kubernetes/kubernetes#71305', 'gh:k3s-io/k3s#1114', 'gh:kubernetes/website#16271', 'gh:kubernetes-sigs/iptables-wrappers', 'gh:geerlingguy/raspberry-pi-dramble#156'],
  },
  check(ctx) {
    const { facts } = ctx;
    const b = facts.iptablesBackends;
    const main = facts.packetFilter?.iptables;
    const mainSource = facts.packetFilter?.sources[0] ?? 'iptables-save';
    const versions = b?.versions ?? [];
    const nftHost = versions.find((v) => v.backend === 'nf_tables');
    // Two rule sets: the legacy backend has rules, and what `iptables` shows is not it.
    if (b?.legacy && Object.keys(b.legacy).length > 0) {
      const legacySource = b.legacySource ?? 'iptables-legacy-save';
      const mainForward = main?.filter?.FORWARD;
      const legacyForward = b.legacy.filter?.FORWARD;
      if (mainForward?.policy && legacyForward?.policy && mainForward.policy !== legacyForward.policy) {
        ctx.report({
          messageId: 'forwardSplit',
          severity: /DROP|REJECT/.test(mainForward.policy + legacyForward.policy) ? 'critical' : 'error',
          data: { nftPolicy: mainForward.policy, legacyPolicy: legacyForward.policy },
          evidence: [line(mainSource, `Chain FORWARD (policy ${mainForward.policy})`), line(legacySource, `Chain FORWARD (policy ${legacyForward.policy})`), ...(nftHost ? [line(nftHost.source, nftHost.line)] : [])],
        });
        return;
      }
      const both = kubeChains(main).filter((c) => kubeChains(b.legacy).includes(c));
      if (both.length > 0) {
        ctx.report({ messageId: 'kubeDuplicated', data: { both: [...new Set(both)].slice(0, 5).join(', ') }, evidence: [line(mainSource, `:${both[0]} (iptables)`), line(legacySource, `:${both[0]} (iptables-legacy)`)] });
        return;
      }
      if (main) {
        ctx.report({ messageId: 'bothBackends', severity: 'warning', data: { what: 'iptables, iptables-legacy' }, evidence: [line(mainSource, 'iptables: rules present'), line(legacySource, `iptables-legacy: ${Object.keys(b.legacy).join(', ')}`)] });
        return;
      }
    }
    if (b?.legacyWarning) {
      ctx.report({ messageId: 'bothBackends', severity: 'warning', data: { what: b.legacyWarning.line }, evidence: [line(b.legacyWarning.source, b.legacyWarning.line)] });
      return;
    }
    // A legacy iptables that finds no table: kube-proxy's or the CNI's own binary, blind to nf_tables.
    const blind = (facts.componentLog?.matches ?? []).find((m) => m.pattern === 'iptables-legacy-no-table');
    if (blind) {
      const client = /iptables (v1\.\d+\.\d+)/.exec(blind.line)?.[1] ?? 'v1.6';
      const error = /(can't initialize iptables table [^:]{0,40})/.exec(blind.line)?.[1] ?? "can't initialize iptables table";
      const evidence: EvidenceLine[] = [line(blind.source, blind.line)];
      if (nftHost) {
        evidence.push(line(nftHost.source, nftHost.line));
        ctx.report({ messageId: 'legacyClient', data: { client, error, host: nftHost.version }, evidence });
      } else {
        ctx.report({ messageId: 'legacyClientOnly', data: { client, error }, evidence });
      }
      return;
    }
    const early = versions.find((v) => v.backend === 'nf_tables' && earlyNft(v.version));
    if (early) {
      ctx.report({ messageId: 'earlyNft', severity: 'warning', data: { version: early.version }, evidence: [line(early.source, early.line)] });
      return;
    }
    // Judged only when both sides could be seen: a legacy listing, or iptables-save's own header with no legacy warning.
    if (!b || (!b.legacy && !b.saveHeader)) ctx.skip('oneBackend');
  },
});
