import { describe, expect, it } from 'vitest';
import { ProbeInputError } from './job.ts';
import { assertDisjointSplit, foldSplit, rowSamples, leaveOneGroupOut, longitudeBandSplit, maskSplit, spatialBlockFolds, stratifiedSplit } from './splits.ts';
import { loadBalanced64 } from './testing/balanced64.node.ts';

describe('longitudeBandSplit', () => {
  it("reproduces the fixture's test mask from the study's band [120, 210]", async () => {
    const { lon, testMask } = await loadBalanced64();
    const band = longitudeBandSplit(lon, 120, 210);
    const fromMask = maskSplit(testMask);
    expect(band.test).toEqual(fromMask.test);
    expect(band.train).toEqual(fromMask.train);
    expect(band.test.length).toBe(1458);
  });

  it('handles bands crossing the prime meridian, in either longitude convention', () => {
    const lon = [355, 0, 10, 20, 25, 180, 349.9, -5, -170];
    const expected = [0, 1, 2, 3, 7];
    expect(Array.from(longitudeBandSplit(lon, 350, 20).test)).toEqual(expected);
    expect(Array.from(longitudeBandSplit(lon, -10, 20).test)).toEqual(expected);
    // [170, -170] east across the antimeridian: 180 and -170 (= 190) are in.
    expect(Array.from(longitudeBandSplit(lon, 170, -170).test)).toEqual([5, 8]);
    expect(longitudeBandSplit(lon, 0, 360).test.length).toBe(lon.length);
  });
});

describe('stratifiedSplit', () => {
  const labels = Array.from({ length: 103 }, (_, i) => (i % 4 === 0 ? 1 : 0)); // 26 positives, 77 negatives

  it('takes ceil(fraction * N) test rows, keeping the class shares, the same for the same seed', () => {
    const split = stratifiedSplit(labels, 0.2, 42);
    expect(split.test.length).toBe(21);
    expect(split.train.length).toBe(82);
    // 21 * 26 / 103 = 5.30 positives and 15.70 negatives: largest remainder gives 5 and 16.
    expect(Array.from(split.test).filter((row) => labels[row] === 1).length).toBe(5);
    expect(stratifiedSplit(labels, 0.2, 42)).toEqual(split);
    expect(stratifiedSplit(labels, 0.2, 43).test).not.toEqual(split.test);
    expect(new Set([...split.train, ...split.test]).size).toBe(103);
  });

  it('rejects fractions outside (0, 1)', () => {
    expect(() => stratifiedSplit(labels, 1, 0)).toThrow(/test fraction/);
  });
});

describe('spatial block folds and groups', () => {
  it('keeps each block in one fold and uses every fold', () => {
    const lat = [10, 12, 14, 40, 41, -30, -31, 70];
    const lon = [1, 2, 3, 100, 101, 200, 201, -20];
    const folds = spatialBlockFolds(lat, lon, 10, 3, 7);
    expect(folds[0]).toBe(folds[1]);
    expect(folds[1]).toBe(folds[2]);
    expect(folds[3]).toBe(folds[4]);
    expect(folds[5]).toBe(folds[6]);
    expect(new Set(folds).size).toBe(3);
    expect(spatialBlockFolds(lat, lon, 10, 3, 7)).toEqual(folds);
    const split = foldSplit(folds, folds[0]);
    expect(Array.from(split.test)).toContain(0);
    expect(split.train.length + split.test.length).toBe(8);
  });

  it('leaves one group out at a time', () => {
    const splits = leaveOneGroupOut([5, 3, 5, 3, 9]);
    expect(splits.map((s) => s.group)).toEqual([3, 5, 9]);
    expect(Array.from(splits[1].split.test)).toEqual([0, 2]);
    expect(Array.from(splits[1].split.train)).toEqual([1, 3, 4]);
  });
});

describe('assertDisjointSplit', () => {
  // Two patches per time; a sample is a time (by name) and a patch.
  const sampleOf = (times: string[]) =>
    rowSamples(
      Float64Array.from({ length: times.length * 2 }, (_, row) => times.indexOf(times[row >> 1]) * 2 + (row & 1)),
      (row) => `${times[row >> 1]} patch ${row & 1}`,
    );

  it('accepts a split whose train and test share no sample', () => {
    expect(() => assertDisjointSplit({ train: Uint32Array.of(0, 1), test: Uint32Array.of(2, 3) }, sampleOf(['T0', 'T1']))).not.toThrow();
  });

  it('refuses the same row on both sides, and two rows holding the same sample (a time listed twice)', () => {
    expect(() => assertDisjointSplit({ train: Uint32Array.of(0, 1), test: Uint32Array.of(1) }, sampleOf(['T0']))).toThrow(/row 1 \(T0 patch 1\) is in both the training and the test set/);
    // Rows 0-1 and 2-3 are the same time's two patches, listed twice.
    const twice = stratifiedSplit([0, 1, 0, 1], 0.5, 3);
    expect(() => assertDisjointSplit(twice, sampleOf(['T0', 'T0']))).toThrow(ProbeInputError);
    expect(() => assertDisjointSplit(twice, sampleOf(['T0', 'T0']))).toThrow(/the sample T0 patch \d is in the training set \(row \d\) and in the test set \(row \d\): its time or patch was given twice/);
  });
});
