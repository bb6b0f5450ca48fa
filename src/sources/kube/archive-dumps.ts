// `kubectl get ... -o json` dumps inside a tarball (.tar, .tar.gz/.tgz, .tar.xz, .tar.bz2): read
// into memory by the bundle reader (sources/host/archive.ts) with its limits, never unpacked to
// disk; only the .json/.yaml members keep their contents. A member larger than one dump may be is
// refused as a plain file of that size would be; links are not followed (as in a directory).
import { readArchive } from '../host/archive.js';
import type { MemDir, MemFile } from '../host/mem-tree.js';
import type { ReadPolicy } from '../host/read-cap.js';
import type { PartialList } from '../../evidence/cluster-facts.js';
import { LIMITS } from '../../util/limits.js';
import { PodpathError } from '../../util/errors.js';
import { oneLine } from '../../util/terminal-safe.js';

export const DUMP_EXT = /\.(json|ya?ml)$/i;
/** Archive names read inside a directory given to --from (a file named on the command line is sniffed instead). */
export const ARCHIVE_EXT = /\.(tar|tar\.gz|tgz|tar\.xz|txz|tar\.bz2|tbz2)$/i;

/** A whole dump or nothing: the head of a JSON list cut at 8 MiB would parse as garbage, not as fewer nodes. */
const DUMP_POLICY: ReadPolicy = Object.freeze({ maxBytes: LIMITS.kubeDumpBytes.value, keep: 'head', code: LIMITS.kubeDumpBytes.code });

export interface ArchiveDump {
  /** `archive.tar.gz:dir/nodes.json`, for messages and the facts' file list. */
  name: string;
  text: string;
}

export interface ArchiveDumps {
  dumps: ArchiveDump[];
  /** The archive ended early or broke: what came after is unknown. */
  partial: PartialList[];
  /** Whether it looks like a node bundle (podpath.json, sos_commands/): said when it holds no dump. */
  nodeBundle: boolean;
}

export async function readDumpArchive(file: string): Promise<ArchiveDumps> {
  const archive = await readArchive(file, file, {
    keepContent: (parts) => DUMP_EXT.test(parts[parts.length - 1] ?? '') && parts.length <= LIMITS.kubeDumpDepth.value + 1,
    policyFor: () => DUMP_POLICY,
  });
  const dumps: ArchiveDump[] = [];
  walk(archive.root, [], (parts, f) => {
    const name = `${file}:${parts.join('/')}`;
    if (f.cut) throw new PodpathError(LIMITS.kubeDumpBytes.code, `${oneLine(name)} is ${f.size} bytes, over the ${LIMITS.kubeDumpBytes.value}-byte limit for a dump`);
    // dropped: the archive ended inside it (said by the archive's note) or no dump name.
    if (f.data) dumps.push({ name, text: f.data.toString('utf8') });
    if (dumps.length > LIMITS.kubeDumpFiles.value) throw new PodpathError(LIMITS.kubeDumpFiles.code, `more than ${LIMITS.kubeDumpFiles.value} dump files in ${oneLine(file)}`);
  });
  const top = [...archive.root.children.keys()];
  const below = top.length === 1 && archive.root.children.get(top[0]!)?.kind === 'dir' ? [...(archive.root.children.get(top[0]!) as MemDir).children.keys()] : [];
  const nodeBundle = [...top, ...below].some((n) => n === 'podpath.json' || n === 'sos_commands');
  return { dumps, partial: archive.notes.map((n) => ({ resource: file, code: n.code, message: n.message })), nodeBundle };
}

function walk(dir: MemDir, at: string[], visit: (parts: string[], f: MemFile) => void): void {
  for (const name of [...dir.children.keys()].sort()) {
    const node = dir.children.get(name)!;
    if (node.kind === 'dir') walk(node, [...at, name], visit);
    else if (node.kind === 'file' && DUMP_EXT.test(name)) visit([...at, name], node);
  }
}
