import { describe, expect, it } from 'vitest';
import { separateEncodings } from './fourier.ts';
import { fixtureBatch, maxAbsDifference, readFixtureArray } from './test-fixture.node.ts';

describe('Fourier encodings match Aurora’s (tiny-global fixture)', async () => {
  const batch = await fixtureBatch();
  const encodings = separateEncodings({ lat: batch.lat, lon: batch.lon, patchSize: 4 }, batch.time, batch.levels, 64);
  const cases = [
    ['pos_encoding', encodings.position],
    ['scale_encoding', encodings.scale],
    ['lead_time_encoding', encodings.leadTime],
    ['absolute_time_encoding', encodings.absoluteTime],
    ['levels_encoding', encodings.levels],
  ] as const;
  for (const [name, actual] of cases) {
    it(name, async () => {
      const expected = await readFixtureArray(`expected/${name}.npy`);
      expect(maxAbsDifference(actual, expected.data)).toBeLessThanOrEqual(1e-6);
    });
  }
});
