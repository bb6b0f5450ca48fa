import { describe, expect, it } from 'vitest';
import { buildClusterFacts } from '../sources/kube/build.js';
import { parseDumpText } from '../sources/kube/files.js';
import { renderAgentStatus, renderClusterFacts } from './cluster.js';

// Any C0 control character but newline and tab, or DEL: built from codes, not a regex literal.
const hasControl = (s: string) => [...s].some((c) => { const n = c.charCodeAt(0); return (n < 32 && n !== 10 && n !== 9) || n === 127; });

describe('cluster renderers: names from the API are hostile', () => {
  it('control characters in node names and annotations are shown escaped, never sent raw to the terminal', () => {
    const node = { kind: 'Node', apiVersion: 'v1', metadata: { name: 'evil\u001b]0;pwned\u0007node', annotations: { 'flannel.alpha.coreos.com/public-ip': '10.0.0.1\u001b[2J' } }, status: { addresses: [{ type: 'InternalIP', address: '10.0.0.1' }] } };
    const facts = buildClusterFacts({ source: { kind: 'files' }, ...parseDumpText(JSON.stringify(node), 'n.json') });
    const text = renderClusterFacts(facts);
    expect(hasControl(text)).toBe(false);
    expect(text).toContain('evil');
    const status = renderAgentStatus({ daemonSets: [], pods: [{ name: 'p\u001b[31m', plane: 'host', node: 'n\rx', phase: 'Running', ready: true, restarts: 0 }] }, 'podpath');
    expect(hasControl(status)).toBe(false);
  });
  it('a partial read says that absence proves nothing', () => {
    const facts = buildClusterFacts({ source: { kind: 'files' }, ...parseDumpText('{"kind":"List","apiVersion":"v1","items":[]}\nError from server (Forbidden): nodes is forbidden\n', 'nodes.json') });
    expect(renderClusterFacts(facts)).toMatch(/PARTIAL E_KUBE_FORBIDDEN: nodes\.json: .* what is absent there is unknown/);
  });
});
