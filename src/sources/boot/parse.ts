// Boot menu order and the default entry: grub.cfg menuentry titles (top level, in order, as
// `awk -F\' '$1=="menuentry " {print i++ " : " $2}'` numbers them), BLS entries, grubenv,
// /etc/default/grub and `grubby --default-kernel`.

export interface BootEntry {
  index: number;
  title: string;
  kernel?: string;
  /** `$menuentry_id_option 'gnulinux-...'` or the BLS file id: what saved_entry may name. */
  id?: string;
}

/** Top-level menuentry and submenu blocks of a grub.cfg, in menu order. */
export function parseGrubCfg(text: string): { entries: BootEntry[]; setDefault?: string; usesBls: boolean } {
  const entries: BootEntry[] = [];
  let depth = 0;
  let current: BootEntry | undefined;
  let currentDepth = -1;
  let setDefault: string | undefined;
  let usesBls = false;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line.startsWith('#')) continue;
    if (depth === 0 || (depth > 0 && current === undefined)) {
      const sd = /^set\s+default=["']?([^"'\s]*)["']?/.exec(line);
      if (sd && !sd[1]!.startsWith('$')) setDefault = sd[1];
    }
    if (/^blscfg\b/.test(line)) usesBls = true;
    const menu = /^(menuentry|submenu)\s+(['"])(.*?)\2(.*)$/s.exec(line);
    if (menu && current === undefined) {
      const id = /\$menuentry_id_option\s+['"]([^'"]+)['"]/.exec(menu[4]!)?.[1];
      current = { index: entries.length, title: menu[3]!, id };
      currentDepth = depth;
      entries.push(current);
    } else if (current) {
      const linux = /^(?:linux|linux16|linuxefi|kernel)\s+(\S+)/.exec(line);
      // Only the entry's own kernel line, not those of entries nested in a submenu.
      if (linux && current.kernel === undefined && depth === currentDepth + 1) current.kernel = kernelFromImage(linux[1]!);
    }
    for (const ch of stripQuoted(line)) {
      if (ch === '{') depth++;
      else if (ch === '}') {
        depth--;
        if (current && depth === currentDepth) {
          if (current.kernel === undefined) current.kernel = kernelFromTitle(current.title);
          current = undefined;
        }
      }
    }
  }
  return { entries, setDefault, usesBls };
}

/** A Boot Loader Specification entry (/boot/loader/entries/<id>.conf), as openEuler and newer Kylin use. */
export function parseBlsEntry(id: string, text: string): { id: string; title: string; kernel?: string; version?: string } {
  const fields: Record<string, string> = {};
  for (const line of text.split('\n')) {
    // Trimmed in code: `(.*?)\s*$` was quadratic on a long run of blanks.
    const m = /^\s*(\w+)\s+(.*)$/s.exec(line);
    if (m && !(m[1]! in fields)) fields[m[1]!] = m[2]!.trimEnd();
  }
  const kernel = fields.linux ? kernelFromImage(fields.linux) : fields.version;
  return { id, title: fields.title ?? id, kernel, version: fields.version };
}

/** grub sorts BLS entries by version, newest first. */
export function orderBlsEntries(entries: { id: string; title: string; kernel?: string; version?: string }[]): BootEntry[] {
  const sorted = [...entries].sort((a, b) => compareVersions(b.version ?? b.kernel ?? b.id, a.version ?? a.kernel ?? a.id));
  return sorted.map((e, index) => ({ index, title: e.title, kernel: e.kernel, id: e.id }));
}

/** grubenv: `saved_entry=2`, padded with `#`. */
export function parseGrubenv(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const m = /^([A-Za-z_][\w]*)=(.*)$/.exec(line);
    if (m) out[m[1]!] = m[2]!;
  }
  return out;
}

/** /etc/default/grub GRUB_DEFAULT (shell syntax). */
export function parseGrubDefault(text: string): string | undefined {
  let value: string | undefined;
  for (const line of text.split('\n')) {
    const m = /^\s*GRUB_DEFAULT=(?:"([^"]*)"|'([^']*)'|(\S*))/.exec(line);
    if (m) value = m[1] ?? m[2] ?? m[3];
  }
  return value;
}

/** `grubby --default-kernel` -> `/boot/vmlinuz-4.19.90-52.22.v2207.ky10.x86_64` -> the kernel release. */
export function parseGrubbyDefaultKernel(text: string): string | undefined {
  const line = text.split('\n').map((l) => l.trim()).find((l) => l !== '');
  return line ? kernelFromImage(line) : undefined;
}

/** Finds the entry a saved_entry / GRUB_DEFAULT value names: an index, a title, an id, or `submenu>entry`. */
export function resolveEntry(entries: BootEntry[], value: string | undefined): number | undefined {
  if (value === undefined || value === '' || value === 'saved') return undefined;
  if (/^\d+$/.test(value)) {
    const i = Number(value);
    return i < entries.length ? i : undefined;
  }
  const first = value.split('>')[0]!;
  const found = entries.find((e) => e.title === value || e.id === value || e.title === first || e.id === first);
  return found?.index;
}

/** Resolves the default the way grub2 does: GRUB_DEFAULT=N / title, or `saved` -> grubenv saved_entry, or set default=, else 0. */
export function resolveDefault(opts: {
  entries: BootEntry[];
  grubDefault?: string;
  savedEntry?: string;
  setDefault?: string;
}): number | undefined {
  if (opts.entries.length === 0) return undefined;
  const fromGrubDefault = resolveEntry(opts.entries, opts.grubDefault);
  if (fromGrubDefault !== undefined) return fromGrubDefault;
  if (opts.grubDefault === undefined || opts.grubDefault === 'saved') {
    const fromSaved = resolveEntry(opts.entries, opts.savedEntry);
    if (fromSaved !== undefined) return fromSaved;
  }
  return resolveEntry(opts.entries, opts.setDefault) ?? 0;
}

function kernelFromImage(image: string): string | undefined {
  const base = image.split('/').pop() ?? image;
  const m = /^(?:vmlinuz|vmlinux|bzImage|Image|kernel)-(.+)$/.exec(base);
  return m ? m[1] : undefined;
}

function kernelFromTitle(title: string): string | undefined {
  const m = /\((\d+\.\d+(?:[^()\s\d][^()\s]*)?)\)/.exec(title) ?? /\b(\d+\.\d+\.\d+-\S+)/.exec(title);
  return m ? m[1] : undefined;
}

/**
 * The line without its quoted parts ('...', and "..." with backslash escapes); a quote that is
 * never closed stays as it is. One scan: the regex this replaces re-read the rest of the line
 * from every unclosed quote (quadratic). Once a quote of a kind is found unclosed, no later one of
 * that kind can close either.
 */
function stripQuoted(line: string): string {
  let out = '';
  let i = 0;
  let singleOpen = true;
  let doubleOpen = true;
  while (i < line.length) {
    const ch = line[i]!;
    if (ch === "'" && singleOpen) {
      const end = line.indexOf("'", i + 1);
      if (end >= 0) { i = end + 1; continue; }
      singleOpen = false;
    } else if (ch === '"' && doubleOpen) {
      let j = i + 1;
      while (j < line.length && line[j] !== '"') j += line[j] === '\\' && j + 1 < line.length ? 2 : 1;
      if (j < line.length) { i = j + 1; continue; }
      doubleOpen = false;
    }
    out += ch;
    i++;
  }
  return out;
}

/** rpmvercmp-like: digit runs compare numerically, other runs as text. */
export function compareVersions(a: string, b: string): number {
  const pa = a.match(/\d+|[A-Za-z]+/g) ?? [];
  const pb = b.match(/\d+|[A-Za-z]+/g) ?? [];
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const x = pa[i];
    const y = pb[i];
    if (x === undefined) return -1;
    if (y === undefined) return 1;
    const nx = /^\d/.test(x);
    const ny = /^\d/.test(y);
    if (nx && ny) {
      const d = Number(x) - Number(y);
      if (d !== 0) return d;
    } else if (nx !== ny) {
      return nx ? 1 : -1;
    } else if (x !== y) {
      return x < y ? -1 : 1;
    }
  }
  return 0;
}
