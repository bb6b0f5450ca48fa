// `route -n` (net-tools) in the form `ip route` prints, for the routes parser:
// `0.0.0.0 172.31.159.254 0.0.0.0 UG 100 0 0 eno1` -> `default via 172.31.159.254 dev eno1 metric 100`,
// `10.187.1.0 10.187.1.0 255.255.255.0 UG 0 0 0 flannel.1` -> `10.187.1.0/24 via 10.187.1.0 dev flannel.1 onlink`
// (flannel's routes through its VXLAN device are on-link: the gateway is the peer's flannel.1).

interface Line {
  no: number;
  text: string;
}

const ROW = /^(\d{1,3}(?:\.\d{1,3}){3}) +(\d{1,3}(?:\.\d{1,3}){3}) +(\d{1,3}(?:\.\d{1,3}){3}) +([A-Z!]{1,10}) +(\d{1,10}) +\S+ +\S+ +(\S{1,64})$/;

/** Prefix length of a dotted netmask, or undefined when it is not contiguous. */
export function maskLength(mask: string): number | undefined {
  const n = mask.split('.').reduce((acc, x) => acc * 256 + Number(x), 0);
  let len = 0;
  let bit = 2 ** 31;
  while (len < 32 && n >= bit && (n % (bit * 2)) >= bit) {
    len++;
    bit /= 2;
  }
  // Every bit after the prefix must be clear.
  return n % (2 ** (32 - len)) === 0 ? len : undefined;
}

export function routeNToIpRoute<L extends Line>(lines: L[]): Line[] {
  const out: Line[] = [];
  for (const l of lines) {
    const m = ROW.exec(l.text.trim());
    if (!m) continue;
    const [, dst, gw, mask, flags, metric, dev] = m;
    const len = maskLength(mask!);
    if (len === undefined) continue;
    const target = dst === '0.0.0.0' && len === 0 ? 'default' : `${dst}/${len}`;
    const via = gw !== '0.0.0.0' && /G/.test(flags!) ? ` via ${gw}` : '';
    const type = /!/.test(flags!) ? 'unreachable ' : '';
    const onlink = via !== '' && /^(flannel|vxlan)/.test(dev!) ? ' onlink' : '';
    out.push({ no: l.no, text: `${type}${target}${via} dev ${dev}${Number(metric) > 0 ? ` metric ${metric}` : ''}${onlink}` });
  }
  return out;
}
