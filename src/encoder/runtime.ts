// The encoder runtime shared by the browser worker and the CLI: turns a NormalisedBatch (and an
// optional region) into latents, tile by tile, over any onnxruntime session (see session.*.ts).
// Nothing in the encoder mixes patches, so tiles of patch rows give the same result as one run.
import type { NormalisedBatch } from '../data/batch.ts';
import { createPatchGrid, longitudeInRange, patchCentres, patchColumns, type PatchGrid } from '../data/geometry.ts';
import type { EncoderConfig } from './config.ts';
import { ATMOSPHERIC_VARIABLES, STATIC_VARIABLES, SURFACE_VARIABLES } from '../data/batch.ts';
import { gridEncodings, levelsEncoding, timeEncoding, type GridEncodings } from './fourier.ts';
import { largestTensorBytesPerPatch } from './gpu-tiles.ts';
import { atmosFeatures, bandValuesPerPatch, surfaceFeatures } from './graph.ts';
import type { PatchList } from './patchify.ts';
import { cancellationPoint, ProductError } from '../errors.ts';

/** A problem with the encoder's input or options; the message says what to change. */
export class EncoderError extends ProductError {
  readonly kind = 'encoder';
}

/**
 * One run of the graph (graph.ts GRAPH_IO): `patches` patches of a band of `bandRows` whole patch rows
 * of `bandColumns` patches of `patchSize` x `patchSize` grid points, at `levelCount` pressure levels.
 */
export interface GraphFeeds {
  patches: number;
  levelCount: number;
  bandRows: number;
  bandColumns: number;
  patchSize: number;
  surfaceBand: Float32Array;
  atmosBand: Float32Array;
  /** (patches): which patches of the band, row-major, in the output's order. */
  bandPatches: Int32Array;
  latitudeEncoding: Float32Array;
  longitudeEncoding: Float32Array;
  scaleEncoding: Float32Array;
  scaleIndex: Int32Array;
  time: Float32Array;
  levels: Float32Array;
}

/** An inference session of the encoder graph on some backend. */
export interface EncoderSession {
  /** Which backend runs it, in words, e.g. "onnxruntime-node CPU" or "onnxruntime-web WebGPU". */
  readonly backend: string;
  /**
   * The most patches one run should take with `levelCount` pressure levels: WebGPU sessions derive it
   * from the adapter's limits (gpu-tiles.ts), the browser's WASM session from Cancel's bound
   * (session.web.ts BROWSER_WASM_TILE_PATCHES); others leave it out and get DEFAULT_MAX_TILE_PATCHES.
   */
  maxTilePatches?(levelCount: number): number;
  /** Milliseconds spent inside onnxruntime's own run() so far, where the session counts them (benchmarks). */
  readonly runMilliseconds?: number;
  /**
   * Runs the graph; returns latents (latent_levels, patches, D), graph.ts GRAPH_IO.latents, in an
   * array that is the caller's to keep. The feeds' arrays are the caller's to reuse once the returned
   * promise settles, not before.
   */
  run(feeds: GraphFeeds): Promise<Float32Array>;
  release(): Promise<void>;
}

/** Patches to encode: those whose centres lie in a lat/lon box, or a mask over global patch indices. */
export type Region =
  | { kind: 'box'; south: number; north: number; west: number; east: number }
  | { kind: 'mask'; mask: Uint8Array };

export interface EncodeProgress {
  donePatches: number;
  totalPatches: number;
  doneTiles: number;
  totalTiles: number;
}

export interface EncodedTile {
  /** Position of the tile's first patch in the result's patch list. */
  offset: number;
  patchIndices: Int32Array;
  /** (latent_levels, tile patches, D), the listener's to keep */
  latents: Float32Array;
}

export interface EncodeOptions {
  region?: Region;
  /** Patch rows per tile (default: as many as fit maxTilePatches). */
  tileRows?: number;
  /** Upper bound of patches per run, which bounds memory (default DEFAULT_MAX_TILE_PATCHES). */
  maxTilePatches?: number;
  signal?: AbortSignal;
  onProgress?(progress: EncodeProgress): void;
  onTile?(tile: EncodedTile): void;
}

export interface EncodeResult {
  /** (latent_levels, patches, D), level-major (surface first), then the patches in `patchIndices` order. */
  latents: Float32Array;
  latentLevels: number;
  embedDim: number;
  /** Global patch index (row-major over the full cropped grid) of each encoded patch, ascending. */
  patchIndices: Int32Array;
  /** Patch centres (degrees, longitudes in [0, 360)) of each encoded patch. */
  centreLat: Float64Array;
  centreLon: Float64Array;
  /** Patch columns and rows of the full grid, to place patch indices on a map. */
  patchColumns: number;
  totalPatchRows: number;
  backend: string;
}

/**
 * Patches per run by default, chosen by measurement (bench/encoder.ts, bench:encoder:browser): 512 is
 * the fastest tile in Node, and in Chromium 256, 512 and 1024 run at the same speed while 512 keeps
 * the 0.25-degree encode's peak 125 MB lower than 1024 (onnxruntime's arena grows with the tile). The
 * browser's WASM session takes smaller tiles, for Cancel (session.web.ts BROWSER_WASM_TILE_PATCHES).
 */
export const DEFAULT_MAX_TILE_PATCHES = 512;

export async function encodeBatch(session: EncoderSession, config: EncoderConfig, batch: NormalisedBatch, options: EncodeOptions = {}): Promise<EncodeResult> {
  checkBatch(batch, config);
  const grid = createPatchGrid(batch.lat, batch.lon, batch.rowOffset, batch.fullHeight);
  const selected = selectPatches(grid, options.region);
  checkColumnsHeld(batch, selected);
  const levelCount = batch.levels.length;
  const columns = patchColumns(grid);
  // The session's own budget is asked again after every tile: a GPU session that fell back to WASM
  // takes WASM's tiles from then on.
  const budget = () => options.maxTilePatches ?? session.maxTilePatches?.(levelCount) ?? DEFAULT_MAX_TILE_PATCHES;
  const plan = (rows: Int32Array, tilePatches: number) => planTiles(rows, options.tileRows, tilePatches, maxBandRows(config, levelCount, columns, tilePatches));
  let tileBudget = budget();
  const tiles = plan(selected.rows, tileBudget);
  const { embedDim: d, latentLevels } = config;
  const total = selected.rows.length;
  const latents = new Float32Array(latentLevels * total * d);
  const feeder = new TileFeeder(batch, config, selected, columns);
  options.onProgress?.({ donePatches: 0, totalPatches: total, doneTiles: 0, totalTiles: tiles.length });
  // Two sets of input buffers, and the session kept busy: as soon as a tile's output is back, the next
  // tile (built meanwhile) starts, and this tile's output is copied out and the one after next built
  // while the session runs. A GPU, or onnxruntime-node's own threads, then never waits on our copies.
  await cancellationPoint(options.signal, 'The encode');
  let running = session.run(feeder.fill(tiles[0], 0));
  let next = tiles.length > 1 ? feeder.fill(tiles[1], 1) : null;
  for (let t = 0; t < tiles.length; t++) {
    const { start, end } = tiles[t];
    const output = await running;
    const n = end - start;
    if (output.length !== latentLevels * n * d) throw new EncoderError(`the model returned ${output.length} values for ${n} patches; is it an encoder of this configuration?`);
    if (next && budget() !== tileBudget) {
      // A GPU session that fell back to WASM: the rest is planned again in WASM's tiles.
      tileBudget = budget();
      const rest = plan(selected.rows.subarray(end), tileBudget).map((tile) => ({ start: tile.start + end, end: tile.end + end }));
      tiles.splice(t + 1, tiles.length, ...rest);
      next = feeder.fill(tiles[t + 1], (t + 1) % 2);
    }
    if (next) {
      await cancellationPoint(options.signal, 'The encode');
      running = session.run(next);
    }
    // The graph's output is level-major like the result: one block per level.
    for (let level = 0; level < latentLevels; level++) latents.set(output.subarray(level * n * d, (level + 1) * n * d), (level * total + start) * d);
    options.onTile?.({ offset: start, patchIndices: selected.indices.subarray(start, end), latents: output });
    // This tile's buffers are free again (its run settled): the tile after next is built into them.
    next = next && t + 2 < tiles.length ? feeder.fill(tiles[t + 2], t % 2) : null;
    options.onProgress?.({ donePatches: end, totalPatches: total, doneTiles: t + 1, totalTiles: tiles.length });
  }
  return {
    latents,
    latentLevels,
    embedDim: d,
    patchIndices: selected.indices,
    centreLat: selected.centreLat,
    centreLon: selected.centreLon,
    patchColumns: columns,
    totalPatchRows: grid.totalPatchRows,
    backend: session.backend,
  };
}

/**
 * The most patch rows one tile's band may span: a tile of a sparse region (a box, a mask) still
 * sends whole patch rows, whose bands must hold no more bytes than the tile's largest tensor would
 * at `tilePatches` patches (which the tile budget, on a GPU, fits to the device's limits).
 */
export function maxBandRows(config: EncoderConfig, levelCount: number, columns: number, tilePatches: number): number {
  const bandBytesPerRow = 4 * bandValuesPerPatch(config, levelCount) * columns;
  return Math.max(1, Math.floor((tilePatches * largestTensorBytesPerPatch(config, levelCount)) / bandBytesPerRow));
}

/**
 * Runs `session` once on a tile of `patches` zero patches at `levelCount` levels, so that a GPU pays
 * for its first run before the first real tile (31-36 s on an H200, of which creating the pipelines
 * is 0.5 s: README, WebGPU on a real GPU) and the self-check meets its CPU session. Returns the milliseconds.
 */
export async function warmUpSession(session: EncoderSession, config: EncoderConfig, levelCount: number, patches: number): Promise<number> {
  const { embedDim: d, patchSize: p } = config;
  const started = performance.now();
  await session.run({
    patches,
    levelCount,
    bandRows: 1,
    bandColumns: patches,
    patchSize: p,
    surfaceBand: new Float32Array(patches * surfaceFeatures(config)),
    atmosBand: new Float32Array(patches * levelCount * atmosFeatures(config)),
    bandPatches: Int32Array.from({ length: patches }, (_, k) => k),
    latitudeEncoding: new Float32Array(d / 2),
    longitudeEncoding: new Float32Array(patches * (d / 2)),
    scaleEncoding: new Float32Array(d),
    scaleIndex: new Int32Array(patches),
    time: new Float32Array(2 * d),
    levels: new Float32Array(levelCount * d),
  });
  return performance.now() - started;
}

interface BandBuffers {
  surface: Float32Array;
  atmos: Float32Array;
  bandPatches: Int32Array;
  scaleIndex: Int32Array;
}

/**
 * Builds each tile's graph inputs into buffers kept across tiles (two sets, for building one tile
 * while another runs). A tile's band is a few contiguous runs of grid rows per variable, step and
 * level, copied whole; the graph cuts the patches. What is the same for every tile (time and level
 * encodings, the grid's encoding tables) is computed once, and a band's rows of the tables are views.
 */
class TileFeeder {
  private readonly slots: BandBuffers[] = [];
  private readonly time: Float32Array;
  private readonly levels: Float32Array;
  private readonly encodings: GridEncodings;
  /** The surface band's planes in order: each surface then static variable at each step (statics repeated). */
  private readonly surfacePlanes: Array<{ data: Float32Array; offset: number }> = [];
  /** The atmospheric band's planes in order: per level, each variable at each step. */
  private readonly atmosPlanes: Array<{ data: Float32Array; offset: number }> = [];
  private readonly rowValues: number;

  constructor(
    private readonly batch: NormalisedBatch,
    private readonly config: EncoderConfig,
    private readonly patches: PatchList,
    private readonly columns: number,
  ) {
    const d = config.embedDim;
    this.time = timeEncoding(batch.time, d);
    this.levels = levelsEncoding(batch.levels, d);
    this.encodings = gridEncodings({ lat: batch.lat, lon: batch.lon, patchSize: config.patchSize }, d);
    const plane = batch.lat.length * batch.lon.length;
    const steps = config.historySize;
    const c = batch.levels.length;
    for (const name of SURFACE_VARIABLES) for (let step = 0; step < steps; step++) this.surfacePlanes.push({ data: batch.surface[name], offset: step * plane });
    for (const name of STATIC_VARIABLES) for (let step = 0; step < steps; step++) this.surfacePlanes.push({ data: batch.static[name], offset: 0 });
    for (let level = 0; level < c; level++) {
      for (const name of ATMOSPHERIC_VARIABLES) for (let step = 0; step < steps; step++) this.atmosPlanes.push({ data: batch.atmos[name], offset: (step * c + level) * plane });
    }
    this.rowValues = config.patchSize * batch.lon.length;
  }

  fill(tile: { start: number; end: number }, slot: number): GraphFeeds {
    const n = tile.end - tile.start;
    const rows = this.patches.rows.subarray(tile.start, tile.end);
    const cols = this.patches.cols.subarray(tile.start, tile.end);
    const first = rows[0];
    const bandRows = rows[n - 1] - first + 1;
    const bandPatchCount = bandRows * this.columns;
    const bandPlane = bandRows * this.rowValues;
    let buffers = this.slots[slot];
    const needed = { surface: this.surfacePlanes.length * bandPlane, atmos: this.atmosPlanes.length * bandPlane };
    if (!buffers || buffers.surface.length < needed.surface || buffers.atmos.length < needed.atmos || buffers.bandPatches.length < n || buffers.scaleIndex.length < bandPatchCount) {
      buffers = { surface: new Float32Array(needed.surface), atmos: new Float32Array(needed.atmos), bandPatches: new Int32Array(n), scaleIndex: new Int32Array(bandPatchCount) };
      this.slots[slot] = buffers;
    }
    const surfaceBand = buffers.surface.subarray(0, needed.surface);
    const atmosBand = buffers.atmos.subarray(0, needed.atmos);
    const bandStart = first * this.rowValues;
    this.surfacePlanes.forEach(({ data, offset }, i) => surfaceBand.set(data.subarray(offset + bandStart, offset + bandStart + bandPlane), i * bandPlane));
    this.atmosPlanes.forEach(({ data, offset }, i) => atmosBand.set(data.subarray(offset + bandStart, offset + bandStart + bandPlane), i * bandPlane));
    const bandPatches = buffers.bandPatches.subarray(0, n);
    for (let k = 0; k < n; k++) bandPatches[k] = (rows[k] - first) * this.columns + cols[k];
    const { latitude, longitude, scale, scaleRowStart, scaleIndex: gridScaleIndex } = this.encodings;
    const half = this.config.embedDim / 2;
    const firstScale = scaleRowStart[first];
    const scaleIndex = buffers.scaleIndex.subarray(0, bandPatchCount);
    for (let k = 0; k < bandPatchCount; k++) scaleIndex[k] = gridScaleIndex[first * this.columns + k] - firstScale;
    return {
      patches: n,
      levelCount: this.batch.levels.length,
      bandRows,
      bandColumns: this.columns,
      patchSize: this.config.patchSize,
      surfaceBand,
      atmosBand,
      bandPatches,
      latitudeEncoding: latitude.subarray(first * half, (first + bandRows) * half),
      longitudeEncoding: longitude,
      scaleEncoding: scale.subarray(firstScale * 2 * half, scaleRowStart[first + bandRows] * 2 * half),
      scaleIndex,
      time: this.time,
      levels: this.levels,
    };
  }
}

function checkBatch(batch: NormalisedBatch, config: EncoderConfig): void {
  if (batch.stepTimes.length !== config.historySize) {
    throw new EncoderError(`the model takes ${config.historySize} history steps, the batch has ${batch.stepTimes.length}`);
  }
  if (batch.levels.length === 0) throw new EncoderError('the batch has no pressure levels');
  const p = config.patchSize;
  if (batch.lat.length % p !== 0 || batch.lon.length % p !== 0) {
    throw new EncoderError(`the grid (${batch.lat.length} x ${batch.lon.length}) is not a whole number of ${p} x ${p} patches; crop it as Aurora does`);
  }
}

/** A batch read for a box holds values only in its patch columns: a patch outside them would encode NaN. */
function checkColumnsHeld(batch: NormalisedBatch, selected: SelectedPatches): void {
  const held = batch.lonRange;
  if (!held) return;
  const outside = selected.centreLon.findIndex((lon) => !longitudeInRange(lon, held.west, held.east));
  if (outside >= 0) {
    throw new EncoderError(`patch ${selected.indices[outside]} (centre ${selected.centreLon[outside]} E) lies outside the longitudes ${held.west} .. ${held.east} the batch was read for; read the batch for the region encoded`);
  }
}

export interface SelectedPatches extends PatchList {
  indices: Int32Array;
  centreLat: Float64Array;
  centreLon: Float64Array;
}

/** The patches to encode, row-major, as (row, col) within the batch and global indices; what a latent store of the region holds. */
export function selectPatches(grid: PatchGrid, region: Region | undefined): SelectedPatches {
  const cols = patchColumns(grid);
  const centres = patchCentres(grid);
  const held = centres.lat.length;
  const first = grid.firstPatchRow * cols;
  let keep: ((local: number) => boolean) | null = null;
  if (region?.kind === 'mask') {
    const expected = grid.totalPatchRows * cols;
    if (region.mask.length !== expected) throw new EncoderError(`the patch mask has ${region.mask.length} entries; the grid has ${expected} patches`);
    for (let index = 0; index < expected; index++) {
      if (region.mask[index] && (index < first || index >= first + held)) {
        throw new EncoderError(`the patch mask selects patch ${index}, outside the rows this batch holds; load those rows first`);
      }
    }
    keep = (local) => region.mask[first + local] !== 0;
  } else if (region) {
    const { south, north, west, east } = region;
    if (!(south <= north)) throw new EncoderError(`the region's south (${south}) is north of its north (${north})`);
    keep = (local) => centres.lat[local] >= south && centres.lat[local] <= north && longitudeInRange(centres.lon[local], west, east);
  }
  // Typed arrays and plain loops: a 0.25-degree globe has 64,800 patches.
  const chosen = new Int32Array(held);
  let count = 0;
  for (let local = 0; local < held; local++) if (!keep || keep(local)) chosen[count++] = local;
  if (count === 0) throw new EncoderError('the region holds no patch centres of this grid');
  const selected = { rows: new Int32Array(count), cols: new Int32Array(count), indices: new Int32Array(count), centreLat: new Float64Array(count), centreLon: new Float64Array(count) };
  for (let k = 0; k < count; k++) {
    const local = chosen[k];
    selected.rows[k] = Math.floor(local / cols);
    selected.cols[k] = local % cols;
    selected.indices[k] = first + local;
    selected.centreLat[k] = centres.lat[local];
    selected.centreLon[k] = centres.lon[local];
  }
  return selected;
}

/**
 * Consecutive runs of the patch list: whole patch rows, at most `tileRows` rows and `maxPatches`
 * patches each, spanning at most `maxBandRows` patch rows from first to last.
 */
export function planTiles(rows: Int32Array, tileRows: number | undefined, maxPatches: number, maxBandRows = Number.POSITIVE_INFINITY): Array<{ start: number; end: number }> {
  if (tileRows !== undefined && !(Number.isInteger(tileRows) && tileRows >= 1)) throw new EncoderError(`tile rows must be a positive integer, got ${tileRows}`);
  if (!(Number.isInteger(maxPatches) && maxPatches >= 1)) throw new EncoderError(`patches per tile must be a positive integer, got ${maxPatches}`);
  const tiles: Array<{ start: number; end: number }> = [];
  let start = 0;
  while (start < rows.length) {
    let end = start;
    let rowsInTile = 0;
    while (end < rows.length) {
      const row = rows[end];
      let rowEnd = end;
      while (rowEnd < rows.length && rows[rowEnd] === row) rowEnd++;
      if (tileRows !== undefined && rowsInTile === tileRows) break;
      if (end > start && row - rows[start] + 1 > maxBandRows) break;
      if (rowEnd - start > maxPatches) {
        // A row wider than the budget is split; otherwise the tile stops before this row.
        if (end === start) end = start + maxPatches;
        break;
      }
      end = rowEnd;
      rowsInTile++;
    }
    tiles.push({ start, end });
    start = end;
  }
  return tiles;
}
