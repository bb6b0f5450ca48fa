// An instance's `trace_options`: one option a line, `name` when set, `noname` when clear.
export function parseTraceOptions(text: string): Map<string, boolean> {
  const out = new Map<string, boolean>();
  for (const raw of text.split('\n').slice(0, 4096)) {
    const line = raw.trim();
    if (!/^[a-z0-9_-]{1,64}$/.test(line)) continue;
    // "nosym-offset" is sym-offset cleared; no option's own name starts with "no" and is listed bare.
    if (line.startsWith('no')) out.set(line.slice(2), false);
    else out.set(line, true);
  }
  return out;
}
