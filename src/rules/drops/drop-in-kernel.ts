// Any other place the kernel names for the lost probes (a full socket buffer, a reason no more
// specific drops rule reads): said in the kernel's own words.
import { defineRule } from '../../engine/types.js';
import { checkDrops, dropData } from '../shared/drop-rule.js';

export default defineRule({
  meta: {
    id: 'drop-in-kernel',
    kind: 'drops',
    title: { en: 'A node\'s kernel drops the probes', zh: '节点内核丢弃探测报文' },
    severity: 'error',
    needs: ['probes', 'drops'],
    messages: {
      socketBuffer: {
        en: '{lost} of {sent} UDP probes from {from} to {to} ({label}) were dropped by {node}\'s kernel: {reason} in {symbol}, {count} times during the probe ({baseline} in the baseline): the receiving socket\'s buffer was full. The kernel\'s trace outranks the placement by counters',
        zh: '{from} 到 {to}({label})的 {sent} 个 UDP 探测中有 {lost} 个被 {node} 的内核丢弃:{symbol} 中的 {reason},探测期间 {count} 次(基线期间 {baseline} 次):接收套接字的缓冲区已满。内核跟踪优先于按计数器的定位',
      },
      other: {
        en: '{lost} of {sent} UDP probes from {from} to {to} ({label}) were dropped by {node}\'s kernel: {reason} at {location}, {count} times during the probe ({baseline} in the baseline). The kernel\'s trace outranks the placement by counters',
        zh: '{from} 到 {to}({label})的 {sent} 个 UDP 探测中有 {lost} 个被 {node} 的内核丢弃:{location} 处的 {reason},探测期间 {count} 次(基线期间 {baseline} 次)。内核跟踪优先于按计数器的定位',
      },
    },
    reasons: {
      noUdpEcho: { en: 'no UDP echo among the probes', zh: '探测结果中没有 UDP 回显' },
      untraced: { en: 'the probes that lost packets were not traced on both nodes ({node}: {why})', zh: '丢包的探测没有在两个节点上都被跟踪({node}:{why})' },
    },
    explanation: {
      en: 'The kernel freed about as many packets as the probe lost, beyond what it freed at the same place in the baseline window before the probe, for a reason or at a place no more specific drops rule reads. The reason is the kernel\'s own name (include/net/dropreason-core.h in its source); without a reason field (kernels before 5.17) the place is the function that freed the packet.',
      zh: '内核释放的报文数约等于探测丢失的数量(扣除探测前基线窗口内同一位置的释放),其原因或位置没有更具体的规则判断。原因是内核自己的名称(见其源码 include/net/dropreason-core.h);没有原因字段时(5.17 之前的内核)位置是释放报文的函数。',
    },
    remediation: [
      {
        description: { en: 'Watch the drops on {node} while probing again', zh: '再次探测时观察 {node} 上的丢包' },
        commands: ['podpath trace --for 10s --devices  # on the node that dropped them'],
        undo: ['# podpath trace undoes what it enables'],
      },
    ],
    references: ['include/net/dropreason-core.h', 'https://docs.kernel.org/trace/events.html'],
  },
  check(ctx) {
    checkDrops(ctx, (p, placed) => {
      if (placed.place !== 'kernel' || (placed.drop.kind !== 'socket-buffer' && placed.drop.kind !== 'other')) return undefined;
      return { messageId: placed.drop.kind === 'socket-buffer' ? 'socketBuffer' : 'other', data: dropData(p, placed) };
    });
  },
});
