// Reading a selection of a latent array (one time, one level) straight into the (patch, D) float32
// matrix, chunk by chunk. Where the chunk's encoding allows (Zarr v2, C order, little-endian floats, no
// filters, uncompressed or Blosc with LZ4 or zlib inside: what xarray and our writer write), each chunk
// is decoded one Blosc block at a time and each block's values go to their places at once, so a chunk
// is never held decoded whole (the study's one chunk per time is 265 MB of float64 for the surface and
// 796 MB for the atmosphere), and blocks holding nothing of the selection (other levels) are not
// decoded at all. Any other encoding goes through zarrita's decoded chunk.
import { throwIfCancelled } from '../errors.ts';
import { BLOSC_HEADER_BYTES, BloscFrameError, BloscUnsupportedError, bloscIndexBytes, openBloscFrame, openBloscFrameParts, readBloscHeader, type BloscFrame, type BloscFramePart } from './codecs/blosc.ts';
import { ChunkTooLargeError, DamagedChunkError } from './errors.ts';
import { SHAPE_LIMITS } from './integrity.ts';
import { chunkBlocksName, type SharedBlocks } from './shared-blocks.ts';
import { isRecord, type AbsoluteKey, type Traffic, type ZarrArray } from './store.ts';

/**
 * How a chunk's bytes are read block by block, or undefined: through zarrita. `ranges`: the store's
 * reader reads parts of a value (files, http), so a Blosc chunk's wanted blocks are read alone.
 */
export type StreamedEncoding = { compressor: 'none' | 'blosc'; bytesPerValue: 4 | 8; separator: string; ranges: boolean };

const BLOSC_STREAMED_CNAMES = new Set(['lz4', 'lz4hc', 'zlib']);

/** Whether the array's chunks can be read block by block (from its v2 metadata); undefined when not. */
export async function streamedEncoding(array: ZarrArray, options: { ranges: boolean }): Promise<StreamedEncoding | undefined> {
  const bytes = await array.store.get(`${array.path}/.zarray` as AbsoluteKey);
  if (!bytes) return undefined; // Zarr v3: zarrita's codec pipeline
  const meta: unknown = JSON.parse(new TextDecoder().decode(bytes));
  if (!isRecord(meta) || meta.order !== 'C' || (Array.isArray(meta.filters) ? meta.filters.length > 0 : meta.filters != null)) return undefined;
  const bytesPerValue = meta.dtype === '<f8' ? 8 : meta.dtype === '<f4' ? 4 : undefined;
  if (bytesPerValue === undefined) return undefined;
  const separator = typeof meta.dimension_separator === 'string' ? meta.dimension_separator : '.';
  const compressor = meta.compressor;
  if (compressor === null || compressor === undefined) return { compressor: 'none', bytesPerValue, separator, ranges: options.ranges };
  if (isRecord(compressor) && compressor.id === 'blosc' && BLOSC_STREAMED_CNAMES.has(String(compressor.cname)) && compressor.shuffle !== 2) {
    return { compressor: 'blosc', bytesPerValue, separator, ranges: options.ranges };
  }
  return undefined;
}

export interface SelectionRead {
  array: ZarrArray;
  /** For messages. */
  variable: string;
  location: string;
  encoding: StreamedEncoding | undefined;
  /** Per dimension: the one index read (time, level, or a dimension of length 1), or undefined to read all. */
  selected: ReadonlyArray<number | undefined>;
  /** Where element `index` of dimension `dim` goes in `out`; the places of the dimensions add up. */
  destination: (dim: number, index: number) => number;
  out: Float32Array;
  traffic: Readonly<Traffic>;
  signal?: AbortSignal;
  onChunk?: (chunksRead: number, chunksTotal: number, bytesFetched: number) => void;
  /** Values staged at once at most for a transposed copy (STAGED_VALUES; tests set fewer, to cut blocks across bands). */
  stagedValues?: number;
  /**
   * Where blocks that another selection of the same chunk also needs (another level of the same time) are
   * kept for its read, and taken from when this read is that other one; none: every block is fetched.
   */
  shared?: SharedBlocks;
  /**
   * Selections read next: this one at these indices of dimension `dim` (a time's next levels). The blocks they
   * want of a chunk this read reads are fetched with its own and kept in `shared` for them.
   */
  readNext?: { dim: number; indices: readonly number[] };
}

/** Reads every chunk holding the selection into `out`. */
export async function readSelection(read: SelectionRead): Promise<void> {
  const { array, selected } = read;
  const shape = array.shape;
  const chunkShape = array.chunks;
  const rank = shape.length;
  const chunkRanges = Array.from({ length: rank }, (_, dim) => {
    const pick = selected[dim];
    return pick === undefined ? Array.from({ length: Math.ceil(shape[dim] / chunkShape[dim]) }, (_, k) => k) : [Math.floor(pick / chunkShape[dim])];
  });
  const chunksTotal = chunkRanges.reduce((count, range) => count * range.length, 1);
  const bytesAtStart = read.traffic.bytesFetched;
  let chunksRead = 0;
  for (const coords of cartesian(chunkRanges)) {
    throwIfCancelled(read.signal, 'Reading the latents');
    // Per dimension: the chunk-local indices of the selection, and where each lands in `out`.
    const local: Int32Array[] = [];
    const target: Float64Array[] = [];
    for (let dim = 0; dim < rank; dim++) {
      const start = coords[dim] * chunkShape[dim];
      const pick = selected[dim];
      const indices = pick === undefined ? Array.from({ length: Math.min(chunkShape[dim], shape[dim] - start) }, (_, i) => i) : [pick - start];
      local.push(Int32Array.from(indices));
      target.push(Float64Array.from(indices, (i) => read.destination(dim, start + i)));
    }
    const streamed = read.encoding && (await readChunkByBlocks(read, read.encoding, coords, local, target));
    if (!streamed) {
      // Decoded whole by zarrita: held to what its decoders manage.
      const bytes = array.chunks.reduce((a, b) => a * b, 1) * (array.dtype === 'float64' ? 8 : 4);
      if (bytes > SHAPE_LIMITS.chunkBytes) throw new ChunkTooLargeError(read.variable, array.chunks, array.dtype, bytes, SHAPE_LIMITS.chunkBytes);
      const chunk = await array.getChunk(coords, { signal: read.signal });
      scatterStrided(chunk.data as Float32Array | Float64Array, chunk.stride, local, target, read.out);
    }
    chunksRead += 1;
    read.onChunk?.(chunksRead, chunksTotal, read.traffic.bytesFetched - bytesAtStart);
  }
}

/** Ranges read at once at most: a span of wanted blocks longer than this is read in parts. */
const MAX_RANGE_BYTES = 8 << 20;
/** Ranges of one chunk in flight at once: the next ones arrive while a range's blocks decode. */
const RANGES_IN_FLIGHT = 3;

/** Stores that answered a range read with the whole value (a server that ignores Range). */
const RANGES_IGNORED = new WeakSet<object>();

/** Blocks of a frame read with one range request: `first` .. `last`, lying at [start, end) of the frame. */
interface FrameSpan {
  first: number;
  last: number;
  start: number;
  end: number;
}

/**
 * Reads one chunk block by block; false when its frame turns out to need zarrita (an inner compressor
 * not read here). A Blosc chunk of a store that reads ranges (local files, http) is read in parts: its
 * header and block starts, then the blocks holding the selection alone (one level of the study's
 * atmospheric chunk is a third of its 420 MB), a few MB at a time; else it is read whole. With
 * `readNext`, the blocks the selections read next want are fetched in the same ranges and kept for them.
 */
async function readChunkByBlocks(read: SelectionRead, encoding: StreamedEncoding, coords: number[], local: Int32Array[], target: Float64Array[]): Promise<boolean> {
  const { array } = read;
  const key = coords.join(encoding.separator);
  const path = `${array.path}/${key}` as AbsoluteKey;
  const store = array.store;
  const getRange = (offset: number, length: number) => Promise.resolve(store.getRange!(path, { offset, length }, { signal: read.signal }));
  let inRanges = encoding.compressor === 'blosc' && encoding.ranges && store.getRange !== undefined && !RANGES_IGNORED.has(store);
  let bytes: Uint8Array | undefined;
  if (inRanges) {
    const before = read.traffic.bytesFetched;
    bytes = await getRange(0, BLOSC_HEADER_BYTES);
    // A server that ignores Range sends the whole chunk (cut to the range asked for): read it whole
    // once more, and every later chunk of the store whole at once.
    const counted = read.traffic.bytesFetched - before;
    if (counted > BLOSC_HEADER_BYTES && bytes !== undefined && bytes.byteLength === BLOSC_HEADER_BYTES && counted >= readBloscHeader(bytes).cbytes) {
      RANGES_IGNORED.add(store);
      inRanges = false;
    }
  }
  if (!inRanges) bytes = await store.get(path, { signal: read.signal });
  const values = array.chunks.reduce((a, b) => a * b, 1);
  const expected = values * encoding.bytesPerValue;
  const damaged = (cause: unknown) => new DamagedChunkError(read.variable, read.location, key, { kind: 'undecodable', codec: encoding.compressor, cause });
  const wrongSize = (actualBytes: number) =>
    new DamagedChunkError(read.variable, read.location, key, {
      kind: 'wrong-size',
      expected: { values, bytes: expected, shape: array.chunks.join(' x ') },
      actual: { values: actualBytes / encoding.bytesPerValue, bytes: actualBytes },
    });
  // A missing chunk never gets here: the latent store's reader makes it an error (MissingChunkError).
  if (!bytes) throw damaged(new Error('no bytes'));
  const bands = new SelectionBands(local, target, array.chunks, read.out, read.stagedValues ?? STAGED_VALUES);
  if (encoding.compressor === 'none') {
    if (bytes.byteLength !== expected) throw wrongSize(bytes.byteLength);
    bands.scatter(0, valuesOf(bytes, encoding.bytesPerValue));
    bands.finish();
    return true;
  }
  let frame: ReturnType<typeof openBloscFrame>;
  let part: BloscFramePart = { offset: 0, bytes };
  let frameIndex: Uint8Array | undefined;
  try {
    if (inRanges) {
      const indexBytes = bloscIndexBytes(bytes);
      const starts = indexBytes > bytes.byteLength ? await getRange(bytes.byteLength, indexBytes - bytes.byteLength) : new Uint8Array(0);
      if (!starts || bytes.byteLength + starts.byteLength < indexBytes) throw new BloscFrameError(`the frame ends within its ${indexBytes} bytes of header and block starts`);
      const index = new Uint8Array(indexBytes);
      index.set(bytes.subarray(0, Math.min(indexBytes, bytes.byteLength)));
      index.set(starts, bytes.byteLength);
      frame = openBloscFrameParts(index, () => part);
      frameIndex = index;
    } else frame = openBloscFrame(bytes);
  } catch (error) {
    if (error instanceof BloscUnsupportedError) return false;
    throw damaged(error);
  }
  if (frame.nbytes !== expected) throw wrongSize(frame.nbytes);
  if (frame.blocksize % encoding.bytesPerValue !== 0) return false;
  const valuesPerBlock = frame.blocksize / encoding.bytesPerValue;
  // Blocks another selection of this chunk needs too: taken from `shared` when its read kept them (and not
  // fetched), else kept there once decoded.
  const wanted = inRanges ? new RunCursor(local, target, array.chunks).wantedBlocks(valuesPerBlock, frame.blocks) : undefined;
  // Kept blocks are keyed by the frame's block starts, which tell one content from another only where blocks compress.
  const blocksName = read.shared && frameIndex && someBlockCompresses(frame) ? chunkBlocksName(path, frameIndex) : undefined;
  const shared = blocksName === undefined ? undefined : read.shared;
  const siblingsWant = wanted && shared ? blocksWantedBy(siblingSelections(read, coords, local), target, array.chunks, valuesPerBlock, wanted.length) : undefined;
  const sharing = siblingsWant && wanted?.map((want, index) => want & siblingsWant[index]);
  // Blocks only the selections read next want, fetched now for their reads, where none is kept already.
  const nextWant = read.readNext && wanted && shared ? blocksWantedBy(nextSelections(read, read.readNext, coords, local), target, array.chunks, valuesPerBlock, wanted.length) : undefined;
  const forNext = nextWant && wanted?.map((want, index) => (!want && nextWant[index] && !shared!.has(`${blocksName}#${index}`) ? 1 : 0));
  const taken = new Map<number, Float32Array>();
  if (wanted && shared) {
    for (let index = 0; index < wanted.length; index++) {
      // Any wanted block may be kept: a shared one, or one an earlier sibling's read fetched for this one.
      const values = wanted[index] ? shared.take(`${blocksName}#${index}`) : undefined;
      if (values === undefined) continue;
      // Still wanted by a read to come: kept for it again.
      if (nextWant?.[index]) shared.keep(`${blocksName}#${index}`, values);
      taken.set(index, values);
      wanted[index] = 0;
    }
  }
  const spans = wanted ? frameSpans(frame, forNext ? wanted.map((want, index) => want | forNext[index]) : wanted) : [{ first: 0, last: frame.blocks - 1, start: 0, end: bytes.byteLength }];
  const fetched = inRanges ? spans.map(() => undefined as Promise<Uint8Array | undefined> | undefined) : [];
  /** Scatters the blocks taken from `shared` that lie before block `before`, in order (Map keeps the ascending order they were taken in). */
  const scatterTaken = (before: number) => {
    for (const [index, values] of taken) {
      if (index >= before) return;
      taken.delete(index);
      if (bands.wants(index * valuesPerBlock + values.length)) bands.scatter(index * valuesPerBlock, values);
    }
  };
  const fetch = (k: number) => {
    if (k >= spans.length || fetched[k]) return;
    fetched[k] = getRange(spans[k].start, spans[k].end - spans[k].start);
    // Awaited in turn; one that fails after an earlier failure is not left unhandled.
    fetched[k].catch(() => undefined);
  };
  for (const [k, span] of spans.entries()) {
    scatterTaken(span.first);
    if (inRanges) {
      for (let ahead = k; ahead < k + RANGES_IN_FLIGHT; ahead++) fetch(ahead);
      const partBytes = await fetched[k];
      fetched[k] = undefined;
      part = { offset: span.start, bytes: partBytes ?? new Uint8Array(0) };
    }
    for (let index = span.first; index <= span.last; index++) {
      const here = bands.wants(index * valuesPerBlock + frame.blockBytes(index) / encoding.bytesPerValue);
      if (!here && !forNext?.[index]) continue;
      let block: Uint8Array;
      try {
        block = frame.decodeBlock(index);
      } catch (error) {
        if (error instanceof BloscFrameError) throw damaged(error);
        throw error;
      }
      const values = valuesOf(block, encoding.bytesPerValue);
      if (shared && (sharing?.[index] || forNext?.[index])) shared.keep(`${blocksName}#${index}`, values);
      if (here) bands.scatter(index * valuesPerBlock, values);
    }
  }
  scatterTaken(Number.POSITIVE_INFINITY);
  if (!bands.done) throw damaged(new Error('its blocks end before the values the selection needs'));
  bands.finish();
  return true;
}

/**
 * The selections of the chunk's values that differ from this one in one dimension with one index
 * selected (the other levels of a chunk of three levels, say), as chunk-local indices; none where each
 * such dimension has one index a chunk.
 */
function siblingSelections(read: SelectionRead, coords: number[], local: Int32Array[]): Int32Array[][] {
  const { shape, chunks } = read.array;
  const siblings: Int32Array[][] = [];
  for (const [dim, pick] of read.selected.entries()) {
    if (pick === undefined) continue;
    const start = coords[dim] * chunks[dim];
    for (let index = start; index < Math.min(start + chunks[dim], shape[dim]); index++) {
      if (index !== pick) siblings.push(local.map((indices, d) => (d === dim ? Int32Array.of(index - start) : indices)));
    }
  }
  return siblings;
}

/** The selections read next that lie in this chunk, as chunk-local indices. */
function nextSelections(read: SelectionRead, next: NonNullable<SelectionRead['readNext']>, coords: number[], local: Int32Array[]): Int32Array[][] {
  const { shape, chunks } = read.array;
  const start = coords[next.dim] * chunks[next.dim];
  const end = Math.min(start + chunks[next.dim], shape[next.dim]);
  return next.indices.filter((index) => index >= start && index < end && index !== read.selected[next.dim]).map((index) => local.map((indices, d) => (d === next.dim ? Int32Array.of(index - start) : indices)));
}

/** The blocks some sibling selection wants, as 0/1 per block. */
function blocksWantedBy(siblings: Int32Array[][], target: Float64Array[], chunkShape: readonly number[], valuesPerBlock: number, blocks: number): Uint8Array {
  const any = new Uint8Array(blocks);
  for (const sibling of siblings) {
    // The targets only shape the cursor here: each sibling's changed dimension has one index, as this selection's has.
    const theirs = new RunCursor(sibling, target, chunkShape).wantedBlocks(valuesPerBlock, blocks);
    for (let index = 0; index < blocks; index++) any[index] |= theirs[index];
  }
  return any;
}

/** Whether any block of the frame is stored shorter than it decodes (a frame stored as it is has all blocks at their own length). */
function someBlockCompresses(frame: BloscFrame): boolean {
  for (let index = 0; index < frame.blocks; index++) {
    const { start, end } = frame.blockExtent(index);
    if (end - start < frame.blockBytes(index)) return true;
  }
  return false;
}

/** The wanted blocks as ranges of the frame: blocks that lie one after the other, up to MAX_RANGE_BYTES a range. */
function frameSpans(frame: BloscFrame, wanted: Uint8Array): FrameSpan[] {
  const spans: FrameSpan[] = [];
  let span: FrameSpan | undefined;
  for (let index = 0; index < wanted.length; index++) {
    if (!wanted[index]) {
      span = undefined;
      continue;
    }
    const { start, end } = frame.blockExtent(index);
    if (span && span.end === start && end - span.start <= MAX_RANGE_BYTES) {
      span.last = index;
      span.end = end;
    } else {
      span = { first: index, last: index, start, end };
      spans.push(span);
    }
  }
  return spans;
}

/**
 * Values staged at once at most (4 MB of float32): 16 embed planes of the 0.25-degree grid, so that a
 * band writes one 64-byte cache line of each patch's row.
 */
const STAGED_VALUES = 1 << 20;

/**
 * Where a chunk's values go, in storage order. Runs along the chunk's last dimension whose values land
 * far apart in `out` (each write its own cache line, as embed-major latents going to patch-major rows)
 * are staged in storage order first, then copied with the dimension nearest in `out` innermost, so that
 * the writes are contiguous. They are staged a band at a time (a few indices of the selection's first
 * dimension with more than one: embed planes in the study's layout), so that no more than a few MB of
 * the chunk is ever held twice; a block that straddles two bands goes to both.
 */
class SelectionBands {
  /** The dimension copied innermost, or undefined: values are scattered straight into `out`. */
  private readonly transposed: number | undefined;
  /** The dimension cut into bands, and how many of its indices a band takes. */
  private readonly banded: number;
  private readonly bandLength: number;
  private readonly staging: Float32Array | undefined;
  private band = 0;
  private bandLocal: Int32Array[];
  private bandTarget: Float64Array[];
  private cursor: RunCursor;

  constructor(
    private readonly local: Int32Array[],
    private readonly target: Float64Array[],
    private readonly chunkShape: readonly number[],
    private readonly out: Float32Array,
    stagedValues: number,
  ) {
    this.transposed = transposingDimension(local, target);
    const banded = local.findIndex((indices) => indices.length > 1);
    this.banded = banded < 0 ? 0 : banded;
    if (this.transposed === undefined) {
      this.bandLength = local[this.banded].length;
      this.staging = undefined;
    } else {
      const valuesPerIndex = local.reduce((count, indices, dim) => (dim > this.banded ? count * indices.length : count), 1);
      this.bandLength = Math.min(local[this.banded].length, Math.max(1, Math.floor(stagedValues / valuesPerIndex)));
      this.staging = new Float32Array(valuesPerIndex * this.bandLength);
    }
    [this.bandLocal, this.bandTarget, this.cursor] = this.openBand();
  }

  /** Whether every band is written but for the last one's copy (finish). */
  get done(): boolean {
    return this.cursor.done && this.isLastBand();
  }

  /** Whether a block ending before value `end` holds any value still wanted. */
  wants(end: number): boolean {
    return this.cursor.wants(end);
  }

  /** Puts the wanted values among `values` (the chunk's values from `first` on) in place, band after band. */
  scatter(first: number, values: Float32Array | Float64Array): void {
    for (;;) {
      this.cursor.scatter(first, values, this.staging ?? this.out);
      if (!this.cursor.done || this.isLastBand()) return;
      // The rest of these values may belong to the next band.
      this.copyBand();
      this.band += 1;
      [this.bandLocal, this.bandTarget, this.cursor] = this.openBand();
    }
  }

  /** Copies the last band to `out`. */
  finish(): void {
    this.copyBand();
  }

  private isLastBand(): boolean {
    return (this.band + 1) * this.bandLength >= this.local[this.banded].length;
  }

  private openBand(): [Int32Array[], Float64Array[], RunCursor] {
    const from = this.band * this.bandLength;
    const to = from + this.bandLength;
    const bandLocal = this.local.map((indices, dim) => (dim === this.banded ? indices.subarray(from, to) : indices));
    const bandTarget = this.target.map((targets, dim) => (dim === this.banded ? targets.subarray(from, to) : targets));
    return [bandLocal, bandTarget, new RunCursor(bandLocal, this.staging ? storageTargets(bandLocal) : bandTarget, this.chunkShape)];
  }

  private copyBand(): void {
    if (!this.staging || this.transposed === undefined) return;
    const values = this.bandLocal.reduce((count, indices) => count * indices.length, 1);
    copyTransposed(this.staging.subarray(0, values), this.bandLocal, this.bandTarget, this.transposed, this.out);
  }
}

/** Step in `out` between consecutive selected indices of a dimension; Infinity for one index. */
const destinationStep = (target: Float64Array): number => (target.length > 1 ? Math.abs(target[1] - target[0]) : Number.POSITIVE_INFINITY);

/**
 * The dimension whose consecutive indices land nearest each other in `out`, when it is not the last
 * (whose runs are then scattered) and the last dimension's indices land further apart; else undefined.
 */
function transposingDimension(local: Int32Array[], target: Float64Array[]): number | undefined {
  const last = local.length - 1;
  let nearest = last;
  for (let dim = 0; dim < last; dim++) if (destinationStep(target[dim]) < destinationStep(target[nearest])) nearest = dim;
  return nearest !== last && destinationStep(target[last]) > 1 ? nearest : undefined;
}

/** Each selected index's place in the selection laid out in storage (C) order. */
function storageTargets(local: Int32Array[]): Float64Array[] {
  let stride = 1;
  const targets: Float64Array[] = [];
  for (let dim = local.length - 1; dim >= 0; dim--) {
    const step = stride;
    targets[dim] = Float64Array.from(local[dim], (_, k) => k * step);
    stride *= local[dim].length;
  }
  return targets;
}

/**
 * Copies the selection staged in storage order to its places in `out`, with dimension `inner` innermost:
 * its values are read from as many streams as it has indices (a few hundred cache lines, each used again
 * at the next index of the last dimension) and written one after the other.
 */
function copyTransposed(staged: Float32Array, local: Int32Array[], target: Float64Array[], inner: number, out: Float32Array): void {
  if (staged.length === 0) return;
  const rank = local.length;
  const last = rank - 1;
  const storageStride = storageTargets(local).map((targets, dim) => (local[dim].length > 1 ? targets[1] : 0));
  const outer = Array.from({ length: last }, (_, dim) => dim).filter((dim) => dim !== inner);
  const counter = new Int32Array(outer.length);
  const innerTarget = target[inner];
  const innerStride = storageStride[inner];
  const innerCount = local[inner].length;
  const lastTarget = target[last];
  const innerStart = innerTarget[0];
  const innerContiguous = innerTarget.every((place, i) => place === innerStart + i);
  for (;;) {
    let source = 0;
    let destination = 0;
    for (let k = 0; k < outer.length; k++) {
      source += counter[k] * storageStride[outer[k]];
      destination += target[outer[k]][counter[k]];
    }
    if (innerContiguous) {
      // The common case (a level's embed dimension into a row of `out`): four of the last dimension's
      // indices at a time, so that each cache line of the inner dimension's streams serves all four.
      let j = 0;
      for (; j + 3 < lastTarget.length; j += 4) {
        const from = source + j;
        const to0 = destination + lastTarget[j] + innerStart;
        const to1 = destination + lastTarget[j + 1] + innerStart;
        const to2 = destination + lastTarget[j + 2] + innerStart;
        const to3 = destination + lastTarget[j + 3] + innerStart;
        for (let i = 0; i < innerCount; i++) {
          const at = from + i * innerStride;
          out[to0 + i] = staged[at];
          out[to1 + i] = staged[at + 1];
          out[to2 + i] = staged[at + 2];
          out[to3 + i] = staged[at + 3];
        }
      }
      for (; j < lastTarget.length; j++) {
        const to = destination + lastTarget[j] + innerStart;
        for (let i = 0; i < innerCount; i++) out[to + i] = staged[source + j + i * innerStride];
      }
    } else {
      for (let j = 0; j < lastTarget.length; j++) {
        const from = source + j;
        const to = destination + lastTarget[j];
        for (let i = 0; i < innerCount; i++) out[to + innerTarget[i]] = staged[from + i * innerStride];
      }
    }
    let k = outer.length - 1;
    while (k >= 0 && ++counter[k] === local[outer[k]].length) counter[k--] = 0;
    if (k < 0) return;
  }
}

/** The bytes as little-endian values, viewed in place when aligned (copied when not). */
function valuesOf(bytes: Uint8Array, bytesPerValue: 4 | 8): Float32Array | Float64Array {
  const aligned = bytes.byteOffset % bytesPerValue === 0 ? bytes : bytes.slice();
  const count = aligned.byteLength / bytesPerValue;
  return bytesPerValue === 8 ? new Float64Array(aligned.buffer, aligned.byteOffset, count) : new Float32Array(aligned.buffer, aligned.byteOffset, count);
}

/**
 * The selection's elements of one C-order chunk, in storage order: runs along the last dimension, one
 * per combination of the other dimensions' selected indices, each with where its values go.
 */
class RunCursor {
  private readonly outer: number;
  private readonly counter: Int32Array;
  private readonly strides: number[];
  private runStart = 0;
  private runTarget = 0;
  /** Position within the current run (a run may span blocks). */
  private position = 0;
  /** Whether the last dimension's indices, and their places, are consecutive. */
  private readonly contiguous: boolean;
  done = false;

  constructor(
    private readonly local: Int32Array[],
    private readonly target: Float64Array[],
    chunkShape: readonly number[],
  ) {
    this.outer = local.length - 1;
    this.counter = new Int32Array(this.outer);
    this.strides = chunkShape.map((_, dim) => chunkShape.slice(dim + 1).reduce((a, b) => a * b, 1));
    this.done = local.some((indices) => indices.length === 0);
    const innerLocal = local[this.outer];
    const innerTarget = target[this.outer];
    this.contiguous = innerLocal.every((index, k) => index === innerLocal[0] + k && innerTarget[k] === innerTarget[0] + k);
    this.place();
  }

  /** Whether a block ending before value `end` holds any value still wanted. */
  wants(end: number): boolean {
    return !this.done && this.runStart + this.local[this.outer][this.position] < end;
  }

  /**
   * Which of a frame's blocks (of `valuesPerBlock` values each) hold values of the selection, as 0/1 per
   * block: those each run spans, from its first value to its last. Leaves the cursor where it was.
   */
  wantedBlocks(valuesPerBlock: number, blocks: number): Uint8Array {
    const wanted = new Uint8Array(blocks);
    if (this.done) return wanted;
    const innerLocal = this.local[this.outer];
    const first = innerLocal.reduce((a, b) => Math.min(a, b), Number.POSITIVE_INFINITY);
    const last = innerLocal.reduce((a, b) => Math.max(a, b), 0);
    const counter = new Int32Array(this.outer);
    for (;;) {
      let start = 0;
      for (let dim = 0; dim < this.outer; dim++) start += this.local[dim][counter[dim]] * this.strides[dim];
      const to = Math.min(blocks - 1, Math.floor((start + last) / valuesPerBlock));
      for (let block = Math.floor((start + first) / valuesPerBlock); block <= to; block++) wanted[block] = 1;
      let dim = this.outer - 1;
      while (dim >= 0 && ++counter[dim] === this.local[dim].length) counter[dim--] = 0;
      if (dim < 0) return wanted;
    }
  }

  /** Puts the wanted values among `values` (the chunk's values from `first` on) into `out`. */
  scatter(first: number, values: Float32Array | Float64Array, out: Float32Array): void {
    const end = first + values.length;
    const innerLocal = this.local[this.outer];
    const innerTarget = this.target[this.outer];
    while (!this.done) {
      const stop = copyRun(values, this.runStart - first, end - first, out, this.runTarget, innerLocal, innerTarget, this.position, this.contiguous);
      this.position = stop;
      if (stop < innerLocal.length) return; // the run goes on in the next block
      this.next();
    }
  }

  private place(): void {
    let start = 0;
    let target = 0;
    for (let dim = 0; dim < this.outer; dim++) {
      start += this.local[dim][this.counter[dim]] * this.strides[dim];
      target += this.target[dim][this.counter[dim]];
    }
    this.runStart = start;
    this.runTarget = target;
    this.position = 0;
  }

  private next(): void {
    let dim = this.outer - 1;
    while (dim >= 0 && ++this.counter[dim] === this.local[dim].length) this.counter[dim--] = 0;
    if (dim < 0) this.done = true;
    else this.place();
  }
}

/**
 * Copies a run's values from `values` (the run's first value at `start`, which may be negative when the
 * run began in an earlier block) while they lie before `end`, from its `from`-th value on; returns
 * where it stopped. Kept small and alone so that V8 compiles it for each array type it meets.
 */
function copyRun(
  values: Float32Array | Float64Array,
  start: number,
  end: number,
  out: Float32Array,
  target: number,
  innerLocal: Int32Array,
  innerTarget: Float64Array,
  from: number,
  contiguous: boolean,
): number {
  const count = innerLocal.length;
  let k = from;
  if (contiguous) {
    // Consecutive values to consecutive places (a whole run of the last dimension): no index lookups.
    const first = start + innerLocal[0];
    const place = target + innerTarget[0];
    const stop = Math.min(count, end - first);
    for (; k < stop; k++) out[place + k] = values[first + k];
    return k;
  }
  for (; k < count; k++) {
    const at = start + innerLocal[k];
    if (at >= end) break;
    out[target + innerTarget[k]] = values[at];
  }
  return k;
}

/** out[sum of targets] = data[sum of local * stride] over every combination, the last dimension innermost. */
function scatterStrided(data: Float32Array | Float64Array, stride: readonly number[], local: Int32Array[], target: Float64Array[], out: Float32Array): void {
  const rank = local.length;
  const last = rank - 1;
  const innerLocal = local[last];
  const innerTarget = target[last];
  const innerStride = stride[last];
  const counter = new Int32Array(Math.max(0, last));
  for (;;) {
    let source = 0;
    let destination = 0;
    for (let dim = 0; dim < last; dim++) {
      source += local[dim][counter[dim]] * stride[dim];
      destination += target[dim][counter[dim]];
    }
    for (let i = 0; i < innerLocal.length; i++) out[destination + innerTarget[i]] = data[source + innerLocal[i] * innerStride];
    let dim = last - 1;
    while (dim >= 0 && ++counter[dim] === local[dim].length) counter[dim--] = 0;
    if (dim < 0) return;
  }
}

function* cartesian(ranges: readonly number[][]): Generator<number[]> {
  const counter = ranges.map(() => 0);
  if (ranges.some((range) => range.length === 0)) return;
  for (;;) {
    yield counter.map((k, dim) => ranges[dim][k]);
    let dim = ranges.length - 1;
    while (dim >= 0 && ++counter[dim] === ranges[dim].length) counter[dim--] = 0;
    if (dim < 0) return;
  }
}
