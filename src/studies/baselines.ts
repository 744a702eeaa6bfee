// What a probe of the encoder must beat, on the same patches, labels and splits: the raw input patch
// (no encoder), labels permuted (chance), and a control task (Hewitt & Liang 2019) whose label is a
// random function of a fixed grid cell. The untrained-encoder baseline is the same study run on the
// latents of `init-model` (Aurora's initialisation), so it needs no code here.
import { STATIC_VARIABLES, SURFACE_VARIABLES, type NormalisedBatch } from '../data/batch.ts';
import { createPatchGrid, patchColumns } from '../data/geometry.ts';
import { PRESETS } from '../encoder/config.ts';
import { patchify } from '../encoder/patchify.ts';
import { featureMatrix, type FeatureMatrix } from '../probes/matrix.ts';
import { seededRandom, shuffle } from '../probes/random.ts';
import { spatialBlockFolds, spatialBlocks, type Split } from '../probes/splits.ts';
import { StudyInputError } from './progress.ts';

/**
 * Patch size and history of every Aurora preset: the raw features are the encoder's own patch
 * inputs, so they follow its patchify (variable, step, row, column).
 */
const PATCH_LAYOUT = PRESETS['aurora-0.25'];

/** Features per patch of the surface and static variables at both steps: 7 x 2 x 16 = 224. */
export const RAW_SURFACE_FEATURES = (SURFACE_VARIABLES.length + STATIC_VARIABLES.length) * PATCH_LAYOUT.historySize * PATCH_LAYOUT.patchSize ** 2;

export interface RawInputOptions {
  /** Append every pressure level's atmospheric values (5 x 2 x 16 per level). */
  atmosphere?: boolean;
}

/**
 * The normalised input values of each patch, no encoder: the surface and static variables at both
 * history steps (224 features), optionally followed by the atmospheric levels. `patchIndices` are
 * global patch indices (as a StudyTime holds them) of patches within the batch's rows.
 */
export function rawInputFeatures(batch: NormalisedBatch, patchIndices: ArrayLike<number>, options: RawInputOptions = {}): FeatureMatrix {
  const n = patchIndices.length;
  let data: Float32Array | null = null;
  // No patches: the surface width, as a caller sizing columns expects.
  let width = RAW_SURFACE_FEATURES;
  for (let start = 0; start < n; start += RAW_CHUNK_PATCHES) {
    const chunk = rawInputChunk(batch, Array.from({ length: Math.min(RAW_CHUNK_PATCHES, n - start) }, (_, k) => patchIndices[start + k]), options);
    width = chunk.cols;
    data ??= new Float32Array(n * width);
    data.set(chunk.data, start * width);
  }
  return featureMatrix(data ?? new Float32Array(0), n, width);
}

/**
 * Patches per patchify call: patchify also builds every level's atmospheric inputs, which for all
 * 64,800 patches of a 0.25-degree batch would be ~0.6 GB at once.
 */
const RAW_CHUNK_PATCHES = 4096;

function rawInputChunk(batch: NormalisedBatch, patchIndices: readonly number[], options: RawInputOptions): FeatureMatrix {
  const grid = createPatchGrid(batch.lat, batch.lon, batch.rowOffset, batch.fullHeight);
  const columns = patchColumns(grid);
  const heldRows = batch.lat.length / PATCH_LAYOUT.patchSize;
  const rows = new Int32Array(patchIndices.length);
  const cols = new Int32Array(patchIndices.length);
  for (let k = 0; k < patchIndices.length; k++) {
    rows[k] = Math.floor(patchIndices[k] / columns) - grid.firstPatchRow;
    cols[k] = patchIndices[k] % columns;
    if (rows[k] < 0 || rows[k] >= heldRows) throw new StudyInputError(`patch ${patchIndices[k]} lies outside the batch's rows; load the batch over the study's region`);
  }
  const inputs = patchify(batch, PATCH_LAYOUT, { rows, cols });
  const n = patchIndices.length;
  if (!options.atmosphere) return featureMatrix(inputs.surface, n, RAW_SURFACE_FEATURES);
  const atmosWidth = inputs.atmos.length / n;
  const width = RAW_SURFACE_FEATURES + atmosWidth;
  const data = new Float32Array(n * width);
  for (let k = 0; k < n; k++) {
    data.set(inputs.surface.subarray(k * RAW_SURFACE_FEATURES, (k + 1) * RAW_SURFACE_FEATURES), k * width);
    data.set(inputs.atmos.subarray(k * atmosWidth, (k + 1) * atmosWidth), k * width + RAW_SURFACE_FEATURES);
  }
  return featureMatrix(data, n, width);
}

/** The labels permuted with a seeded shuffle: the same class counts, no link to the features. */
export function shuffledLabels(labels: Uint8Array, seed: number): Uint8Array {
  return shuffle(Uint8Array.from(labels), seededRandom(seed));
}

/** The control task's cells: 5 x 5 degrees, a few 0.25-degree patches (1 degree) across. */
export const DEFAULT_CONTROL_CELL_DEGREES = 5;

export interface ControlTask {
  /** 0/1 per row: the random label of the row's cell. */
  labels: Uint8Array;
  /** Each row's cell (spatialBlocks' numbering). */
  cells: Int32Array;
}

/**
 * Hewitt & Liang's control task on a grid: each cell of `cellDegrees` gets a random label, half the
 * cells each, and every row takes its cell's label, at every date alike (pass all dates' rows at
 * once, as the cells drawn depend on the cells present).
 */
export function controlTask(lat: ArrayLike<number>, lon: ArrayLike<number>, cellDegrees: number, seed: number): ControlTask {
  // Dealing the shuffled cells round-robin into two folds is exactly "half the cells each, at random".
  return { labels: Uint8Array.from(spatialBlockFolds(lat, lon, cellDegrees, 2, seed)), cells: spatialBlocks(lat, lon, cellDegrees) };
}

/** The split's test rows whose cell holds no training row: there a cell's label cannot be memorised. */
export function heldOutCellRows(split: Split, cells: ArrayLike<number>): Uint32Array {
  const trained = new Set<number>();
  for (const row of split.train) trained.add(cells[row]);
  return split.test.filter((row) => !trained.has(cells[row]));
}

/**
 * Untrained-encoder seeds when none are given: seed 0, or seed 1 when the model under study is itself
 * the untrained encoder of seed 0, whose baseline would be the model again and tell nothing.
 */
export function defaultUntrainedSeeds(modelUntrainedSeed: number | null): number[] {
  return [modelUntrainedSeed === 0 ? 1 : 0];
}
