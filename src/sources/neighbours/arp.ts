// `arp -na` (net-tools) in the form `ip neigh` prints, for the neighbours parser: `? (172.27.4.0)
// at e6:7c:02:8e:e8:7e [ether] PERM on flannel.1` -> `172.27.4.0 dev flannel.1 lladdr
// e6:7c:02:8e:e8:7e PERMANENT`. `PERM` is a permanent entry; others are complete (REACHABLE is
// the closest `ip neigh` word); `<incomplete>` has no address yet.

interface Line {
  no: number;
  text: string;
}

const ARP = /^\S{1,253} \((\d{1,3}(?:\.\d{1,3}){3})\) at (\S{1,64}) (?:\[\w{1,16}\] )?(?:(?:PERM|PUB|M) ){0,3}on (\S{1,64})/;

export function arpToIpNeigh<L extends Line>(lines: L[]): Line[] {
  const out: Line[] = [];
  for (const l of lines) {
    const m = ARP.exec(l.text.trim());
    if (!m) continue;
    const [, address, mac, dev] = m;
    const incomplete = /incomplete/.test(mac!);
    const state = incomplete ? 'INCOMPLETE' : /PERM/.test(l.text) ? 'PERMANENT' : 'REACHABLE';
    out.push({ no: l.no, text: `${address} dev ${dev}${incomplete ? '' : ` lladdr ${mac!.toLowerCase()}`} ${state}` });
  }
  return out;
}
