// Addresses as small integer ids for the analyzers' tables: an id per distinct address, its text
// made once, when first seen. Ids are given in order of first sight, so tables keyed by id keep
// the order that string keys had.
import { ipv4String, ipv6String } from '../decode/addr.js';
import type { FlatPacket } from '../decode/flat.js';

/**
 * Distinct addresses kept. Past the cap every new address shares OVERFLOW_ID, printed as
 * OVERFLOW_TEXT (a capture of random spoofed sources must not grow memory without bound).
 */
export const MAX_ADDRESSES = 1 << 18;
export const OVERFLOW_TEXT = '(other addresses)';

const CACHE_BITS = 12;

export class AddressTable {
  private readonly byText = new Map<string, number>();
  private readonly texts: string[] = [];
  private readonly v4 = new Map<number, number>();
  private readonly v6 = new Map<string, number>();
  /** A direct-mapped cache in front of the IPv4 map: most packets repeat recent addresses. */
  private readonly cacheKey = new Int32Array(1 << CACHE_BITS);
  private readonly cacheId = new Int32Array(1 << CACHE_BITS).fill(-1);
  private readonly cache6 = new Int32Array(4 << CACHE_BITS);
  private readonly cacheId6 = new Int32Array(1 << CACHE_BITS).fill(-1);
  private overflowId = -1;

  get size(): number {
    return this.texts.length;
  }

  text(id: number): string {
    return this.texts[id]!;
  }

  idOfText(s: string): number {
    let id = this.byText.get(s);
    if (id === undefined) {
      if (this.texts.length >= MAX_ADDRESSES) return this.overflow();
      id = this.texts.length;
      this.texts.push(s);
      this.byText.set(s, id);
    }
    return id;
  }

  private overflow(): number {
    if (this.overflowId < 0) {
      this.overflowId = this.texts.length;
      this.texts.push(OVERFLOW_TEXT);
    }
    return this.overflowId;
  }

  /** Id of the source (`dst` false) or destination address of level `l` of a decoded packet. */
  idAt(f: FlatPacket, l: number, dst: boolean): number {
    const at = dst ? f.dstAt[l]! : f.srcAt[l]!;
    // Negative: an address given as text (a DecodedPacket fed to the analyzers).
    if (at < 0) return this.idOfText(f.texts[-1 - at]!);
    const b = f.data;
    if (f.ipVersion[l] === 4) {
      const key = (b[at]! << 24) | (b[at + 1]! << 16) | (b[at + 2]! << 8) | b[at + 3]!;
      const h = Math.imul(key, 0x9e3779b1) >>> (32 - CACHE_BITS);
      if (this.cacheKey[h] === key && this.cacheId[h]! >= 0) return this.cacheId[h]!;
      let id = this.v4.get(key);
      if (id === undefined) {
        id = this.idOfText(ipv4String(b, at));
        if (this.v4.size < MAX_ADDRESSES) this.v4.set(key, id);
      }
      this.cacheKey[h] = key;
      this.cacheId[h] = id;
      return id;
    }
    // IPv6: a direct-mapped cache on the four 32-bit words first (no string per packet), then
    // a map keyed by the 16 bytes as a latin1 string.
    const w0 = (b[at]! << 24) | (b[at + 1]! << 16) | (b[at + 2]! << 8) | b[at + 3]!;
    const w1 = (b[at + 4]! << 24) | (b[at + 5]! << 16) | (b[at + 6]! << 8) | b[at + 7]!;
    const w2 = (b[at + 8]! << 24) | (b[at + 9]! << 16) | (b[at + 10]! << 8) | b[at + 11]!;
    const w3 = (b[at + 12]! << 24) | (b[at + 13]! << 16) | (b[at + 14]! << 8) | b[at + 15]!;
    const h = (Math.imul(w0 ^ Math.imul(w1, 0x85ebca6b) ^ Math.imul(w2, 0xc2b2ae35) ^ Math.imul(w3, 0x27d4eb2f), 0x9e3779b1) >>> (32 - CACHE_BITS));
    const c = this.cache6;
    if (this.cacheId6[h]! >= 0 && c[h * 4] === w0 && c[h * 4 + 1] === w1 && c[h * 4 + 2] === w2 && c[h * 4 + 3] === w3) return this.cacheId6[h]!;
    const id = this.idOf6(b, at);
    c[h * 4] = w0;
    c[h * 4 + 1] = w1;
    c[h * 4 + 2] = w2;
    c[h * 4 + 3] = w3;
    this.cacheId6[h] = id;
    return id;
  }

  private idOf6(b: Uint8Array, at: number): number {
    const key = String.fromCharCode(b[at]!, b[at + 1]!, b[at + 2]!, b[at + 3]!, b[at + 4]!, b[at + 5]!, b[at + 6]!, b[at + 7]!, b[at + 8]!, b[at + 9]!, b[at + 10]!, b[at + 11]!, b[at + 12]!, b[at + 13]!, b[at + 14]!, b[at + 15]!);
    let id = this.v6.get(key);
    if (id === undefined) {
      id = this.idOfText(ipv6String(b, at));
      if (this.v6.size < MAX_ADDRESSES) this.v6.set(key, id);
    }
    return id;
  }
}
