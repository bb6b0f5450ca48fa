// /etc/os-release: KEY=value lines, values optionally quoted (os-release(5)).

export interface OsRelease {
  id: string;
  versionId?: string;
  prettyName?: string;
  idLike: string[];
}

export function parseOsReleaseFields(text: string): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const m = /^([A-Z0-9_]+)=(.*)$/.exec(line);
    if (!m) continue;
    let value = m[2]!.trim();
    const q = value[0];
    if ((q === '"' || q === "'") && value.endsWith(q) && value.length >= 2) value = value.slice(1, -1);
    fields[m[1]!] = value.replace(/\\(["'$`\\])/g, '$1');
  }
  return fields;
}

export function parseOsRelease(text: string): OsRelease | undefined {
  const f = parseOsReleaseFields(text);
  // ID defaults to "linux" per os-release(5), but a file without ID or NAME is not os-release.
  if (!f.ID && !f.NAME) return undefined;
  return {
    id: f.ID ?? 'linux',
    versionId: f.VERSION_ID,
    prettyName: f.PRETTY_NAME ?? f.NAME,
    idLike: (f.ID_LIKE ?? '').split(/\s+/).filter(Boolean),
  };
}
