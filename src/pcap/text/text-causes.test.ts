import { describe, expect, it } from 'vitest';
import { addressWords } from './text-causes.js';
import { parseLayers } from './tcpdump-text.js';

describe('bad sums in tcpdump text get the causes the pcap decoder gives', () => {
  it('reads the words of IPv4 and IPv6 addresses, and nothing of a name', () => {
    expect(addressWords('10.250.0.1')).toEqual([0x0afa, 0x0001]);
    expect(addressWords('fe80::1')).toEqual([0xfe80, 0, 0, 0, 0, 0, 0, 1]);
    expect(addressWords('2001:db8:0:0:1:0:0:1')).toEqual([0x2001, 0xdb8, 0, 0, 1, 0, 0, 1]);
    expect(addressWords('nodeC.local')).toBeUndefined();
    expect(addressWords('1::2::3')).toBeUndefined();
  });

  // Frame 3 of test/fixtures/pcap/vxlan-veth-offload.tcpdump-vv.txt (tcpdump -# -nn -vv), its two lines joined.
  const partial = '(tos 0x0, ttl 64, id 2033, offset 0, flags [none], proto UDP (17), length 134) 10.250.0.1.43640 > 10.250.0.2.4789: [bad udp cksum 0x167a -> 0x7f8f!] VXLAN, flags [I] (0x08), vni 42 IP (tos 0x0, ttl 64, id 46870, offset 0, flags [DF], proto ICMP (1), length 84) 10.251.0.1 > 10.251.0.2: ICMP echo request, id 22395, seq 1, length 64';

  it('the pseudo-header sum alone is an offload artefact; another value is a wire error', () => {
    expect(parseLayers(`IP ${partial}`)?.l4?.checksum).toMatchObject({ status: 'bad', cause: 'offload' });
    expect(parseLayers(`IP ${partial.replace('0x167a', '0x167b')}`)?.l4?.checksum).toMatchObject({ status: 'bad', cause: 'wire' });
  });

  it('without -n (host names) the text cannot tell: unknown', () => {
    expect(parseLayers(`IP ${partial.replace('10.250.0.1.43640 > 10.250.0.2.4789', 'nodeC.local.43640 > nodeA.local.4789')}`)?.l4?.checksum).toMatchObject({ status: 'bad', cause: 'unknown' });
  });
});
