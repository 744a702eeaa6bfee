// Tiles of whole patch rows, and the bound on the rows a tile's band spans (a sparse region's tiles
// send whole rows, so their bands must stay within the memory a full tile would take).
import { describe, expect, it } from 'vitest';
import { PRESETS } from './config.ts';
import { maxBandRows, planTiles } from './runtime.ts';

const rowsOf = (counts: number[], firstRow = 0, gap = 0): Int32Array => Int32Array.from(counts.flatMap((count, i) => Array<number>(count).fill(firstRow + i * (gap + 1))));

describe('planTiles', () => {
  it('takes whole rows up to the patch budget, and splits a row wider than the budget', () => {
    expect(planTiles(rowsOf([4, 4, 4, 4]), undefined, 8)).toEqual([
      { start: 0, end: 8 },
      { start: 8, end: 16 },
    ]);
    expect(planTiles(rowsOf([8, 8]), undefined, 3)).toEqual([
      { start: 0, end: 3 },
      { start: 3, end: 6 },
      { start: 6, end: 8 },
      { start: 8, end: 11 },
      { start: 11, end: 14 },
      { start: 14, end: 16 },
    ]);
    expect(planTiles(rowsOf([4, 4, 4]), 1, 100)).toHaveLength(3);
  });

  it("stops a tile whose band would span more patch rows than allowed, counting the rows between a region's patches", () => {
    // Two patches in each of rows 0, 10, 20, 30: few patches, but a band from row 0 to row 30.
    const sparse = rowsOf([2, 2, 2, 2], 0, 9);
    expect(planTiles(sparse, undefined, 512)).toEqual([{ start: 0, end: 8 }]);
    expect(planTiles(sparse, undefined, 512, 11)).toEqual([
      { start: 0, end: 4 },
      { start: 4, end: 8 },
    ]);
    // A single row always makes a tile, whatever the bound.
    expect(planTiles(rowsOf([6]), undefined, 512, 1)).toEqual([{ start: 0, end: 6 }]);
  });
});

describe('maxBandRows', () => {
  it("lets a band hold as many bytes as a full tile's largest tensor", () => {
    const config = PRESETS['aurora-0.25'];
    // 0.25 degree: 360 patch columns; a band row holds 360 x (224 + 13 x 160) x 4 bytes = 3.3 MB, a
    // tile of 512 patches' largest tensor 512 x 79,872 bytes = 40.9 MB.
    expect(maxBandRows(config, 13, 360, 512)).toBe(12);
    expect(maxBandRows(config, 13, 360, 1)).toBe(1);
  });
});
