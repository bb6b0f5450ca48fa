// Debian's kubectl 1.20 (package kubernetes-client), unpacked into a cache without installing it:
// /usr/bin/kubectl on these machines is google-cloud-sdk's dispatcher, which the .deb would fight.
// Order: $PODPATH_KUBECTL_120, the cache, then `apt-get download` + `dpkg-deb -x` into the cache.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const CACHE = join(__dirname, '../../node_modules/.cache/podpath-kubectl');

function version(bin: string): string | undefined {
  try {
    return execFileSync(bin, ['version', '--client', '--short'], { encoding: 'utf8', env: { PATH: '/usr/bin:/bin', HOME: '/nonexistent' } }).trim();
  } catch {
    return undefined;
  }
}

/** The kubectl 1.20 path, or a reason it cannot be had. */
export function kubectl120(): { bin?: string; reason?: string } {
  const fromEnv = process.env.PODPATH_KUBECTL_120;
  if (fromEnv) return version(fromEnv)?.includes('v1.20') ? { bin: fromEnv } : { reason: `$PODPATH_KUBECTL_120 (${fromEnv}) is not kubectl 1.20` };
  const cached = join(CACHE, 'usr/bin/kubectl');
  if (!existsSync(cached)) {
    try {
      mkdirSync(CACHE, { recursive: true });
      execFileSync('apt-get', ['download', 'kubernetes-client'], { cwd: CACHE, stdio: 'pipe' });
      const deb = readdirSync(CACHE).find((f) => /^kubernetes-client_.*\.deb$/.test(f));
      if (!deb) return { reason: 'apt-get download kubernetes-client gave no .deb' };
      execFileSync('dpkg-deb', ['-x', join(CACHE, deb), CACHE]);
    } catch (e) {
      return { reason: `Debian's kubernetes-client cannot be had here (apt-get download: ${(e as Error).message.split('\n')[0]})` };
    }
  }
  const v = version(cached);
  return v?.includes('v1.20') ? { bin: cached } : { reason: `${cached} is ${v ?? 'not runnable'}, not kubectl 1.20` };
}
