// Which files of a tarball keep their contents in memory: only those a podpath source could read.
// A real sosreport unpacks to hundreds of MB (logs, /sys, /proc), of which podpath reads a few MB;
// everything else is kept as a name only (directory listings still show it).
import { allSources } from '../registry.js';

/** How far below the archive's top the bundle's root may sit (sosreport-host-date/...). */
export const ROOT_DEPTH = 3;

let declared: RegExp | undefined;

/** A declared glob (`/etc/cni/net.d/*`) as the body of a regular expression over root-relative paths. */
function globBody(glob: string): string {
  return glob.replace(/^\/+/, '').split('*').map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('[^/]*');
}

/** The files every source declares (globs), plus /proc/net/x as sos 4.0 stores it: proc/<pid>/net/x. */
function declaredFiles(): RegExp {
  if (declared) return declared;
  const bodies = new Set<string>();
  for (const s of allSources()) {
    for (const f of s.files) {
      const body = globBody(f);
      bodies.add(body);
      if (body.startsWith('proc/net/')) bodies.add(body.replace(/^proc\/net\//, 'proc/[0-9]+/net/'));
    }
  }
  // One alternation: tested once per path, for archives of hundreds of thousands of entries.
  declared = new RegExp(`^(?:${[...bodies].join('|')})$`);
  return declared;
}

/** Whether a path relative to the bundle root is one a source may read. */
function readableAtRoot(rel: string): boolean {
  // Root-level files: podpath.json, version.txt, and sos's shortcuts (uname, ps, installed-rpms).
  if (!rel.includes('/')) return true;
  // Command output: found by plugin, in another plugin, or by a longer name.
  if (/^sos_commands\/[^/]+\/[^/]+$/.test(rel)) return true;
  return declaredFiles().test(rel);
}

/** Whether a regular file at this archive path keeps its contents (the root may be a few levels down). */
export function sourceMayRead(parts: readonly string[]): boolean {
  for (let k = 0; k <= ROOT_DEPTH && k < parts.length; k++) {
    if (readableAtRoot(parts.slice(k).join('/'))) return true;
  }
  return false;
}
