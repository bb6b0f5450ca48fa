import { describe, expect, it } from 'vitest';
import { findUntranslated } from './untranslated.js';

describe('the untranslated-English detector', () => {
  it('catches an English sentence in Chinese output, whole or in part', () => {
    expect(findUntranslated('已跳过 (1):\n  - x: No problems found.')).toEqual([{ phrase: 'No problems found', line: '- x: No problems found.' }]);
    expect(findUntranslated('缺少 网络接口: ip -s -d link is not in the bundle')).toHaveLength(1);
    expect(findUntranslated('note: the kernel\'s trace buffer overwrote 12 events before they were read')[0]?.phrase).toBe('note the kernel\'s trace buffer overwrote');
    expect(findUntranslated('podpath 诊断: host, 内核 5.10 (evidence from bundle /x)').map((u) => u.phrase)).toEqual(['evidence from bundle']);
  });

  it('passes Chinese with names, commands, paths, addresses and quoted input in it', () => {
    const zh = [
      '缺少 包过滤规则:包中没有 `iptables-save`(sos_commands/networking/iptables-save)',
      'flannel.1 的 MTU 1450 与 eth0 的 MTU 1500 不符;VXLAN UDP 8472',
      '  ● ip-forward-off  IPv4 转发未开启',
      '      $ sysctl -w net.ipv4.ip_forward=1  # a later file setting 0 wins: remove it',
      '参考: kb:known-failures.md#6, https://kubernetes.io/docs/setup/production-environment/',
      'NetworkManager 管理着 cni0 和 flannel.1',
      '      sos_commands/kernel/dmesg: UDP: bad checksum. From 10.0.0.1:4789 to 10.0.0.2:8472',
    ].join('\n');
    expect(findUntranslated(zh, { quoted: ['UDP: bad checksum. From 10.0.0.1:4789 to 10.0.0.2:8472'] })).toEqual([]);
    // The same evidence line, not declared as quoted from the input, is English in a Chinese report.
    expect(findUntranslated(zh)).toHaveLength(1);
  });

  it('two English words are a name or a term, not a sentence', () => {
    expect(findUntranslated('关闭 Checksum Offload 后重试')).toEqual([]);
  });
});
