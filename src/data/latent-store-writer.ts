// Writing latents in the study's layout (what src/data/latent-store.ts reads, what the study's notebook
// opens with xarray): surface_latent (time, embed, lat, lon) and atmos_latent (time, embed, level, lat,
// lon), one chunk per time, level 0..2, lat/lon the patch centres, time CF-encoded (cf-time.ts), blosc
// as xarray's default, consolidated metadata. Pure: the arrays' specifications, the files a new store
// starts with, and one time's chunks; latent-store-writer.node.ts puts them on disk.
import { encodeCfTimes } from './cf-time.ts';
import { LatentLayoutError } from './errors.ts';
import { convertLongitude } from './geometry.ts';
import { regularStep } from './grid.ts';
import { ATMOS_LATENT, SURFACE_LATENT } from './latent-store.ts';
import { MemoryStore } from './memory-store.ts';
import { ZarrV2Writer, type ArraySpec, type CompressorConfig } from './zarr-writer.ts';

/** xarray's (numcodecs') default compressor for Zarr v2. */
const BLOSC_LZ4: CompressorConfig = { id: 'blosc', cname: 'lz4', clevel: 5, shuffle: 1, blocksize: 0 };

export type LatentDtype = 'float32' | 'float64';

export interface LatentStoreDescription {
  /** The whole time axis: each time labels the later history step of its encoding, as the study's. */
  times: readonly Date[];
  /** Centres of the patches, row-major from the north-west as the encoder lists them (longitudes in [0, 360)). */
  centreLat: Float64Array;
  centreLon: Float64Array;
  embedDim: number;
  /** The surface plus the atmospheric latent levels (Aurora: 4). */
  latentLevels: number;
  dtype: LatentDtype;
  /** The root group's attributes (model, its sha256, configuration, source, variables, version). */
  attributes: Record<string, unknown>;
}

/** The arrays of a store and where each stored longitude column takes its patches from. */
export interface LatentStoreLayout {
  description: LatentStoreDescription;
  rows: number;
  columns: number;
  /** Longitudes as stored: ascending in [0, 360), or in [-180, 180) for a region across 0 E. */
  storedLon: Float64Array;
  /** Patch column (in the encoder's order) of each stored column. */
  patchColumnOf: Int32Array;
  surface: ArraySpec;
  atmos: ArraySpec;
}

/** The study's store layout for a rectangular block of patches; LatentLayoutError for any other set. */
export function planLatentStore(description: LatentStoreDescription, location: string): LatentStoreLayout {
  const { centreLat, centreLon, embedDim, latentLevels, times } = description;
  const lat = [...new Set(centreLat)];
  const lon = Array.from(centreLon.subarray(0, centreLon.length / Math.max(1, lat.length)));
  const rows = lat.length;
  const columns = lon.length;
  const rectangular = rows * columns === centreLat.length && Array.from(centreLat).every((value, p) => value === lat[Math.floor(p / columns)] && centreLon[p] === lon[p % columns]);
  if (!rectangular || rows === 0) {
    throw new LatentLayoutError(location, 'a latent store holds a rectangular block of patches (a latitude-longitude box), not an arbitrary set of them');
  }
  // Stored longitudes must be a regular axis: a box across 0 E is regular only in [-180, 180).
  let order = Int32Array.from(lon, (_, c) => c);
  let storedLon = Float64Array.from(lon);
  if (columns > 2 && !isRegular(storedLon)) {
    const lon180 = lon.map((value) => convertLongitude(value, '-180..180'));
    order = order.sort((a, b) => lon180[a] - lon180[b]);
    storedLon = Float64Array.from(order, (c) => lon180[c]);
    if (!isRegular(storedLon)) throw new LatentLayoutError(location, 'its patch columns are not evenly spaced in either longitude convention');
  }
  const variable = (name: string, dims: string[], shape: number[]): ArraySpec => ({
    name,
    dims,
    shape,
    chunks: shape.map((size, i) => (i === 0 ? 1 : size)),
    dtype: description.dtype === 'float64' ? '<f8' : '<f4',
    compressor: BLOSC_LZ4,
    fillValue: Number.NaN,
  });
  return {
    description,
    rows,
    columns,
    storedLon,
    patchColumnOf: order,
    surface: variable(SURFACE_LATENT, ['time', 'embed', 'lat', 'lon'], [times.length, embedDim, rows, columns]),
    atmos: variable(ATMOS_LATENT, ['time', 'embed', 'level', 'lat', 'lon'], [times.length, embedDim, latentLevels - 1, rows, columns]),
  };
}

function isRegular(values: Float64Array): boolean {
  try {
    regularStep(values, 'longitude');
    return true;
  } catch {
    return false;
  }
}

/**
 * Every file of a new store but the latents' chunks: metadata (consolidated) and coordinates. The same
 * description gives the same bytes, so that N processes that create one store agree to the byte.
 */
export async function latentStoreSkeleton(layout: LatentStoreLayout): Promise<Map<string, Uint8Array>> {
  const { description, rows, columns } = layout;
  const memory = new MemoryStore();
  const writer = new ZarrV2Writer(memory.sink, description.attributes);
  const coordinate = (name: string, dtype: '<f8' | '<i8', values: Float64Array | BigInt64Array, attributes: Record<string, unknown>) =>
    writer.writeArray(
      { name, dims: [name], shape: [values.length], chunks: [values.length], dtype, compressor: BLOSC_LZ4, fillValue: dtype === '<f8' ? Number.NaN : null, attributes },
      values,
    );
  const time = encodeCfTimes(description.times.map((t) => t.getTime()));
  await coordinate('time', '<i8', time.values, { units: time.units, calendar: time.calendar, long_name: 'batch time (the later of the two history steps)' });
  await coordinate('embed', '<i8', BigInt64Array.from({ length: description.embedDim }, (_, e) => BigInt(e)), { long_name: 'embedding dimension' });
  await coordinate('level', '<i8', BigInt64Array.from({ length: description.latentLevels - 1 }, (_, k) => BigInt(k)), { long_name: 'atmospheric latent level' });
  await coordinate('lat', '<f8', Float64Array.from({ length: rows }, (_, r) => description.centreLat[r * columns]), { units: 'degrees_north', long_name: 'patch centre latitude' });
  await coordinate('lon', '<f8', layout.storedLon, { units: 'degrees_east', long_name: 'patch centre longitude' });
  await writer.createArray({ ...layout.surface, attributes: { long_name: "Aurora encoder's surface latents" } });
  await writer.createArray({ ...layout.atmos, attributes: { long_name: "Aurora encoder's atmospheric latents" } });
  await writer.close();
  return memory.entries;
}

/**
 * One time's chunks from the encoder's (latent_levels, patches, D) latents: surface (embed, lat, lon)
 * and atmos (embed, level, lat, lon), in the store's dtype.
 */
export function latentChunks(layout: LatentStoreLayout, latents: Float32Array): { surface: Float32Array | Float64Array; atmos: Float32Array | Float64Array } {
  const { rows, columns, patchColumnOf, description } = layout;
  const { embedDim: d, latentLevels, dtype } = description;
  const patches = rows * columns;
  if (latents.length !== latentLevels * patches * d) {
    throw new RangeError(`the latents hold ${latents.length} values, not ${latentLevels} levels x ${patches} patches x ${d}`);
  }
  const make = (length: number) => (dtype === 'float64' ? new Float64Array(length) : new Float32Array(length));
  const surface = make(d * patches);
  const atmos = make(d * (latentLevels - 1) * patches);
  for (let level = 0; level < latentLevels; level++) {
    const target = level === 0 ? surface : atmos;
    for (let r = 0; r < rows; r++) {
      for (let c = 0; c < columns; c++) {
        const from = (level * patches + r * columns + patchColumnOf[c]) * d;
        // (embed, [level,] lat, lon): consecutive embeds are a whole level block apart.
        let to = level === 0 ? r * columns + c : ((level - 1) * rows + r) * columns + c;
        const stride = level === 0 ? patches : (latentLevels - 1) * patches;
        for (let e = 0; e < d; e++, to += stride) target[to] = latents[from + e];
      }
    }
  }
  return { surface, atmos };
}
