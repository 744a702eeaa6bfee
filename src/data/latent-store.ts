// Reading a latent store in the study's layout (auroraencoderanalysis `utils/datasets.py`, written by
// xarray's to_zarr, or by our `encode --out DIR.zarr`):
//   surface_latent (time, embed, lat, lon)        atmos_latent (time, embed, level, lat, lon)
// float32 or float64, any chunking (the study's: one chunk per time), any dimension order (read from
// _ARRAY_DIMENSIONS or Zarr v3 dimension_names), lat/lon the patch centres, time CF-encoded.
//
// One time and one latent level come back as the (patch, D) float32 matrix the probes use, patches
// row-major from the north-west as the encoder produces them, decoded block by block straight into that
// matrix (latent-chunks.ts): never a float64 copy of a chunk whole, and of the atmospheric block only
// the blocks that hold the chosen level.
import * as zarr from 'zarrita';
import { decodeCfTimes } from './cf-time.ts';
import { IrregularGridError, LatentLayoutError, MissingChunkError, NotLatentStoreError, TimeNotInStoreError, UnsupportedEncodingError, formatTime } from './errors.ts';
import { convertLongitude, createPatchGrid, patchCentre, PATCH_SIZE, type PatchGrid } from './geometry.ts';
import { regularStep } from './grid.ts';
import { readSelection, streamedEncoding, type StreamedEncoding } from './latent-chunks.ts';
import { SharedBlocks } from './shared-blocks.ts';
import { axisOfDimension } from './layout.ts';
import type { RequestOptions } from './request.ts';
import { isMetadataKey, isRecord, openZarrSource, sliceRange, type AbsoluteKey, type KeyValueReader, type Traffic, type ZarrArray, type ZarrSource } from './store.ts';
import { shareableFloat32Array } from '../platform/shared-memory.ts';

export const SURFACE_LATENT = 'surface_latent';
export const ATMOS_LATENT = 'atmos_latent';
/** The ERA5 step between the two history steps an encoding takes; a store's times label the later one. */
const SYNOPTIC_HOURS = new Set([0, 6, 12, 18]);
const HOUR_MS = 3600e3;

type Role = 'time' | 'embed' | 'level' | 'latitude' | 'longitude';
const EMBED_DIMENSION_NAMES: readonly string[] = ['embed', 'embedding', 'channel'];

/** What the store says about itself, where it says it (the names our writer and the study's use). */
export interface LatentStoreAttributes {
  model?: string;
  /** sha256 of the model file (our stores) and of the checkpoint it came from. */
  modelSha256?: string;
  checkpointSha256?: string;
  sourceData?: string;
  /** Every attribute of the store's root group, as stored. */
  all: Readonly<Record<string, unknown>>;
}

export interface LatentReadProgress {
  chunksRead: number;
  chunksTotal: number;
  bytesFetched: number;
}

export interface LatentReadOptions {
  /**
   * The time's latent levels read next, one at a time (a sweep on one lane): this read fetches their blocks of
   * a chunk it shares with them too, in long ranges, and keeps them for their reads.
   */
  levelsNext?: readonly number[];
  signal?: AbortSignal;
  onProgress?: (progress: LatentReadProgress) => void;
}

export interface LatentStore {
  /** Where the store is, for messages. */
  readonly location: string;
  readonly source: ZarrSource;
  /** The store's times (UTC), in store order, as they are (the study's may not match ERA5 pairs). */
  readonly times: readonly Date[];
  /** Why the time axis looks irregular (unsorted, repeated, uneven steps, off 00/06/12/18 UTC); empty when it does not. */
  readonly timeNotices: readonly string[];
  readonly embedDim: number;
  /** 1 (the surface) plus the atmospheric levels; 1 when the store has no atmos_latent. */
  readonly latentLevels: number;
  /** The store's `level` coordinate (0..2 in the study's stores, 1..3 in older ones of ours), in store order. */
  readonly atmosLevelLabels: readonly number[];
  readonly dtype: 'float32' | 'float64';
  /** The patch grid (src/data/geometry.ts): the full grid the store's patches sit in, when they fit ERA5's. */
  readonly grid: PatchGrid;
  /** Global patch index of each row of a read, ascending: row-major from the north-west. */
  readonly patchIndices: Int32Array;
  /** Patch centres (degrees, longitudes in [0, 360)) of each row of a read. */
  readonly centreLat: Float64Array;
  readonly centreLon: Float64Array;
  readonly attributes: LatentStoreAttributes;
  readonly traffic: Readonly<Traffic>;
  /** Index of a time in `times`; TimeNotInStoreError with the nearest ones otherwise. */
  timeIndex(time: Date): number;
  /**
   * The latents of one time at one latent level (0 the surface, k >= 1 the k-th atmospheric level in
   * store order) as a (patch, D) float32 matrix, rows in `patchIndices` order.
   */
  read(timeIndex: number, level: number, options?: LatentReadOptions): Promise<Float32Array>;
}

/**
 * Opens a latent store over any key-value reader (http, local files, memory). Metadata and coordinates
 * only; latents are read by `read`. A chunk the metadata promises but the reader lacks is an error
 * (MissingChunkError), never the fill value.
 */
export async function openLatentStore(reader: KeyValueReader, location: string): Promise<LatentStore> {
  const source = await openZarrSource(new MissingChunksAreErrors(reader, location), location);
  // Chunks are read in ranges of their wanted blocks where the reader reads ranges (latent-chunks.ts).
  const ranges = reader.getRange !== undefined;
  const surface = await openLatentVariable(source, SURFACE_LATENT, ['time', 'embed', 'latitude', 'longitude'], ranges);
  if (!surface) throw new NotLatentStoreError(location, SURFACE_LATENT, source.arrayNames ?? []);
  const atmos = await openLatentVariable(source, ATMOS_LATENT, ['time', 'embed', 'level', 'latitude', 'longitude'], ranges);
  if (atmos) checkSameAxes(location, surface, atmos);

  const coordinate = async (role: Role) => readCoordinate(source, surface.dims[surface.position[role]], role);
  const storeLat = await coordinate('latitude');
  const storeLon = await coordinate('longitude');
  const placement = placePatches(location, storeLat.values, storeLon.values);
  const timeName = surface.dims[surface.position.time];
  const time = await coordinate('time');
  const timeMs = decodeCfTimes(time.raw, time.attributes, timeName);
  const atmosLevelLabels = atmos ? Array.from((await readCoordinate(source, atmos.dims[atmos.position.level], 'level')).values) : [];
  const times = Array.from(timeMs, (ms) => new Date(ms));
  const embedDim = surface.array.shape[surface.position.embed];
  const variables = [surface, atmos];
  // The blocks two levels of one time share, read once when the levels are read one after another (a sweep).
  const shared = new SharedBlocks();

  return {
    location,
    source,
    times,
    timeNotices: timeAxisNotices(timeMs),
    embedDim,
    latentLevels: 1 + atmosLevelLabels.length,
    atmosLevelLabels,
    dtype: surface.array.dtype === 'float64' ? 'float64' : 'float32',
    grid: placement.grid,
    patchIndices: placement.patchIndices,
    centreLat: placement.centreLat,
    centreLon: placement.centreLon,
    attributes: describeAttributes(source.attributes),
    traffic: source.traffic,
    timeIndex(time) {
      const index = timeMs.indexOf(time.getTime());
      if (index >= 0) return index;
      const nearest = [...times].sort((a, b) => Math.abs(a.getTime() - time.getTime()) - Math.abs(b.getTime() - time.getTime())).slice(0, 3);
      throw new TimeNotInStoreError(time, nearest);
    },
    async read(timeIndex, level, options = {}) {
      if (!(Number.isInteger(timeIndex) && timeIndex >= 0 && timeIndex < times.length)) {
        throw new RangeError(`time index ${timeIndex} is outside the store's ${times.length} times`);
      }
      if (!(Number.isInteger(level) && level >= 0 && level < 1 + atmosLevelLabels.length)) {
        throw new LatentLayoutError(location, `latent level ${level} does not exist: the store has level 0 (surface)${atmosLevelLabels.length > 0 ? ` and 1..${atmosLevelLabels.length} (atmospheric)` : ' only, no atmos_latent'}`);
      }
      const variable = level === 0 ? surface : variables[1];
      if (!variable) throw new LatentLayoutError(location, `the store has no ${ATMOS_LATENT}`);
      const what = `${variable.name} at ${formatTime(times[timeIndex])}${level > 0 ? `, level ${atmosLevelLabels[level - 1]}` : ''}`;
      try {
        return await readLatentBlock(variable, placement, embedDim, { time: timeIndex, level: level - 1 }, source, shared, options);
      } catch (error) {
        if (error instanceof MissingChunkError && error.what === undefined) throw new MissingChunkError(location, error.key, what);
        throw error;
      }
    },
  };
}

/** The reader under a latent store: a missing chunk is an error (a latent store has no meaningful fill value). */
class MissingChunksAreErrors implements KeyValueReader {
  constructor(
    private readonly inner: KeyValueReader,
    private readonly location: string,
  ) {}

  async get(key: AbsoluteKey, options?: RequestOptions): Promise<Uint8Array | undefined> {
    const bytes = await this.inner.get(key, options);
    if (bytes === undefined && !isMetadataKey(key)) throw new MissingChunkError(this.location, key.slice(1));
    return bytes;
  }

  /** Part of a chunk (latent-chunks.ts reads a large one's blocks in ranges where the inner reader reads ranges). */
  async getRange(key: AbsoluteKey, range: zarr.RangeQuery, options?: RequestOptions): Promise<Uint8Array | undefined> {
    const bytes = this.inner.getRange ? await this.inner.getRange(key, range, options) : await this.inner.get(key, options).then((whole) => whole && sliceRange(whole, range));
    if (bytes === undefined && !isMetadataKey(key)) throw new MissingChunkError(this.location, key.slice(1));
    return bytes;
  }
}

interface LatentVariable {
  name: string;
  array: ZarrArray;
  /** How its chunks are read block by block; undefined: through zarrita. */
  encoding: StreamedEncoding | undefined;
  dims: readonly string[];
  /** Position of each role's dimension in `dims`. */
  position: Record<Role, number>;
}

async function openLatentVariable(source: ZarrSource, name: string, needed: readonly Role[], ranges: boolean): Promise<LatentVariable | undefined> {
  // Read block by block (latent-chunks.ts): the study's one chunk per time is 796 MB for the atmosphere.
  const array = await source.openArray(name, { chunks: 'blockwise' });
  if (!array) return undefined;
  const fromAttributes = array.attrs._ARRAY_DIMENSIONS;
  const dims = array.dimensionNames ?? (Array.isArray(fromAttributes) ? fromAttributes.map(String) : undefined);
  if (!dims || dims.length !== array.shape.length) {
    throw new LatentLayoutError(source.location, `'${name}' does not name its dimensions (no _ARRAY_DIMENSIONS or dimension_names)`);
  }
  if (!array.is('number')) throw new UnsupportedEncodingError(name, 'dtype', array.dtype);
  if (array.dtype !== 'float32' && array.dtype !== 'float64') throw new UnsupportedEncodingError(name, 'dtype', array.dtype);
  const position: Partial<Record<Role, number>> = {};
  dims.forEach((dim, i) => {
    const role = roleOfDimension(dim);
    if (role && needed.includes(role) && position[role] === undefined) position[role] = i;
    else if (array.shape[i] !== 1) {
      throw new LatentLayoutError(source.location, `'${name}' has a dimension '${dim}' of length ${array.shape[i]} that is none of ${needed.join(', ')}`);
    }
  });
  const missing = needed.filter((role) => position[role] === undefined);
  if (missing.length > 0) {
    throw new LatentLayoutError(source.location, `'${name}' has dimensions (${dims.join(', ')}), with no ${missing.join(' or ')} dimension`);
  }
  return { name, array, encoding: await streamedEncoding(array, { ranges }), dims, position: position as Record<Role, number> };
}

function roleOfDimension(dim: string): Role | undefined {
  return EMBED_DIMENSION_NAMES.includes(dim) ? 'embed' : axisOfDimension(dim);
}

function checkSameAxes(location: string, surface: LatentVariable, atmos: LatentVariable): void {
  for (const role of ['time', 'embed', 'latitude', 'longitude'] as const) {
    const a = surface.array.shape[surface.position[role]];
    const b = atmos.array.shape[atmos.position[role]];
    if (a !== b || surface.dims[surface.position[role]] !== atmos.dims[atmos.position[role]]) {
      throw new LatentLayoutError(location, `${SURFACE_LATENT} and ${ATMOS_LATENT} differ in their ${role} dimension (${a} against ${b})`);
    }
  }
}

interface Coordinate {
  values: Float64Array;
  /** As stored: int64 times stay exact for decodeCfTimes. */
  raw: ArrayLike<number> | ArrayLike<bigint>;
  attributes: zarr.Attributes;
}

async function readCoordinate(source: ZarrSource, name: string, role: Role): Promise<Coordinate> {
  const array = await source.openArray(name);
  if (!array) throw new LatentLayoutError(source.location, `the ${role} dimension '${name}' has no coordinate variable`);
  if (array.shape.length !== 1) throw new LatentLayoutError(source.location, `the coordinate '${name}' has ${array.shape.length} dimensions, not 1`);
  const { data } = await zarr.get(array);
  if (!ArrayBuffer.isView(data) || data instanceof DataView) throw new UnsupportedEncodingError(name, 'dtype', array.dtype);
  const raw = data as unknown as ArrayLike<number> | ArrayLike<bigint>;
  return { values: Float64Array.from(raw as ArrayLike<number | bigint>, Number), raw, attributes: array.attrs };
}

/** Where each stored latitude and longitude goes among the rows and columns of a read. */
export interface PatchPlacement {
  grid: PatchGrid;
  patchIndices: Int32Array;
  centreLat: Float64Array;
  centreLon: Float64Array;
  rows: number;
  columns: number;
  /** Row of the read (0 northmost) of each store latitude. */
  rowOfLat: Int32Array;
  /** Column of the read (0 westmost in [0, 360)) of each store longitude. */
  columnOfLon: Int32Array;
}

const LATENT_GRID_FIX = 'A latent store holds the centres of Aurora patches of a regular grid, one per row and column; check the store.';
/** Relative tolerance when matching patch centres to ERA5's grid (float32 coordinates are not exact). */
const ALIGNMENT_TOLERANCE = 1e-4;

/**
 * The patch grid of a latent store from its patch-centre coordinates, through geometry.ts. Patch
 * centres that fall on ERA5's global grid (latitudes from 90 down, longitudes from 0 east, as Aurora
 * crops and rolls it) keep their global patch indices, so that a regional store's patches are the
 * ones an encode of that region gives; others form a grid of their own.
 */
export function placePatches(location: string, storeLat: Float64Array, storeLon: Float64Array): PatchPlacement {
  const rows = storeLat.length;
  const columns = storeLon.length;
  if (rows === 0 || columns === 0) throw new LatentLayoutError(location, `it has ${rows} latitudes and ${columns} longitudes`);
  const step = (values: Float64Array, axis: 'latitude' | 'longitude') => {
    if (values.length < 2) return undefined;
    try {
      return Math.abs(regularStep(values, axis, ' (patch centres)'));
    } catch (error) {
      if (error instanceof IrregularGridError) throw new IrregularGridError(axis, error.detail, LATENT_GRID_FIX);
      throw error;
    }
  };
  for (const [axis, values] of [['latitude', storeLat], ['longitude', storeLon]] as const) {
    const bad = values.find((value) => !Number.isFinite(value) || (axis === 'latitude' && Math.abs(value) > 90));
    if (bad !== undefined) throw new IrregularGridError(axis, `${bad} is not a ${axis} of a patch centre`, LATENT_GRID_FIX);
  }
  const latPatch = step(storeLat, 'latitude') ?? step(storeLon, 'longitude');
  const lonPatch = step(storeLon, 'longitude') ?? latPatch;
  if (latPatch === undefined || lonPatch === undefined) throw new LatentLayoutError(location, 'it holds a single patch, so its grid spacing is unknown');

  const rowOfLat = ranks(storeLat, (a, b) => b - a);
  const lon360 = Float64Array.from(storeLon, (lon) => convertLongitude(lon, '0..360'));
  const columnOfLon = ranks(lon360, (a, b) => a - b);
  const northToSouth = sortedBy(storeLat, rowOfLat);
  const westToEast = sortedBy(lon360, columnOfLon);

  const latStep = latPatch / PATCH_SIZE;
  const lonStep = lonPatch / PATCH_SIZE;
  const global = globalPlacement(northToSouth, westToEast, latPatch, lonPatch);
  let grid: PatchGrid;
  let patchIndices: Int32Array;
  if (global) {
    const gridLat = Float64Array.from({ length: rows * PATCH_SIZE }, (_, k) => 90 - (global.firstRow * PATCH_SIZE + k) * latStep);
    const gridLon = Float64Array.from({ length: global.totalColumns * PATCH_SIZE }, (_, k) => k * lonStep);
    grid = createPatchGrid(gridLat, gridLon, global.firstRow * PATCH_SIZE, global.totalRows * PATCH_SIZE);
    patchIndices = Int32Array.from({ length: rows * columns }, (_, p) => (global.firstRow + Math.floor(p / columns)) * global.totalColumns + global.columns[p % columns]);
  } else {
    // Not on ERA5's grid: the store's own patches, grid points recovered from the centres.
    const gridLat = Float64Array.from({ length: rows * PATCH_SIZE }, (_, k) => northToSouth[Math.floor(k / PATCH_SIZE)] + (1.5 - (k % PATCH_SIZE)) * latStep);
    const gridLon = Float64Array.from({ length: columns * PATCH_SIZE }, (_, k) => westToEast[Math.floor(k / PATCH_SIZE)] + ((k % PATCH_SIZE) - 1.5) * lonStep);
    try {
      regularStep(westToEast.length > 1 ? westToEast : gridLon, 'longitude');
      grid = createPatchGrid(gridLat, gridLon);
    } catch (error) {
      throw new LatentLayoutError(location, `its patches are not on ERA5's grid and do not form a grid of their own in [0, 360) E (${error instanceof Error ? error.message : String(error)})`);
    }
    patchIndices = Int32Array.from({ length: rows * columns }, (_, p) => p);
  }
  const centreLat = new Float64Array(patchIndices.length);
  const centreLon = new Float64Array(patchIndices.length);
  patchIndices.forEach((index, p) => {
    const centre = patchCentre(grid, index);
    centreLat[p] = centre.lat;
    centreLon[p] = centre.lon;
  });
  return { grid, patchIndices, centreLat, centreLon, rows, columns, rowOfLat, columnOfLon };
}

/** The global rows and columns of patch centres on ERA5's grid (first row at 90 N, first column at 0 E), or undefined. */
function globalPlacement(
  northToSouth: Float64Array,
  westToEast: Float64Array,
  latPatch: number,
  lonPatch: number,
): { firstRow: number; totalRows: number; totalColumns: number; columns: Int32Array } | undefined {
  const whole = (value: number) => (Math.abs(value - Math.round(value)) <= ALIGNMENT_TOLERANCE ? Math.round(value) : undefined);
  const totalRows = whole(180 / latPatch);
  const totalColumns = whole(360 / lonPatch);
  if (totalRows === undefined || totalColumns === undefined) return undefined;
  // A patch centre lies 1.5 grid steps inside its patch's first grid point.
  const rowOf = (lat: number) => whole((90 - (1.5 * latPatch) / PATCH_SIZE - lat) / latPatch);
  const firstRow = rowOf(northToSouth[0]);
  if (firstRow === undefined || firstRow < 0 || firstRow + northToSouth.length > totalRows) return undefined;
  for (let r = 1; r < northToSouth.length; r++) if (rowOf(northToSouth[r]) !== firstRow + r) return undefined;
  const columns = new Int32Array(westToEast.length);
  for (let c = 0; c < westToEast.length; c++) {
    const column = whole((westToEast[c] - (1.5 * lonPatch) / PATCH_SIZE) / lonPatch);
    if (column === undefined || column < 0 || column >= totalColumns || (c > 0 && column <= columns[c - 1])) return undefined;
    columns[c] = column;
  }
  return { firstRow, totalRows, totalColumns, columns };
}

/** The rank of each value in the order `compare` sorts them. */
function ranks(values: Float64Array, compare: (a: number, b: number) => number): Int32Array {
  const order = Int32Array.from(values, (_, i) => i).sort((a, b) => compare(values[a], values[b]));
  const rank = new Int32Array(values.length);
  order.forEach((index, position) => {
    rank[index] = position;
  });
  return rank;
}

function sortedBy(values: Float64Array, rank: Int32Array): Float64Array {
  const out = new Float64Array(values.length);
  rank.forEach((position, index) => {
    out[position] = values[index];
  });
  return out;
}

/** Reasons to distrust a store's times as ERA5 batch times; empty when they are a regular 6-hourly series. */
export function timeAxisNotices(timeMs: Float64Array): string[] {
  const notices: string[] = [];
  const seen = new Set<number>();
  const repeated = Array.from(timeMs).filter((ms) => (seen.has(ms) ? true : (seen.add(ms), false)));
  if (repeated.length > 0) notices.push(`the store lists ${formatTime(new Date(repeated[0]))} ${repeated.length + 1 > 2 ? 'and others ' : ''}more than once`);
  const unsorted = timeMs.findIndex((ms, i) => i > 0 && ms < timeMs[i - 1]);
  if (unsorted > 0) notices.push(`its times are not in order (${formatTime(new Date(timeMs[unsorted]))} comes after ${formatTime(new Date(timeMs[unsorted - 1]))})`);
  const sorted = [...seen].sort((a, b) => a - b);
  const steps = new Set(sorted.slice(1).map((ms, i) => ms - sorted[i]));
  if (steps.size > 1) {
    const hours = [...steps].sort((a, b) => a - b).map((ms) => ms / HOUR_MS);
    notices.push(`the steps between its times vary (${hours[0]} h to ${hours[hours.length - 1]} h)`);
  }
  const offSynoptic = sorted.filter((ms) => ms % HOUR_MS !== 0 || !SYNOPTIC_HOURS.has(new Date(ms).getUTCHours()));
  if (offSynoptic.length > 0) {
    notices.push(`${offSynoptic.length} of its times (e.g. ${formatTime(new Date(offSynoptic[0]))}) are not at 00, 06, 12 or 18 UTC, so they cannot label ERA5 6-hourly pairs`);
  }
  return notices;
}

function describeAttributes(all: Readonly<Record<string, unknown>>): LatentStoreAttributes {
  const text = (...keys: string[]) => {
    for (const key of keys) {
      const value = all[key];
      if (typeof value === 'string' && value !== '') return value;
      if (isRecord(value) && typeof value.name === 'string') return value.name;
    }
    return undefined;
  };
  return {
    model: text('model', 'model_name'),
    modelSha256: text('model_sha256', 'sha256'),
    checkpointSha256: text('checkpoint_sha256'),
    sourceData: text('source_store', 'source_data', 'source'),
    all,
  };
}

/** Which element of the `time` and `level` dimensions a read takes. */
interface Selection {
  time: number;
  /** Index along the level dimension (atmos_latent only). */
  level: number;
}

/**
 * Reads the chunks that hold one time (and level) into the (patch, D) matrix. The destination of an
 * element is a sum over its dimensions (row * columns * D + column * D + e), so any dimension order and
 * chunking is one loop nest (latent-chunks.ts).
 */
async function readLatentBlock(
  variable: LatentVariable,
  placement: PatchPlacement,
  embedDim: number,
  selection: Selection,
  source: ZarrSource,
  shared: SharedBlocks,
  options: LatentReadOptions,
): Promise<Float32Array> {
  const { array, position } = variable;
  // In shared memory where the context can share it: the page's cache and the probes worker then hold one copy of it.
  const out = shareableFloat32Array(placement.rows * placement.columns * embedDim);
  const roleAt = (dim: number): Role | undefined => (Object.keys(position) as Role[]).find((role) => position[role] === dim);
  const selected = array.shape.map((_, dim) => {
    const role = roleAt(dim);
    if (role === 'time') return selection.time;
    if (role === 'level') return selection.level;
    return role === undefined ? 0 : undefined; // other dimensions have length 1
  });
  await readSelection({
    array,
    variable: variable.name,
    location: source.location,
    encoding: variable.encoding,
    selected,
    destination: (dim, index) => {
      switch (roleAt(dim)) {
        case 'embed':
          return index;
        case 'latitude':
          return placement.rowOfLat[index] * placement.columns * embedDim;
        case 'longitude':
          return placement.columnOfLon[index] * embedDim;
        default:
          return 0;
      }
    },
    out,
    traffic: source.traffic,
    shared,
    // The atmospheric chunk's level dimension counts from level 1.
    readNext: position.level === undefined || !options.levelsNext ? undefined : { dim: position.level, indices: options.levelsNext.map((level) => level - 1) },
    signal: options.signal,
    onChunk: (chunksRead, chunksTotal, bytesFetched) => options.onProgress?.({ chunksRead, chunksTotal, bytesFetched }),
  });
  return out;
}
