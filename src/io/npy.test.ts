import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { isNpyDtype, NpyError, readNpy, writeNpy } from './npy.ts';
import { readNpyFile } from './npy.node.ts';

const FIXTURES = new URL('../../test/fixtures/probes/balanced-64/', import.meta.url);

// Files written by numpy 1.24.2 (`np.save`), as hex, so that the writer can be checked byte for byte.
const NUMPY_FILES = {
  // np.arange(6, dtype='<f8').reshape(2, 3) / 4
  f8_2x3:
    '934e554d5059010076007b276465736372273a20273c6638272c2027666f727472616e5f6f72646572273a2046616c73652c20277368617065273a2028322c2033292c207d202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020200a0000000000000000000000000000d03f000000000000e03f000000000000e83f000000000000f03f000000000000f43f',
  // np.array([-3, 0, 2**40], dtype='<i8')
  i8: '934e554d5059010076007b276465736372273a20273c6938272c2027666f727472616e5f6f72646572273a2046616c73652c20277368617065273a2028332c292c207d2020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020200afdffffffffffffff00000000000000000000000000010000',
  // np.float32(2.5)
  scalar:
    '934e554d5059010076007b276465736372273a20273c6634272c2027666f727472616e5f6f72646572273a2046616c73652c20277368617065273a2028292c207d20202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020200a00002040',
  // np.array([1, 65535], dtype='<u2')
  u2: '934e554d5059010076007b276465736372273a20273c7532272c2027666f727472616e5f6f72646572273a2046616c73652c20277368617065273a2028322c292c207d2020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020200a0100ffff',
  // np.asfortranarray(np.arange(6, dtype='<f4').reshape(2, 3))
  fortran:
    '934e554d5059010076007b276465736372273a20273c6634272c2027666f727472616e5f6f72646572273a20547275652c20277368617065273a2028322c2033292c207d20202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020200a00000000000040400000803f00008040000000400000a040',
  // np.arange(3, dtype='>f4')
  bigEndian:
    '934e554d5059010076007b276465736372273a20273e6634272c2027666f727472616e5f6f72646572273a2046616c73652c20277368617065273a2028332c292c207d2020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020200a000000003f80000040000000',
};
const bytesOf = (hex: string) => Uint8Array.from(hex.match(/../g) ?? [], (pair) => parseInt(pair, 16));

describe('readNpy', () => {
  it('reads the fixture files written by numpy', async () => {
    const x = await readNpyFile(new URL('X.npy', FIXTURES).pathname);
    expect(x.dtype).toBe('<f4');
    expect(x.shape).toEqual([6000, 64]);
    if (!isNpyDtype(x, '<f4')) throw new Error('X.npy should be float32');
    const reference = JSON.parse(await readFile(new URL('reference.json', FIXTURES), 'utf8')) as { pca: { mean: number[] } };
    // Column 0's mean, accumulated in float64, matches scikit-learn's mean_ to float32 precision.
    let sum = 0;
    for (let row = 0; row < 6000; row++) sum += x.data[row * 64];
    expect(sum / 6000).toBeCloseTo(reference.pca.mean[0], 5);

    const mask = await readNpyFile(new URL('test_mask.npy', FIXTURES).pathname);
    expect(mask.dtype).toBe('|b1');
    expect(mask.shape).toEqual([6000]);
    const y = await readNpyFile(new URL('y.npy', FIXTURES).pathname);
    expect(y.dtype).toBe('|u1');
    expect(Array.from(y.data as Uint8Array).reduce((a, b) => a + b, 0)).toBe(1833);
  });

  it('reads float64, int64, uint16 and 0-d arrays', () => {
    const f8 = readNpy(bytesOf(NUMPY_FILES.f8_2x3));
    expect(f8).toMatchObject({ dtype: '<f8', shape: [2, 3] });
    expect(Array.from(f8.data as Float64Array)).toEqual([0, 0.25, 0.5, 0.75, 1, 1.25]);
    expect(Array.from(readNpy(bytesOf(NUMPY_FILES.i8)).data as BigInt64Array)).toEqual([-3n, 0n, 2n ** 40n]);
    expect(Array.from(readNpy(bytesOf(NUMPY_FILES.u2)).data as Uint16Array)).toEqual([1, 65535]);
    const scalar = readNpy(bytesOf(NUMPY_FILES.scalar));
    expect(scalar.shape).toEqual([]);
    expect(Array.from(scalar.data as Float32Array)).toEqual([2.5]);
  });

  it('copies data that is not aligned for its dtype', () => {
    const file = bytesOf(NUMPY_FILES.f8_2x3);
    const shifted = new Uint8Array(file.length + 1);
    shifted.set(file, 1);
    expect(Array.from(readNpy(shifted.subarray(1)).data as Float64Array)).toEqual([0, 0.25, 0.5, 0.75, 1, 1.25]);
  });

  it('rejects Fortran order, big-endian data, non-npy and truncated files with clear errors', () => {
    expect(() => readNpy(bytesOf(NUMPY_FILES.fortran))).toThrow(/Fortran-order/);
    expect(() => readNpy(bytesOf(NUMPY_FILES.bigEndian))).toThrow(/'>f4'.*big-endian/);
    expect(() => readNpy(new TextEncoder().encode('hello, world'))).toThrow(NpyError);
    expect(() => readNpy(bytesOf(NUMPY_FILES.f8_2x3).subarray(0, 140))).toThrow(/truncated/);
  });
});

describe('writeNpy', () => {
  it('writes exactly the bytes numpy writes', () => {
    expect(writeNpy({ data: Float64Array.from([0, 0.25, 0.5, 0.75, 1, 1.25]), shape: [2, 3] })).toEqual(bytesOf(NUMPY_FILES.f8_2x3));
    expect(writeNpy({ data: BigInt64Array.from([-3n, 0n, 2n ** 40n]), shape: [3] })).toEqual(bytesOf(NUMPY_FILES.i8));
    expect(writeNpy({ data: Float32Array.of(2.5), shape: [] })).toEqual(bytesOf(NUMPY_FILES.scalar));
    expect(writeNpy({ data: Uint16Array.of(1, 65535), shape: [2] })).toEqual(bytesOf(NUMPY_FILES.u2));
  });

  it('round-trips bool arrays and rejects mismatched shapes or dtypes', () => {
    const mask = readNpy(writeNpy({ data: Uint8Array.of(1, 0, 1), shape: [3], dtype: '|b1' }));
    expect(mask).toMatchObject({ dtype: '|b1', shape: [3] });
    expect(() => writeNpy({ data: new Float32Array(5), shape: [2, 3] })).toThrow(/does not match/);
    expect(() => writeNpy({ data: new Float32Array(2), shape: [2], dtype: '<f8' })).toThrow(/Float64Array/);
  });
});
