import { RuleTester } from '../../engine/rule-tester.js';
import { probe, recordedVerdicts, traced } from '../../../test/fixtures/drops/load.js';
import rule from './drop-netfilter.js';

// Recorded on 6.18: netfilter-drop-rule / -policy (nft_do_chain), iptables-legacy-drop (nf_hook_slow),
// with `nft monitor trace` of the same packets (test/fixtures/tracefs/nft-trace/).
new RuleTester().run(rule, {
  valid: [
    { name: 'a checksum drop is another rule\'s', evidence: traced(probe({ sent: 3 }), 'peer', { from: 'udp-csum' }) },
    { name: 'delivered', evidence: traced(probe({ sent: 2, received: 2 }), 'peer', { from: 'netfilter-drop-rule' }) },
  ],
  invalid: [
    {
      name: 'rule drop named by the filter\'s trace (noise of NO_SOCKET beside it)',
      evidence: traced(probe({ sent: 2 }), 'peer', { from: 'netfilter-drop-rule', verdicts: recordedVerdicts('rule-drop', [33335]) }),
      errors: [{
        messageId: 'rule', data: { filterNode: '192.168.77.12', reason: 'NETFILTER_DROP', symbol: 'nft_do_chain' }, phrases: { verdict: 'verdictRule' },
        message: /packet filter: table inet ppfx_fwd, chain pp_forward, a rule \(udp dport 33335 counter packets 0 bytes 0 drop\) \(NETFILTER_DROP/,
        messageZh: /包过滤规则丢弃:表 inet ppfx_fwd,链 pp_forward,一条规则\(udp dport 33335 counter packets 0 bytes 0 drop\)/,
      }],
    },
    {
      name: 'policy drop',
      evidence: traced(probe({ sent: 2 }), 'peer', { from: 'netfilter-drop-policy', verdicts: recordedVerdicts('policy-drop', [33336]) }),
      errors: [{ messageId: 'rule', phrases: { verdict: 'verdictPolicy' }, message: /: table inet ppfx_pol, chain pp_forward, policy drop \(/, evidence: [/policy drop: drop 2 traced packet/] }],
    },
    {
      name: 'no --trace-rules: the place only, and the advice to run with it',
      evidence: traced(probe({ sent: 1, label: 'underlay' }), 'local', { from: 'iptables-legacy-drop' }),
      errors: [{ messageId: 'noRule', data: { node: 'this node', symbol: 'nf_hook_slow' } }],
    },
    {
      name: 'one kernel: the filter trace (read per namespace) names the node',
      evidence: traced(probe({ sent: 2, sender: 'peer' }), 'shared', { from: 'netfilter-drop-policy', verdicts: recordedVerdicts('policy-drop', [33336]) }),
      errors: [{ messageId: 'rule', data: { filterNode: 'this node' } }],
    },
  ],
});
