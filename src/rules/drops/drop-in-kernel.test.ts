import { RuleTester } from '../../engine/rule-tester.js';
import { probe, traced } from '../../../test/fixtures/drops/load.js';
import rule from './drop-in-kernel.js';

// Recorded on 6.18: socket-rcvbuff (SOCKET_RCVBUFF in udp_queue_rcv_one_skb, 38 datagrams).
new RuleTester().run(rule, {
  valid: [
    { name: 'a named place is its own rule\'s', evidence: traced(probe({ sent: 3 }), 'peer', { from: 'udp-csum' }) },
    { name: 'a socket closed with data queued (QUEUE_PURGE in sk_stream_kill_queues, recorded beside a policy drop) is never a lost probe', evidence: traced(probe({ sent: 2 }), 'peer', { from: 'netfilter-drop-policy', lines: /sk_stream_kill_queues/ }) },
  ],
  invalid: [
    {
      name: 'the receiving socket\'s buffer was full',
      evidence: traced(probe({ sent: 40, received: 2, label: 'underlay' }), 'peer', { from: 'socket-rcvbuff' }),
      errors: [{ messageId: 'socketBuffer', data: { reason: 'SOCKET_RCVBUFF', count: 38 } }],
    },
    {
      name: 'CentOS 7: a place no rule reads (arp_process), in the kernel\'s words',
      evidence: traced(probe({ sent: 1 }), 'peer', { from: 'centos7', lines: /81553dd1/ }),
      errors: [{ messageId: 'other', data: { location: 'arp_process+0x2c1/0x6d0', reason: 'NOT_SPECIFIED' } }],
    },
  ],
});
