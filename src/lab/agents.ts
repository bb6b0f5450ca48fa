// `podpath lab agents up|down`: a podpath agent in every lab node (on its eth0 address: the host
// plane) and in every node's first pod (on the pod address: the pod plane), as the two DaemonSets
// run them, with a key and token made for the lab; and the agents file `podpath mesh` reads. The
// agents are recorded in the lab's state (pid and start time) and ended only when still the very
// processes started here, in the lab's own namespaces; `lab down` ends them too.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, openSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PodpathError } from '../util/errors.js';
import { labDir } from './names.js';
import { netnsInode, processNetns, startTime } from './lifecycle.js';
import { selfArgv } from './shim.js';
import { requireState, writeState, type LabAgent } from './state.js';
import type { LabPlan } from './topology.js';

export interface LabAgentsFiles { agents: string; key: string; token: string }

export const labAgentFiles = (lab: string): LabAgentsFiles => ({
  agents: join(labDir(lab), 'mesh-agents.json'),
  key: join(labDir(lab), 'agent-key'),
  token: join(labDir(lab), 'agent-token'),
});

/** The agents file for `podpath mesh`: every node with its host agent and its first pod's. */
export function meshAgentsFile(plan: LabPlan): unknown {
  return {
    schemaVersion: 1,
    nodes: plan.nodes.map((n) => ({
      name: n.name,
      labels: { 'lab.podpath.io/subnet': String(n.subnet ?? 0), 'lab.podpath.io/cni': plan.options.cni },
      host: { address: n.eth0Ip },
      ...(n.pods[0] ? { pod: { address: n.pods[0].ip } } : {}),
    })),
  };
}

export async function labAgentsUp(
  lab: string, opts: { readyTimeoutMs?: number; /** how to start podpath (default: as this process was started) */ podpath?: string[] } = {},
): Promise<{ agents: LabAgent[]; files: LabAgentsFiles }> {
  const state = await requireState(lab);
  if (state.agents?.length) throw new PodpathError('E_LAB_AGENTS', `lab ${lab} already runs ${state.agents.length} agents; \`podpath lab agents down --name ${lab}\` first`);
  const files = labAgentFiles(lab);
  // Made for this lab only, readable by root only; distinct, as the agent insists.
  await writeFile(files.key, randomBytes(24).toString('hex') + '\n', { mode: 0o600 });
  await writeFile(files.token, randomBytes(24).toString('hex') + '\n', { mode: 0o600 });
  const self = opts.podpath ?? await selfArgv();
  const plan = state.plan;
  const wanted = plan.nodes.flatMap((n) => [
    { node: n.name, plane: 'host' as const, ns: n.ns, address: n.eth0Ip, root: n.root },
    ...(n.pods[0] ? [{ node: n.name, plane: 'pod' as const, ns: n.pods[0].ns, address: n.pods[0].ip, root: undefined }] : []),
  ]);
  const agents: LabAgent[] = [];
  try {
    for (const w of wanted) {
      const log = join(labDir(lab), `agent-${w.node}-${w.plane}.log`);
      const fd = openSync(log, 'w', 0o600);
      const argv = [...self, 'agent', '--listen', w.address, '--key-file', files.key, '--token-file', files.token, ...(w.root ? ['--root', w.root] : [])];
      // `ip netns exec` execs the agent: the pid is the agent's. Detached: it outlives this command.
      const child = spawn('ip', ['netns', 'exec', w.ns, ...argv], { detached: true, stdio: ['ignore', fd, fd] });
      closeSync(fd);
      const pid = child.pid;
      child.unref();
      if (pid === undefined) throw new PodpathError('E_LAB_AGENTS', `could not start the agent in ${w.ns}`);
      const start = await startTime(pid);
      if (start === undefined) throw new PodpathError('E_LAB_AGENTS', `the agent in ${w.ns} ended at once; see ${log}`);
      agents.push({ node: w.node, plane: w.plane, ns: w.ns, address: w.address, pid, start, log });
    }
    await Promise.all(agents.map((a) => waitStarted(a, opts.readyTimeoutMs ?? 60_000)));
  } catch (e) {
    await endAgents(agents);
    throw e;
  }
  state.agents = agents;
  await writeState(state);
  await writeFile(files.agents, JSON.stringify(meshAgentsFile(plan), null, 2) + '\n');
  return { agents, files };
}

/** Waits for the agent's `agent.started` log line; its one-line error if it ended instead. */
async function waitStarted(a: LabAgent, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const text = await readFile(a.log, 'utf8').catch(() => '');
    if (text.includes('"event":"agent.started"')) return;
    if ((await startTime(a.pid)) !== a.start) {
      const why = text.split('\n').find((l) => l.startsWith('podpath: ')) ?? 'it ended';
      throw new PodpathError('E_LAB_AGENTS', `the agent of ${a.node} (${a.plane}, ${a.address}) did not start: ${why.slice(0, 300)}`);
    }
    if (Date.now() > deadline) throw new PodpathError('E_LAB_AGENTS', `the agent of ${a.node} (${a.plane}, ${a.address}) did not start within ${timeoutMs / 1000} s; see ${a.log}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export async function labAgentsDown(lab: string): Promise<number> {
  const state = await requireState(lab);
  const agents = state.agents ?? [];
  const ended = await endAgents(agents);
  state.agents = [];
  await writeState(state);
  return ended;
}

/** Ends recorded agents that are still the same process (pid, start time) in their namespace. */
async function endAgents(agents: LabAgent[]): Promise<number> {
  const ours = async (a: LabAgent) => {
    const [start, ino, want] = await Promise.all([startTime(a.pid), processNetns(a.pid), netnsInode(a.ns)]);
    return start === a.start && ino !== undefined && ino === want;
  };
  const signal = async (sig: NodeJS.Signals | 0) => {
    let alive = 0;
    for (const a of agents) {
      if (!(await ours(a))) continue;
      try {
        process.kill(a.pid, sig);
        alive++;
      } catch {
        // ended meanwhile
      }
    }
    return alive;
  };
  const ended = await signal('SIGTERM');
  for (let i = 0; i < 50 && (await signal(0)) > 0; i++) await new Promise((r) => setTimeout(r, 100));
  await signal('SIGKILL');
  return ended;
}
