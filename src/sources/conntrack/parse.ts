// Parsers for conntrack evidence: `conntrack -S`, /proc/net/stat/nf_conntrack and the count/max
// sysctl files. Pure; odd lines skipped.

/** `cpu=0 found=0 invalid=3 insert=0 insert_failed=0 drop=0 early_drop=0 ...` per CPU, summed. */
export function parseConntrackStats(text: string): Record<string, number> {
  const sums: Record<string, number> = {};
  for (const raw of text.split('\n')) {
    if (!/^\s*cpu=\d+/.test(raw)) continue;
    // A name starts only after a non-name character: a long run of name characters is scanned once.
    for (const m of raw.matchAll(/(?<![a-z_])([a-z_]+)=(\d+)/g)) {
      const [, k, v] = m;
      if (!k || v === undefined || k === 'cpu') continue;
      sums[k] = (sums[k] ?? 0) + Number(v);
    }
  }
  return sums;
}

/**
 * /proc/net/stat/nf_conntrack: a header of names, then one row of hex numbers per CPU. Counters are
 * summed; `entries` is the table size (the same on every row), returned apart.
 */
export function parseProcConntrackStat(text: string): { stats: Record<string, number>; entries?: number } {
  const lines = text.split('\n').map((l) => l.trim()).filter((l) => l !== '');
  const names = (lines[0] ?? '').split(/\s+/);
  if (!names.every((n) => /^[a-z_]+$/.test(n))) return { stats: {} };
  const stats: Record<string, number> = {};
  let entries: number | undefined;
  for (const row of lines.slice(1)) {
    const vals = row.split(/\s+/);
    if (vals.length !== names.length || !vals.every((v) => /^[0-9a-f]+$/i.test(v))) continue;
    names.forEach((n, i) => {
      const v = parseInt(vals[i] ?? '0', 16);
      if (n === 'entries') entries ??= v;
      else stats[n] = (stats[n] ?? 0) + v;
    });
  }
  return entries === undefined ? { stats } : { stats, entries };
}

/** A sysctl file holding one integer (`17\n`). */
export function parseIntFile(text: string): number | undefined {
  const t = text.trim();
  return /^\d+$/.test(t) ? Number(t) : undefined;
}
