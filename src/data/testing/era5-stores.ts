// Test stores shaped like the real ERA5 stores researchers use (Earth Data Hub, ARCO-ERA5,
// WeatherBench2's HRES T0, CDS downloads): their variable names, dimensions, dtypes, full time axes,
// chunking and compressors, copied from their published metadata, with small data. Chunks are made
// when read (and remembered), so a time axis of a million hours costs nothing until a chunk of it is
// read; a chunk outside the times that hold data does not exist, as in the real stores.
import { STATIC_VARIABLES, SURFACE_VARIABLES, ATMOSPHERIC_VARIABLES } from '../batch.ts';
import { readNpyFile } from '../../io/npy.node.ts';
import { MemoryStore } from '../memory-store.ts';
import type { AbsoluteKey } from '../store.ts';
import { ZarrV2Writer, type ArraySpec, type ChunkData, type CompressorConfig } from '../zarr-writer.ts';
import type { VariableKey } from '../variables.ts';
import { FIXTURE } from './fixture-batch.ts';

/** zarr-python's default compressor, as xarray writes it (Earth Data Hub's and ARCO's stores). */
export const BLOSC_LZ4: CompressorConfig = { id: 'blosc', cname: 'lz4', clevel: 5, shuffle: 1, blocksize: 0 };

const HOUR_MS = 3600e3;

export interface TimeAxis {
  dim: string;
  /** CF units, e.g. 'hours since 1900-01-01'; values are whole steps from that epoch. */
  units: string;
  epochMs: number;
  /** Hours from the epoch of the first time, and between times. */
  firstHours: number;
  stepHours: number;
  count: number;
}

export interface LevelAxis {
  dim: string;
  /** hPa, in store order. */
  values: readonly number[];
  dtype: '<i8' | '<f8';
}

/** The value of a variable at a point: time (ms), level (hPa, atmospheric only), latitude and longitude as the store holds them. */
export type ValueAt = (timeMs: number, level: number | undefined, lat: number, lon: number) => number;

export interface VariableSpec {
  name: string;
  dims: readonly string[];
  chunks: readonly number[];
  compressor: CompressorConfig | null;
  attributes?: Record<string, unknown>;
  /** Values point by point, or one value everywhere (its chunks are then made once). */
  value: ValueAt | number;
}

export interface StoreSpec {
  attributes?: Record<string, unknown>;
  lat: { dim: string; values: Float64Array };
  lon: { dim: string; values: Float64Array };
  time?: TimeAxis;
  levels?: LevelAxis;
  variables: readonly VariableSpec[];
  /** Time indices whose chunks exist; every time when left out (ARCO's start in 1940, its axis in 1900). */
  dataTimes?: { first: number; last: number };
  consolidated?: boolean;
}

/** A MemoryStore whose chunks are made from the spec when first read. */
export class Era5TestStore extends MemoryStore {
  /** Chunk keys read so far, with their sizes: what a test compares the product's reads with. */
  readonly chunkReads: { key: string; bytes: number }[] = [];
  private readonly made = new Map<string, Promise<Uint8Array>>();
  private readonly arrays = new Map<string, { spec: VariableSpec; shape: number[] }>();

  constructor(private readonly spec: StoreSpec) {
    super();
  }

  register(spec: VariableSpec, shape: number[]): void {
    this.arrays.set(spec.name, { spec, shape });
  }

  override async get(key: AbsoluteKey): Promise<Uint8Array | undefined> {
    const stored = await super.get(key);
    if (stored) return stored;
    const chunk = this.chunkOf(key);
    if (!chunk) return undefined;
    const bytes = await this.make(key.slice(1), chunk.name, chunk.coords);
    this.chunkReads.push({ key: key.slice(1), bytes: bytes.byteLength });
    return bytes;
  }

  override async getRange(): Promise<Uint8Array | undefined> {
    throw new Error('Era5TestStore is not sharded');
  }

  override async has(key: AbsoluteKey): Promise<boolean> {
    return (await super.has(key)) || this.chunkOf(key) !== undefined;
  }

  /** The array and chunk coordinates of a chunk key that exists, else undefined. */
  private chunkOf(key: AbsoluteKey): { name: string; coords: number[] } | undefined {
    const match = /^\/([^/]+)\/(\d+(?:\.\d+)*)$/.exec(key);
    const array = match ? this.arrays.get(match[1]) : undefined;
    if (!match || !array) return undefined;
    const coords = match[2].split('.').map(Number);
    if (coords.length !== array.shape.length || coords.some((c, d) => c * array.spec.chunks[d] >= array.shape[d])) return undefined;
    const timeAxis = array.spec.dims.indexOf(this.spec.time?.dim ?? '');
    const data = this.spec.dataTimes;
    if (timeAxis >= 0 && data) {
      const from = coords[timeAxis] * array.spec.chunks[timeAxis];
      const to = from + array.spec.chunks[timeAxis] - 1;
      if (to < data.first || from > data.last) return undefined;
    }
    return { name: match[1], coords };
  }

  private make(key: string, name: string, coords: number[]): Promise<Uint8Array> {
    const array = this.arrays.get(name);
    if (!array) throw new Error(`no array ${name}`);
    // A constant variable's chunks are all alike, and alike across variables of the same value,
    // chunk shape and compressor: made once (a 0.25-degree store of 70 MB chunks stays small).
    const { value, chunks, compressor } = array.spec;
    const cacheKey = typeof value === 'number' ? JSON.stringify([value, chunks, compressor]) : key;
    const known = this.made.get(cacheKey);
    if (known) return known;
    const made = encodeChunk(array.spec, this.fill(array.spec, array.shape, coords));
    this.made.set(cacheKey, made);
    return made;
  }

  private fill(spec: VariableSpec, shape: number[], coords: number[]): Float32Array {
    const size = spec.chunks.reduce((a, b) => a * b, 1);
    // Past the array's edge a chunk holds the fill value.
    const value = spec.value;
    // One value everywhere, past the edge too: every chunk of the array is then the same bytes.
    if (typeof value === 'number') return new Float32Array(size).fill(value);
    const out = new Float32Array(size).fill(Number.NaN);
    const { time, levels, lat, lon } = this.spec;
    const rank = shape.length;
    // Each axis's values over the part of the chunk inside the array.
    const axes = spec.dims.map((dim, d) => {
      const start = coords[d] * spec.chunks[d];
      const count = Math.max(0, Math.min(spec.chunks[d], shape[d] - start));
      const at = (i: number): number => {
        const index = start + i;
        if (time && dim === time.dim) return time.epochMs + (time.firstHours + index * time.stepHours) * HOUR_MS;
        if (levels && dim === levels.dim) return levels.values[index];
        if (dim === lat.dim) return lat.values[index];
        if (dim === lon.dim) return lon.values[index];
        return 0;
      };
      const kind = time && dim === time.dim ? 'time' : levels && dim === levels.dim ? 'level' : dim === lat.dim ? 'lat' : dim === lon.dim ? 'lon' : 'other';
      return { kind, count, values: Float64Array.from({ length: count }, (_, i) => at(i)) };
    });
    if (axes.some((a) => a.count === 0)) return out;
    const strides = spec.chunks.map((_, d) => spec.chunks.slice(d + 1).reduce((a, b) => a * b, 1));
    // The point's coordinates; the innermost axis varies fastest and is set in the inner loop.
    const point = { time: 0, level: Number.NaN, lat: 0, lon: 0, other: 0 };
    const set = (d: number, i: number) => {
      point[axes[d].kind as keyof typeof point] = axes[d].values[i];
    };
    const last = rank - 1;
    const index = new Array<number>(rank).fill(0);
    for (;;) {
      let offset = 0;
      for (let d = 0; d < last; d++) {
        set(d, index[d]);
        offset += index[d] * strides[d];
      }
      for (let i = 0; i < axes[last].count; i++) {
        set(last, i);
        out[offset + i] = value(point.time, Number.isNaN(point.level) ? undefined : point.level, point.lat, point.lon);
      }
      let d = last - 1;
      while (d >= 0 && ++index[d] === axes[d].count) index[d--] = 0;
      if (d < 0) return out;
    }
  }
}

async function encodeChunk(spec: VariableSpec, data: Float32Array): Promise<Uint8Array> {
  const raw = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  if (!spec.compressor) return raw;
  const { default: Blosc } = await import('numcodecs/blosc');
  if (spec.compressor.id !== 'blosc') throw new Error('test stores use blosc or no compression');
  return Blosc.fromConfig(spec.compressor).encode(raw);
}

/** Builds the store: coordinates written out, variables declared, chunks made when read. */
export async function buildEra5Store(spec: StoreSpec): Promise<Era5TestStore> {
  const store = new Era5TestStore(spec);
  const writer = new ZarrV2Writer(store.sink, spec.attributes ?? {});
  const coordinate = (name: string, dtype: ArraySpec['dtype'], data: ChunkData, attributes: Record<string, unknown>) =>
    writer.writeArray({ name, dims: [name], shape: [data.length], chunks: [data.length], dtype, compressor: BLOSC_LZ4, fillValue: dtype === '<i8' ? null : Number.NaN, attributes }, data);
  await coordinate(spec.lat.dim, '<f8', spec.lat.values, { units: 'degrees_north', standard_name: 'latitude', long_name: 'latitude' });
  await coordinate(spec.lon.dim, '<f8', spec.lon.values, { units: 'degrees_east', standard_name: 'longitude', long_name: 'longitude' });
  const sizes = new Map<string, number>([
    [spec.lat.dim, spec.lat.values.length],
    [spec.lon.dim, spec.lon.values.length],
  ]);
  if (spec.time) {
    const { dim, units, firstHours, stepHours, count } = spec.time;
    await coordinate(dim, '<i8', BigInt64Array.from({ length: count }, (_, i) => BigInt(firstHours + i * stepHours)), { units, calendar: 'proleptic_gregorian', standard_name: 'time' });
    sizes.set(dim, count);
  }
  if (spec.levels) {
    const { dim, values, dtype } = spec.levels;
    await coordinate(dim, dtype, dtype === '<i8' ? BigInt64Array.from(values, (v) => BigInt(v)) : Float64Array.from(values), { units: 'hPa', long_name: 'pressure', positive: 'down', stored_direction: 'decreasing' });
    sizes.set(dim, values.length);
  }
  for (const variable of spec.variables) {
    const shape = variable.dims.map((dim) => sizes.get(dim) ?? 1);
    await writer.createArray({ name: variable.name, dims: variable.dims, shape, chunks: variable.chunks, dtype: '<f4', compressor: variable.compressor, fillValue: Number.NaN, attributes: variable.attributes });
    store.register(variable, shape);
  }
  await writer.close();
  if (spec.consolidated === false) store.entries.delete('.zmetadata');
  return store;
}

/** Hours from 1900-01-01 (ARCO's epoch) or another epoch to a time. */
export function hoursSince(epochMs: number, time: Date): number {
  return (time.getTime() - epochMs) / HOUR_MS;
}

/** A regular grid: the ERA5 0.25-degree one is latitudes(721, 90, -0.25), longitudes(1440, 0, 0.25). */
export function axis(count: number, first: number, step: number): Float64Array {
  return Float64Array.from({ length: count }, (_, i) => first + i * step);
}

/** The tiny-global fixture's raw inputs (Microsoft's test case), looked up by physical coordinates. */
export interface FixtureValues {
  /** Value of an Aurora variable at a point of the fixture's grid (17 x 32, 11.25 degrees); the batch time's step for static fields. */
  at(key: VariableKey, timeMs: number, level: number | undefined, lat: number, lon: number): number;
  lat: Float64Array;
  lon: Float64Array;
  times: [number, number];
}

const FIXTURE_LEVELS = [50, 100, 150, 200, 250, 300, 400, 500, 600, 700, 850, 925, 1000];

export async function fixtureValues(): Promise<FixtureValues> {
  const load = async (name: string) => (await readNpyFile(`${FIXTURE}/inputs/${name}.npy`)).data as Float32Array;
  const arrays = new Map<VariableKey, Float32Array>();
  for (const v of SURFACE_VARIABLES) arrays.set(`surface.${v}`, await load(`surf_${v}`));
  for (const v of ATMOSPHERIC_VARIABLES) arrays.set(`atmos.${v}`, await load(`atmos_${v}`));
  for (const v of STATIC_VARIABLES) arrays.set(`static.${v}`, await load(`static_${v}`));
  const lat = axis(17, 90, -11.25);
  const lon = axis(32, 0, 11.25);
  const times: [number, number] = [Date.UTC(2022, 7, 7, 0), Date.UTC(2022, 7, 7, 6)];
  // The grid's steps are exact in binary (11.25 degrees): rows and columns by rounding.
  const rowOf = (value: number) => (Math.abs((90 - value) / 11.25 - Math.round((90 - value) / 11.25)) < 1e-9 ? Math.round((90 - value) / 11.25) : -1);
  const colOf = (value: number) => {
    const k = ((((value % 360) + 360) % 360) / 11.25);
    return Math.abs(k - Math.round(k)) < 1e-9 ? Math.round(k) % 32 : -1;
  };
  const levelIndexOf = new Map<number, number>();
  return {
    lat,
    lon,
    times,
    at(key, timeMs, level, la, lo) {
      const data = arrays.get(key);
      if (!data) throw new Error(`no fixture values for ${key}`);
      const row = rowOf(la);
      const col = colOf(lo);
      if (row < 0 || row > 16 || col < 0) throw new Error(`(${la}, ${lo}) is not a point of the fixture's grid`);
      const plane = row * 32 + col;
      if (key.startsWith('static.')) return data[plane];
      // Times other than the fixture's two take the later one's values: any finite field will do there.
      const step = timeMs === times[0] ? 0 : 1;
      if (key.startsWith('surface.')) return data[step * 17 * 32 + plane];
      // Levels that are not Aurora's take the nearest of Aurora's.
      const wanted = level ?? 0;
      let c = levelIndexOf.get(wanted);
      if (c === undefined) {
        c = FIXTURE_LEVELS.reduce((best, candidate, k) => (Math.abs(candidate - wanted) < Math.abs(FIXTURE_LEVELS[best] - wanted) ? k : best), 0);
        levelIndexOf.set(wanted, c);
      }
      return data[(step * 13 + c) * 17 * 32 + plane];
    },
  };
}

// Recipes: each store as its publisher describes it, on a grid (`lat`, `lon` in the store's order)
// with values from `value(key)`.

/** A grid in a store's order, and the values of Aurora's variables on it. */
export interface GridAndValues {
  lat: Float64Array;
  lon: Float64Array;
  value(key: VariableKey): ValueAt | number;
}

/** The fixture's grid and values (latitudes 90 .. -90, longitudes 0 .. 348.75, as ERA5 and the fixture order them). */
export function fixtureGrid(values: FixtureValues): GridAndValues {
  return { lat: values.lat, lon: values.lon, value: (key) => (t, level, la, lo) => values.at(key, t, level, la, lo) };
}

const EDH_EPOCH = Date.UTC(1940, 0, 1);
/** Earth Data Hub's ERA5: hourly from 1940-01-01 (to the end of 2024 here). */
const EDH_TIMES: Omit<TimeAxis, 'dim'> = { units: 'hours since 1940-01-01', epochMs: EDH_EPOCH, firstHours: 0, stepHours: 1, count: 745_128 };
/** Earth Data Hub's pressure levels: 19 of ERA5's 37, as cfgrib orders them (decreasing pressure). */
export const EDH_LEVELS = [1000, 925, 850, 700, 600, 500, 400, 300, 250, 200, 150, 100, 70, 50, 30, 20, 10, 5, 1];

/**
 * Earth Data Hub's single levels: t2m u10 v10 msl and the invariants z lsm slt, dims (valid_time,
 * latitude, longitude), chunks {valid_time 4320, latitude 64, longitude 64}; `spatialChunks` scales
 * the last two down for a small grid (64 x 64 chunks of a 17 x 32 grid would be mostly padding).
 */
export function edhSingleLevels(grid: GridAndValues, spatialChunks: readonly [number, number] = [64, 64]): StoreSpec {
  const names: [VariableKey, string][] = [
    ['surface.2t', 't2m'],
    ['surface.10u', 'u10'],
    ['surface.10v', 'v10'],
    ['surface.msl', 'msl'],
    ['static.z', 'z'],
    ['static.lsm', 'lsm'],
    ['static.slt', 'slt'],
  ];
  return {
    attributes: { Conventions: 'CF-1.7', institution: 'European Centre for Medium-Range Weather Forecasts', GRIB_centre: 'ecmf' },
    lat: { dim: 'latitude', values: grid.lat },
    lon: { dim: 'longitude', values: grid.lon },
    time: { dim: 'valid_time', ...EDH_TIMES },
    variables: names.map(([key, name]) => ({
      name,
      dims: ['valid_time', 'latitude', 'longitude'],
      chunks: [4320, ...spatialChunks],
      compressor: BLOSC_LZ4,
      attributes: { GRIB_shortName: name, GRIB_gridType: 'regular_ll' },
      value: grid.value(key),
    })),
  };
}

/** Earth Data Hub's pressure levels: z t u v q on 19 levels, dims (valid_time, isobaricInhPa, latitude, longitude), chunks {latitude 256, longitude 256}. */
export function edhPressureLevels(grid: GridAndValues): StoreSpec {
  return {
    attributes: { Conventions: 'CF-1.7', institution: 'European Centre for Medium-Range Weather Forecasts' },
    lat: { dim: 'latitude', values: grid.lat },
    lon: { dim: 'longitude', values: grid.lon },
    time: { dim: 'valid_time', ...EDH_TIMES },
    levels: { dim: 'isobaricInhPa', values: EDH_LEVELS, dtype: '<f8' },
    variables: ATMOSPHERIC_VARIABLES.map((v) => ({
      name: v,
      dims: ['valid_time', 'isobaricInhPa', 'latitude', 'longitude'],
      chunks: [1, 1, 256, 256],
      compressor: BLOSC_LZ4,
      attributes: { GRIB_shortName: v },
      value: grid.value(`atmos.${v}`),
    })),
  };
}

const ARCO_EPOCH = Date.UTC(1900, 0, 1);
/** ARCO-ERA5's 37 pressure levels. */
export const ARCO_LEVELS = [1, 2, 3, 5, 7, 10, 20, 30, 50, 70, 100, 125, 150, 175, 200, 225, 250, 300, 350, 400, 450, 500, 550, 600, 650, 700, 750, 775, 800, 825, 850, 875, 900, 925, 950, 975, 1000];
/** Hours from ARCO's first time (1900-01-01) to its first data (1940-01-01). */
export const ARCO_FIRST_DATA = 350_616;

const WB2_NAMES: Readonly<Record<VariableKey, string>> = {
  'surface.2t': '2m_temperature',
  'surface.10u': '10m_u_component_of_wind',
  'surface.10v': '10m_v_component_of_wind',
  'surface.msl': 'mean_sea_level_pressure',
  'atmos.z': 'geopotential',
  'atmos.u': 'u_component_of_wind',
  'atmos.v': 'v_component_of_wind',
  'atmos.t': 'temperature',
  'atmos.q': 'specific_humidity',
  'static.lsm': 'land_sea_mask',
  'static.z': 'geopotential_at_surface',
  'static.slt': 'soil_type',
};

/**
 * ARCO-ERA5 (full_37-1h-0p25deg-chunk-1.zarr-v3): WeatherBench2 names, hourly times from 1900 with
 * data from 1940, 37 levels, chunks {time 1, level 37, latitude 721, longitude 1440} (the whole
 * grid), static fields with a time axis like every other variable.
 */
export function arcoStore(grid: GridAndValues, lastHour = 1_095_743): StoreSpec {
  const gridChunk = [grid.lat.length, grid.lon.length];
  return {
    attributes: { valid_time_start: '1940-01-01', valid_time_stop: '2024-12-31' },
    lat: { dim: 'latitude', values: grid.lat },
    lon: { dim: 'longitude', values: grid.lon },
    time: { dim: 'time', units: 'hours since 1900-01-01', epochMs: ARCO_EPOCH, firstHours: 0, stepHours: 1, count: lastHour + 1 },
    levels: { dim: 'level', values: ARCO_LEVELS, dtype: '<i8' },
    dataTimes: { first: ARCO_FIRST_DATA, last: lastHour },
    variables: (Object.entries(WB2_NAMES) as [VariableKey, string][]).map(([key, name]) => {
      const atmos = key.startsWith('atmos.');
      return {
        name,
        dims: atmos ? ['time', 'level', 'latitude', 'longitude'] : ['time', 'latitude', 'longitude'],
        chunks: atmos ? [1, ARCO_LEVELS.length, ...gridChunk] : [1, ...gridChunk],
        compressor: BLOSC_LZ4,
        value: grid.value(key),
      };
    }),
  };
}

/**
 * WeatherBench2's HRES T0 (hres_t0/2016-2022-6h-1440x721.zarr), the store Aurora's documentation
 * uses: WeatherBench2 names, 6-hourly 2016-2022, Aurora's 13 levels, no static fields.
 * `rename` gives some variables other names (a store that calls 2 m temperature 't2m').
 */
export function hresT0Store(grid: GridAndValues, options: { levels?: readonly number[]; rename?: Partial<Record<VariableKey, string>>; withStatics?: boolean } = {}): StoreSpec {
  const levels = options.levels ?? FIXTURE_LEVELS;
  const keys = (Object.keys(WB2_NAMES) as VariableKey[]).filter((key) => options.withStatics || !key.startsWith('static.'));
  const gridChunk = [grid.lat.length, grid.lon.length];
  return {
    lat: { dim: 'latitude', values: grid.lat },
    lon: { dim: 'longitude', values: grid.lon },
    time: { dim: 'time', units: 'hours since 2016-01-01', epochMs: Date.UTC(2016, 0, 1), firstHours: 0, stepHours: 6, count: 10_228 },
    levels: { dim: 'level', values: levels, dtype: '<i8' },
    variables: keys.map((key) => {
      const dims = key.startsWith('atmos.') ? ['time', 'level', 'latitude', 'longitude'] : key.startsWith('static.') ? ['latitude', 'longitude'] : ['time', 'latitude', 'longitude'];
      const chunks = key.startsWith('atmos.') ? [1, levels.length, ...gridChunk] : key.startsWith('static.') ? gridChunk : [1, ...gridChunk];
      return { name: options.rename?.[key] ?? WB2_NAMES[key], dims, chunks, compressor: BLOSC_LZ4, value: grid.value(key) };
    }),
  };
}

/** Static fields as the CDS delivers them: lsm z slt, dims (valid_time, latitude, longitude) with one time and no time coordinate, latitudes ascending, longitudes in [-180, 180). */
export function cdsStaticStore(grid: GridAndValues): StoreSpec {
  const lat = Float64Array.from(grid.lat).sort();
  const lon = Float64Array.from(grid.lon, (value) => (value >= 180 ? value - 360 : value)).sort();
  return {
    attributes: { Conventions: 'CF-1.7' },
    lat: { dim: 'latitude', values: lat },
    lon: { dim: 'longitude', values: lon },
    consolidated: false,
    variables: STATIC_VARIABLES.map((v) => ({
      name: v,
      dims: ['valid_time', 'latitude', 'longitude'],
      chunks: [1, lat.length, lon.length],
      compressor: BLOSC_LZ4,
      value: grid.value(`static.${v}`),
    })),
  };
}
