// The kernel's boot id: two tracers that read the same one trace one kernel (nodes that are
// network namespaces of one host, as in the lab), so every drop shows in both.
import { readFileSync } from 'node:fs';

export function bootId(procRoot = '/proc'): string | undefined {
  try {
    const id = readFileSync(`${procRoot}/sys/kernel/random/boot_id`, 'utf8').trim();
    return /^[0-9a-f-]{36}$/.test(id) ? id : undefined;
  } catch {
    return undefined;
  }
}
