// heal removes the files a fault wrote, and only inside the lab's directory: a state.json that
// names another path (or reaches one through a symlink) removes nothing there (issue 9, item 18).
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { insideWithoutSymlinks, runUndo } from '../../src/lab/faults/tx.js';

const tmp = mkdtempSync(join(tmpdir(), 'pp-h9l-undo-'));
const lab = join(tmp, 'lab');
const victim = join(tmp, 'victim');
mkdirSync(join(lab, 'n1', 'root', 'etc'), { recursive: true });
mkdirSync(victim);
symlinkSync(victim, join(lab, 'n1', 'root', 'link'));

describe('heal file removal', () => {
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it('removes a fault file inside the lab dir, refuses paths outside it or through a symlink', async () => {
    writeFileSync(join(lab, 'n1', 'root', 'etc', 'fault.conf'), 'x');
    writeFileSync(join(victim, 'keep'), 'keep');
    writeFileSync(join(tmp, 'outside'), 'keep');
    mkdirSync(join(tmp, 'empty'));
    expect(await insideWithoutSymlinks(join(lab, 'n1/root/etc/fault.conf'), lab)).toBe(true);
    expect(await insideWithoutSymlinks(join(lab, '../outside'), lab)).toBe(false);
    expect(await insideWithoutSymlinks(join(lab, 'n1/root/link/keep'), lab)).toBe(false);
    expect(await insideWithoutSymlinks(lab, lab)).toBe(false);
    await expect(runUndo([
      { argv: [], removeFile: join(lab, 'n1/root/etc/fault.conf') },
      { argv: [], removeFile: join(lab, 'n1/root/link/keep') },
      { argv: [], removeFile: join(tmp, 'outside') },
      { argv: [], removeDir: join(tmp, 'empty') },
    ], lab)).rejects.toMatchObject({ code: 'E_LAB_HEAL', message: expect.stringMatching(/link\/keep is not inside .*outside is not inside .*empty is not inside/) });
    expect(existsSync(join(lab, 'n1/root/etc/fault.conf'))).toBe(false);
    expect(existsSync(join(victim, 'keep'))).toBe(true);
    expect(existsSync(join(tmp, 'outside'))).toBe(true);
    expect(existsSync(join(tmp, 'empty'))).toBe(true);
  });
});
