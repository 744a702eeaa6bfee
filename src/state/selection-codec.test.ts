import { describe, expect, it } from 'vitest';
import { decodeSelection, encodeSelection, SelectionCodecError } from './selection-codec.ts';

function maskOf(count: number, indices: number[]): Uint8Array {
  const mask = new Uint8Array(count);
  for (const index of indices) mask[index] = 1;
  return mask;
}

describe('selection codec', () => {
  it('round-trips empty, single, edge and scattered selections', () => {
    const cases = [maskOf(10, []), maskOf(10, [0]), maskOf(10, [9]), maskOf(10, [0, 1, 2, 5, 9]), maskOf(64_800, [3, 64_799])];
    for (const mask of cases) expect(decodeSelection(encodeSelection(mask), mask.length)).toEqual(mask);
  });

  it('keeps a large random brush compact', () => {
    let seed = 7;
    const mask = new Uint8Array(64_800);
    for (let i = 0; i < mask.length; i++) {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      mask[i] = seed % 10 === 0 ? 1 : 0;
    }
    const text = encodeSelection(mask);
    expect(decodeSelection(text, mask.length)).toEqual(mask);
    // A bitmask would need 64,800 / 6 = 10,800 base64 characters.
    expect(text.length).toBeLessThan(10_800);
  });

  it('rejects text that is not base64url, not deflate, or addresses missing points', () => {
    expect(() => decodeSelection('not base64!', 10)).toThrow(SelectionCodecError);
    expect(() => decodeSelection('AAAA', 10)).toThrow(SelectionCodecError);
    const wide = encodeSelection(maskOf(100, [50]));
    expect(() => decodeSelection(wide, 10)).toThrow(/past the 10/);
    expect(() => decodeSelection('', 1e12)).toThrow(SelectionCodecError);
  });
});
