// Batch assembly: the two history steps of a batch time, read from an opened dataset, reordered to
// Aurora's grid (latitudes decreasing, longitudes increasing in [0, 360)), cropped and normalised.
import * as zarr from 'zarrita';
import {
  ATMOSPHERIC_VARIABLES,
  AURORA_LEVELS,
  HISTORY_STEPS,
  STATIC_VARIABLES,
  STEP_HOURS,
  SURFACE_VARIABLES,
  type NormalisedBatch,
} from './batch.ts';
import { throwIfCancelled } from '../errors.ts';
import { levelIndex, missingLevels, type Era5Dataset, type Field } from './dataset.ts';
import { MissingPreviousStepError, MissingVariableError, NonFiniteInputError, TimeNotInStoreError, UnsupportedEncodingError, type NonFiniteLocation } from './errors.ts';
import { bandForLatitudes, fullBand, storeRowInBand, type GridPlan, type RowBand } from './grid.ts';
import { normalisationFigures, normalisationKey, type NormalisationFigures } from './normalisation.ts';
import type { RetryNotice } from './request.ts';

const HOUR_MS = 3600e3;
/** Reads in flight at once: enough to hide latency, few enough to bound memory (a 0.25-degree atmospheric read is 54 MB). */
const CONCURRENT_READS = 4;

export interface LatitudeRange {
  south: number;
  north: number;
}

export interface BatchProgress {
  /** Bytes fetched from the store(s) so far for this batch (compressed, as transferred). */
  bytesFetched: number;
  chunksFetched: number;
  /** Chunks the batch needs, from the metadata. */
  chunksTotal: number;
  /**
   * Estimated bytes the whole batch will fetch: the uncompressed size until a chunk has arrived,
   * then extrapolated from the bytes per chunk seen so far.
   */
  estimatedTotalBytes: number;
  /** Requests tried again so far for this batch, and the latest (reported as it is decided). */
  retries: number;
  lastRetry: RetryNotice | undefined;
}

export interface LoadBatchOptions {
  /** Read only the patch rows overlapping these latitudes (a band of whole patch rows). */
  region?: LatitudeRange;
  signal?: AbortSignal;
  onProgress?: (progress: BatchProgress) => void;
}

export interface FetchEstimate {
  chunks: number;
  /** Uncompressed bytes of those chunks: an upper bound on what compressed stores transfer. */
  uncompressedBytes: number;
}

/** Store index of a time, or TimeNotInStoreError naming the nearest times. */
export function timeIndexOf(times: Float64Array, time: Date): number {
  const index = findTime(times, time.getTime());
  if (index < 0) throw new TimeNotInStoreError(time, nearestTimes(times, time.getTime(), 4));
  return index;
}

/** Store indices of the two history steps of a batch time, or a typed error saying what is missing. */
export function historyStepIndices(dataset: Era5Dataset, time: Date): [number, number] {
  const ms = time.getTime();
  const current = timeIndexOf(dataset.times, time);
  const previousMs = ms - STEP_HOURS * HOUR_MS;
  const previous = findTime(dataset.times, previousMs);
  if (previous < 0) throw new MissingPreviousStepError(time, new Date(previousMs));
  return [previous, current];
}

export function rowBandOf(dataset: { grid: GridPlan }, region: LatitudeRange | undefined): RowBand {
  return region ? bandForLatitudes(dataset.grid, region.south, region.north) : fullBand(dataset.grid);
}

/** What a batch will read, from the metadata alone: for a progress bar before the first byte. */
export function estimateBatchFetch(dataset: Era5Dataset, region?: LatitudeRange): FetchEstimate {
  const band = rowBandOf(dataset, region);
  const levels = AURORA_LEVELS.map((level) => levelIndex(dataset, level));
  let chunks = 0;
  let uncompressedBytes = 0;
  const add = (field: Field, timeIndex: number, levelIndices: number[] | undefined) => {
    const count = chunksTouched(field, selectionFor(field, field.grid === dataset.grid ? band : staticBand(dataset, band), timeIndex, levelIndices));
    chunks += count;
    uncompressedBytes += count * field.array.chunks.reduce((a, b) => a * b, 1) * bytesPerElement(field.array.dtype);
  };
  for (let step = 0; step < HISTORY_STEPS; step++) {
    for (const v of SURFACE_VARIABLES) add(dataset.surface[v], 0, undefined);
    for (const v of ATMOSPHERIC_VARIABLES) add(dataset.atmos[v], 0, levels);
  }
  for (const v of STATIC_VARIABLES) add(dataset.static[v], 0, undefined);
  return { chunks, uncompressedBytes };
}

export async function loadBatch(dataset: Era5Dataset, time: Date, options: LoadBatchOptions = {}): Promise<NormalisedBatch> {
  const steps = historyStepIndices(dataset, time);
  const absent = missingLevels(dataset);
  if (absent.length > 0) {
    throw new MissingVariableError(
      `${dataset.layout.atmos.z} (and the other atmospheric variables) at ${absent.join(', ')} hPa`,
      dataset.layout.name,
      dataset.source.location,
      `pressure levels; the store has ${Array.from(dataset.levels).join(', ')} hPa`,
    );
  }
  const levels = AURORA_LEVELS.map((level) => levelIndex(dataset, level));
  const band = rowBandOf(dataset, options.region);
  const height = band.end - band.start;
  const width = dataset.grid.lon.length;
  const plane = height * width;
  const C = AURORA_LEVELS.length;
  const T = HISTORY_STEPS;

  const surface = allocate(SURFACE_VARIABLES, T * plane);
  const atmos = allocate(ATMOSPHERIC_VARIABLES, T * C * plane);
  const statics = allocate(STATIC_VARIABLES, plane);
  const gaps = new GapTracker();
  const progress = progressReporter(dataset, estimateBatchFetch(dataset, options.region), options.onProgress);

  const tasks: ((signal: AbortSignal) => Promise<void>)[] = [];
  steps.forEach((timeIndex, step) => {
    const when = new Date(dataset.times[timeIndex]);
    for (const v of SURFACE_VARIABLES) {
      tasks.push(async (signal) => {
        const block = await readBlock(dataset.surface[v], band, timeIndex, undefined, signal);
        copyPlane(block, 0, dataset.grid, band, surface[v], step * plane, normalisationFigures(normalisationKey(v)), gaps, { variable: v, time: when, level: undefined });
      });
    }
    for (const v of ATMOSPHERIC_VARIABLES) {
      tasks.push(async (signal) => {
        const block = await readBlock(dataset.atmos[v], band, timeIndex, levels, signal);
        AURORA_LEVELS.forEach((level, c) => {
          const figures = normalisationFigures(normalisationKey(v, level));
          copyPlane(block, levels[c] - block.levelStart, dataset.grid, band, atmos[v], (step * C + c) * plane, figures, gaps, { variable: v, time: when, level });
        });
      });
    }
  });
  const sBand = staticBand(dataset, band);
  for (const v of STATIC_VARIABLES) {
    tasks.push(async (signal) => {
      const field = dataset.static[v];
      const block = await readBlock(field, sBand, 0, undefined, signal);
      copyPlane(block, 0, field.grid, sBand, statics[v], 0, normalisationFigures(normalisationKey(v)), gaps, { variable: v, time: undefined, level: undefined });
    });
  }
  try {
    await runLimited(tasks, CONCURRENT_READS, options.signal, progress.report);
  } finally {
    progress.stop();
  }
  gaps.throwIfAny();

  const current = new Date(dataset.times[steps[1]]);
  return {
    time: current,
    stepTimes: [new Date(dataset.times[steps[0]]), current],
    lat: dataset.grid.lat.slice(band.start, band.end),
    lon: Float64Array.from(dataset.grid.lon),
    levels: [...AURORA_LEVELS],
    surface,
    static: statics,
    atmos,
    rowOffset: band.start,
    fullHeight: dataset.grid.lat.length,
  };
}

/**
 * One field's values at some of its store levels and one time, in physical units (unpacked, not
 * normalised), float64, on the output grid's rows of `band` (latitudes decreasing, longitudes in
 * [0, 360)): for labels made of the atmosphere, such as study 3's K-index. A gap is an error, as in a batch.
 */
export async function readLevelPlanes(
  field: Field,
  levelIndices: readonly number[],
  levelsHpa: readonly number[],
  timeIndex: number,
  when: Date,
  band: RowBand,
  signal?: AbortSignal,
): Promise<Float64Array[]> {
  const block = await readBlock(field, band, timeIndex, [...levelIndices], signal);
  const plane = (band.end - band.start) * field.grid.lon.length;
  const gaps = new GapTracker();
  const planes = levelIndices.map((storeLevel, k) => {
    const out = new Float64Array(plane);
    copyPlane(block, storeLevel - block.levelStart, field.grid, band, out, 0, PHYSICAL_UNITS, gaps, { variable: field.name, time: when, level: levelsHpa[k] });
    return out;
  });
  gaps.throwIfAny();
  return planes;
}

/** Normalisation figures that leave values as they are. */
const PHYSICAL_UNITS: NormalisationFigures = { location: 0, scale: 1 };

/** The static store's rows for the same output rows (its latitude order may differ). */
function staticBand(dataset: Era5Dataset, band: RowBand): RowBand {
  const plan = dataset.static.lsm.grid;
  if (plan === dataset.grid) return band;
  return plan.storeLatDescending
    ? { ...band, storeStart: band.start, storeEnd: band.end }
    : { ...band, storeStart: plan.storeHeight - band.end, storeEnd: plan.storeHeight - band.start };
}

type NumericData = Float32Array | Float64Array | Int8Array | Int16Array | Int32Array | Uint8Array | Uint16Array | Uint32Array;

interface Block {
  data: NumericData;
  field: Field;
  /** Stride of each axis in `data` (0 for axes indexed away). */
  levelStride: number;
  latStride: number;
  lonStride: number;
  /** Store index of the first level read. */
  levelStart: number;
}

type Selection = (number | zarr.Slice | null)[];

function selectionFor(field: Field, band: RowBand, timeIndex: number, levelIndices: number[] | undefined): Selection {
  return field.dims.map((_, d) => {
    if (d === field.axes.latitude) return zarr.slice(band.storeStart, band.storeEnd);
    if (d === field.axes.longitude) return null;
    if (d === field.axes.level && levelIndices) return zarr.slice(Math.min(...levelIndices), Math.max(...levelIndices) + 1);
    if (d === field.axes.time) return timeIndex;
    return 0;
  });
}

async function readBlock(field: Field, band: RowBand, timeIndex: number, levelIndices: number[] | undefined, signal: AbortSignal | undefined): Promise<Block> {
  const selection = selectionFor(field, band, timeIndex, levelIndices);
  let chunk: zarr.Chunk<zarr.DataType>;
  try {
    chunk = await zarr.get(field.array, selection, { signal });
  } catch (error) {
    if (zarr.isZarritaError(error, 'UnknownCodecError')) throw new UnsupportedEncodingError(field.name, 'codec', error.codec, error);
    throw error;
  }
  if (!isNumericData(chunk.data)) throw new UnsupportedEncodingError(field.name, 'dtype', field.array.dtype);
  // Axes selected by an integer are gone from the result; the rest keep their order.
  const strideOf = (axis: number | undefined) => {
    if (axis === undefined || typeof selection[axis] === 'number') return 0;
    const kept = selection.slice(0, axis).filter((s) => typeof s !== 'number').length;
    return chunk.stride[kept];
  };
  const levelSelection = field.axes.level === undefined ? undefined : selection[field.axes.level];
  return {
    data: chunk.data,
    field,
    levelStride: strideOf(field.axes.level),
    latStride: strideOf(field.axes.latitude),
    lonStride: strideOf(field.axes.longitude),
    levelStart: levelSelection && typeof levelSelection === 'object' ? (levelSelection.start ?? 0) : 0,
  };
}

/** Copies one (level of one) field into Aurora's order, unpacking and normalising, and notes gaps. */
function copyPlane(
  block: Block,
  levelInBlock: number,
  plan: GridPlan,
  band: RowBand,
  out: Float32Array | Float64Array,
  outOffset: number,
  { location, scale }: NormalisationFigures,
  gaps: GapTracker,
  where: Omit<NonFiniteLocation, 'lat' | 'lon'>,
): void {
  const { data, latStride, lonStride } = block;
  const { scale: packScale, offset: packOffset, missing } = block.field.packing;
  const width = plan.lon.length;
  const base = levelInBlock * block.levelStride;
  const columnOffsets = Int32Array.from(plan.storeColumn, (column) => column * lonStride);
  for (let row = band.start; row < band.end; row++) {
    const rowBase = base + storeRowInBand(plan, band, row) * latStride;
    const outRow = outOffset + (row - band.start) * width;
    for (let j = 0; j < width; j++) {
      const raw = data[rowBase + columnOffsets[j]];
      const value = missing.length > 0 && missing.includes(raw) ? Number.NaN : raw * packScale + packOffset;
      if (!Number.isFinite(value)) gaps.note({ ...where, lat: plan.lat[row], lon: plan.lon[j] });
      out[outRow + j] = (value - location) / scale;
    }
  }
}

class GapTracker {
  private first: NonFiniteLocation | undefined;
  private count = 0;
  note(location: NonFiniteLocation): void {
    this.first ??= location;
    this.count += 1;
  }
  throwIfAny(): void {
    if (this.first) throw new NonFiniteInputError(this.first, this.count);
  }
}

function chunksTouched(field: Field, selection: Selection): number {
  return selection.reduce<number>((product, s, d) => {
    const size = field.array.shape[d];
    const chunk = field.array.chunks[d];
    const [start, stop] = typeof s === 'number' ? [s, s + 1] : s === null ? [0, size] : [s.start ?? 0, s.stop ?? size];
    return product * (Math.floor((stop - 1) / chunk) - Math.floor(start / chunk) + 1);
  }, 1);
}

/** Reports progress after each read and at each retry, from the sources' traffic since the batch began. */
function progressReporter(dataset: Era5Dataset, estimate: FetchEstimate, onProgress: LoadBatchOptions['onProgress']): { report: () => void; stop: () => void } {
  if (!onProgress) return { report: () => {}, stop: () => {} };
  const sources = dataset.staticSource === dataset.source ? [dataset.source] : [dataset.source, dataset.staticSource];
  const start = sources.map((source) => ({ ...source.traffic }));
  const report = () => {
    let bytesFetched = 0;
    let chunksFetched = 0;
    let retries = 0;
    let lastRetry: RetryNotice | undefined;
    sources.forEach((source, i) => {
      bytesFetched += source.traffic.bytesFetched - start[i].bytesFetched;
      chunksFetched += source.traffic.chunksFetched - start[i].chunksFetched;
      retries += source.traffic.retries - start[i].retries;
      if (source.traffic.retries > start[i].retries) lastRetry = source.traffic.lastRetry;
    });
    const estimatedTotalBytes = chunksFetched > 0 ? Math.round((bytesFetched / chunksFetched) * estimate.chunks) : estimate.uncompressedBytes;
    onProgress({ bytesFetched, chunksFetched, chunksTotal: estimate.chunks, estimatedTotalBytes, retries, lastRetry });
  };
  const unwatch = sources.map((source) => source.watch((event) => event.kind === 'retry' && report()));
  return { report, stop: () => unwatch.forEach((stop) => stop()) };
}

/**
 * Runs `tasks`, `limit` at a time. The first failure stops the rest: no new task starts, those in
 * flight get an aborted signal, and the failure is thrown once they have all settled, so that nothing
 * of the batch runs (or reports progress) after it has failed.
 */
async function runLimited(tasks: ((signal: AbortSignal) => Promise<void>)[], limit: number, signal: AbortSignal | undefined, afterEach: () => void): Promise<void> {
  const controller = new AbortController();
  const abort = () => controller.abort();
  signal?.addEventListener('abort', abort, { once: true });
  let next = 0;
  let failed: { error: unknown } | undefined;
  const worker = async () => {
    while (next < tasks.length && !failed) {
      const task = tasks[next++];
      try {
        await task(controller.signal);
      } catch (error) {
        failed ??= { error };
        controller.abort();
        return;
      }
      if (!failed) afterEach();
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(limit, tasks.length) }, worker));
  } finally {
    signal?.removeEventListener('abort', abort);
  }
  throwIfCancelled(signal);
  if (failed) throw failed.error;
}

function allocate<K extends string>(keys: readonly K[], length: number): Record<K, Float32Array> {
  return Object.fromEntries(keys.map((key) => [key, new Float32Array(length)])) as Record<K, Float32Array>;
}

function findTime(times: Float64Array, ms: number): number {
  // Times decoded from float units can be off by rounding: a second is far below the 6-hour step.
  return times.findIndex((t) => Math.abs(t - ms) < 1000);
}

function nearestTimes(times: Float64Array, ms: number, count: number): Date[] {
  return Array.from(times)
    .sort((a, b) => Math.abs(a - ms) - Math.abs(b - ms))
    .slice(0, count)
    .sort((a, b) => a - b)
    .map((t) => new Date(t));
}

function bytesPerElement(dtype: zarr.DataType): number {
  const bits = /(\d+)$/.exec(dtype);
  return bits ? Number(bits[1]) / 8 : 1;
}

function isNumericData(data: unknown): data is NumericData {
  return (
    data instanceof Float32Array ||
    data instanceof Float64Array ||
    data instanceof Int8Array ||
    data instanceof Int16Array ||
    data instanceof Int32Array ||
    data instanceof Uint8Array ||
    data instanceof Uint16Array ||
    data instanceof Uint32Array
  );
}
