import { describe, expect, it } from 'vitest';
import { patchMean, thresholdLabels } from './labels.ts';

describe('labels', () => {
  it('averages each patch of a field', () => {
    // 2 x 4 field, 2 x 2 patches: [[1, 2, 10, 20], [3, 4, 30, 40]]
    expect(Array.from(patchMean([1, 2, 10, 20, 3, 4, 30, 40], 2, 4, 2))).toEqual([2.5, 25]);
    expect(() => patchMean([1, 2, 3], 1, 3, 2)).toThrow(/does not divide/);
  });

  it('thresholds patch means against one threshold or one per patch, marking NaN invalid', () => {
    const perPatch = thresholdLabels(patchMean([1, 2, 10, 20, 3, 4, 30, 40], 2, 4, 2), [2, Number.NaN], '>');
    expect(Array.from(perPatch.labels)).toEqual([1, 0]);
    expect(Array.from(perPatch.valid)).toEqual([1, 0]);
    expect(Array.from(thresholdLabels([1, 2, 3], 2, '>=').labels)).toEqual([0, 1, 1]);
    expect(Array.from(thresholdLabels([1, 2, 3], 2, '>').labels)).toEqual([0, 0, 1]);
  });
});
