import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as zarr from 'zarrita';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AURORA_LEVELS } from '../batch.ts';
import { listTimes, openEra5Dataset, type Era5Dataset } from '../dataset.ts';
import { loadBatch } from '../load-batch.ts';
import { openSource } from '../store.node.ts';
import type { ZarrSource } from '../store.ts';
import { buildSample, type BuiltSample } from './build-sample.node.ts';
import { createWeather, synthesiseStep } from './synthetic.ts';
import { climatologicalRelativeHumidity } from './climate.ts';
import { humidityLevelsFromBatch } from '../humidity-fields.ts';
import { relativeHumidityFromSpecific } from '../../studies/k-index.ts';
import { HEATWAVE_TIMES, STUDY1_TIME } from './times.ts';

const PYTHON = '/usr/bin/python3';
let dir: string;
let built: BuiltSample;
let source: ZarrSource;
let dataset: Era5Dataset;

async function readFloats(store: ZarrSource, name: string): Promise<Float32Array | Float64Array> {
  const array = await store.openArray(name);
  if (!array) throw new Error(`no ${name}`);
  const { data } = await zarr.get(array);
  if (!(data instanceof Float32Array || data instanceof Float64Array)) throw new Error(`${name}: not floats`);
  return data;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sample-'));
  built = await buildSample({ resolution: 1, outDir: dir, seed: 1, batchTimes: [STUDY1_TIME, HEATWAVE_TIMES[6]] });
  source = await openSource(built.storePath);
  dataset = await openEra5Dataset(source);
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('the embedded sample store', () => {
  it('is a consolidated WeatherBench2-layout store, labelled synthetic', () => {
    expect(source.consolidated).toBe(true);
    expect(source.format).toBe(2);
    expect(source.attributes.synthetic).toBe(true);
    expect(String(source.attributes.description)).toMatch(/^SYNTHETIC weather, not ERA5/);
    expect(dataset.layout.name).toBe('wb2');
    expect([dataset.grid.storeHeight, dataset.grid.storeWidth]).toEqual([181, 360]);
    expect(Array.from(dataset.levels)).toEqual([...AURORA_LEVELS]);
    const listing = listTimes(dataset);
    expect(listing.times.map((t) => t.toISOString())).toEqual([
      '2019-06-28T06:00:00.000Z',
      '2019-06-28T12:00:00.000Z',
      '2022-08-07T00:00:00.000Z',
      '2022-08-07T06:00:00.000Z',
    ]);
    expect(listing.hasPreviousStep).toEqual([false, true, false, true]);
  });

  it('writes one chunk per variable and time', () => {
    expect(dataset.atmos.t.array.chunks).toEqual([1, 13, 181, 360]);
    expect(dataset.surface['2t'].array.chunks).toEqual([1, 181, 360]);
  });

  it('gives a finite batch for the study-1 time', async () => {
    const batch = await loadBatch(dataset, STUDY1_TIME);
    expect(batch.lat.length).toBe(180);
    expect(batch.surface['2t'].every(Number.isFinite)).toBe(true);
  });

  it('regrids the real ERA5 static fields', async () => {
    const lsm = await readFloats(source, 'land_sea_mask');
    const slt = await readFloats(source, 'soil_type');
    const at = (lat: number, lon: number) => (90 - lat) * 360 + lon;
    expect(lsm[at(40, 356)]).toBeGreaterThan(0.99); // central Spain
    expect(lsm[at(0, 330)]).toBe(0); // mid-Atlantic
    // About 29 % of the Earth's surface is land.
    let land = 0;
    let area = 0;
    for (let i = 0; i < 181; i++) {
      const weight = Math.cos(((90 - i) * Math.PI) / 180);
      for (let j = 0; j < 360; j++) {
        land += lsm[i * 360 + j] * weight;
        area += weight;
      }
    }
    expect(land / area).toBeGreaterThan(0.27);
    expect(land / area).toBeLessThan(0.31);
    expect(slt.every((value) => Number.isInteger(value) && value >= 0 && value <= 7)).toBe(true);
  });

  it('writes nested Tmax percentiles over Europe with longitudes in [-180, 180)', async () => {
    const percentiles = await openSource(built.percentilesPath);
    expect(percentiles.attributes.synthetic).toBe(true);
    const lon = await readFloats(percentiles, 'lon');
    expect(lon[0]).toBe(-25);
    expect(lon[lon.length - 1]).toBe(45);
    const [p75, p90, p95, p99] = await Promise.all([75, 90, 95, 99].map((p) => readFloats(percentiles, `p${p}_Tmax_Yearly`)));
    const unordered = p75.filter((_, k) => !(p75[k] < p90[k] && p90[k] < p95[k] && p95[k] < p99[k]));
    expect(unordered.length).toBe(0);
  });

  it('has dry deserts and a moist tropical convergence band, drier with height', async () => {
    const august = STUDY1_TIME;
    // The Sahara (23 N), a subtropical ocean (25 N) and the convergence band over the ocean (10 N), at 850 hPa.
    expect(climatologicalRelativeHumidity(23, august, 1, 85000, 0)).toBeLessThan(0.3);
    expect(climatologicalRelativeHumidity(25, august, 0, 85000, 0)).toBeGreaterThan(0.4);
    expect(climatologicalRelativeHumidity(10, august, 0, 85000, 0)).toBeGreaterThan(0.75);
    expect(climatologicalRelativeHumidity(10, august, 0, 50000, 0)).toBeLessThan(climatologicalRelativeHumidity(10, august, 0, 85000, 0));
    // In the store: the specific humidity over the Sahara (23 N, 12 E) is dry air at 850 hPa.
    const batch = await loadBatch(dataset, STUDY1_TIME);
    const levels = humidityLevelsFromBatch(batch, [850]);
    if (levels.humidity.kind !== 'specific') throw new Error('expected specific humidity');
    const at = (90 - 23) * batch.lon.length + 12;
    expect(relativeHumidityFromSpecific(levels.humidity.kgPerKg[0][at], levels.temperatureK[0][at], 850)).toBeLessThan(30);
  });

  it('is deterministic from the seed', () => {
    const grid = { lat: Float64Array.of(50, 49, 48, 47), lon: Float64Array.of(0, 1, 2, 3) };
    const statics = { landSeaMask: new Float32Array(16).fill(1), surfaceGeopotential: new Float32Array(16) };
    const step = (seed: number) => synthesiseStep(grid, statics, AURORA_LEVELS, STUDY1_TIME, createWeather(seed)).atmos.z;
    expect(step(7)).toEqual(step(7));
    expect(step(7)).not.toEqual(step(8));
  });

  it('is readable by xarray', (context) => {
    const hasXarray = existsSync(PYTHON) && spawnOk(PYTHON, ['-c', 'import xarray, zarr']);
    if (!hasXarray) {
      context.skip(`${PYTHON} with xarray and zarr is not installed (apt-get install python3-xarray python3-zarr)`);
      return;
    }
    const script = [
      'import sys, xarray',
      'ds = xarray.open_zarr(sys.argv[1])',
      "t = ds['2m_temperature'].sel(time='2022-08-07T06:00').values",
      "print(ds.sizes['latitude'], ds.sizes['longitude'], ds.sizes['level'], str(ds.time.values[-1])[:16], round(float(t.mean()), 1), ds.attrs['synthetic'])",
      "p = xarray.open_zarr(sys.argv[2]); print(float(p.lon.min()), float(p.lon.max()), sorted(p.data_vars))",
    ].join('\n');
    const out = execFileSync(PYTHON, ['-c', script, built.storePath, built.percentilesPath], { encoding: 'utf8' }).trim().split('\n');
    const [head, percentiles] = out;
    const [rows, cols, levels, last, meanT, synthetic] = head.split(' ');
    expect([rows, cols, levels, last, synthetic]).toEqual(['181', '360', '13', '2022-08-07T06:00', 'True']);
    expect(Number(meanT)).toBeGreaterThan(270);
    expect(Number(meanT)).toBeLessThan(295);
    expect(percentiles).toBe("-25.0 45.0 ['p75_Tmax_Yearly', 'p90_Tmax_Yearly', 'p95_Tmax_Yearly', 'p99_Tmax_Yearly']");
  });
});

function spawnOk(command: string, args: string[]): boolean {
  try {
    execFileSync(command, args, { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
