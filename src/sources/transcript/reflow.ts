// Code blocks whose line breaks a web page lost: a whole session on one line (`$ cat
// /etc/os-releaseNAME="Kylin..." VERSION=... $ uname -a Linux ...`). The commands are found at
// their prompts; each command's output is cut back into lines where its own format makes the line
// starts certain (a KEY= pair, a tcpdump timestamp, a `path:` prefix of grep, an `N : ` menu entry, a
// package name, an ethtool feature). Where they are not certain the text is left as one line.
import { commandKind, KNOWN_PATHS } from './commands.js';
import type { OutputKind } from './types.js';
import { cutAt } from '../../util/strings.js';

/** Splits `text` before every match of `re` (global); the pieces are trimmed, empty ones dropped. */
function splitBefore(text: string, re: RegExp): string[] {
  const cuts = [0];
  for (const m of text.matchAll(re)) if (m.index !== undefined && m.index > 0) cuts.push(m.index);
  const out: string[] = [];
  for (let i = 0; i < cuts.length; i++) {
    const piece = text.slice(cuts[i], cuts[i + 1]).trim();
    if (piece !== '') out.push(piece);
  }
  return out;
}

/** The command (up to where the output starts) and the output's lines. */
interface Cut {
  command: string;
  output: string[];
}

const FEATURE = /[a-z0-9][a-zA-Z0-9-]{1,64}: ?(?:on|off)\b/g;

/** One command and its output, run together: where the output starts, and its lines, by the command's kind. */
export function reflowCommand(chunk: string): Cut {
  // `cat /etc/os-releaseNAME=...`: the path is known, so where it ends is certain.
  const glued = KNOWN_PATHS.find((p) => new RegExp(`^\\S+\\s+${p.replace(/[.]/g, '\\.')}\\S`).test(chunk));
  const kind: OutputKind = commandKind(glued ? chunk.replace(glued, `${glued} `) : chunk).kind;
  const at = (re: RegExp): number => {
    const m = re.exec(chunk);
    return m?.index ?? -1;
  };
  const split = (start: number, re?: RegExp): Cut => {
    if (start < 0) return { command: chunk.trim(), output: [] };
    const out = chunk.slice(start).trim();
    return { command: chunk.slice(0, start).trim(), output: re ? splitBefore(out, re) : out === '' ? [] : [out] };
  };
  switch (kind) {
    case 'os-release': {
      const path = KNOWN_PATHS.find((p) => chunk.includes(p));
      const start = path ? chunk.indexOf(path) + path.length : -1;
      return split(start, /\b[A-Z][A-Z0-9_]{1,40}=/g);
    }
    case 'uname': {
      const start = at(/\bLinux /);
      const cut = split(start);
      // A comment typed after the output (`... CST # machine 1`) is not part of it.
      return { command: cut.command, output: cut.output.map((l) => cutAt(l, ' # ')) };
    }
    case 'tcpdump': {
      const start = at(/(?:dropped privs|tcpdump: |listening on |\b\d\d:\d\d:\d\d\.\d{6} )/);
      const cut = split(start, /(?:\btcpdump: |\blistening on |\b\d\d:\d\d:\d\d\.\d{6} |\^C|\b\d+ packets? (?:captured|received by filter|dropped by kernel))/g);
      return cut;
    }
    case 'ethtool-k': {
      const first = chunk.search(/[a-z0-9][a-z0-9-]{1,64}: ?(?:on|off)\b/);
      // The device is the word before the first feature: `... eth0 | grep checksum rx-checksumming: on`.
      return split(first, FEATURE);
    }
    case 'ethtool-K':
      return split(at(/Actual changes:/), new RegExp(`Actual changes:|${FEATURE.source}`, 'g'));
    case 'dnf-log':
    case 'yum-log':
    case 'apt-history': {
      const prefix = /\/var\/log\/[\w./-]{1,64}:(?=\d{4}-|[A-Z][a-z]{2} )/g;
      const first = at(/\/var\/log\/[\w./-]{1,64}:(?=\d{4}-|[A-Z][a-z]{2} )/);
      return split(first, prefix);
    }
    case 'rpm-qa': {
      const words = chunk.trim().split(/\s+/);
      const first = words.findIndex((w, i) => i > 1 && /^[A-Za-z0-9][\w+.-]{0,100}-\d[\w.+~^]{0,60}-[\w.+~^]{1,80}$/.test(w));
      if (first < 0) return { command: chunk.trim(), output: [] };
      return { command: words.slice(0, first).join(' '), output: words.slice(first) };
    }
    case 'grub-listing':
      return split(at(/\b\d{1,3} : /), /\b\d{1,3} : /g);
    case 'readlink-driver': {
      // `readlink -f /sys/class/net/eth0/device/driver/module/sys/module/virtio_net`: the answer is the last /sys/ path.
      const last = chunk.lastIndexOf('/sys/module/');
      return last > chunk.indexOf('/sys/') ? split(last) : { command: chunk.trim(), output: [] };
    }
    default:
      return { command: chunk.trim(), output: [] };
  }
}

/**
 * A collapsed code block, prompts and outputs on one line: logical lines, each command written
 * with a `$ ` prompt so the next pass finds it. Text before the first prompt is kept as it is.
 */
export function reflowBlock(code: string): string[] {
  const parts = splitBefore(` ${code}`, /(?<=\s)\$ (?=\S)/g);
  const out: string[] = [];
  for (const part of parts) {
    if (!part.startsWith('$ ')) {
      // No prompt: a gutter before one command (`1 ethtool --offload eth0 tx off rx off`).
      out.push(part);
      continue;
    }
    const cut = reflowCommand(part.slice(2));
    out.push(`$ ${cut.command}`);
    for (const line of cut.output) out.push(line);
  }
  return out;
}
