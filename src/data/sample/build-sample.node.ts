// Builds the embedded sample store (WeatherBench2 layout, Zarr v2, consolidated, blosc-lz4, one
// chunk per variable and time) and the matching synthetic Tmax-percentile store over Europe.
import { join } from 'node:path';
import * as zarr from 'zarrita';
import { AURORA_LEVELS, ATMOSPHERIC_VARIABLES, SURFACE_VARIABLES } from '../batch.ts';
import { encodeCfTimes } from '../cf-time.ts';
import { convertLongitude } from '../geometry.ts';
import { LAYOUTS } from '../layout.ts';
import { openSource } from '../store.node.ts';
import type { ZarrSource } from '../store.ts';
import { directorySink } from '../zarr-writer.node.ts';
import { ZarrV2Writer, type ArraySpec, type CompressorConfig } from '../zarr-writer.ts';
import { GRAVITY, TMAX_PERCENTILES, yearlyTmaxPercentile } from './climate.ts';
import { areaAverage, areaMajority, globalGrid, type RegularGrid } from './regrid.ts';
import { createWeather, synthesiseStep } from './synthetic.ts';
import { storeTimes } from './times.ts';

export const STATIC_STORE = 'assets/era5/static-0.25deg.zarr';
const STATIC_STEP = 0.25;
const BLOSC_LZ4: CompressorConfig = { id: 'blosc', cname: 'lz4', clevel: 5, shuffle: 1, blocksize: 0 };
/** WeatherBench2's time epoch. */
const TIME_EPOCH = '1959-01-01';
/** Mantissa bits kept in the synthetic fields: far below their meaning, and it lets blosc compress them. */
const KEPT_MANTISSA_BITS = 14;

export const SYNTHETIC_DESCRIPTION =
  'SYNTHETIC weather, not ERA5: dynamic fields come from a made-up climate (latitude, season, land and sea, ' +
  'elevation, diurnal cycle) plus moving synoptic waves and heatwaves over Europe on the study dates, made ' +
  'physically consistent (lapse rate and tropopause, hypsometric geopotential, geostrophic winds, humidity ' +
  'from temperature and a relative-humidity climate: moist convergence in the tropics, dry subtropical deserts). Static fields (land_sea_mask, geopotential_at_surface, soil_type) are the REAL ERA5 ' +
  'invariant fields, regridded by area average (majority for soil type).';

/**
 * The version of the sample's synthetic climate, written into the store's attributes: a store of
 * another version is stale, and prepare-assets builds it again. 2: relative humidity by climate
 * (moist tropics, dry deserts), so that study 3's K-index and humidity analogues have something to find.
 */
export const SAMPLE_CLIMATE_VERSION = 2;

export interface BuildSampleOptions {
  /** Grid spacing in degrees: 1 (181 x 360) or 0.25 (721 x 1440). */
  resolution: 1 | 0.25;
  outDir: string;
  seed: number;
  batchTimes: readonly Date[];
  onProgress?: (message: string) => void;
}

export interface BuiltSample {
  storePath: string;
  percentilesPath: string;
  times: Date[];
}

/** The sample store's file name for a resolution: the 1-degree one is what the app opens. */
export function sampleStoreName(resolution: 1 | 0.25): string {
  return resolution === 1 ? 'era5-sample.zarr' : 'era5-sample-0.25deg.zarr';
}

export async function buildSample(options: BuildSampleOptions): Promise<BuiltSample> {
  const { resolution, outDir, seed } = options;
  const log = options.onProgress ?? (() => {});
  const statics = await readStatics(await openSource(STATIC_STORE));
  const grid = globalGrid(resolution);
  const regridded =
    resolution === STATIC_STEP
      ? statics.fields
      : {
          landSeaMask: areaAverage(statics.grid, statics.fields.landSeaMask, grid),
          surfaceGeopotential: areaAverage(statics.grid, statics.fields.surfaceGeopotential, grid),
          soilType: areaMajority(statics.grid, statics.fields.soilType, grid),
        };
  const H = grid.lat.length;
  const W = grid.lon.length;
  const times = storeTimes(options.batchTimes);
  const storePath = join(outDir, sampleStoreName(resolution));
  const writer = new ZarrV2Writer(await directorySink(storePath), {
    title: 'Aurora Latent Explorer embedded sample store',
    synthetic: true,
    description: SYNTHETIC_DESCRIPTION,
    seed,
    climate_version: SAMPLE_CLIMATE_VERSION,
    resolution_degrees: resolution,
    static_source: 'ERA5 invariant fields (ECMWF), 0.25 degree, regridded',
    created_by: 'latent-explorer build-sample',
  });
  const float = (name: string, dims: string[], shape: number[], chunks: number[], attributes: Record<string, unknown>): ArraySpec => ({
    name,
    dims,
    shape,
    chunks,
    dtype: '<f4',
    compressor: BLOSC_LZ4,
    fillValue: Number.NaN,
    attributes,
  });

  await writer.writeArray(
    { name: 'latitude', dims: ['latitude'], shape: [H], chunks: [H], dtype: '<f8', compressor: BLOSC_LZ4, fillValue: Number.NaN, attributes: { units: 'degrees_north', long_name: 'latitude', stored_direction: 'decreasing' } },
    grid.lat,
  );
  await writer.writeArray(
    { name: 'longitude', dims: ['longitude'], shape: [W], chunks: [W], dtype: '<f8', compressor: BLOSC_LZ4, fillValue: Number.NaN, attributes: { units: 'degrees_east', long_name: 'longitude' } },
    grid.lon,
  );
  await writer.writeArray(
    { name: 'level', dims: ['level'], shape: [AURORA_LEVELS.length], chunks: [AURORA_LEVELS.length], dtype: '<i8', compressor: BLOSC_LZ4, fillValue: null, attributes: { units: 'hPa', long_name: 'pressure level' } },
    BigInt64Array.from(AURORA_LEVELS, (level) => BigInt(level)),
  );
  const time = encodeCfTimes(times.map((t) => t.getTime()), TIME_EPOCH);
  await writer.writeArray(
    { name: 'time', dims: ['time'], shape: [times.length], chunks: [times.length], dtype: '<i8', compressor: BLOSC_LZ4, fillValue: null, attributes: { units: time.units, calendar: time.calendar } },
    time.values,
  );
  const names = LAYOUTS.wb2;
  const staticSpec = (name: string, units: string, longName: string) => float(name, ['latitude', 'longitude'], [H, W], [H, W], { units, long_name: longName, synthetic: false });
  await writer.writeArray(staticSpec(names.static.lsm, '(0 - 1)', 'Land-sea mask'), regridded.landSeaMask);
  await writer.writeArray(staticSpec(names.static.z, 'm**2 s**-2', 'Geopotential at surface'), regridded.surfaceGeopotential);
  await writer.writeArray(staticSpec(names.static.slt, '~', 'Soil type'), regridded.soilType);

  const surfaceSpecs = SURFACE_VARIABLES.map((v) => float(names.surface[v], ['time', 'latitude', 'longitude'], [times.length, H, W], [1, H, W], { units: SURFACE_UNITS[v], synthetic: true }));
  const atmosSpecs = ATMOSPHERIC_VARIABLES.map((v) =>
    float(names.atmos[v], ['time', 'level', 'latitude', 'longitude'], [times.length, AURORA_LEVELS.length, H, W], [1, AURORA_LEVELS.length, H, W], { units: ATMOS_UNITS[v], synthetic: true }),
  );
  for (const spec of [...surfaceSpecs, ...atmosSpecs]) await writer.createArray(spec);

  const weather = createWeather(seed);
  for (const [t, time] of times.entries()) {
    log(`${time.toISOString().slice(0, 16)}Z (${t + 1}/${times.length})`);
    const step = synthesiseStep(grid, regridded, AURORA_LEVELS, time, weather);
    await Promise.all([
      ...SURFACE_VARIABLES.map((v, k) => writer.writeChunk(surfaceSpecs[k], [t, 0, 0], roundMantissa(step.surface[v]))),
      ...ATMOSPHERIC_VARIABLES.map((v, k) => writer.writeChunk(atmosSpecs[k], [t, 0, 0, 0], roundMantissa(step.atmos[v]))),
    ]);
  }
  await writer.close();

  const percentilesPath = join(outDir, 'tmax-percentiles.zarr');
  await writePercentiles(percentilesPath, statics.grid, statics.fields, seed);
  return { storePath, percentilesPath, times };
}

const SURFACE_UNITS = { '2t': 'K', '10u': 'm s**-1', '10v': 'm s**-1', msl: 'Pa' } as const;
const ATMOS_UNITS = { z: 'm**2 s**-2', u: 'm s**-1', v: 'm s**-1', t: 'K', q: 'kg kg**-1' } as const;

interface Statics {
  grid: RegularGrid;
  fields: { landSeaMask: Float32Array; surfaceGeopotential: Float32Array; soilType: Float32Array };
}

async function readStatics(source: ZarrSource): Promise<Statics> {
  const read = async (name: string): Promise<Float32Array | Float64Array> => {
    const array = await source.openArray(name);
    if (!array) throw new Error(`${source.location} has no '${name}': restore the repository's assets/era5 folder`);
    const { data } = await zarr.get(array);
    if (!(data instanceof Float32Array || data instanceof Float64Array)) throw new Error(`${source.location}/${name}: expected floats`);
    return data;
  };
  const lat = Float64Array.from(await read('latitude'));
  const lon = Float64Array.from(await read('longitude'));
  if (lat.length !== 721 || lon.length !== 1440 || lat[0] !== 90 || lon[0] !== 0) {
    throw new Error(`${source.location}: expected ERA5's 0.25-degree grid (721 x 1440 from 90 N, 0 E)`);
  }
  return {
    grid: { lat, lon },
    fields: {
      landSeaMask: Float32Array.from(await read(LAYOUTS.wb2.static.lsm)),
      surfaceGeopotential: Float32Array.from(await read(LAYOUTS.wb2.static.z)),
      soilType: Float32Array.from(await read(LAYOUTS.wb2.static.slt)),
    },
  };
}

/** The percentile grid, like the CDS dataset's: 1-D lat/lon, longitudes in [-180, 180). */
const PERCENTILE_REGION = { south: 34, north: 72, west: -25, east: 45, step: 0.25 };

/** Synthetic yearly-Tmax percentiles (degrees C) over Europe, on the sample's climate. */
async function writePercentiles(path: string, staticGrid: RegularGrid, statics: Statics['fields'], seed: number): Promise<void> {
  const { south, north, west, east, step } = PERCENTILE_REGION;
  const lat = Float64Array.from({ length: Math.round((north - south) / step) + 1 }, (_, i) => south + i * step);
  const lon = Float64Array.from({ length: Math.round((east - west) / step) + 1 }, (_, j) => west + j * step);
  const writer = new ZarrV2Writer(await directorySink(path), {
    title: 'Synthetic yearly maximum temperature percentiles over Europe',
    synthetic: true,
    description:
      'SYNTHETIC stand-in for the CDS dataset sis-temperature-statistics (p75/p90/p95/p99 of the yearly maximum ' +
      'of daily maximum temperature): computed from the same made-up climate as era5-sample.zarr, using the real ' +
      'ERA5 land-sea mask and orography at 0.25 degree.',
    seed,
    created_by: 'latent-explorer build-sample',
  });
  await writer.writeArray({ name: 'lat', dims: ['lat'], shape: [lat.length], chunks: [lat.length], dtype: '<f8', compressor: BLOSC_LZ4, fillValue: Number.NaN, attributes: { units: 'degrees_north' } }, lat);
  await writer.writeArray({ name: 'lon', dims: ['lon'], shape: [lon.length], chunks: [lon.length], dtype: '<f8', compressor: BLOSC_LZ4, fillValue: Number.NaN, attributes: { units: 'degrees_east' } }, lon);
  const staticW = staticGrid.lon.length;
  for (const percentile of TMAX_PERCENTILES) {
    const values = new Float32Array(lat.length * lon.length);
    for (let i = 0; i < lat.length; i++) {
      // The percentile grid lies on the 0.25-degree static grid: read its land fraction and height there.
      const row = Math.round((90 - lat[i]) / STATIC_STEP);
      for (let j = 0; j < lon.length; j++) {
        const col = Math.round(convertLongitude(lon[j], '0..360') / STATIC_STEP) % staticW;
        const k = row * staticW + col;
        values[i * lon.length + j] = yearlyTmaxPercentile(percentile, lat[i], lon[j], statics.landSeaMask[k], statics.surfaceGeopotential[k] / GRAVITY);
      }
    }
    await writer.writeArray(
      { name: `p${percentile}_Tmax_Yearly`, dims: ['lat', 'lon'], shape: [lat.length, lon.length], chunks: [lat.length, lon.length], dtype: '<f4', compressor: BLOSC_LZ4, fillValue: Number.NaN, attributes: { units: 'degrees_C', long_name: `${percentile}th percentile of the yearly maximum temperature`, synthetic: true } },
      values,
    );
  }
  await writer.close();
}

/** Zeroes the low mantissa bits (round to nearest), so that byte-shuffled blosc-lz4 compresses the fields. */
function roundMantissa(values: Float32Array): Float32Array {
  const bits = new Uint32Array(values.buffer, values.byteOffset, values.length);
  const drop = 23 - KEPT_MANTISSA_BITS;
  const half = 1 << (drop - 1);
  const mask = ~((1 << drop) - 1) >>> 0;
  for (let i = 0; i < bits.length; i++) bits[i] = ((bits[i] + half) & mask) >>> 0;
  return values;
}
