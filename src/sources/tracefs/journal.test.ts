// The crash journal: a killed run's global changes are undone by the next run, and only those of
// runs whose process is gone.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { missingRequirement } from '../../../test/helpers/env.js';
import { ChangeLog } from './changes.js';
import { Journal, restoreDeadJournals } from './journal.js';

const NF_LOG = '/proc/sys/net/netfilter/nf_log_all_netns';
const dirs: string[] = [];
const tempDir = () => { const d = mkdtempSync(join(tmpdir(), 'pptr-journal-')); dirs.push(d); return d; };
afterEach(() => { for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true }); });

/** A pid that surely belonged to a process that has ended. */
function deadPid(): number {
  return Number(execFileSync('sh', ['-c', 'sh -c "echo \\$\\$"'], { encoding: 'utf8' }).trim());
}

describe('trace journal', () => {
  it('an entry is on disk while the change is in place and gone once it is undone', async () => {
    const dir = tempDir();
    const journal = new Journal(process.pid, dir);
    const log = new ChangeLog(() => undefined, journal);
    let value = 'a';
    await log.change('set b', 'set a', () => { value = 'b'; }, () => { value = 'a'; }, { kind: 'write', path: '/proc/sys/net/netfilter/x', value: 'a' });
    expect(JSON.parse(readFileSync(journal.path, 'utf8'))).toEqual({ pid: process.pid, entries: [{ kind: 'write', path: '/proc/sys/net/netfilter/x', value: 'a' }] });
    log.undoAll();
    expect(value).toBe('a');
    expect(existsSync(journal.path)).toBe(false);
  });

  const skip = missingRequirement({ root: true });
  it.skipIf(skip !== undefined)('a dead run\'s nf_log_all_netns write is restored; a live run\'s journal and foreign files are left alone', () => {
    const dir = tempDir();
    const current = readFileSync(NF_LOG, 'utf8').trim();
    const dead = deadPid();
    writeFileSync(join(dir, `trace-${dead}.json`), JSON.stringify({ pid: dead, entries: [{ kind: 'write', path: NF_LOG, value: current }] }));
    writeFileSync(join(dir, `trace-${process.ppid}.json`), JSON.stringify({ pid: process.ppid, entries: [{ kind: 'write', path: NF_LOG, value: current }] }));
    // Not a journal podpath would write: a path outside /proc/sys/net/netfilter is refused.
    writeFileSync(join(dir, 'trace-999999999.json'), JSON.stringify({ pid: 999999999, entries: [{ kind: 'write', path: '/etc/passwd', value: 'x' }] }));
    const log = new ChangeLog();
    restoreDeadJournals(log, process.pid, dir);
    expect(log.leftovers).toEqual([{ what: `${NF_LOG} changed by process ${dead} (gone)`, did: `echo ${current} > ${NF_LOG}` }]);
    expect(existsSync(join(dir, `trace-${dead}.json`))).toBe(false);
    expect(existsSync(join(dir, `trace-${process.ppid}.json`))).toBe(true);
    expect(readFileSync('/etc/passwd', 'utf8')).not.toBe('x');
    log.undoAll();
  });
});
