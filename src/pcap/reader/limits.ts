// Limits taken from libpcap, so podpath refuses what tcpdump refuses and no length in a file
// can make the reader allocate without bound.

/** libpcap's MAXIMUM_SNAPLEN. */
export const MAXIMUM_SNAPLEN = 262144;

const LINKTYPE_DBUS = 231;
const LINKTYPE_USBPCAP = 249;
const LINKTYPE_EBHSCR = 279;

/** libpcap's max_snaplen_for_dlt (pcap-common.c). */
export function maxSnaplenFor(linkType: number): number {
  switch (linkType) {
    case LINKTYPE_DBUS:
      return 128 * 1024 * 1024;
    case LINKTYPE_EBHSCR:
      return 8 * 1024 * 1024;
    case LINKTYPE_USBPCAP:
      return 1024 * 1024;
    default:
      return MAXIMUM_SNAPLEN;
  }
}

/** A snapshot length of 0 or beyond the maximum means "the maximum", as libpcap adjusts it. */
export function adjustSnaplen(linkType: number, snaplen: number): number {
  const max = maxSnaplenFor(linkType);
  return snaplen === 0 || snaplen > max ? max : snaplen;
}

/**
 * Largest pcapng block accepted (16 MiB, libpcap's own ceiling for ordinary link types is lower):
 * it bounds the reader's buffer whatever a block length field claims.
 */
export const MAX_PCAPNG_BLOCK = 16 * 1024 * 1024;

/** LT_LINKTYPE in libpcap's pcap-common.h: the low 26 bits; FCS length information sits above. */
export function linkTypeOf(field: number): number {
  return field & 0x03ffffff;
}
