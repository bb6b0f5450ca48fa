// The agents file and --nodes are user input: checked, bounded, one-line errors with a code.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { inventoryFromList, readAgentsFile } from './inventory.js';

const dir = mkdtempSync(join(tmpdir(), 'pp-mesh-inv-'));
const file = (name: string, text: string) => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};

describe('agents file', () => {
  it('reads YAML and JSON with both planes, labels and default ports', () => {
    const yaml = file('a.yaml', `probePort: 17946
nodes:
  - name: n1
    labels: { topology.kubernetes.io/zone: a }
    host: { address: 10.0.1.5 }
    pod: { address: 10.244.1.7, apiPort: 17000 }
  - name: n2
    subnet: 10.0.2.0/24
    host: { address: 10.0.2.7, tlsFingerprint: "AB:CD" }
`);
    expect(readAgentsFile(yaml)).toEqual({
      nodes: [
        { name: 'n1', labels: { 'topology.kubernetes.io/zone': 'a' }, subnet: undefined, host: { address: '10.0.1.5', port: 17946, apiPort: 7947 }, pod: { address: '10.244.1.7', port: 17946, apiPort: 17000 } },
        { name: 'n2', labels: {}, subnet: '10.0.2.0/24', host: { address: '10.0.2.7', port: 17946, apiPort: 7947, tlsFingerprint: 'AB:CD' }, pod: undefined },
      ],
    });
    const json = file('a.json', JSON.stringify({ nodes: [{ name: 'a', host: { address: 'fd00::1' } }, { name: 'b', pod: { address: 'fd00::2' } }] }));
    expect(readAgentsFile(json).nodes.map((n) => n.host?.address ?? n.pod?.address)).toEqual(['fd00::1', 'fd00::2']);
  });

  it('refuses names for addresses, duplicates, nodes without agents, unknown keys and junk, with E_MESH_AGENTS', () => {
    const cases: [string, RegExp][] = [
      ['nodes: [{ name: a, host: { address: node-a.local } }, { name: b, host: { address: 10.0.0.2 } }]', /nodes\.0\.host\.address: not an IP address: "node-a\.local"/],
      ['nodes: [{ name: a, host: { address: 10.0.0.1 } }, { name: a, host: { address: 10.0.0.2 } }]', /nodes\.1\.name: "a" appears twice/],
      ['nodes: [{ name: a, host: { address: 10.0.0.1 } }, { name: b, host: { address: 10.0.0.1 } }]', /the agent at 10\.0\.0\.1:7947 is listed twice/],
      ['nodes: [{ name: a }, { name: b, host: { address: 10.0.0.2 } }]', /nodes\.0: no host and no pod agent/],
      ['nodes: [{ name: a, host: { address: 10.0.0.1, token: x } }, { name: b, host: { address: 10.0.0.2 } }]', /Unrecognized key/],
      ['nodes: [{ name: a, host: { address: 10.0.0.1 } }]', /a mesh needs at least two nodes/],
      ['{ "nodes": [', /neither JSON nor YAML/],
    ];
    for (const [text, why] of cases) {
      let err: unknown;
      try {
        readAgentsFile(file('bad.yaml', text));
      } catch (e) {
        err = e;
      }
      expect(err, text).toMatchObject({ code: 'E_MESH_AGENTS', message: expect.stringMatching(why) });
    }
    expect(() => readAgentsFile('/dev/zero')).toThrow(/not a regular file/);
  });
});

describe('--nodes', () => {
  it('takes addresses or name=address, host plane only', () => {
    expect(inventoryFromList('10.0.0.1, n2=10.0.0.2', { port: 1000, apiPort: 1001 }).nodes).toEqual([
      { name: '10.0.0.1', labels: {}, subnet: undefined, host: { address: '10.0.0.1', port: 1000, apiPort: 1001 }, pod: undefined },
      { name: 'n2', labels: {}, subnet: undefined, host: { address: '10.0.0.2', port: 1000, apiPort: 1001 }, pod: undefined },
    ]);
    expect(() => inventoryFromList('10.0.0.1,example.com')).toThrow(/nodes\.1\.host\.address: not an IP address/);
  });
});
