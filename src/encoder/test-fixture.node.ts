// Test helpers over test/fixtures/aurora-encoder/tiny-global (outputs of Microsoft's own
// Perceiver3DEncoder): its raw inputs normalised with Aurora's figures and cropped as Aurora does,
// as the NormalisedBatch the data layer hands the encoder.
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { isNpyDtype, readNpy } from '../io/npy.ts';
import normalisation from '../data/normalisation.json' with { type: 'json' };
import { ATMOSPHERIC_VARIABLES, STATIC_VARIABLES, SURFACE_VARIABLES, type NormalisedBatch } from '../data/batch.ts';

export const FIXTURE_DIR = resolve(import.meta.dirname, '../../test/fixtures/aurora-encoder/tiny-global');
export const FIXTURE_CHECKPOINT = join(FIXTURE_DIR, 'encoder.ckpt');
export const FIXTURE_HEADS = 4;

interface FixtureMeta {
  lat: number[];
  lon: number[];
  atmos_levels: number[];
  times: string[];
  batch_time: string;
}

export async function readFixtureArray(relativePath: string): Promise<{ shape: number[]; data: Float32Array }> {
  const array = readNpy(new Uint8Array(await readFile(join(FIXTURE_DIR, relativePath))));
  if (!isNpyDtype(array, '<f4')) throw new Error(`${relativePath}: expected float32, got ${array.dtype}`);
  return { shape: array.shape, data: array.data };
}

const normalise = (data: Float32Array, key: string): Float32Array => {
  const location = (normalisation.locations as Record<string, number>)[key];
  const scale = (normalisation.scales as Record<string, number>)[key];
  if (location === undefined || scale === undefined) throw new Error(`no normalisation figures for ${key}`);
  return data.map((value) => (value - location) / scale);
};

/** Keeps the first `rows` of every (.., H, W) plane. */
function cropRows(data: Float32Array, planes: number, height: number, width: number, rows: number): Float32Array {
  const out = new Float32Array(planes * rows * width);
  for (let plane = 0; plane < planes; plane++) out.set(data.subarray(plane * height * width, (plane * height + rows) * width), plane * rows * width);
  return out;
}

/** The fixture's inputs as a NormalisedBatch (17 latitudes cropped to 16, as Aurora does). */
export async function fixtureBatch(): Promise<NormalisedBatch> {
  const meta = JSON.parse(await readFile(join(FIXTURE_DIR, 'meta.json'), 'utf8')) as FixtureMeta;
  const height = meta.lat.length;
  const width = meta.lon.length;
  const rows = height - (height % 4);
  const levels = meta.atmos_levels;
  const t = meta.times.length;
  const surface = {} as NormalisedBatch['surface'];
  for (const variable of SURFACE_VARIABLES) {
    const { data } = await readFixtureArray(`inputs/surf_${variable}.npy`);
    surface[variable] = cropRows(normalise(data, variable), t, height, width, rows);
  }
  const statics = {} as NormalisedBatch['static'];
  for (const variable of STATIC_VARIABLES) {
    const { data } = await readFixtureArray(`inputs/static_${variable}.npy`);
    statics[variable] = cropRows(normalise(data, variable), 1, height, width, rows);
  }
  const atmos = {} as NormalisedBatch['atmos'];
  for (const variable of ATMOSPHERIC_VARIABLES) {
    const { data } = await readFixtureArray(`inputs/atmos_${variable}.npy`);
    const plane = height * width;
    const normalised = new Float32Array(data.length);
    for (let step = 0; step < t; step++) {
      levels.forEach((level, c) => {
        const offset = (step * levels.length + c) * plane;
        normalised.set(normalise(data.subarray(offset, offset + plane), `${variable}_${level}`), offset);
      });
    }
    atmos[variable] = cropRows(normalised, t * levels.length, height, width, rows);
  }
  const [first, second] = meta.times.map((time) => new Date(`${time}Z`));
  return {
    time: new Date(`${meta.batch_time}Z`),
    stepTimes: [first, second],
    lat: Float64Array.from(meta.lat.slice(0, rows)),
    lon: Float64Array.from(meta.lon),
    levels,
    surface,
    static: statics,
    atmos,
    rowOffset: 0,
    fullHeight: rows,
  };
}

export function maxAbsDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`length ${a.length} differs from ${b.length}`);
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i] - b[i]));
  return max;
}
