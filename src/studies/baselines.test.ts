// The raw-input baseline's features are the encoder's own patch inputs, (variable, step, row, column),
// read in chunks of patches: a patch in a later chunk holds its own field values.
import { describe, expect, it } from 'vitest';
import { AURORA_LEVELS, type NormalisedBatch } from '../data/batch.ts';
import { RAW_SURFACE_FEATURES, rawInputFeatures } from './baselines.ts';

// 5,120 patches of 4 x 4 points: more than one chunk. Each field's value is its own flat index, so
// that a feature names the point it came from.
const H = 4 * 64;
const W = 4 * 80;
const plane = H * W;
const field = (planes: number, offset: number) => Float32Array.from({ length: planes * plane }, (_, i) => offset + i);
const batch: NormalisedBatch = {
  time: new Date('2022-08-07T06:00Z'),
  stepTimes: [new Date('2022-08-07T00:00Z'), new Date('2022-08-07T06:00Z')],
  lat: Float64Array.from({ length: H }, (_, i) => 90 - i * 0.5),
  lon: Float64Array.from({ length: W }, (_, j) => j * 0.5),
  levels: [AURORA_LEVELS[0]],
  surface: { '2t': field(2, 0), '10u': field(2, 1e6), '10v': field(2, 2e6), msl: field(2, 3e6) },
  static: { lsm: field(1, 4e6), z: field(1, 5e6), slt: field(1, 6e6) },
  atmos: { z: field(2, 0), u: field(2, 0), v: field(2, 0), t: field(2, 0), q: field(2, 0) },
  rowOffset: 0,
  fullHeight: H,
};

describe('rawInputFeatures', () => {
  it("gives every patch, in either chunk, 2 m temperature's 4 x 4 points at the first step, then the second step's", () => {
    const columns = W / 4;
    const patches = Int32Array.of(0, 4095, 4096, 5119);
    const raw = rawInputFeatures(batch, patches);
    expect([raw.rows, raw.cols]).toEqual([4, RAW_SURFACE_FEATURES]);
    patches.forEach((patch, k) => {
      const top = 4 * Math.floor(patch / columns);
      const left = 4 * (patch % columns);
      const row = raw.data.subarray(k * raw.cols, (k + 1) * raw.cols);
      // Feature (variable 0, step 0, row 1, column 2), then (variable 0, step 1, row 0, column 0).
      expect(row[1 * 4 + 2]).toBe((top + 1) * W + left + 2);
      expect(row[16]).toBe(plane + top * W + left);
      // The last static variable (slt), last point of the patch: 6e6 + its flat index.
      expect(row[RAW_SURFACE_FEATURES - 1]).toBe(6e6 + (top + 3) * W + left + 3);
    });
  });
});
