// sosreport's file naming for command output, so bundles we write read like real sosreports and
// real sosreports read like our bundles. Mirrors sos 4.x `_mangle_command` (sos/report/plugins/__init__.py).

/** The longest file name sos writes (PC_NAME_MAX on common file systems). */
const NAME_MAX = 255;

/** `ip -s -d link` -> `ip_-s_-d_link`; `/usr/sbin/ethtool -k eth0` -> `ethtool_-k_eth0`; `rpm -qa kernel*` -> `rpm_-qa_kernel`. */
export function mangleCommand(argv: readonly string[], nameMax = NAME_MAX): string {
  let name = argv.join(' ').replace(/^\/(usr\/|)(bin|sbin)\//, '');
  name = name.replace(/[^\w\-./]+/g, '_');
  name = name.replace(/\//g, '.');
  name = stripChars(name, ' ._-');
  return name.slice(0, nameMax);
}

/** The command line as a person would type it: what a live source reference shows. */
export function commandLine(argv: readonly string[]): string {
  return argv.map((a) => (/^[\w@%+=:,./*-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`)).join(' ');
}

/** Root-level symlinks sos makes for some commands (`uname`, `lsmod`, `ps`, `installed-rpms`). */
export const SOS_ROOT_SYMLINKS: Record<string, string[]> = {
  'uname_-a': ['uname'],
  lsmod: ['lsmod'],
  ps_auxwww: ['ps'],
  'dpkg_-l': ['installed-debs'],
  'rpm_-qa_kernel': ['installed-rpms'],
  'rpm_-qa': ['installed-rpms'],
  'ip_-o_addr': ['ip_addr'],
  'route_-n': ['route'],
};

function stripChars(s: string, chars: string): string {
  let start = 0;
  let end = s.length;
  while (start < end && chars.includes(s[start]!)) start++;
  while (end > start && chars.includes(s[end - 1]!)) end--;
  return s.slice(start, end);
}
