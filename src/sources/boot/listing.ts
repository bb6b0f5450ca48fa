// A boot menu as people list it (`awk -F\' '$1=="menuentry " {print i++ " : " $2}' /etc/grub2.cfg`
// prints `0 : Kylin Linux Advanced Server (4.19.90-52.49.v2207.ky10.x86_64) V10 (Lance)`), in the
// grub.cfg form the boot parser reads (which takes an entry's kernel from its title when the entry
// has no `linux` line, as RHEL-family titles carry it).

interface Line {
  no: number;
  text: string;
}

const ENTRY = /^(\d{1,3}) : (.{1,500})$/;

export function grubListingToCfg<L extends Line>(lines: L[]): Line[] {
  const out: Line[] = [];
  for (const l of lines) {
    const m = ENTRY.exec(l.text.trim());
    if (!m) continue;
    out.push({ no: l.no, text: `menuentry '${m[2]!.replace(/'/g, '')}' {` }, { no: l.no, text: '}' });
  }
  return out;
}
