// Latents as a Zarr v2 store in the study's published layout: surface_latent (time, embed, lat, lon)
// and atmos_latent (time, embed, level, lat, lon), lat/lon the patch centres. One chunk per time, so
// that encoding another time appends a chunk and rewrites only the small coordinate arrays.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { ZarrV2Writer, type ArraySpec } from '../data/zarr-writer.ts';
import type { ModelSidecar } from './model.ts';
import type { EncodeResult } from './runtime.ts';

const TIME_UNITS = 'hours since 1970-01-01 00:00:00';
const HOUR_MS = 3_600_000;

export class LatentStoreError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LatentStoreError';
  }
}

interface StoreGrid {
  lat: Float64Array;
  lon: Float64Array;
  embedDim: number;
  latentLevels: number;
}

/** Rows and columns of a rectangular set of patches (row-major), or an error for any other shape. */
function rectangle(result: EncodeResult): { rows: number; cols: number } {
  const rowsOf = new Set<number>();
  const colsOf = new Set<number>();
  for (const index of result.patchIndices) {
    rowsOf.add(Math.floor(index / result.patchColumns));
    colsOf.add(index % result.patchColumns);
  }
  if (rowsOf.size * colsOf.size !== result.patchIndices.length) {
    throw new LatentStoreError('a latent store needs a rectangular block of patches (a lat/lon box), not an arbitrary mask');
  }
  return { rows: rowsOf.size, cols: colsOf.size };
}

async function readExisting(dir: string): Promise<{ grid: StoreGrid; hours: number[]; model: string } | undefined> {
  let metadata: { metadata: Record<string, { shape?: number[] } & Record<string, unknown>> };
  try {
    metadata = JSON.parse(await readFile(join(dir, '.zmetadata'), 'utf8'));
  } catch {
    return undefined;
  }
  const shape = metadata.metadata['atmos_latent/.zarray']?.shape;
  const attributes = metadata.metadata['.zattrs'] as { model?: string } | undefined;
  if (!shape || shape.length !== 5) throw new LatentStoreError(`${dir} is a Zarr store but not a latent store (no atmos_latent)`);
  const raw = async (name: string) => {
    const bytes = await readFile(join(dir, name, '0'));
    return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
  };
  return {
    grid: { lat: new Float64Array(await raw('lat')), lon: new Float64Array(await raw('lon')), embedDim: shape[1], latentLevels: shape[2] + 1 },
    hours: Array.from(new BigInt64Array(await raw('time')), Number),
    model: attributes?.model ?? '',
  };
}

const sameValues = (a: Float64Array, b: Float64Array) => a.length === b.length && a.every((value, i) => value === b[i]);

/** Writes one time's latents into DIR.zarr, creating it or appending to it (replacing that time if present). */
export async function writeLatentStore(dir: string, time: Date, result: EncodeResult, model: ModelSidecar): Promise<void> {
  const { rows, cols } = rectangle(result);
  const { embedDim: d, latentLevels } = result;
  const grid: StoreGrid = {
    lat: Float64Array.from({ length: rows }, (_, r) => result.centreLat[r * cols]),
    lon: Float64Array.from({ length: cols }, (_, c) => result.centreLon[c]),
    embedDim: d,
    latentLevels,
  };
  const existing = await readExisting(dir);
  if (existing) {
    const same = sameValues(existing.grid.lat, grid.lat) && sameValues(existing.grid.lon, grid.lon) && existing.grid.embedDim === d && existing.grid.latentLevels === latentLevels;
    if (!same) throw new LatentStoreError(`${dir} holds latents of another grid, region or model width; write to a new store`);
    if (existing.model !== model.name) throw new LatentStoreError(`${dir} holds latents of model ${existing.model}, not ${model.name}; write to a new store`);
  }
  const hours = existing ? [...existing.hours] : [];
  const hour = Math.round(time.getTime() / HOUR_MS);
  let slot = hours.indexOf(hour);
  if (slot < 0) slot = hours.push(hour) - 1;

  const sink = async (key: string, bytes: Uint8Array) => {
    const path = join(dir, key);
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, bytes);
  };
  const writer = new ZarrV2Writer(sink, {
    title: 'Aurora encoder latents',
    model: model.name,
    model_trained: model.trained,
    model_description: model.description,
    token_order: 'level 0 is the surface; levels 1.. are the atmospheric latents; lat/lon are patch centres',
  });
  const coordinate = (name: string, values: Float64Array, attributes: Record<string, unknown>): [ArraySpec, Float64Array] => [
    { name, dims: [name], shape: [values.length], chunks: [values.length], dtype: '<f8', compressor: null, fillValue: null, attributes },
    values,
  ];
  for (const [spec, values] of [
    coordinate('lat', grid.lat, { units: 'degrees_north', long_name: 'patch centre latitude' }),
    coordinate('lon', grid.lon, { units: 'degrees_east', long_name: 'patch centre longitude' }),
    coordinate('embed', Float64Array.from({ length: d }, (_, i) => i), { long_name: 'embedding dimension' }),
    coordinate('level', Float64Array.from({ length: latentLevels - 1 }, (_, i) => i + 1), { long_name: 'atmospheric latent level' }),
  ]) {
    await writer.writeArray(spec, values);
  }
  await writer.writeArray(
    { name: 'time', dims: ['time'], shape: [hours.length], chunks: [hours.length], dtype: '<i8', compressor: null, fillValue: null, attributes: { units: TIME_UNITS, calendar: 'proleptic_gregorian' } },
    BigInt64Array.from(hours, BigInt),
  );
  const patches = rows * cols;
  const surface: ArraySpec = { name: 'surface_latent', dims: ['time', 'embed', 'lat', 'lon'], shape: [hours.length, d, rows, cols], chunks: [1, d, rows, cols], dtype: '<f4', compressor: null, fillValue: Number.NaN };
  const atmos: ArraySpec = { name: 'atmos_latent', dims: ['time', 'embed', 'level', 'lat', 'lon'], shape: [hours.length, d, latentLevels - 1, rows, cols], chunks: [1, d, latentLevels - 1, rows, cols], dtype: '<f4', compressor: null, fillValue: Number.NaN };
  // (levels, patches, D) -> (D, [levels,] patches): embed-major, as the study's layout has it.
  const transposeLevels = (from: number, to: number): Float32Array => {
    const out = new Float32Array(d * (to - from) * patches);
    for (let level = from; level < to; level++) {
      for (let k = 0; k < patches; k++) {
        const source = (level * patches + k) * d;
        for (let e = 0; e < d; e++) out[(e * (to - from) + level - from) * patches + k] = result.latents[source + e];
      }
    }
    return out;
  };
  await writer.createArray(surface);
  await writer.writeChunk(surface, [slot, 0, 0, 0], transposeLevels(0, 1));
  await writer.createArray(atmos);
  await writer.writeChunk(atmos, [slot, 0, 0, 0, 0], transposeLevels(1, latentLevels));
  await writer.close();
}
