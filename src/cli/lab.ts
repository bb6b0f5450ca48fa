// `podpath lab`: a real flannel / Calico VXLAN overlay in network namespaces, and every known
// fault on demand. Wiring only: the work is in src/lab/.
import { spawn } from 'node:child_process';
import { Command, Option } from 'commander';
import { PodpathError } from '../util/errors.js';
import { displayLine } from '../util/terminal-safe.js';
import { FAULTS, healFaults, injectFault } from '../lab/faults/index.js';
import { labDown, labUp, recordedLabs } from '../lab/lifecycle.js';
import { LAB_RUN_DIR, labDir, validateLabName } from '../lab/names.js';
import { pathWithShim, writeShim } from '../lab/shim.js';
import { listNamespaces, requireRoot } from '../lab/run.js';
import { formatSelftest, runSelftest } from '../lab/selftest.js';
import { labAgentsDown, labAgentsUp } from '../lab/agents.js';
import { readState } from '../lab/state.js';
import { formatStatus, labStatus } from '../lab/status.js';
import { DEFAULT_OPTIONS, type Cni, type Underlay } from '../lab/topology.js';

const out = (s: string): void => {
  process.stdout.write(s);
};

function intArg(name: string) {
  return (v: string): number => {
    if (!/^\d+$/.test(v)) throw new PodpathError('E_LAB_OPTION', `--${name} must be an integer, got "${v}"`);
    return Number(v);
  };
}

const nameOption = () => new Option('--name <lab>', 'lab name (namespaces pplab-<lab>-*)').default(DEFAULT_OPTIONS.name);

export function registerLab(program: Command): void {
  const lab = program.command('lab').description('network-namespace lab: a flannel/Calico VXLAN overlay, and known faults on demand (root)');

  lab.command('up')
    .description('build the lab: node namespaces on an underlay, VXLAN device, neighbours, fdb, routes, pods')
    .addOption(nameOption())
    .option('--nodes <n>', 'number of nodes', intArg('nodes'), DEFAULT_OPTIONS.nodes)
    .addOption(new Option('--cni <cni>', 'overlay flavour').choices(['flannel', 'calico-vxlan']).default(DEFAULT_OPTIONS.cni))
    .addOption(new Option('--underlay <kind>', 'a bridge in a switch namespace, or one veth between two nodes').choices(['bridge', 'veth']).default(DEFAULT_OPTIONS.underlay))
    .option('--pods <k>', 'pods per node', intArg('pods'), DEFAULT_OPTIONS.pods)
    .option('--mtu <bytes>', 'underlay MTU (the overlay gets 50 less)', intArg('mtu'), DEFAULT_OPTIONS.mtu)
    .option('--service', 'kube-proxy rules for ClusterIP 10.96.0.10 (udp/53, tcp/53, tcp/80) backed by a pod on the last node', false)
    .option('--subnets <n>', '2: two underlay segments (192.168.77.0/24, 192.168.78.0/24) joined by a router namespace (pplab-<lab>-rt); the first half of the nodes on the first', intArg('subnets'), 1)
    .option('--json', 'print the state as JSON', false)
    .action(async (o: { name: string; nodes: number; cni: Cni; underlay: Underlay; pods: number; mtu: number; service: boolean; subnets: number; json: boolean }) => {
      const { state, ms } = await labUp({ name: o.name, nodes: o.nodes, cni: o.cni, underlay: o.underlay, pods: o.pods, mtu: o.mtu, service: o.service, subnets: o.subnets });
      if (o.json) {
        out(JSON.stringify({ ...state, ms: Math.round(ms) }, null, 2) + '\n');
        return;
      }
      out(`lab ${o.name} up in ${Math.round(ms)} ms\n`);
      out(formatStatus(await labStatus(o.name)));
    });

  lab.command('down')
    .description('remove the lab: the namespaces its state recorded, the processes inside them, and its directory in the run dir')
    .addOption(nameOption())
    .option('--all', `remove every lab recorded in the run dir (${LAB_RUN_DIR}); namespaces no lab there recorded are left alone`, false)
    .action(async (o: { name: string; all: boolean }) => {
      requireRoot();
      const labs = o.all ? await recordedLabs() : [validateLabName(o.name)];
      const list = (names: string[]) => names.slice(0, 8).map((n) => displayLine(n, 80)).join(', ') + (names.length > 8 ? `, ... (${names.length} in all)` : '');
      for (const l of labs) {
        const r = await labDown(l);
        out(`lab ${l} down in ${Math.round(r.ms)} ms: ${r.removed.length} namespace(s) removed${r.killed.length ? `, ${r.killed.length} process(es) inside ended` : ''}${r.recorded ? '' : ` (nothing recorded in ${LAB_RUN_DIR})`}\n`);
        if (r.notRecorded.length) out(`  left alone, not made by this lab (remove with \`ip netns del NAME\` if yours): ${list(r.notRecorded)}\n`);
      }
      if (o.all) {
        if (labs.length === 0) out(`no lab recorded in ${LAB_RUN_DIR}\n`);
        const others = (await listNamespaces()).filter((ns) => ns.startsWith('pplab-')).sort();
        if (others.length) out(`left alone, not recorded by any lab in ${LAB_RUN_DIR}: ${list(others)}\n`);
      }
    });

  lab.command('status')
    .description('what exists: nodes, addresses, devices, active faults')
    .addOption(nameOption())
    .option('--json', 'JSON output', false)
    .action(async (o: { name: string; json: boolean }) => {
      requireRoot();
      const s = await labStatus(validateLabName(o.name));
      out(o.json ? JSON.stringify(s, null, 2) + '\n' : formatStatus(s));
    });

  lab.command('exec')
    .description('run a command inside a node (n1), pod (n1p1) or switch (sw) namespace; `podpath` is on its PATH, PODPATH_ROOT names the node root')
    .addOption(nameOption())
    .argument('<target>', 'n1, n1p1, sw, rt')
    .argument('<cmd...>', 'the command (after --)')
    .allowUnknownOption()
    .action(async (target: string, cmd: string[], o: { name: string }) => {
      requireRoot();
      const state = await readState(validateLabName(o.name));
      if (!state) throw new PodpathError('E_LAB_MISSING', `no lab "${o.name}"`);
      const plan = state.plan;
      const node = plan.nodes.find((n) => n.name === target);
      const pod = plan.nodes.flatMap((n) => n.pods.map((p) => ({ p, n }))).find((x) => x.p.name === target);
      const ns = node?.ns ?? pod?.p.ns ?? (target === 'sw' ? plan.switchNs : target === 'rt' ? plan.router?.ns : undefined);
      if (!ns) throw new PodpathError('E_LAB_NODE', `no "${target}" in lab ${o.name}`);
      const root = node?.root ?? pod?.n.root;
      // `podpath` itself on PATH inside the node: the same podpath that runs this command.
      const bin = await writeShim(labDir(o.name));
      const env = { ...process.env, PATH: pathWithShim(bin), ...(root ? { PODPATH_ROOT: root } : {}) };
      const child = spawn('ip', ['netns', 'exec', ns, ...cmd], { stdio: 'inherit', env });
      const code = await new Promise<number>((resolve) => {
        child.on('error', () => resolve(127));
        child.on('close', (c) => resolve(c ?? 1));
      });
      process.exitCode = code;
    });

  const fault = lab.command('fault')
    .description('inject a known fault with real kernel mechanisms (see `podpath lab faults`)')
    .addOption(nameOption())
    .argument('<fault>', 'fault name')
    .option('--node <node>', 'node the fault sits on (default depends on the fault)')
    .option('--peer <node>', 'the other node, for faults involving a pair')
    .option('--json', 'JSON output', false);
  const faultOptions = new Map<string, string>();
  for (const f of FAULTS) {
    for (const [key, opt] of Object.entries(f.options)) {
      if (faultOptions.has(key)) continue;
      const option = new Option(`--${key} <value>`, `${opt.help} (${f.name})`);
      faultOptions.set(option.attributeName(), key);
      fault.addOption(option);
    }
  }
  fault.action(async (name: string, o: Record<string, string | boolean | undefined>) => {
    requireRoot();
    const options: Record<string, string> = {};
    for (const [attr, key] of faultOptions) if (typeof o[attr] === 'string') options[key] = o[attr] as string;
    const applied = await injectFault(validateLabName(String(o.name)), name, { node: o.node as string | undefined, peer: o.peer as string | undefined, options });
    if (o.json) {
      out(JSON.stringify(applied, null, 2) + '\n');
      return;
    }
    out(`fault ${applied.name} injected${applied.node ? ` on ${applied.node}` : ''}${applied.peer ? ` (peer ${applied.peer})` : ''}\n`);
    for (const n of applied.notes) out(`  ${n}\n`);
    out(applied.doctor
      ? `  check: ${applied.doctor.command}   (once traffic has crossed: expect ${applied.doctor.rule} first)\n`
      : '  check: not visible in one node\'s evidence; probe across the underlay\n');
  });

  const agents = lab.command('agents').description('podpath agents in every node (host plane, on eth0) and every node\'s first pod (pod plane), for `podpath mesh`');
  agents.command('up')
    .description('start them, with a key and token made for the lab; writes the agents file podpath mesh reads')
    .addOption(nameOption())
    .action(async (o: { name: string }) => {
      requireRoot();
      const { agents: started, files } = await labAgentsUp(validateLabName(o.name));
      out(`${started.length} agents up in lab ${o.name}: ${started.map((a) => `${a.node}/${a.plane} ${a.address}`).join(', ')}\n`);
      out(`  mesh: podpath lab exec --name ${o.name} n1 -- podpath mesh --agents ${files.agents} --token-file ${files.token}\n`);
    });
  agents.command('down')
    .description('end the agents lab agents up started (only those very processes)')
    .addOption(nameOption())
    .action(async (o: { name: string }) => {
      requireRoot();
      out(`${await labAgentsDown(validateLabName(o.name))} agents ended\n`);
    });

  lab.command('heal')
    .description('remove one injected fault (or all): exactly what inject added')
    .addOption(nameOption())
    .argument('[fault]', 'fault name; all when omitted')
    .action(async (name: string | undefined, o: { name: string }) => {
      requireRoot();
      const healed = await healFaults(validateLabName(o.name), name);
      out(healed.length ? `healed: ${healed.join(', ')}\n` : 'no fault was injected\n');
    });

  lab.command('faults')
    .description('list the faults the lab can inject')
    .option('--json', 'JSON output', false)
    .action((o: { json: boolean }) => {
      if (o.json) {
        out(JSON.stringify(FAULTS.map(({ inject: _i, ...f }) => f), null, 2) + '\n');
        return;
      }
      for (const f of FAULTS) {
        out(`${f.name.padEnd(24)} ${f.summary}\n${' '.repeat(25)}reproduces: ${f.reproduces}; --node: ${f.nodeRole}${f.peerRole ? `; --peer: ${f.peerRole}` : ''}\n`);
        for (const [k, opt] of Object.entries(f.options)) out(`${' '.repeat(25)}--${k} (${opt.default || 'auto'}): ${opt.help}\n`);
        out(`${' '.repeat(25)}doctor: ${f.doctor ? `${f.doctor.rule} (run on the ${f.doctor.on === 'node' ? 'fault\'s node' : 'peer / receiver'})` : 'not visible on one node (needs probes)'}\n`);
      }
    });

  lab.command('selftest')
    .description('build a small lab and send real traffic over the paths broken kernels get wrong; report delivered / corrupted / dropped per path')
    .option('--name <lab>', 'lab name for the selftest', 'selftest')
    .option('--count <n>', 'datagrams per path', intArg('count'), 5)
    .option('--keep', 'leave the lab up afterwards', false)
    .option('--json', 'JSON output', false)
    .action(async (o: { name: string; count: number; keep: boolean; json: boolean }) => {
      const report = await runSelftest({ name: validateLabName(o.name), count: o.count, keep: o.keep });
      out(o.json ? JSON.stringify(report, null, 2) + '\n' : formatSelftest(report));
    });
}
