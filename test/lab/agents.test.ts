import { describe, expect, it } from 'vitest';
import { meshAgentsFile } from '../../src/lab/agents.js';
import { DEFAULT_OPTIONS, planLab } from '../../src/lab/topology.js';
import { inventoryFrom } from '../../src/mesh/inventory.js';

describe('lab agents file', () => {
  it('lists every node with its host agent (eth0) and its first pod\'s, and podpath mesh reads it', () => {
    const plan = planLab({ ...DEFAULT_OPTIONS, name: 'm', nodes: 4, pods: 2, subnets: 2 });
    const inv = inventoryFrom(meshAgentsFile(plan), 'mesh-agents.json');
    expect(inv.nodes.map((n) => [n.name, n.host?.address, n.pod?.address, n.labels['lab.podpath.io/subnet']])).toEqual([
      ['n1', '192.168.77.11', '10.244.1.2', '0'], ['n2', '192.168.77.12', '10.244.2.2', '0'],
      ['n3', '192.168.78.13', '10.244.3.2', '1'], ['n4', '192.168.78.14', '10.244.4.2', '1'],
    ]);
    expect(inv.nodes[0]!.host).toMatchObject({ port: 7946, apiPort: 7947 });
    const noPods = inventoryFrom(meshAgentsFile(planLab({ ...DEFAULT_OPTIONS, name: 'p', pods: 0 })), 'x');
    expect(noPods.nodes.every((n) => n.pod === undefined)).toBe(true);
  });
});
