// What a run changed outside anything named after it (a mount, a global sysctl) is also written
// to /run/podpath/trace-<pid>.json while it is in place, so that the next run can undo it if this
// one is killed outright (SIGKILL leaves no chance to clean up). Named things (the tracefs
// instance, the nft table, the TRACE rules) are found by their names instead. /run is cleared at
// boot, as is every change recorded here.
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { z } from 'zod';
import { shellJoin } from '../../util/shell-quote.js';
import type { ChangeLog } from './changes.js';
import { echoTo, errorText } from './changes.js';
import { hostSysctlArgv, inInitNs, nsInode, writeHostSysctl } from './ns.js';

export const JOURNAL_DIR = process.env.PODPATH_TRACE_JOURNAL_DIR ?? '/run/podpath';

const Entry = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('umount'), target: z.enum(['/sys/kernel/tracing', '/sys/kernel/debug']), mntns: z.number() }),
  z.object({ kind: z.literal('write'), path: z.string().regex(/^\/proc\/sys\/net\/netfilter\/[a-z_/0-9]{1,64}$/), value: z.string().regex(/^[A-Za-z0-9_]{1,32}$/) }),
]);
export type JournalEntry = z.infer<typeof Entry>;
const File = z.object({ pid: z.number(), entries: z.array(Entry) });

export function currentMntns(): number | undefined {
  return nsInode('mnt');
}

/** True in the host's mount namespace: the only one whose mounts outlive a killed process for sure. */
export function inInitMntns(): boolean {
  return inInitNs('mnt') === true;
}

export class Journal {
  private readonly entries: JournalEntry[] = [];
  readonly path: string;

  constructor(readonly pid = process.pid, readonly dir = JOURNAL_DIR) {
    this.path = join(dir, `trace-${pid}.json`);
  }

  add(e: JournalEntry): void {
    this.entries.push(e);
    this.flush();
  }

  remove(e: JournalEntry): void {
    const i = this.entries.indexOf(e);
    if (i >= 0) this.entries.splice(i, 1);
    this.flush();
  }

  private flush(): void {
    try {
      if (this.entries.length === 0) {
        rmSync(this.path, { force: true });
        return;
      }
      mkdirSync(this.dir, { recursive: true, mode: 0o700 });
      writeFileSync(this.path, JSON.stringify({ pid: this.pid, entries: this.entries }), { mode: 0o600 });
    } catch {
      // A journal we cannot write only loses the crash recovery, not the normal undo.
    }
  }
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Undoes what dead runs journalled (newest first), then drops their journals. */
export function restoreDeadJournals(log: ChangeLog, self = process.pid, dir = JOURNAL_DIR): void {
  if (!existsSync(dir)) return;
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return;
  }
  const mntns = currentMntns();
  for (const name of names) {
    const m = /^trace-(\d{1,10})\.json$/.exec(name);
    if (!m) continue;
    const pid = Number(m[1]);
    if (pid === self || pidAlive(pid)) continue;
    const file = join(dir, name);
    let parsed: z.infer<typeof File> | undefined;
    try {
      parsed = File.parse(JSON.parse(readFileSync(file, 'utf8')));
    } catch {
      parsed = undefined;
    }
    const kept: JournalEntry[] = [];
    for (const e of [...(parsed?.entries ?? [])].reverse()) {
      if (e.kind === 'umount') {
        // A mount belongs to its mount namespace: undo it only from the same one.
        if (e.mntns !== mntns) { kept.unshift(e); continue; }
        const argv = ['umount', e.target];
        try {
          execFileSync(argv[0]!, argv.slice(1), { stdio: ['ignore', 'ignore', 'pipe'] });
          log.leftover(`tracefs mounted by process ${pid} (gone)`, shellJoin(argv));
        } catch (err) {
          log.leftover(`tracefs mounted by process ${pid} (gone)`, shellJoin(argv), errorText(err));
        }
      } else {
        const argv = hostSysctlArgv(e.path, e.value);
        const did = argv ? shellJoin(argv) : echoTo(e.value, e.path);
        try {
          writeHostSysctl(e.path, e.value);
          log.leftover(`${e.path} changed by process ${pid} (gone)`, did);
        } catch (err) {
          log.leftover(`${e.path} changed by process ${pid} (gone)`, did, errorText(err));
        }
      }
    }
    try {
      if (kept.length === 0) rmSync(file, { force: true });
      else writeFileSync(file, JSON.stringify({ pid, entries: kept }), { mode: 0o600 });
    } catch {
      // left for the next run
    }
  }
}
