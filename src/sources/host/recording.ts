// Wraps a HostReader and keeps every raw text it returned, so a bundle can be written with exactly
// the inputs the parsers saw (including commands decided at run time, such as ethtool per NIC).
import type { CommandOutput, CommandSpec, FileContent, HostReader } from '../types.js';
import type { ExplainingHostReader } from './types.js';
import { commandLine } from './sos-names.js';

export interface RecordedRaw {
  files: Map<string, string>;
  commands: { spec: CommandSpec; stdout: string }[];
}

export function recordingHost(inner: ExplainingHostReader): ExplainingHostReader & { recorded: RecordedRaw } {
  const recorded: RecordedRaw = { files: new Map(), commands: [] };
  const host: HostReader = inner;
  return {
    kind: inner.kind,
    origin: inner.origin,
    recorded,
    explain: (what) => inner.explain(what),
    failedOutput: (line) => inner.failedOutput?.(line),
    notes: () => inner.notes?.() ?? [],
    close: () => inner.close(),
    listDir: (p) => host.listDir(p),
    async readFile(p: string): Promise<FileContent | undefined> {
      const f = await host.readFile(p);
      if (f) recorded.files.set(p, f.text);
      return f;
    },
    async run(spec: CommandSpec): Promise<CommandOutput | undefined> {
      const out = await host.run(spec);
      if (out) recorded.commands.push({ spec, stdout: out.stdout });
      else {
        // As sos does: a command that ran and printed nothing (no iptables rules) is kept as an empty
        // file, and one that failed keeps its error text (`ip route get` answers
        // `RTNETLINK answers: Network is unreachable` that way).
        const line = commandLine(spec.argv);
        if (inner.explain(line)?.code === 'emptyOutput') recorded.commands.push({ spec, stdout: '' });
        else {
          const failed = inner.failedOutput?.(line);
          if (failed !== undefined) recorded.commands.push({ spec, stdout: failed });
        }
      }
      return out;
    },
  };
}
