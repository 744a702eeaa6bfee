// Batch assembly: the two history steps of a batch time, read from an opened dataset, reordered to
// Aurora's grid (latitudes decreasing, longitudes increasing in [0, 360)), cropped and normalised.
// Reads fetch only what they need (chunk-read.ts): each chunk once, however many history steps and
// levels it holds, and for a region only the chunks overlapping its patches.
import { ATMOSPHERIC_VARIABLES, HISTORY_STEPS, STATIC_VARIABLES, STEP_HOURS, SURFACE_VARIABLES, type NormalisedBatch } from './batch.ts';
import { executeRead, planRead, type FieldRead, type PlaneRequest, type ReadPlan } from './chunk-read.ts';
import { findDataSpan } from './data-span.ts';
import { levelIndex, type Era5Dataset, type Field } from './dataset.ts';
import { MissingPreviousStepError, MissingVariableError, RegionError, TimeNotInStoreError, formatTime } from './errors.ts';
import { createPatchGrid, longitudeInRange, patchCentre, patchColumns, PATCH_SIZE } from './geometry.ts';
import { bandForLatitudes, fullBand, type GridPlan, type RowBand } from './grid.ts';
import { InFlightLimit, type InFlightBounds } from './in-flight.ts';
import { normalisationFigures, normalisationKey, type NormalisationFigures } from './normalisation.ts';
import type { RetryNotice } from './request.ts';
import type { ZarrSource } from './store.ts';

const HOUR_MS = 3600e3;

/**
 * Chunk reads in flight, by default: enough to hide a store's latency, few enough that memory stays
 * bounded (a 0.25-degree chunk of 13 levels is 54 MB decoded, ARCO's of 37 levels 154 MB).
 */
export const DEFAULT_READ_BOUNDS: Readonly<InFlightBounds> = { count: 8, bytes: 512 * 2 ** 20 };

export interface LatitudeRange {
  south: number;
  north: number;
}

/** The part of the grid a batch is read for: whole patch rows over the latitudes, and with `west` and `east` only the patch columns whose centres lie between them. */
export interface BatchRegion extends LatitudeRange {
  west?: number;
  east?: number;
}

export interface BatchProgress {
  /** Bytes fetched from the store(s) so far for this batch (compressed, as transferred). */
  bytesFetched: number;
  chunksFetched: number;
  /** Chunks the batch needs, from the metadata. */
  chunksTotal: number;
  /**
   * Estimated bytes the whole batch will fetch: the chunks' raw size until a chunk has arrived,
   * then extrapolated from the bytes per chunk seen so far.
   */
  estimatedTotalBytes: number;
  /** Raw bytes of the values the batch uses: what the chunks hold beyond this is read for nothing. */
  neededBytes: number;
  /** Requests tried again so far for this batch, and the latest (reported as it is decided). */
  retries: number;
  lastRetry: RetryNotice | undefined;
}

export interface LoadBatchOptions {
  /** Read only the patches of this region (a band of whole patch rows, and with west/east of patch columns). */
  region?: BatchRegion;
  signal?: AbortSignal;
  onProgress?: (progress: BatchProgress) => void;
  /** Chunk reads in flight at once (DEFAULT_READ_BOUNDS where left out). */
  bounds?: Partial<InFlightBounds>;
}

export interface FetchEstimate {
  /** Chunks to fetch and decode, each once. */
  chunks: number;
  /** Their raw size: an upper bound on what compressed stores transfer. */
  uncompressedBytes: number;
  /** Raw bytes of the values the batch uses. */
  neededBytes: number;
}

/** Store index of a time, or TimeNotInStoreError naming the nearest times. */
export function timeIndexOf(times: Float64Array, time: Date): number {
  const index = findTime(times, time.getTime());
  if (index < 0) throw new TimeNotInStoreError(time, nearestTimes(times, time.getTime(), 4));
  return index;
}

/** Indices in `dataset.times` of the two history steps of a batch time, or a typed error saying what is missing. */
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

/**
 * The output columns of the patch columns whose centres lie in the region's longitudes (all when it
 * has none): the rule of geometry.ts longitudeInRange, which the encoder selects patches by too.
 */
export function columnsOf(grid: GridPlan, region: BatchRegion | undefined): Int32Array | undefined {
  if (region?.west === undefined || region.east === undefined) return undefined;
  const { west, east } = region;
  const patches = createPatchGrid(grid.lat, grid.lon);
  const columns: number[] = [];
  for (let col = 0; col < patchColumns(patches); col++) {
    if (!longitudeInRange(patchCentre(patches, col).lon, west, east)) continue;
    for (let k = 0; k < PATCH_SIZE; k++) columns.push(col * PATCH_SIZE + k);
  }
  if (columns.length === 0) throw new RegionError(`Longitudes ${west} .. ${east} hold no patch centre of this grid`);
  return Int32Array.from(columns);
}

/** What a batch will read, from the metadata alone: for a progress bar before the first byte. */
export async function estimateBatchFetch(dataset: Era5Dataset, time: Date, region?: BatchRegion): Promise<FetchEstimate> {
  const { plan } = await planBatch(dataset, time, region, undefined);
  return { chunks: plan.chunks, uncompressedBytes: plan.chunkBytes, neededBytes: plan.neededBytes };
}

export async function loadBatch(dataset: Era5Dataset, time: Date, options: LoadBatchOptions = {}): Promise<NormalisedBatch> {
  const { plan, batch } = await planBatch(dataset, time, options.region, options.signal);
  const progress = progressReporter(dataset, plan, options.onProgress);
  progress.report();
  try {
    await executeRead(plan, { limit: new InFlightLimit({ ...DEFAULT_READ_BOUNDS, ...options.bounds }), signal: options.signal, onChunk: progress.report });
  } finally {
    progress.stop();
  }
  return batch;
}

/** The read plan of a batch and the batch its planes fill (allocated, not yet read). */
async function planBatch(dataset: Era5Dataset, time: Date, region: BatchRegion | undefined, signal: AbortSignal | undefined): Promise<{ plan: ReadPlan; batch: NormalisedBatch }> {
  const steps = historyStepIndices(dataset, time);
  const stepMs = steps.map((index) => dataset.times[index]);
  const levels = dataset.batchLevels;
  const band = rowBandOf(dataset, region);
  const columns = columnsOf(dataset.grid, region);
  const plane = (band.end - band.start) * dataset.grid.lon.length;
  const C = levels.length;
  const T = HISTORY_STEPS;
  // Columns a region does not read stay NaN, so that nothing can take them for values.
  const allocate = <K extends string>(keys: readonly K[], length: number) =>
    Object.fromEntries(keys.map((key) => [key, new Float32Array(length).fill(columns ? Number.NaN : 0)])) as Record<K, Float32Array>;
  const surface = allocate(SURFACE_VARIABLES, T * plane);
  const atmos = allocate(ATMOSPHERIC_VARIABLES, T * C * plane);
  const statics = allocate(STATIC_VARIABLES, plane);

  const reads: FieldRead[] = [];
  const add = (field: Field, planes: PlaneRequest[]) => reads.push({ field, band, columns, planes });
  for (const v of SURFACE_VARIABLES) {
    const field = dataset.surface[v];
    const figures = normalisationFigures(normalisationKey(v));
    add(
      field,
      stepMs.map((ms, step) => ({ timeIndex: fieldTimeIndex(field, ms), out: surface[v], offset: step * plane, figures, where: { variable: v, time: new Date(ms), level: undefined } })),
    );
  }
  for (const v of ATMOSPHERIC_VARIABLES) {
    const field = dataset.atmos[v];
    add(
      field,
      stepMs.flatMap((ms, step) =>
        levels.map((level, c) => ({
          timeIndex: fieldTimeIndex(field, ms),
          levelIndex: levelIndex(dataset, level),
          out: atmos[v],
          offset: (step * C + c) * plane,
          figures: normalisationFigures(normalisationKey(v, level)),
          where: { variable: v, time: new Date(ms), level },
        })),
      ),
    );
  }
  const currentMs = stepMs[stepMs.length - 1];
  for (const v of STATIC_VARIABLES) {
    const field = dataset.static[v];
    const timeIndex = await staticTimeIndex(field, currentMs, signal);
    const when = timeIndex === undefined || !field.times ? undefined : new Date(field.times[timeIndex]);
    add(field, [{ timeIndex, out: statics[v], offset: 0, figures: normalisationFigures(normalisationKey(v)), where: { variable: v, time: when, level: undefined, isStatic: true } }]);
  }

  const current = new Date(currentMs);
  const batch: NormalisedBatch = {
    time: current,
    stepTimes: [new Date(stepMs[0]), current],
    lat: dataset.grid.lat.slice(band.start, band.end),
    lon: Float64Array.from(dataset.grid.lon),
    levels: [...levels],
    surface,
    static: statics,
    atmos,
    rowOffset: band.start,
    fullHeight: dataset.grid.lat.length,
    ...(columns && region?.west !== undefined && region.east !== undefined ? { lonRange: { west: region.west, east: region.east } } : {}),
  };
  return { plan: planRead(reads), batch };
}

/**
 * The time at which a batch reads a static field: none without a time axis, its only time, the
 * batch's time where the field's store has it (ARCO, Earth Data Hub), else the first time whose data
 * exist (dataset.notes states the rule).
 */
async function staticTimeIndex(field: Field, batchMs: number, signal: AbortSignal | undefined): Promise<number | undefined> {
  if (!field.times) return undefined;
  if (field.times.length === 1) return 0;
  const atBatch = findTime(field.times, batchMs);
  if (atBatch >= 0) return atBatch;
  const span = await findDataSpan(field, signal);
  if (!span) {
    throw new MissingVariableError(
      `The static field '${field.name}'`,
      field.source.location,
      `it has no data at the batch's time ${formatTime(new Date(batchMs))}, which its time axis lacks, nor at any time sampled to find its first data`,
      [],
      'Give a static store that holds them (--static, or the Static store field in the app).',
    );
  }
  return span.first;
}

/** A field's own index of a time of the dataset (stores of a pair number their times each their own way). */
function fieldTimeIndex(field: Field, ms: number): number {
  const index = field.times ? findTime(field.times, ms) : -1;
  if (index < 0) throw new TimeNotInStoreError(new Date(ms), field.times ? nearestTimes(field.times, ms, 4) : []);
  return index;
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
  const size = (band.end - band.start) * field.grid.lon.length;
  const planes = levelIndices.map(() => new Float64Array(size));
  const plan = planRead([
    {
      field,
      band,
      planes: levelIndices.map((levelIndex, k) => ({ timeIndex, levelIndex, out: planes[k], offset: 0, figures: PHYSICAL_UNITS, where: { variable: field.name, time: when, level: levelsHpa[k] } })),
    },
  ]);
  await executeRead(plan, { limit: new InFlightLimit(DEFAULT_READ_BOUNDS), signal });
  return planes;
}

/** Normalisation figures that leave values as they are. */
const PHYSICAL_UNITS: NormalisationFigures = { location: 0, scale: 1 };

/** Reports progress after each chunk and at each retry, from the stores' traffic since the batch began. */
function progressReporter(dataset: Era5Dataset, plan: ReadPlan, onProgress: LoadBatchOptions['onProgress']): { report: () => void; stop: () => void } {
  if (!onProgress) return { report: () => {}, stop: () => {} };
  const sources = [...new Set<ZarrSource>([dataset.source, dataset.atmosSource, dataset.staticSource])];
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
    const estimatedTotalBytes = chunksFetched > 0 ? Math.round((bytesFetched / chunksFetched) * plan.chunks) : plan.chunkBytes;
    onProgress({ bytesFetched, chunksFetched, chunksTotal: plan.chunks, estimatedTotalBytes, neededBytes: plan.neededBytes, retries, lastRetry });
  };
  const unwatch = sources.map((source) => source.watch((event) => event.kind === 'retry' && report()));
  return { report, stop: () => unwatch.forEach((stop) => stop()) };
}

const ascending = new WeakMap<Float64Array, boolean>();

function findTime(times: Float64Array, ms: number): number {
  // Times decoded from float units can be off by rounding: a second is far below the 6-hour step.
  const near = (t: number) => Math.abs(t - ms) < 1000;
  let sorted = ascending.get(times);
  if (sorted === undefined) {
    sorted = times.every((t, i) => i === 0 || t > times[i - 1]);
    ascending.set(times, sorted);
  }
  if (!sorted) return times.findIndex(near);
  // Axes of a million hours (ARCO): a binary search, not a scan.
  let low = 0;
  let high = times.length - 1;
  while (low <= high) {
    const middle = (low + high) >> 1;
    if (near(times[middle])) return middle;
    if (times[middle] < ms) low = middle + 1;
    else high = middle - 1;
  }
  return -1;
}

function nearestTimes(times: Float64Array, ms: number, count: number): Date[] {
  return Array.from(times)
    .sort((a, b) => Math.abs(a - ms) - Math.abs(b - ms))
    .slice(0, count)
    .sort((a, b) => a - b)
    .map((t) => new Date(t));
}
