import { describe, expect, it } from 'vitest';
import { findCatalogueEnglish, findSharedEnglish, findUntranslated } from './untranslated.js';

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

describe('the catalogue-English detector', () => {
  const entries = [
    { en: 'only here: {list}', zh: '仅此处有：{list}' },
    { en: 'present ({kind})', zh: '存在（{kind}）' },
    { en: 'NetworkManager', zh: 'NetworkManager' },
    { en: 'run `podpath doctor` on {where}', zh: '在 {where} 上运行 `podpath doctor`' },
  ];
  it('finds the English of an entry, however short, in a Chinese text', () => {
    expect(findCatalogueEnglish('     A: only here: eth0; eth1', entries).map((u) => u.phrase)).toEqual(['only here']);
    expect(findCatalogueEnglish('     B: present (vxlan)', entries).map((u) => u.phrase)).toEqual(['present']);
    // Two words and more only, when asked (one word over every catalogue is too often a name).
    expect(findCatalogueEnglish('     B: present (vxlan)', entries, { minWords: 2 })).toEqual([]);
  });
  it('passes names the Chinese says too, words inside identifiers, and what is quoted', () => {
    expect(findCatalogueEnglish('A 上的 NetworkManager 状态；运行 podpath doctor', entries)).toEqual([]);
    expect(findCatalogueEnglish('● node-present-check  存在', entries)).toEqual([]);
    expect(findCatalogueEnglish('证据: only here: x', entries, { quoted: ['only here: x'] })).toEqual([]);
  });
});

describe('the shared-English detector', () => {
  it('finds two English words the Chinese output says as the English one does', () => {
    const en = '  probe 10.244.2.0 overlay: UDP echo this node -> 10.244.2.0 (overlay): 20/20 came back\n  TCP 10.96.0.1:443: 0/3 handshakes completed';
    const zh = '  probe 10.244.2.0 overlay: UDP echo this node -> 10.244.2.0 (overlay): 20/20 came back\n  TCP 10.96.0.1:443：0/3 次握手完成';
    expect(findSharedEnglish(zh, en, { quoted: ['probe 10.244.2.0 overlay'] }).map((u) => u.phrase)).toEqual(['echo this node', 'came back']);
  });
  it('passes names, columns, commands and what is quoted', () => {
    const en = 'ok host->host  n1 -> n4  udp 5/5 rtt 2.13 ms  tcp 3/3\npcap diff found 2 losses\nnft -a list ruleset\nthe node flannel-a said: link is down';
    const zh = 'ok host->host  n1 -> n4  udp 5/5（到达 5） rtt 2.13 ms  tcp 3/3\npcap diff 发现 2 处丢包\nnft -a list ruleset\n节点 flannel-a 说：link is down';
    expect(findSharedEnglish(zh, en, { quoted: ['link is down'] })).toEqual([]);
  });
});
