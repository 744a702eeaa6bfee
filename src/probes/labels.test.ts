import { describe, expect, it } from 'vitest';
import { landSeaLabels, patchMean, patchThresholdLabels, thresholdLabels } from './labels.ts';

describe('labels', () => {
  it('averages each patch of a field', () => {
    // 2 x 4 field, 2 x 2 patches: [[1, 2, 10, 20], [3, 4, 30, 40]]
    expect(Array.from(patchMean([1, 2, 10, 20, 3, 4, 30, 40], 2, 4, 2))).toEqual([2.5, 25]);
    expect(() => patchMean([1, 2, 3], 1, 3, 2)).toThrow(/does not divide/);
  });

  it('labels land where at least half of a 4 x 4 patch is land', () => {
    const height = 4;
    const width = 12;
    const mask = new Float32Array(height * width);
    // Patch 0: exactly 8 of 16 land points (>= 0.5 is land); patch 1: 7 (sea); patch 2: all land.
    for (let k = 0; k < 8; k++) mask[Math.floor(k / 4) * width + (k % 4)] = 1;
    for (let k = 0; k < 7; k++) mask[Math.floor(k / 4) * width + 4 + (k % 4)] = 1;
    for (let row = 0; row < height; row++) for (let column = 8; column < 12; column++) mask[row * width + column] = 1;
    expect(Array.from(landSeaLabels(mask, height, width))).toEqual([1, 0, 1]);
  });

  it('thresholds patch means against one threshold or one per patch, marking NaN invalid', () => {
    const perPatch = patchThresholdLabels([1, 2, 10, 20, 3, 4, 30, 40], 2, 4, [2, Number.NaN], '>', 2);
    expect(Array.from(perPatch.labels)).toEqual([1, 0]);
    expect(Array.from(perPatch.valid)).toEqual([1, 0]);
    expect(Array.from(thresholdLabels([1, 2, 3], 2, '>=').labels)).toEqual([0, 1, 1]);
    expect(Array.from(thresholdLabels([1, 2, 3], 2, '>').labels)).toEqual([0, 0, 1]);
  });
});
