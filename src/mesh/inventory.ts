// Which agents take part in a mesh: from an agents file (JSON or YAML; later the cluster code
// makes one from the API) or a --nodes list. Both are user input: every address an IP literal,
// every name and label bounded, node names unique, the file read to a limit.
import { isIP } from 'node:net';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { DEFAULT_API_PORT, DEFAULT_PROBE_PORT } from '../probe/ports.js';
import { readRegularFileCapped } from '../util/read-capped.js';
import { PodpathError } from '../util/errors.js';
import { LIMITS } from '../util/limits.js';
import { displayLine } from '../util/terminal-safe.js';

const ip = z.string().max(64).refine((s) => isIP(s) !== 0, (s) => ({ message: `not an IP address: ${JSON.stringify(s.slice(0, 64))}` }));
const port = z.number().int().min(1).max(65535);

const AgentAddress = z.object({
  address: ip,
  port: port.optional(),
  apiPort: port.optional(),
  /** SHA-256 fingerprint of this agent's certificate (with --tls), as it logged it. */
  tlsFingerprint: z.string().max(200).optional(),
}).strict();

const NodeEntry = z.object({
  name: z.string().min(1).max(253),
  labels: z.record(z.string().max(317), z.string().max(1024)).refine((o) => Object.keys(o).length <= 256, 'more than 256 labels').optional(),
  subnet: z.string().max(64).optional(),
  host: AgentAddress.optional(),
  pod: AgentAddress.optional(),
}).strict();

export const AgentsFile = z.object({
  schemaVersion: z.literal(1).optional(),
  probePort: port.optional(),
  apiPort: port.optional(),
  nodes: z.array(NodeEntry).min(2, 'a mesh needs at least two nodes').max(LIMITS.meshNodes.value, `at most ${LIMITS.meshNodes.value} nodes`),
}).strict();
export type AgentsFile = z.infer<typeof AgentsFile>;

export interface AgentEndpoint {
  address: string; port: number; apiPort: number; tlsFingerprint?: string;
  /** The agent's pod (agents listed from the cluster): it can be reached through the API server's pod proxy. */
  pod?: string;
}

export interface InventoryNode {
  name: string;
  labels: Record<string, string>;
  subnet?: string;
  host?: AgentEndpoint;
  pod?: AgentEndpoint;
}

export interface Inventory { nodes: InventoryNode[] }

/** Reads and checks an agents file: `{ nodes: [{ name, labels?, subnet?, host?: { address }, pod?: { address } }] }`. */
export function readAgentsFile(file: string): Inventory {
  const { code } = LIMITS.meshAgentsFile;
  const text = readRegularFileCapped(file, LIMITS.meshAgentsFile, {
    cannotOpen: (errno) => new PodpathError(code, `cannot read ${displayLine(file, 200)}: ${errno}`),
    specialCode: code,
    what: 'an agents file',
  }).toString('utf8');
  let raw: unknown;
  try {
    raw = /^\s*[{[]/.test(text) ? JSON.parse(text) : parseYaml(text, { maxAliasCount: 100 });
  } catch (e) {
    throw new PodpathError(code, `${file} is neither JSON nor YAML: ${displayLine((e as Error).message, 200)}`);
  }
  return inventoryFrom(raw, file);
}

export function inventoryFrom(raw: unknown, where: string): Inventory {
  const parsed = AgentsFile.safeParse(raw);
  if (!parsed.success) {
    const i = parsed.error.issues[0]!;
    throw new PodpathError(LIMITS.meshAgentsFile.code, `${where}: ${i.path.join('.') || 'the file'}: ${displayLine(i.message, 200)}`);
  }
  const f = parsed.data;
  const seen = new Set<string>();
  const nodes = f.nodes.map((n, i): InventoryNode => {
    if (seen.has(n.name)) throw new PodpathError(LIMITS.meshAgentsFile.code, `${where}: nodes.${i}.name: "${displayLine(n.name, 80)}" appears twice`);
    seen.add(n.name);
    if (!n.host && !n.pod) throw new PodpathError(LIMITS.meshAgentsFile.code, `${where}: nodes.${i}: no host and no pod agent`);
    const endpoint = (a: z.infer<typeof AgentAddress> | undefined): AgentEndpoint | undefined => a && {
      address: a.address, port: a.port ?? f.probePort ?? DEFAULT_PROBE_PORT, apiPort: a.apiPort ?? f.apiPort ?? DEFAULT_API_PORT,
      ...(a.tlsFingerprint ? { tlsFingerprint: a.tlsFingerprint } : {}),
    };
    return { name: n.name, labels: n.labels ?? {}, subnet: n.subnet, host: endpoint(n.host), pod: endpoint(n.pod) };
  });
  const addresses = new Set<string>();
  for (const n of nodes) {
    for (const a of [n.host, n.pod]) {
      if (!a) continue;
      const k = `${a.address}:${a.apiPort}`;
      if (addresses.has(k)) throw new PodpathError(LIMITS.meshAgentsFile.code, `${where}: the agent at ${k} is listed twice`);
      addresses.add(k);
    }
  }
  return { nodes };
}

/** `--nodes 10.0.1.5,10.0.2.7` or `--nodes n1=10.0.1.5,n2=10.0.2.7`: host-plane agents only. */
export function inventoryFromList(list: string, ports: { port?: number; apiPort?: number } = {}): Inventory {
  const entries = list.split(',').map((s) => s.trim()).filter(Boolean);
  const nodes = entries.map((e) => {
    const eq = e.indexOf('=');
    const name = eq >= 0 ? e.slice(0, eq) : e;
    const address = eq >= 0 ? e.slice(eq + 1) : e;
    return { name, host: { address } };
  });
  return inventoryFrom({ nodes, probePort: ports.port, apiPort: ports.apiPort }, '--nodes');
}
