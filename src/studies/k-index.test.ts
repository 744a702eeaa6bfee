import { beforeAll, describe, expect, it } from 'vitest';
import { openHumidityFields, readHumidityLevels, type HumidityFields, type HumidityLevels } from '../data/humidity-fields.ts';
import { LAYOUTS } from '../data/layout.ts';
import { openSource } from '../data/store.node.ts';
import { readNpyFile } from '../io/npy.node.ts';
import {
  clampRelativeHumidity,
  dewPointC,
  instabilityMask,
  kIndexC,
  kIndexField,
  kIndexPatchLabels,
  K_INDEX_LEVELS,
  patchHalfExceededK,
  patchLabelsFromMask,
  relativeHumidityFromSpecific,
} from './k-index.ts';

// The study's own functions (get_dewpoint, get_k_index, reduce_mask_lazy) run on a CDS-layout store:
// test/fixtures/k-index, copied from the shared reference fixtures.
const FIXTURE = 'test/fixtures/k-index';
const H = 80;
const W = 120;

async function floats(name: string): Promise<Float32Array> {
  const npy = await readNpyFile(`${FIXTURE}/${name}.npy`);
  if (npy.dtype !== '<f4') throw new Error(`${name}: expected float32, got ${npy.dtype}`);
  return npy.data;
}

async function int8s(name: string): Promise<Int8Array> {
  const npy = await readNpyFile(`${FIXTURE}/${name}.npy`);
  if (npy.dtype !== '|i1') throw new Error(`${name}: expected int8, got ${npy.dtype}`);
  return npy.data;
}

function maxAbsDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
  return worst;
}

/** The store's levels with the relative humidity set aside, as a store with only q would give them. */
async function withoutRelativeHumidity(fields: HumidityFields): Promise<HumidityFields> {
  const source = fields.source;
  const hidden = LAYOUTS.cds.relativeHumidity;
  return openHumidityFields(
    { ...source, arrayNames: source.arrayNames?.filter((name) => name !== hidden), openArray: (name) => (name === hidden ? Promise.resolve(undefined) : source.openArray(name)) },
    { layout: 'cds' },
  );
}

let fields: HumidityFields;
let fromR: HumidityLevels;
let fromQ: HumidityLevels;

beforeAll(async () => {
  fields = await openHumidityFields(await openSource(`${FIXTURE}/levels.zarr`));
  const time = new Date(fields.times[0]);
  fromR = await readHumidityLevels(fields, time, K_INDEX_LEVELS);
  fromQ = await readHumidityLevels(await withoutRelativeHumidity(fields), time, K_INDEX_LEVELS);
});

describe("the K-index against the study's own functions", () => {
  it('opens a store of pressure levels alone, telling the CDS layout by its temperature, and reads r', () => {
    expect(fields.layout.name).toBe('cds');
    expect(fields.humidity.kind).toBe('relative');
    expect(Array.from(fields.levels)).toEqual([500, 700, 850]);
    expect(fromR.temperatureK[0].length).toBe(H * W);
    expect(fromR.lat[0]).toBe(60);
    expect(fromR.humidity.kind).toBe('relative');
    expect(fromQ.humidity.kind).toBe('specific');
  });

  it('gives the dew point of every level and grid point from r', async () => {
    const expected = await floats('dewpoint');
    const field = kIndexField(fromR);
    const ours = new Float64Array(3 * H * W);
    field.dewPointC.forEach((plane, k) => ours.set(plane, k * H * W));
    expect(maxAbsDifference(ours, expected)).toBeLessThan(1e-3);
  });

  it('gives K within 1e-3 degrees C from r, and within 0.05 degrees C from q', async () => {
    const expected = await floats('k_index');
    const fromRelative = kIndexField(fromR);
    const fromSpecific = kIndexField(fromQ);
    expect(fromRelative.humiditySource).toBe('relative humidity');
    expect(fromSpecific.humiditySource).toBe('derived from specific humidity');
    expect(maxAbsDifference(fromRelative.k, expected)).toBeLessThan(1e-3);
    expect(maxAbsDifference(fromSpecific.k, expected)).toBeLessThan(0.05);
  });

  for (const threshold of [20, 35]) {
    it(`labels every patch exactly as the study at K > ${threshold}, from r and from q, by the mask's mean and by the half-exceeded K`, async () => {
      const expected = Array.from(await int8s(`patch_k_gt_${threshold}`));
      for (const levels of [fromR, fromQ]) {
        const { k } = kIndexField(levels);
        expect(Array.from(patchLabelsFromMask(instabilityMask(k, threshold), H, W))).toEqual(expected);
        expect(Array.from(kIndexPatchLabels(patchHalfExceededK(k, H, W), threshold))).toEqual(expected);
      }
      // Both classes occur, so the comparison means something.
      expect(expected).toContain(0);
      expect(expected).toContain(1);
    });
  }
});

describe('the K-index formulas, by hand', () => {
  it("clamps relative humidity and the dew point as the study does", () => {
    expect(clampRelativeHumidity(0)).toBe(0.001);
    expect(clampRelativeHumidity(-3)).toBe(0.001);
    expect(clampRelativeHumidity(104)).toBe(100);
    // Saturated air: the dew point is the temperature.
    expect(dewPointC(293.15, 100)).toBeCloseTo(20, 10);
    // Supersaturated input is clamped to 100 %, so Td = T again, never above it.
    expect(dewPointC(293.15, 130)).toBeCloseTo(20, 10);
    // Bone-dry air: Td would be far below T - 50; the study clamps it there.
    expect(dewPointC(293.15, 0)).toBeCloseTo(-30, 10);
    expect(Number.isNaN(dewPointC(293.15, Number.NaN))).toBe(true);
  });

  it('has the Magnus dew point at 50 % and 20 degrees C (9.26 degrees C, by hand)', () => {
    // alpha = ln 0.5 + 17.625 * 20 / 263.04 = -0.693147 + 1.340101 = 0.646954; Td = 243.04 alpha / (17.625 - alpha) = 9.2611
    expect(dewPointC(293.15, 50)).toBeCloseTo(9.2611, 3);
  });

  it('derives relative humidity from specific humidity with the same constants, inverting q = 0.622 e / (p - 0.378 e)', () => {
    // At 10 degrees C e_s = 6.112 exp(17.625 * 10 / 253.04) = 12.2716 hPa; 60 % of it at 850 hPa:
    const e = 0.6 * 6.112 * Math.exp((17.625 * 10) / 253.04);
    const q = (0.622 * e) / (850 - 0.378 * e);
    expect(relativeHumidityFromSpecific(q, 283.15, 850)).toBeCloseTo(60, 9);
  });

  it('is (T850 - T500) + Td850 - (T700 - Td700)', () => {
    // A classic thunderstorm sounding: T850 20, T500 -10, Td850 15, T700 8, Td700 2: K = 30 + 15 - 6 = 39.
    expect(kIndexC(-10, 8, 20, 2, 15)).toBe(39);
  });

  it('labels a patch at exactly half its points, and not below half', () => {
    // One 4 x 4 patch: eight points at 25, eight at 10. Above 20: exactly half, so positive.
    const k = Float64Array.from({ length: 16 }, (_, i) => (i < 8 ? 25 : 10));
    expect(Array.from(patchLabelsFromMask(instabilityMask(k, 20), 4, 4))).toEqual([1]);
    expect(Array.from(kIndexPatchLabels(patchHalfExceededK(k, 4, 4), 20))).toEqual([1]);
    k[0] = Number.NaN; // seven left: no longer half
    expect(Array.from(patchLabelsFromMask(instabilityMask(k, 20), 4, 4))).toEqual([0]);
    expect(Array.from(kIndexPatchLabels(patchHalfExceededK(k, 4, 4), 20))).toEqual([0]);
  });
});
