import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseIpLinkText } from '../links/parse.js';
import { parseEthtoolDriver, parseEthtoolFeatures, parseEthtoolStats } from './parse.js';
import { ethtoolDevices } from './read.js';

const fixture = (p: string): string => readFileSync(new URL(`../../../test/fixtures/sources/net/${p}`, import.meta.url), 'utf8');

describe('parseEthtoolFeatures', () => {
  it('reads flannel.1 features, nested ones included', () => {
    const f = parseEthtoolFeatures(fixture('flannel-a/ethtool_-k_flannel.1'));
    expect(f['tx-checksum-ip-generic']).toEqual({ on: true, fixed: false });
    expect(f['large-receive-offload']).toEqual({ on: false, fixed: true });
    expect(f['tx-checksumming']).toEqual({ on: true, fixed: false });
    expect(Object.keys(f).length).toBeGreaterThan(40);
  });

  it('reads the real virtio_net NIC of this machine', () => {
    const f = parseEthtoolFeatures(fixture('host/ethtool_-k_eth0'));
    expect(f['rx-checksumming']).toEqual({ on: true, fixed: true });
    expect(f['large-receive-offload']?.fixed).toBe(true);
  });

  it('reads `[requested on]` from seed 004', () => {
    const f = parseEthtoolFeatures(fixture('seeds/seed004_ethtool_--offload_vxlan.calico_rx_off_tx_off'));
    expect(f['tx-tcp-segmentation']).toEqual({ on: false, fixed: false, requested: true });
    expect(f['tx-checksum-ip-generic']).toEqual({ on: false, fixed: false });
    expect(Object.keys(f)).toHaveLength(9);
  });

  it('skips junk', () => {
    expect(parseEthtoolFeatures('Cannot get device udp-fragmentation-offload settings: Operation not supported\nfoo: maybe\n')).toEqual({});
  });
});

describe('parseEthtoolDriver', () => {
  it('reads driver, version, firmware and bus of the real NIC, and vxlan', () => {
    expect(parseEthtoolDriver(fixture('host/ethtool_-i_eth0'))).toEqual({ driver: 'virtio_net', driverVersion: '1.0.0', busInfo: '0000:00:03.0' });
    expect(parseEthtoolDriver(fixture('flannel-a/ethtool_-i_flannel.1'))).toEqual({ driver: 'vxlan', driverVersion: '0.1' });
    expect(parseEthtoolDriver('Cannot get driver information: No such device')).toEqual({});
  });
});

describe('ethtoolDevices', () => {
  it('picks the VXLAN device, plain NICs and bonds/VLANs on them, not veth, bridge, ifb or lo', () => {
    expect(ethtoolDevices(parseIpLinkText(fixture('flannel-a/ip_-s_-d_link'), 's'))).toEqual(['flannel.1']);
    expect(ethtoolDevices(parseIpLinkText(fixture('seeds/centos7_ip_-s_link'), 's'))).toEqual(['eth0']);
    expect(ethtoolDevices(parseIpLinkText(fixture('host/ip_-s_-d_link'), 's'))).toEqual(['eth0']); // not lo, not ifb
    const stacked = '5: bond0: <UP> mtu 1500\n    bond mode 802.3ad\n6: bond0.100@bond0: <UP> mtu 1500\n    vlan protocol 802.1Q id 100\n';
    expect(ethtoolDevices(parseIpLinkText(stacked, 's'))).toEqual(['bond0', 'bond0.100']);
  });
});

describe('parseEthtoolStats (ethtool -S)', () => {
  it('reads the counters under "NIC statistics:", a queue prefix in the name included', () => {
    // The build host's virtio_net (`ethtool -S eth0`, its first lines), then two per-queue lines of a
    // be2net NIC quoted in strizhechenko/netutils-linux#208.
    const text = 'NIC statistics:\n     rx_drops: 0\n     rx_kicks: 2259\n     rxq0: rx_bytes: 176801946854589\n     rxq0: rx_drops_no_frags: 3885606854\nno counter here\n';
    expect(parseEthtoolStats(text)).toEqual({ rx_drops: 0, rx_kicks: 2259, 'rxq0: rx_bytes': 176801946854589, 'rxq0: rx_drops_no_frags': 3885606854 });
  });
});
