// NetworkManager: whether it runs, which devices it manages, and which it is told to leave alone.

export interface NmDevice {
  device: string;
  type: string;
  state: string;
  connection?: string;
}

/** `nmcli -t device` (DEVICE:TYPE:STATE:CONNECTION, `:` escaped as `\:`) or the table `nmcli dev` prints. */
export function parseNmcliDevices(text: string): NmDevice[] {
  const lines = text.split('\n').filter((l) => l.trim() !== '');
  if (lines.length === 0) return [];
  if (/^DEVICE\s+TYPE\s+STATE/.test(lines[0]!)) return parseNmcliTable(lines);
  const out: NmDevice[] = [];
  for (const line of lines) {
    const fields = splitTerse(line);
    if (fields.length < 3) continue;
    const [device, type, state, connection] = fields as [string, string, string, string | undefined];
    out.push({ device, type, state, connection: connection === undefined || connection === '' || connection === '--' ? undefined : connection });
  }
  return out;
}

function splitTerse(line: string): string[] {
  const fields: string[] = [];
  let cur = '';
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (ch === '\\' && i + 1 < line.length) cur += line[++i];
    else if (ch === ':') {
      fields.push(cur);
      cur = '';
    } else cur += ch;
  }
  fields.push(cur);
  return fields;
}

/** Column table: the header gives each column's start; CONNECTION may hold spaces (`Wired connection 1`). */
function parseNmcliTable(lines: string[]): NmDevice[] {
  const header = lines[0]!;
  const cols = ['DEVICE', 'TYPE', 'STATE', 'CONNECTION'].map((c) => header.indexOf(c));
  const out: NmDevice[] = [];
  for (const line of lines.slice(1)) {
    const cut = (i: number) => line.slice(cols[i]!, i + 1 < cols.length && cols[i + 1]! >= 0 ? cols[i + 1] : undefined).trim();
    const device = cut(0);
    if (!device) continue;
    const connection = cols[3]! >= 0 ? cut(3) : '';
    // STATE can be `connected (externally)` or `unmanaged`: keep it whole.
    out.push({ device, type: cut(1), state: cut(2), connection: connection === '' || connection === '--' ? undefined : connection });
  }
  return out;
}

/**
 * unmanaged-devices from NetworkManager.conf-style INI text: `[keyfile] unmanaged-devices=a;b` (also `,`),
 * and `unmanaged-devices+=` which appends. Returns the specs in file order.
 */
export function parseUnmanagedDevices(text: string): string[] {
  const specs: string[] = [];
  let section = '';
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    const sec = /^\[(.+)\]$/.exec(line);
    if (sec) {
      section = sec[1]!.trim();
      continue;
    }
    if (section !== 'keyfile') continue;
    const kv = /^unmanaged-devices\s*([+-]?)=\s*(.*)$/s.exec(line);
    if (!kv || kv[1] === '-') continue;
    for (const spec of kv[2]!.split(/[;,]/)) if (spec.trim() !== '') specs.push(spec.trim());
  }
  return specs;
}

/** `systemctl is-active NetworkManager`: active/activating/reloading mean it runs. */
export function parseIsActive(text: string): boolean | undefined {
  const word = text.trim().split('\n')[0]?.trim();
  if (!word) return undefined;
  if (/^(active|activating|reloading|deactivating)$/.test(word)) return true;
  if (/^(inactive|failed|unknown|dead)$/.test(word)) return false;
  return undefined;
}

const TIME_LIKE = /^(\d+-)?\d+:\d\d(:\d\d)?$/;

/** The program a `ps` line runs: the first word of its command column. */
function programOf(tokens: string[], commandColumn: number | undefined): string | undefined {
  if (commandColumn !== undefined) return tokens[commandColumn];
  // No header (a pasted excerpt): the command follows the last of the START/TIME columns.
  for (let i = 1; i + 1 < tokens.length; i++) if (TIME_LIKE.test(tokens[i]!) && !TIME_LIKE.test(tokens[i + 1]!)) return tokens[i + 1];
  return tokens.length === 1 ? tokens[0] : undefined;
}

/**
 * A process list (`ps auxwww`, `ps -ef`, `ps -eo args`): does some process run the program `exe`?
 * Only each command's program counts, never its arguments: `systemctl reload NetworkManager`,
 * `grep NetworkManager` or `journalctl -u NetworkManager` is not NetworkManager running (a lab's
 * nodes share the host's process list, and an engineer's own commands show in a sosreport's).
 */
export function processListHas(text: string, exe: string): boolean {
  const lines = text.split('\n');
  const header = lines.findIndex((l) => /(^|\s)(COMMAND|CMD|ARGS)$/.test(l.trim()) && /(^|\s)(PID|USER|UID|COMMAND|CMD|ARGS)(\s|$)/.test(l));
  const commandColumn = header >= 0 ? lines[header]!.trim().split(/\s+/).length - 1 : undefined;
  return lines.some((line, i) => {
    if (i === header) return false;
    const tokens = line.trim().split(/\s+/).filter(Boolean);
    const program = programOf(tokens, commandColumn);
    return program !== undefined && program.slice(program.lastIndexOf('/') + 1).replace(/:$/, '') === exe;
  });
}
