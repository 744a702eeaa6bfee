// The encoder runtime shared by the browser worker and the CLI: turns a NormalisedBatch (and an
// optional region) into latents, tile by tile, over any onnxruntime session (see session.*.ts).
// Nothing in the encoder mixes patches, so tiles of patch rows give the same result as one run.
import type { NormalisedBatch } from '../data/batch.ts';
import { createPatchGrid, longitudeInRange, patchCentres, patchColumns, type PatchGrid } from '../data/geometry.ts';
import type { EncoderConfig } from './config.ts';
import { levelsEncoding, positionScaleEncoder, timeEncoding, type PositionScaleEncoder } from './fourier.ts';
import { atmosFeatures, surfaceFeatures } from './graph.ts';
import { patchifyInto, type PatchList } from './patchify.ts';
import { cancellationPoint, ProductError } from '../errors.ts';

/** A problem with the encoder's input or options; the message says what to change. */
export class EncoderError extends ProductError {
  readonly kind = 'encoder';
}

/** One run of the graph: the inputs of `patches` patches at `levelCount` pressure levels (graph.ts GRAPH_IO). */
export interface GraphFeeds {
  patches: number;
  levelCount: number;
  surfacePatches: Float32Array;
  atmosPatches: Float32Array;
  positionScale: Float32Array;
  time: Float32Array;
  levels: Float32Array;
}

/** An inference session of the encoder graph on some backend. */
export interface EncoderSession {
  /** Which backend runs it, in words, e.g. "onnxruntime-node CPU" or "onnxruntime-web WebGPU". */
  readonly backend: string;
  /**
   * The most patches one run should take with `levelCount` pressure levels: WebGPU sessions derive it
   * from the adapter's limits (gpu-tiles.ts); others leave it out and get DEFAULT_MAX_TILE_PATCHES.
   */
  maxTilePatches?(levelCount: number): number;
  /** Milliseconds spent inside onnxruntime's own run() so far, where the session counts them (benchmarks). */
  readonly runMilliseconds?: number;
  /**
   * Runs the graph; returns latents (patches, latent_levels, D), graph.ts GRAPH_IO.latents. The feeds'
   * arrays are the caller's to reuse once the returned promise settles, not before.
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
  /** (latent_levels, tile patches, D) */
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
 * the 0.25-degree encode's peak 125 MB lower than 1024 (onnxruntime's arena grows with the tile).
 */
export const DEFAULT_MAX_TILE_PATCHES = 512;

export async function encodeBatch(session: EncoderSession, config: EncoderConfig, batch: NormalisedBatch, options: EncodeOptions = {}): Promise<EncodeResult> {
  checkBatch(batch, config);
  const grid = createPatchGrid(batch.lat, batch.lon, batch.rowOffset, batch.fullHeight);
  const selected = selectPatches(grid, options.region);
  checkColumnsHeld(batch, selected);
  const levelCount = batch.levels.length;
  // The session's own budget is asked again after every tile: a GPU session that fell back to WASM
  // takes WASM's tiles from then on.
  const budget = () => options.maxTilePatches ?? session.maxTilePatches?.(levelCount) ?? DEFAULT_MAX_TILE_PATCHES;
  let tileBudget = budget();
  const tiles = planTiles(selected.rows, options.tileRows, tileBudget);
  const { embedDim: d, latentLevels } = config;
  const total = selected.rows.length;
  const latents = new Float32Array(latentLevels * total * d);
  const feeder = new TileFeeder(batch, config, selected);
  options.onProgress?.({ donePatches: 0, totalPatches: total, doneTiles: 0, totalTiles: tiles.length });
  // Two sets of input buffers: the next tile's inputs are built while the session runs this one
  // (a GPU, or onnxruntime-node's own threads, work meanwhile).
  let feeds = feeder.fill(tiles[0], 0);
  for (let t = 0; t < tiles.length; t++) {
    await cancellationPoint(options.signal, 'The encode');
    const { start, end } = tiles[t];
    const running = session.run(feeds);
    const next = t + 1 < tiles.length ? feeder.fill(tiles[t + 1], (t + 1) % 2) : null;
    const output = await running;
    const n = end - start;
    if (output.length !== latentLevels * n * d) throw new EncoderError(`the model returned ${output.length} values for ${n} patches; is it an encoder of this configuration?`);
    // The graph is patch-major; the result, like Aurora's output, level-major.
    for (let level = 0; level < latentLevels; level++) {
      const base = (level * total + start) * d;
      for (let k = 0; k < n; k++) latents.set(output.subarray((k * latentLevels + level) * d, (k * latentLevels + level + 1) * d), base + k * d);
    }
    if (options.onTile) {
      // A copy only for listeners: at 0.25 degree the tiles' garbage would otherwise reach hundreds of MB.
      const tileLatents = new Float32Array(latentLevels * n * d);
      for (let level = 0; level < latentLevels; level++) {
        tileLatents.set(latents.subarray((level * total + start) * d, (level * total + end) * d), level * n * d);
      }
      options.onTile({ offset: start, patchIndices: selected.indices.subarray(start, end), latents: tileLatents });
    }
    if (next && budget() !== tileBudget) {
      tileBudget = budget();
      const rest = planTiles(selected.rows.subarray(end), options.tileRows, tileBudget).map((tile) => ({ start: tile.start + end, end: tile.end + end }));
      tiles.splice(t + 1, tiles.length, ...rest);
      feeds = feeder.fill(tiles[t + 1], (t + 1) % 2);
    } else if (next) feeds = next;
    options.onProgress?.({ donePatches: end, totalPatches: total, doneTiles: t + 1, totalTiles: tiles.length });
  }
  return {
    latents,
    latentLevels,
    embedDim: d,
    patchIndices: selected.indices,
    centreLat: selected.centreLat,
    centreLon: selected.centreLon,
    patchColumns: patchColumns(grid),
    totalPatchRows: grid.totalPatchRows,
    backend: session.backend,
  };
}

/**
 * Runs `session` once on a tile of `patches` zero patches at `levelCount` levels, so that a GPU
 * compiles its shaders and pipelines before the first real tile (26-36 s on a real GPU, measured in
 * shared/docs/gpu-measurements.md) and the self-check meets its CPU session. Returns the milliseconds.
 */
export async function warmUpSession(session: EncoderSession, config: EncoderConfig, levelCount: number, patches: number): Promise<number> {
  const d = config.embedDim;
  const started = performance.now();
  await session.run({
    patches,
    levelCount,
    surfacePatches: new Float32Array(patches * surfaceFeatures(config)),
    atmosPatches: new Float32Array(patches * levelCount * (atmosFeatures(config) + levelCount)),
    positionScale: new Float32Array(patches * 2 * d),
    time: new Float32Array(2 * d),
    levels: new Float32Array(levelCount * d),
  });
  return performance.now() - started;
}

/**
 * Builds each tile's graph inputs into buffers kept across tiles (two sets, for building one tile
 * while another runs): what is the same for every tile (time and level encodings, the one-hot level
 * columns, each patch row's and column's position encoding) is computed once.
 */
class TileFeeder {
  private readonly slots: Array<{ surface: Float32Array; atmos: Float32Array; positionScale: Float32Array; patches: number }> = [];
  private readonly time: Float32Array;
  private readonly levels: Float32Array;
  private readonly encodePositions: PositionScaleEncoder;
  private readonly surfaceWidth: number;
  private readonly atmosWidth: number;
  private readonly d: number;

  constructor(
    private readonly batch: NormalisedBatch,
    private readonly config: EncoderConfig,
    private readonly patches: PatchList,
  ) {
    this.d = config.embedDim;
    this.time = timeEncoding(batch.time, this.d);
    this.levels = levelsEncoding(batch.levels, this.d);
    this.encodePositions = positionScaleEncoder({ lat: batch.lat, lon: batch.lon, patchSize: config.patchSize }, this.d);
    this.surfaceWidth = surfaceFeatures(config);
    this.atmosWidth = batch.levels.length * (atmosFeatures(config) + batch.levels.length);
  }

  fill(tile: { start: number; end: number }, slot: number): GraphFeeds {
    const n = tile.end - tile.start;
    let buffers = this.slots[slot];
    if (!buffers || buffers.patches < n) {
      buffers = { surface: new Float32Array(n * this.surfaceWidth), atmos: new Float32Array(n * this.atmosWidth), positionScale: new Float32Array(n * 2 * this.d), patches: n };
      this.slots[slot] = buffers;
    }
    const rows = this.patches.rows.subarray(tile.start, tile.end);
    const cols = this.patches.cols.subarray(tile.start, tile.end);
    const surfacePatches = buffers.surface.subarray(0, n * this.surfaceWidth);
    const atmosPatches = buffers.atmos.subarray(0, n * this.atmosWidth);
    const positionScale = buffers.positionScale.subarray(0, n * 2 * this.d);
    patchifyInto(this.batch, this.config, { rows, cols }, surfacePatches, atmosPatches);
    this.encodePositions(rows, cols, positionScale);
    return { patches: n, levelCount: this.batch.levels.length, surfacePatches, atmosPatches, positionScale, time: this.time, levels: this.levels };
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
  let keep: (local: number) => boolean;
  if (!region) keep = () => true;
  else if (region.kind === 'mask') {
    const expected = grid.totalPatchRows * cols;
    if (region.mask.length !== expected) throw new EncoderError(`the patch mask has ${region.mask.length} entries; the grid has ${expected} patches`);
    for (let index = 0; index < expected; index++) {
      if (region.mask[index] && (index < first || index >= first + held)) {
        throw new EncoderError(`the patch mask selects patch ${index}, outside the rows this batch holds; load those rows first`);
      }
    }
    keep = (local) => region.mask[first + local] !== 0;
  } else {
    const { south, north, west, east } = region;
    if (!(south <= north)) throw new EncoderError(`the region's south (${south}) is north of its north (${north})`);
    keep = (local) => centres.lat[local] >= south && centres.lat[local] <= north && longitudeInRange(centres.lon[local], west, east);
  }
  const chosen: number[] = [];
  for (let local = 0; local < held; local++) if (keep(local)) chosen.push(local);
  if (chosen.length === 0) throw new EncoderError('the region holds no patch centres of this grid');
  return {
    rows: Int32Array.from(chosen, (local) => Math.floor(local / cols)),
    cols: Int32Array.from(chosen, (local) => local % cols),
    indices: Int32Array.from(chosen, (local) => first + local),
    centreLat: Float64Array.from(chosen, (local) => centres.lat[local]),
    centreLon: Float64Array.from(chosen, (local) => centres.lon[local]),
  };
}

/** Consecutive runs of the patch list: whole patch rows, at most `tileRows` rows and `maxPatches` patches each. */
export function planTiles(rows: Int32Array, tileRows: number | undefined, maxPatches: number): Array<{ start: number; end: number }> {
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
