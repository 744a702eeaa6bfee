// Test helper: the tiny-global fixture's inputs, normalised and cropped by hand (not by our code),
// and the comparison of a batch against them.
import { expect } from 'vitest';
import { readNpyFile } from '../../io/npy.node.ts';
import figures from '../normalisation.json' with { type: 'json' };
import { ATMOSPHERIC_VARIABLES, AURORA_LEVELS, STATIC_VARIABLES, SURFACE_VARIABLES, type NormalisedBatch } from '../batch.ts';

export const FIXTURE = 'test/fixtures/aurora-encoder/tiny-global';
export const BATCH_TIME = new Date('2022-08-07T06:00:00Z');
const ROWS = 16; // 17 latitudes, the last dropped as Aurora does
const COLS = 32;

/** The fixture's raw inputs, normalised and cropped by hand: (x - location) / scale, first 16 rows. */
export async function expectedFromFixture(): Promise<Record<string, Float32Array>> {
  const locations: Record<string, number> = figures.locations;
  const scales: Record<string, number> = figures.scales;
  const expected: Record<string, Float32Array> = {};
  const crop = (data: Float32Array, planes: number, key: (plane: number) => string) => {
    const out = new Float32Array(planes * ROWS * COLS);
    for (let p = 0; p < planes; p++) {
      const k = key(p);
      for (let i = 0; i < ROWS; i++) {
        for (let j = 0; j < COLS; j++) {
          out[(p * ROWS + i) * COLS + j] = (data[(p * 17 + i) * COLS + j] - locations[k]) / scales[k];
        }
      }
    }
    return out;
  };
  const load = async (name: string) => {
    const npy = await readNpyFile(`${FIXTURE}/inputs/${name}.npy`);
    if (npy.dtype !== '<f4') throw new Error(`${name}: expected float32, got ${npy.dtype}`);
    return npy;
  };
  for (const v of SURFACE_VARIABLES) {
    const npy = await load(`surf_${v}`);
    expect(npy.shape).toEqual([1, 2, 17, 32]);
    expected[`surface.${v}`] = crop(npy.data, 2, () => v);
  }
  for (const v of STATIC_VARIABLES) {
    const npy = await load(`static_${v}`);
    expect(npy.shape).toEqual([17, 32]);
    expected[`static.${v}`] = crop(npy.data, 1, () => v);
  }
  for (const v of ATMOSPHERIC_VARIABLES) {
    const npy = await load(`atmos_${v}`);
    expect(npy.shape).toEqual([1, 2, 13, 17, 32]);
    expected[`atmos.${v}`] = crop(npy.data, 2 * 13, (p) => `${v}_${AURORA_LEVELS[p % 13]}`);
  }
  return expected;
}

export function expectBatchMatches(batch: NormalisedBatch, expected: Record<string, Float32Array>): void {
  expect(batch.time.toISOString()).toBe('2022-08-07T06:00:00.000Z');
  expect(batch.stepTimes.map((t) => t.toISOString())).toEqual(['2022-08-07T00:00:00.000Z', '2022-08-07T06:00:00.000Z']);
  expect(Array.from(batch.lat)).toEqual(Array.from({ length: ROWS }, (_, i) => 90 - i * 11.25));
  expect(Array.from(batch.lon)).toEqual(Array.from({ length: COLS }, (_, j) => j * 11.25));
  expect(batch.levels).toEqual([...AURORA_LEVELS]);
  expect(batch.rowOffset).toBe(0);
  expect(batch.fullHeight).toBe(ROWS);
  for (const v of SURFACE_VARIABLES) expectClose(batch.surface[v], expected[`surface.${v}`], `surface ${v}`);
  for (const v of STATIC_VARIABLES) expectClose(batch.static[v], expected[`static.${v}`], `static ${v}`);
  for (const v of ATMOSPHERIC_VARIABLES) expectClose(batch.atmos[v], expected[`atmos.${v}`], `atmos ${v}`);
}

function expectClose(actual: Float32Array, expected: Float32Array, label: string): void {
  expect(actual.length, label).toBe(expected.length);
  let worst = 0;
  for (let i = 0; i < actual.length; i++) worst = Math.max(worst, Math.abs(actual[i] - expected[i]));
  expect(worst, label).toBeLessThanOrEqual(1e-6);
}

