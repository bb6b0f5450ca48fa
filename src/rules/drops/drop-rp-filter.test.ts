import { RuleTester } from '../../engine/rule-tester.js';
import { probe, traced } from '../../../test/fixtures/drops/load.js';
import rule from './drop-rp-filter.js';

// Recorded on 6.18 (6.18-live/rp-filter: ip_rcv_finish_core IP_RPFILTER) and CentOS 7 (ip_rcv_finish).
new RuleTester().run(rule, {
  valid: [
    { name: 'another place', evidence: traced(probe({ sent: 3 }), 'peer', { from: 'no-socket' }) },
    { name: 'CentOS 7 ip_rcv_finish without IPReversePathFilter rising is not rp_filter', evidence: traced(probe({ sent: 1, received: 0 }), 'peer', { from: 'centos7', lines: /8154b8a4/ }) },
  ],
  invalid: [
    {
      name: 'requests dropped at the receiver',
      evidence: traced(probe({ sent: 2 }), 'peer', { from: 'rp-filter' }),
      errors: [{ messageId: 'reason', data: { node: '192.168.77.12', reason: 'IP_RPFILTER', symbol: 'ip_rcv_finish_core', count: 2 } }],
    },
    {
      name: 'one kernel, requests all arrived: the answers died entering the sender (this node)',
      evidence: traced(probe({ sent: 2, arrived: 2 }), 'shared', { from: 'rp-filter' }),
      errors: [{ messageId: 'reason', data: { node: 'this node' } }],
    },
    {
      name: 'one kernel, the tally lost too: the node whose own IPReversePathFilter rose (this node), not the direction\'s guess',
      evidence: traced(probe({ sent: 2, counters: { 'local:Netstat.IPReversePathFilter': 2, 'peer:Netstat.IPReversePathFilter': 0 } }), 'shared', { from: 'rp-filter' }),
      errors: [{ messageId: 'reason', data: { node: 'this node' }, evidence: [/inferred from its own counters/] }],
    },
    {
      name: 'CentOS 7: ip_rcv_finish while IPReversePathFilter rose',
      evidence: traced(probe({ sent: 1, counters: { 'peer:Netstat.IPReversePathFilter': 1 } }), 'peer', { from: 'centos7', lines: /8154b8a4/ }),
      errors: [{ messageId: 'location', data: { symbol: 'ip_rcv_finish' } }],
    },
  ],
});
