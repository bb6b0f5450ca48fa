import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseOsRelease } from './parse.js';

const fx = (name: string) => readFileSync(new URL(`../../../test/fixtures/sources/os/${name}`, import.meta.url), 'utf8');

describe('parseOsRelease', () => {
  it('reads Kylin V10 (seed 001) and Debian 12', () => {
    expect(parseOsRelease(fx('seed001-kylin-v10-tercel-os-release'))).toEqual({ id: 'kylin', versionId: 'V10', prettyName: 'Kylin Linux Advanced Server V10 (Tercel)', idLike: [] });
    expect(parseOsRelease(fx('debian12-os-release'))).toMatchObject({ id: 'debian', versionId: '12', prettyName: 'Debian GNU/Linux 12 (bookworm)' });
  });

  it('splits ID_LIKE and refuses text that is not os-release', () => {
    expect(parseOsRelease('ID=openEuler\nID_LIKE="rhel fedora centos"\n')!.idLike).toEqual(['rhel', 'fedora', 'centos']);
    expect(parseOsRelease('hello world\n')).toBeUndefined();
  });
});
