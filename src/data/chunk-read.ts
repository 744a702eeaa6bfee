// Reading fields chunk by chunk: every chunk a read needs is fetched and decoded once, whatever
// number of planes (history steps, levels) it holds, and only the chunks that overlap the rows and
// columns asked for are read. A chunk's values go straight from the decoded chunk into Aurora's
// grid order (latitudes decreasing, longitudes in [0, 360)), unpacked, normalised and checked for
// gaps; chunk reads in flight are bounded by count and by bytes (in-flight.ts).
import * as zarr from 'zarrita';
import { CancelledError } from '../errors.ts';
import { bytesPerElement, chunkBytes, type Field } from './dataset.ts';
import { NonFiniteInputError, UnsupportedEncodingError, type NonFiniteLocation } from './errors.ts';
import { bandOfRows, type RowBand } from './grid.ts';
import type { InFlightLimit } from './in-flight.ts';
import type { NormalisationFigures } from './normalisation.ts';

/** One (time, level) plane of a field and where its values go. */
export interface PlaneRequest {
  /** Store index along the time axis; left out for a field without one. */
  timeIndex?: number;
  /** Store index along the level axis; left out for a field without one. */
  levelIndex?: number;
  /** (band rows) x (grid width), row-major from `offset`; columns not asked for are left as they are. */
  out: Float32Array | Float64Array;
  offset: number;
  /** Applied after unpacking: (value - location) / scale. */
  figures: NormalisationFigures;
  /** Where a gap is, for its message (latitude and longitude are added per point). */
  where: Omit<NonFiniteLocation, 'lat' | 'lon'>;
}

/** What one field contributes to a read: output rows `band` (of the first field's grid), output columns `columns` (all when left out). */
export interface FieldRead {
  field: Field;
  band: RowBand;
  /** Output column indices, ascending; every column when left out. */
  columns?: Int32Array;
  planes: PlaneRequest[];
}

/** The chunks a read needs, from the metadata alone. */
export interface ReadPlan {
  reads: PlannedRead[];
  /** Chunks to fetch and decode, each once. */
  chunks: number;
  /** Their raw (decoded) bytes: what compressed stores transfer less of. */
  chunkBytes: number;
  /** Raw bytes of the values asked for: what a store chunked exactly to the read would transfer, uncompressed. */
  neededBytes: number;
}

interface PlannedRead extends FieldRead {
  /** Chunk coordinates to fetch. */
  chunkCoords: number[][];
  /** The field's store rows for the band. */
  storeRows: RowBand;
  /** Output columns and their store columns, grouped by the chunk column holding them. */
  columnsByChunk: Map<number, { outColumns: Int32Array; storeColumns: Int32Array }>;
}

/** Plans a read: which chunks of which fields hold the planes, rows and columns asked for. */
export function planRead(reads: readonly FieldRead[]): ReadPlan {
  let chunks = 0;
  let bytes = 0;
  let needed = 0;
  const planned = reads.map((read) => {
    const { field, band, planes } = read;
    const { axes, array } = field;
    const storeRows = bandOfRows(field.grid, band.start, band.end);
    const width = field.grid.lon.length;
    const outColumns = read.columns ?? Int32Array.from({ length: width }, (_, j) => j);
    const lonChunk = axes.longitude === undefined ? 1 : array.chunks[axes.longitude];
    const columnsByChunk = groupColumns(outColumns, field.grid.storeColumn, lonChunk);
    const chunkCoords = cartesian(
      field.dims.map((_, d) => {
        const size = array.chunks[d];
        if (d === axes.latitude) return range(Math.floor(storeRows.storeStart / size), Math.floor((storeRows.storeEnd - 1) / size));
        if (d === axes.longitude) return [...columnsByChunk.keys()];
        if (d === axes.time) return uniqueChunks(planes.map((plane) => plane.timeIndex ?? 0), size);
        if (d === axes.level) return uniqueChunks(planes.map((plane) => plane.levelIndex ?? 0), size);
        return [0];
      }),
    );
    chunks += chunkCoords.length;
    bytes += chunkCoords.length * chunkBytes(array);
    needed += planes.length * (band.end - band.start) * outColumns.length * bytesPerElement(array.dtype);
    return { ...read, chunkCoords, storeRows, columnsByChunk };
  });
  return { reads: planned, chunks, chunkBytes: bytes, neededBytes: needed };
}

export interface ExecuteOptions {
  limit: InFlightLimit;
  signal?: AbortSignal;
  /** After each chunk has been copied out. */
  onChunk?: () => void;
}

/** Fetches and decodes each planned chunk once and copies it into every plane it holds; throws NonFiniteInputError for gaps. */
export async function executeRead(plan: ReadPlan, { limit, signal, onChunk }: ExecuteOptions): Promise<void> {
  const gaps = new GapTracker();
  // The first failure stops the chunks not yet read; it is what the read throws, not the cancellations it causes.
  const stop = new AbortController();
  const onAbort = () => stop.abort();
  signal?.addEventListener('abort', onAbort, { once: true });
  let firstFailure: { error: unknown } | undefined;
  const queue = plan.reads.flatMap((read) => read.chunkCoords.map((coords) => ({ read, coords })));
  let next = 0;
  // As many workers as chunks may be in flight: each waits for room by bytes, then reads its chunk.
  const worker = async () => {
    while (next < queue.length && !stop.signal.aborted) {
      const { read, coords } = queue[next++];
      try {
        await limit.run(
          chunkBytes(read.field.array),
          async () => {
            const chunk = await decodeChunk(read.field, coords, stop.signal);
            // After a failure nothing more is copied or reported: the read is over.
            if (stop.signal.aborted) return;
            copyChunk(read, coords, chunk, gaps);
            onChunk?.();
          },
          stop.signal,
        );
      } catch (error) {
        firstFailure ??= { error: signal?.aborted ? new CancelledError() : error };
        stop.abort();
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(limit.bounds.count, queue.length) }, worker));
  } finally {
    signal?.removeEventListener('abort', onAbort);
  }
  if (firstFailure) throw firstFailure.error;
  if (signal?.aborted) throw new CancelledError();
  gaps.throwIfAny();
}

async function decodeChunk(field: Field, coords: number[], signal: AbortSignal | undefined): Promise<zarr.Chunk<zarr.DataType>> {
  try {
    return await field.array.getChunk(coords, { signal });
  } catch (error) {
    // A chunk that fails to decode is a DamagedChunkError already (integrity.ts): never "unsupported".
    if (zarr.isZarritaError(error, 'UnknownCodecError')) throw new UnsupportedEncodingError(field.name, 'codec', error.codec, error);
    throw error;
  }
}

function copyChunk(read: PlannedRead, coords: readonly number[], chunk: zarr.Chunk<zarr.DataType>, gaps: GapTracker): void {
  const { field, band, storeRows } = read;
  const { axes, array, grid } = field;
  const data = chunk.data;
  if (!isNumericData(data)) throw new UnsupportedEncodingError(field.name, 'dtype', array.dtype);
  const origin = coords.map((c, d) => c * array.chunks[d]);
  const strideOf = (axis: number | undefined) => (axis === undefined ? 0 : chunk.stride[axis]);
  const latStride = strideOf(axes.latitude);
  const lonStride = strideOf(axes.longitude);
  const latAxis = axes.latitude ?? 0;
  const rowFrom = Math.max(origin[latAxis], storeRows.storeStart);
  const rowTo = Math.min(origin[latAxis] + array.chunks[latAxis], storeRows.storeEnd);
  const columns = read.columnsByChunk.get(axes.longitude === undefined ? 0 : coords[axes.longitude]);
  if (!columns || rowFrom >= rowTo) return;
  const lonOrigin = axes.longitude === undefined ? 0 : origin[axes.longitude];
  const columnOffsets = Int32Array.from(columns.storeColumns, (column) => (column - lonOrigin) * lonStride);
  const { scale: packScale, offset: packOffset, missing } = field.packing;
  const width = grid.lon.length;
  const inChunk = (axis: number | undefined, index: number | undefined) =>
    axis === undefined || (index ?? 0) - origin[axis] >= 0 && (index ?? 0) - origin[axis] < array.chunks[axis];
  for (const plane of read.planes) {
    if (!inChunk(axes.time, plane.timeIndex) || !inChunk(axes.level, plane.levelIndex)) continue;
    const base =
      (axes.time === undefined ? 0 : ((plane.timeIndex ?? 0) - origin[axes.time]) * chunk.stride[axes.time]) +
      (axes.level === undefined ? 0 : ((plane.levelIndex ?? 0) - origin[axes.level]) * chunk.stride[axes.level]);
    const { location, scale } = plane.figures;
    for (let storeRow = rowFrom; storeRow < rowTo; storeRow++) {
      const row = grid.storeLatDescending ? storeRow : grid.storeHeight - 1 - storeRow;
      if (row < band.start || row >= band.end) continue;
      const rowBase = base + (storeRow - origin[latAxis]) * latStride;
      const outRow = plane.offset + (row - band.start) * width;
      for (let k = 0; k < columnOffsets.length; k++) {
        const raw = data[rowBase + columnOffsets[k]];
        const value = missing.length > 0 && missing.includes(raw) ? Number.NaN : raw * packScale + packOffset;
        const j = columns.outColumns[k];
        if (!Number.isFinite(value)) gaps.note({ ...plane.where, lat: grid.lat[row], lon: grid.lon[j] });
        plane.out[outRow + j] = (value - location) / scale;
      }
    }
  }
}

/** Output columns grouped by the chunk column of their store column. */
function groupColumns(outColumns: Int32Array, storeColumn: Int32Array, lonChunk: number): Map<number, { outColumns: Int32Array; storeColumns: Int32Array }> {
  const groups = new Map<number, number[]>();
  for (const j of outColumns) {
    const chunk = Math.floor(storeColumn[j] / lonChunk);
    const group = groups.get(chunk) ?? [];
    group.push(j);
    groups.set(chunk, group);
  }
  return new Map(
    [...groups].sort(([a], [b]) => a - b).map(([chunk, js]) => [chunk, { outColumns: Int32Array.from(js), storeColumns: Int32Array.from(js, (j) => storeColumn[j]) }]),
  );
}

function uniqueChunks(indices: readonly number[], size: number): number[] {
  return [...new Set(indices.map((index) => Math.floor(index / size)))].sort((a, b) => a - b);
}

function range(from: number, to: number): number[] {
  return Array.from({ length: Math.max(0, to - from + 1) }, (_, k) => from + k);
}

function cartesian(sets: readonly number[][]): number[][] {
  return sets.reduce<number[][]>((combos, set) => combos.flatMap((combo) => set.map((value) => [...combo, value])), [[]]);
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

type NumericData = Float32Array | Float64Array | Int8Array | Int16Array | Int32Array | Uint8Array | Uint16Array | Uint32Array;

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
