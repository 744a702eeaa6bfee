import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ATMOSPHERIC_VARIABLES, AURORA_LEVELS, STATIC_VARIABLES, SURFACE_VARIABLES, type NormalisedBatch } from '../data/batch.ts';
import { humidityFieldsOf, humidityLevelsFromBatch, openHumidityFields, readHumidityLevels, type HumidityFields, type HumidityLevels } from '../data/humidity-fields.ts';
import { openEra5Dataset } from '../data/dataset.ts';
import { loadBatch } from '../data/load-batch.ts';
import { normalisationFigures, normalisationKey } from '../data/normalisation.ts';
import { buildSample } from '../data/sample/build-sample.node.ts';
import { STUDY1_TIME } from '../data/sample/times.ts';
import { LAYOUTS } from '../data/layout.ts';
import { openSource } from '../data/store.node.ts';
import { readNpyFile } from '../io/npy.node.ts';
import {
  clampRelativeHumidity,
  dewPointC,
  instabilityMask,
  kIndexC,
  kIndexField,
  kIndexLevelsFor,
  kIndexPatches,
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

/** The fixture's t and q at the three levels as a normalised batch would carry them (its later step), the rest zero. */
function batchOf(levels: HumidityLevels): NormalisedBatch {
  if (levels.humidity.kind !== 'specific') throw new Error('expected specific humidity');
  const plane = H * W;
  const channels = AURORA_LEVELS.length;
  const zeros = (length: number) => new Float32Array(length);
  const atmos = Object.fromEntries(ATMOSPHERIC_VARIABLES.map((v) => [v, zeros(2 * channels * plane)])) as NormalisedBatch['atmos'];
  const q = levels.humidity.kgPerKg;
  levels.levelsHpa.forEach((level, k) => {
    const c = AURORA_LEVELS.indexOf(level as (typeof AURORA_LEVELS)[number]);
    for (const [variable, planes] of [['t', levels.temperatureK], ['q', q]] as const) {
      const { location, scale } = normalisationFigures(normalisationKey(variable, level));
      atmos[variable].set(planes[k].map((value) => (value - location) / scale), (channels + c) * plane);
    }
  });
  return {
    time: levels.time,
    stepTimes: [new Date(levels.time.getTime() - 6 * 3600e3), levels.time],
    lat: levels.lat,
    lon: levels.lon,
    levels: [...AURORA_LEVELS],
    surface: Object.fromEntries(SURFACE_VARIABLES.map((v) => [v, zeros(2 * plane)])) as NormalisedBatch['surface'],
    static: Object.fromEntries(STATIC_VARIABLES.map((v) => [v, zeros(plane)])) as NormalisedBatch['static'],
    atmos,
    rowOffset: 0,
    fullHeight: H,
  };
}

describe("the K-index from a batch's own temperature and specific humidity", () => {
  it('matches the study within 0.05 degrees C and labels every patch as it does', async () => {
    const levels = humidityLevelsFromBatch(batchOf(fromQ), K_INDEX_LEVELS);
    const { k, humiditySource } = kIndexField(levels);
    expect(humiditySource).toBe('derived from specific humidity');
    expect(maxAbsDifference(k, await floats('k_index'))).toBeLessThan(0.05);
    // Per patch, for some held patches (positions in the 20 x 30 patch grid).
    const held = [0, 1, 29, 30, 599];
    const patches = kIndexPatches(levels, held);
    for (const threshold of [20, 35]) {
      const expected = await int8s(`patch_k_gt_${threshold}`);
      expect(Array.from(kIndexPatchLabels(patches.halfExceededK, threshold))).toEqual(held.map((p) => expected[p]));
    }
    // The mean K of patch 0's 16 points.
    let sum = 0;
    for (let i = 0; i < 4; i++) for (let j = 0; j < 4; j++) sum += k[i * W + j];
    expect(patches.meanK[0]).toBeCloseTo(sum / 16, 10);
  });
});

describe('where study 3 takes its humidity from', () => {
  let dir: string;
  afterAll(() => (dir ? rm(dir, { recursive: true, force: true }) : undefined));

  it("uses the sample store's specific humidity (it has no relative humidity), from the batch, as the store's own values give it", async () => {
    dir = await mkdtemp(join(tmpdir(), 'k-index-sample-'));
    const built = await buildSample({ resolution: 1, outDir: dir, seed: 1, batchTimes: [STUDY1_TIME] });
    const dataset = await openEra5Dataset(await openSource(built.storePath));
    const batch = await loadBatch(dataset, STUDY1_TIME, { region: { south: 10, north: 40 } });
    const fromBatch = await kIndexLevelsFor(dataset, batch);
    expect(fromBatch.humidity.kind).toBe('specific');
    const fromStore = await readHumidityLevels(await humidityFieldsOf(dataset), STUDY1_TIME, K_INDEX_LEVELS, { rows: { start: batch.rowOffset, end: batch.rowOffset + batch.lat.length } });
    expect(fromStore.humidity.kind).toBe('specific');
    expect(Array.from(fromStore.lat)).toEqual(Array.from(batch.lat));
    // The batch's float32 normalised values, de-normalised, against the store's: K agrees to float32 rounding.
    expect(maxAbsDifference(kIndexField(fromBatch).k, kIndexField(fromStore).k)).toBeLessThan(1e-3);
  });
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
