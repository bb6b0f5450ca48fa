// Loaded kernel modules: /proc/modules (`name size refcount deps state address`) or `lsmod` (a header, then `name size used_by`).

export function parseProcModules(text: string): string[] {
  const names: string[] = [];
  for (const line of text.split('\n')) {
    const name = line.trim().split(/\s+/)[0];
    if (!name || name === 'Module') continue;
    if (/^[\w-]+$/.test(name)) names.push(name);
  }
  return [...new Set(names)].sort();
}

export const parseLsmod = parseProcModules;
