// heal removes the files a fault wrote, and only inside the lab's directory: a state.json that
// names another path (or reaches one through a symlink) removes nothing there (issue 9, item 18).
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FaultTx, insideWithoutSymlinks, runUndo } from '../../src/lab/faults/tx.js';

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

  it('a replaced file is written back at heal, byte for byte; not through a symlink, not outside the lab', async () => {
    const file = join(lab, 'kube', 'objects.json');
    mkdirSync(join(lab, 'kube'), { recursive: true });
    const original = '{\n  "items": [ { "kind": "Node" } ]\n}\n';
    writeFileSync(file, original);
    const tx = new FaultTx();
    await tx.replaceFile(file, '{"items":[]}\n');
    expect(readFileSync(file, 'utf8')).toBe('{"items":[]}\n');
    expect(tx.undo).toEqual([{ argv: [], restoreFile: file, content: original }]);
    await runUndo(tx.undo, lab);
    expect(readFileSync(file, 'utf8')).toBe(original);
    // Only a regular file is replaced; a restore never writes outside the lab or through a link.
    await expect(tx.replaceFile(join(lab, 'n1/root/link'), 'x')).rejects.toMatchObject({ code: 'E_LAB_FAULT' });
    writeFileSync(join(victim, 'target'), 'keep');
    symlinkSync(join(victim, 'target'), join(lab, 'kube', 'swapped'));
    await expect(runUndo([
      { argv: [], restoreFile: join(lab, 'kube', 'swapped'), content: 'x' },
      { argv: [], restoreFile: join(tmp, 'outside'), content: 'x' },
    ], lab)).rejects.toMatchObject({ code: 'E_LAB_HEAL', message: expect.stringMatching(/swapped is no longer a regular file: not restored; .*outside is not inside .*: not restored/) });
    expect(readFileSync(join(victim, 'target'), 'utf8')).toBe('keep');
    expect(readFileSync(join(tmp, 'outside'), 'utf8')).toBe('keep');
  });
});
