import { describe, expect, it } from 'vitest';
import { AddressTable, MAX_ADDRESSES, OVERFLOW_TEXT } from './addresses.js';
import { FlatPacket } from '../decode/flat.js';

/** A flat packet whose level 0 has these address bytes at 0 (source) and 16 (destination). */
function flat(version: 4 | 6, src: number[], dst: number[]): FlatPacket {
  const f = new FlatPacket();
  f.data = new Uint8Array(32);
  f.data.set(src, 0);
  f.data.set(dst, 16);
  f.ipVersion[0] = version;
  f.srcAt[0] = 0;
  f.dstAt[0] = 16;
  return f;
}

describe('AddressTable', () => {
  it('gives one id per address, whether met as bytes or as text, in order of first sight', () => {
    const t = new AddressTable();
    const v6 = [0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1];
    const f4 = flat(4, [10, 0, 0, 1], [10, 0, 0, 2]);
    const f6 = flat(6, v6, v6);
    expect(t.idAt(f4, 0, false)).toBe(0);
    expect(t.idAt(f4, 0, true)).toBe(1);
    expect(t.idAt(f6, 0, false)).toBe(2);
    // Again (the caches answer), and by text.
    expect(t.idAt(f4, 0, false)).toBe(0);
    expect(t.idAt(f6, 0, true)).toBe(2);
    expect(t.idOfText('10.0.0.2')).toBe(1);
    expect(t.idOfText('2001:db8::1')).toBe(2);
    expect([0, 1, 2].map((i) => t.text(i))).toEqual(['10.0.0.1', '10.0.0.2', '2001:db8::1']);
  });

  it('shares one overflow id past the cap instead of growing', () => {
    const t = new AddressTable();
    for (let i = 0; i < MAX_ADDRESSES; i++) t.idOfText(`a${i}`);
    const over = t.idOfText('one too many');
    expect(t.text(over)).toBe(OVERFLOW_TEXT);
    expect(t.idOfText('another')).toBe(over);
    expect(t.idAt(flat(4, [192, 0, 2, 1], [192, 0, 2, 2]), 0, false)).toBe(over);
    expect(t.size).toBe(MAX_ADDRESSES + 1);
  });
});
