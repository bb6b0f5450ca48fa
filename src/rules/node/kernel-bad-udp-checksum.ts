// Seed 000: a distribution kernel build that sends UDP datagrams with a wrong checksum. The fix the
// operator found after days: boot the older build still in the boot menu.
import type { EvidenceLine, NodeFacts } from '../../evidence/node-facts.js';
import { defineRule } from '../../engine/types.js';
import { findBadUdpChecksumBuild, type BadKernelBuild } from '../data/kernel-builds.js';
import { compareKernelReleases, releaseWithoutArch } from '../data/kernel-version.js';

const SEED = 'seeds/000_694fb590af4e1503.txt';

interface BootChoice {
  index: number;
  kernel: string;
  title: string;
  known: 'good' | 'untested';
}

/** The boot entry to fall back to: a known-good build first, else the newest older build that is not known bad. */
export function fallbackEntry(facts: NodeFacts, running: string, bad: BadKernelBuild): BootChoice | undefined {
  const entries = (facts.boot?.entries ?? []).filter((e) => e.kernel !== undefined && !/rescue/i.test(e.title));
  const good = entries.find((e) => bad.knownGood.includes(releaseWithoutArch(e.kernel ?? '')));
  if (good?.kernel) return { index: good.index, kernel: good.kernel, title: good.title, known: 'good' };
  const older = entries
    .filter((e) => compareKernelReleases(e.kernel ?? '', running) < 0 && !findBadUdpChecksumBuild(e.kernel ?? ''))
    .sort((a, b) => compareKernelReleases(b.kernel ?? '', a.kernel ?? ''))[0];
  return older?.kernel ? { index: older.index, kernel: older.kernel, title: older.title, known: 'untested' } : undefined;
}

/** When the running build was installed, and the kernel builds the same transaction replaced. */
export function installHistory(facts: NodeFacts, running: string): { installedAt?: string; replaced: string[]; lines: EvidenceLine[] } {
  const history = facts.kernelPackages?.history ?? [];
  const bare = releaseWithoutArch(running);
  const install = history.find((e) => ['install', 'upgrade'].includes(e.action) && /^kernel(-core)?$/.test(e.name) && releaseWithoutArch(e.version ?? '') === bare);
  if (!install) return { replaced: [], lines: [] };
  const minute = install.time?.slice(0, 16);
  const sameTransaction = history.filter((e) => e !== install && minute !== undefined && e.time?.slice(0, 16) === minute);
  const replaced = [...new Set(sameTransaction.filter((e) => e.action === 'upgraded' && e.version).map((e) => releaseWithoutArch(e.version ?? '')))];
  return {
    installedAt: install.time,
    replaced,
    lines: [install, ...sameTransaction].map((e) => ({ source: e.source, text: e.line })),
  };
}

export default defineRule({
  meta: {
    id: 'kernel-bad-udp-checksum',
    kind: 'node',
    title: { en: 'Kernel build known to send bad UDP checksums', zh: '内核版本已知会发出错误的 UDP 校验和' },
    severity: 'critical',
    needs: ['kernel'],
    uses: ['kernelPackages', 'boot', 'os'],
    messages: {
      fallbackGood: {
        en: 'Running kernel {release} ({distro}) sends UDP datagrams with a wrong checksum; receivers drop them, so VXLAN on port 8472/4789 carries nothing. It was installed {installedAt} (same transaction replaced {replaced}). Boot entry {goodIndex} ({goodKernel}) is a known-good build: make it the default and reboot.',
        zh: '当前运行的内核 {release}({distro})发出的 UDP 报文校验和错误,接收端会丢弃,VXLAN(8472/4789 端口)因此不通。该内核于 {installedAt} 安装(同一事务替换了 {replaced})。启动项 {goodIndex}({goodKernel})是已知正常的版本:设为默认并重启。',
      },
      fallbackUntested: {
        en: 'Running kernel {release} ({distro}) sends UDP datagrams with a wrong checksum; receivers drop them, so VXLAN on port 8472/4789 carries nothing. It was installed {installedAt} (same transaction replaced {replaced}). Boot entry {goodIndex} ({goodKernel}) is older but untested; the known-good build is {knownGood}.',
        zh: '当前运行的内核 {release}({distro})发出的 UDP 报文校验和错误,接收端会丢弃,VXLAN(8472/4789 端口)因此不通。该内核于 {installedAt} 安装(同一事务替换了 {replaced})。启动项 {goodIndex}({goodKernel})是更早的版本但未经验证;已知正常的版本是 {knownGood}。',
      },
      noFallback: {
        en: 'Running kernel {release} ({distro}) sends UDP datagrams with a wrong checksum; receivers drop them, so VXLAN on port 8472/4789 carries nothing. It was installed {installedAt}. No older kernel is in the boot menu: install the known-good build {knownGood} first.',
        zh: '当前运行的内核 {release}({distro})发出的 UDP 报文校验和错误,接收端会丢弃,VXLAN(8472/4789 端口)因此不通。该内核于 {installedAt} 安装。启动菜单里没有更早的内核:请先安装已知正常的版本 {knownGood}。',
      },
    },
    explanation: {
      en: 'Some distribution kernel builds put a wrong UDP checksum into datagrams they send, even plain userspace sendto() (seed 000: a Python UDP echo to port 8472 fails while `nc -u` works, and the receiver\'s `tcpdump -vv` shows `[bad udp cksum 0x7a0d -> 0x4acd!]`). The receiving kernel drops every such datagram and counts it in Udp InCsumErrors, so the VXLAN overlay is dead: `ip -s link show flannel.1` shows RX 0 on the peers. Turning NIC offloads off does not help, because the checksum is wrong before it reaches the NIC. The same cluster works on the previous build. podpath knows the bad builds as data (src/rules/data/kernel-builds.ts); the causing commit is UNCONFIRMED.',
      zh: '部分发行版内核版本发出的 UDP 报文(即使是用户态 sendto())校验和就是错的(种子 000:Python UDP 回显到 8472 端口失败,而 `nc -u` 正常;接收端 `tcpdump -vv` 显示 `[bad udp cksum 0x7a0d -> 0x4acd!]`)。接收端内核丢弃这些报文并计入 Udp InCsumErrors,VXLAN overlay 因此不通:对端 `ip -s link show flannel.1` 的 RX 为 0。关闭网卡 offload 没有用,因为校验和在到达网卡前就已错误。同一集群换回上一个内核版本即正常。podpath 以数据形式记录这些问题版本(src/rules/data/kernel-builds.ts);具体引入问题的提交尚未确认(UNCONFIRMED)。',
    },
    remediation: [
      {
        description: { en: 'Boot the good kernel: make boot entry {goodIndex} the default and reboot (the seed\'s fix)', zh: '改用正常内核启动:把启动项 {goodIndex} 设为默认并重启(种子中的修复方法)' },
        commands: ['grub2-set-default {goodIndex}', 'grub2-editenv list  # saved_entry={goodIndex}', 'reboot', 'uname -r  # after the reboot: {goodKernel}'],
        undo: ['grub2-set-default {currentIndex}', 'reboot'],
      },
      {
        description: { en: 'Keep it: stop the package manager from booting the bad build again', zh: '保持修复:避免包管理器再次默认启动问题内核' },
        commands: ['dnf versionlock add kernel-{goodKernel} || echo "exclude=kernel*" >> /etc/dnf/dnf.conf'],
        undo: ['dnf versionlock delete kernel-{goodKernel} || sed -i "/^exclude=kernel\\*$/d" /etc/dnf/dnf.conf'],
      },
    ],
    references: [SEED, 'kb:known-failures.md#2 (distribution kernels that emit bad UDP checksums)'],
    unconfirmed: {
      en: 'Which commit of the 52.49 build breaks the checksum is not known; 52.45 is untested.',
      zh: '尚不清楚 52.49 构建中是哪个提交破坏了校验和;52.45 未经测试。',
    },
  },
  check(ctx) {
    const kernel = ctx.facts.kernel;
    if (!kernel) return;
    // The running kernel, or another one the same evidence shows (a transcript comparing the broken
    // node with a good one, or taken before and after the reboot that fixed it).
    const shown = [{ release: kernel.release, uname: kernel.uname, source: kernel.source }, ...(kernel.others ?? [])];
    const hit = shown.map((k) => ({ k, bad: findBadUdpChecksumBuild(k.release) })).find((x) => x.bad !== undefined);
    if (!hit?.bad) return;
    const { bad } = hit;
    const release = hit.k.release;
    const history = installHistory(ctx.facts, release);
    const fallback = fallbackEntry(ctx.facts, release, bad);
    const evidence: EvidenceLine[] = [{ source: hit.k.source, text: hit.k.uname }, ...history.lines];
    const boot = ctx.facts.boot;
    if (boot) {
      for (const e of boot.entries) evidence.push({ source: boot.source, text: `${e.index} : ${e.title}${e.index === boot.defaultIndex ? '  (default)' : ''}` });
    }
    const data = {
      release,
      distro: bad.distro,
      installedAt: history.installedAt ?? '?',
      replaced: history.replaced.length > 0 ? history.replaced.join(', ') : '?',
      knownGood: bad.knownGood.join(', '),
      goodIndex: fallback?.index ?? '<N>',
      goodKernel: fallback ? releaseWithoutArch(fallback.kernel) : bad.knownGood[0] ?? '?',
      currentIndex: boot?.defaultIndex ?? 0,
    };
    const messageId = !fallback ? 'noFallback' : fallback.known === 'good' ? 'fallbackGood' : 'fallbackUntested';
    ctx.report({ messageId, data, evidence });
  },
});
