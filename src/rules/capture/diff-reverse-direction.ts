// The other way, judged from the receiver's capture: is the loss one-way, does the other way lose
// too, or did nothing go that way? (It was finding kinds `diff-one-way` and `diff-reverse-loss`.)
import { defineRule } from '../../engine/types.js';
import { captureLine, captureLocation } from '../shared/capture.js';
import { dirName, explained, lossSeverity, pct } from '../shared/capture-diff.js';

export default defineRule({
  meta: {
    id: 'diff-reverse-direction',
    kind: 'capture',
    title: { en: 'The other direction: one-way loss, or loss both ways', zh: '反方向：单向丢包，还是双向都丢' },
    severity: 'info',
    needs: ['captureDiffs'],
    messages: {
      oneWay: { en: 'the loss is one-way: {sent} packets {dir} all arrived', zh: '丢包是单向的：{dir} 的 {sent} 个报文全部到达' },
      noTraffic: { en: 'nothing {dir} in the overlap: cannot tell whether the other way works', zh: '重叠期间没有 {dir} 的报文：无法判断反方向是否正常' },
      lost: {
        en: "{lost} of {sent} packets {dir} were lost too ({pct}; frames of the receiver's capture){notExplained}",
        zh: '{dir} 也丢失 {lost}/{sent} 个报文（{pct}；帧号为接收端抓包的）{notExplained}',
      },
      notExplained: { en: ', {rest} of them not explained by size or a loss window', zh: '，其中 {rest} 个无法用大小或时间窗解释' },
    },
    explanation: {
      en: 'The receiver\'s capture holds what the receiving host sent back, and the sender\'s capture what of it arrived: pcap diff judges that direction as it judges the forward one. One-way loss (everything back arrives, the forward direction loses) points at something that treats the two hosts differently: a policer on one sender, an MTU or a firewall on one side, a return route (seed 003: ping worked one way only). Loss both ways points at the path itself or at both ends. With nothing sent back in the overlap, the other direction cannot be judged.',
      zh: '接收端的抓包记录了接收主机发回的报文，发送端的抓包记录了其中到达的部分：pcap diff 像判断正方向一样判断这个方向。单向丢包（回程全部到达，正方向丢失）指向区别对待两台主机的因素：针对某个发送端的限速、某一侧的 MTU 或防火墙、回程路由（种子 003：ping 只有单向可通）。双向都丢则指向路径本身或两端。若重叠期间没有回程流量，则无法判断反方向。',
    },
    remediation: [
      {
        description: { en: 'Read the findings of both directions together; to judge the other way, send traffic back during the captures', zh: '把两个方向的结论放在一起看；若要判断反方向，请在抓包期间发送回程流量' },
        commands: ['# one-way: look at what treats the two hosts differently (a policer, an MTU, a firewall, the return route)', 'podpath probe {from}  # from {to}: probes both ways with counters at both ends'],
        undo: ['# nothing to undo'],
      },
    ],
    references: ['seeds/003_2b1b2eccaee5794d.txt'],
  },
  check(ctx) {
    for (const d of ctx.evidence.captureDiffs ?? []) {
      const f = d.forward;
      const rv = d.reverse;
      const revRest = rv.lost - explained(rv);
      // Loss both ways is said here only for what the reverse direction's other findings do not explain.
      if (!((f.lost > 0 && rv.lost === 0) || revRest > 0)) continue;
      const file = d.receiver.file;
      const data = { dir: dirName(rv), from: rv.from, to: rv.to, sent: rv.sent, lost: rv.lost, pct: pct(rv.lost, rv.sent), rest: revRest };
      const evidence = [captureLine(file, `${dirName(rv)}: ${rv.sent} sent, ${rv.delivered} delivered, ${rv.lost} lost; ${dirName(f)}: ${f.lost} of ${f.sent} lost`)];
      if (rv.lost === 0 && rv.sent > 0) ctx.report({ messageId: 'oneWay', data, evidence, location: captureLocation(file) });
      else if (rv.sent === 0) ctx.report({ messageId: 'noTraffic', data, evidence, location: captureLocation(file) });
      else {
        ctx.report({
          messageId: 'lost',
          severity: revRest > 0 ? lossSeverity(revRest, rv.sent) : 'info',
          data,
          phrases: { notExplained: rv.lost !== revRest ? [{ id: 'notExplained', data: { rest: revRest } }] : [] },
          evidence,
          location: captureLocation(file, revRest > 0 ? rv.lostFrames : undefined),
        });
      }
    }
  },
});
