// Choosing a probe's regularisation C by inner cross-validation on its training rows alone, as in
// probing work: a fixed C lets a probe on many dimensions fit noise (on shuffled labels it then
// predicts the minority class for some rows and scores below majority), while C chosen on held-out
// inner folds regularises such a probe until it predicts the majority, and still fits real signal.
//
// Inner folds are spatial blocks (neighbouring patches share a block, so a probe cannot score by
// remembering its neighbours, which would favour weak regularisation). When the training rows span
// too few blocks, or a block fold would leave an inner fit one class, the folds fall back to
// stratified ones: a weaker guard against leakage beats stopping a whole comparison, and the result
// says which folds were used. Only when a class has fewer rows than folds is there no fit at all.
import { cancellationPoint } from '../errors.ts';
import { ProbeInputError, type JobControl } from './job.ts';
import { fitLogistic, predictLabels, predictProbabilities } from './logreg.ts';
import { selectRows, type FeatureMatrix } from './matrix.ts';
import { seededRandom, shuffle } from './random.ts';
import { spatialBlockFolds, spatialBlocks } from './splits.ts';

/** The Cs tried, from strong to weak regularisation. */
export const C_GRID: readonly number[] = [0.001, 0.01, 0.1, 1, 10];
export const DEFAULT_INNER_FOLDS = 3;
/** As the study's block split: about a synoptic scale. */
export const DEFAULT_INNER_BLOCK_DEGREES = 10;
/** Scores this close are a tie, won by the smaller C (the simpler probe). */
const TIE_TOLERANCE = 1e-9;

export type InnerFoldKind = 'spatial blocks' | 'stratified';

/** Where each row of x lies. */
export interface RowPositions {
  lat: ArrayLike<number>;
  lon: ArrayLike<number>;
}

export interface TuneCOptions {
  /** Default C_GRID. */
  grid?: readonly number[];
  /** Default DEFAULT_INNER_FOLDS. */
  innerFolds?: number;
  /** Default DEFAULT_INNER_BLOCK_DEGREES. */
  blockDegrees?: number;
  /** Deals the blocks (or the stratified rows) to folds. Default 0. */
  seed?: number;
  /** A weight per row of x: inner fits use their rows' weights, and inner accuracies are weighted alike. */
  rowWeights?: ArrayLike<number>;
  control?: JobControl;
}

export interface CScore {
  C: number;
  /** Mean over the inner folds of each held-out fold's (weighted) accuracy; folds of zero weight left out. */
  accuracy: number;
}

export interface ChosenC {
  C: number;
  /** Every C of the grid, ascending. */
  scores: CScore[];
  innerFolds: InnerFoldKind;
}

/**
 * Chooses C for a probe of `labels` (0/1) on x by inner cross-validation over `trainRows`: the
 * rows of x, labels, positions and weights outside them are never read, so an outer fold's test
 * rows cannot steer the choice. The best mean inner accuracy wins; ties go to the smaller C.
 */
export async function tuneC(x: FeatureMatrix, labels: ArrayLike<number>, positions: RowPositions, trainRows: ArrayLike<number>, options: TuneCOptions = {}): Promise<ChosenC> {
  const grid = [...(options.grid ?? C_GRID)].sort((a, b) => a - b);
  const folds = options.innerFolds ?? DEFAULT_INNER_FOLDS;
  if (grid.length === 0) throw new ProbeInputError('choosing C: the grid of Cs is empty');
  const badC = grid.find((C) => !(C > 0 && Number.isFinite(C)));
  if (badC !== undefined) throw new ProbeInputError(`choosing C: every C must be a positive number, got ${badC}`);
  const trainLabels = Uint8Array.from(trainRows, (row) => labels[row]);
  const lat = Float64Array.from(trainRows, (row) => positions.lat[row]);
  const lon = Float64Array.from(trainRows, (row) => positions.lon[row]);
  const rowWeights = options.rowWeights;
  if (rowWeights && rowWeights.length !== x.rows) throw new ProbeInputError(`choosing C: ${rowWeights.length} row weights for ${x.rows} rows`);
  const weights = rowWeights && Float64Array.from(trainRows, (row) => rowWeights[row]);
  const { foldOfRow, kind } = innerFolds(trainLabels, lat, lon, folds, options.blockDegrees ?? DEFAULT_INNER_BLOCK_DEGREES, options.seed ?? 0);

  const accuracySums = new Float64Array(grid.length);
  let scoredFolds = 0;
  const totalFits = folds * grid.length;
  for (let fold = 0; fold < folds; fold++) {
    const fitRows: number[] = [];
    const heldOutRows: number[] = [];
    foldOfRow.forEach((f, i) => (f === fold ? heldOutRows : fitRows).push(i));
    const fitX = selectRows(x, Uint32Array.from(fitRows, (i) => trainRows[i]));
    const heldOutX = selectRows(x, Uint32Array.from(heldOutRows, (i) => trainRows[i]));
    const fitLabels = Uint8Array.from(fitRows, (i) => trainLabels[i]);
    const fitWeights = weights && Float64Array.from(fitRows, (i) => weights[i]);
    const heldOutWeights = Float64Array.from(heldOutRows, (i) => (weights ? weights[i] : 1));
    const heldOutTotal = heldOutWeights.reduce((a, b) => a + b, 0);
    if (heldOutTotal === 0) {
      // A held-out fold of no weight says nothing about C.
      options.control?.onProgress?.(((fold + 1) * grid.length) / totalFits, `inner fold ${fold + 1}/${folds} has no weight`);
      continue;
    }
    scoredFolds++;
    for (const [c, C] of grid.entries()) {
      await cancellationPoint(options.control?.signal);
      const model = await fitLogistic(fitX, fitLabels, { C, sampleWeights: fitWeights, control: { signal: options.control?.signal } });
      const predicted = predictLabels(predictProbabilities(model, heldOutX));
      let right = 0;
      heldOutRows.forEach((i, k) => (right += predicted[k] === trainLabels[i] ? heldOutWeights[k] : 0));
      accuracySums[c] += right / heldOutTotal;
      options.control?.onProgress?.((fold * grid.length + c + 1) / totalFits, `C ${C}, inner fold ${fold + 1}/${folds}`);
    }
  }
  if (scoredFolds === 0) throw new ProbeInputError('choosing C: every held-out inner fold has zero total row weight');
  const scores = grid.map((C, c) => ({ C, accuracy: accuracySums[c] / scoredFolds }));
  // Ascending C: a larger C must beat the best so far by more than the tolerance to take its place.
  const best = scores.reduce((chosen, score) => (score.accuracy > chosen.accuracy + TIE_TOLERANCE ? score : chosen));
  return { C: best.C, scores, innerFolds: kind };
}

/** Each training row's inner fold: spatial blocks where they give every inner fit both classes, else stratified. */
function innerFolds(labels: Uint8Array, lat: Float64Array, lon: Float64Array, folds: number, blockDegrees: number, seed: number): { foldOfRow: Int32Array; kind: InnerFoldKind } {
  if (!Number.isInteger(folds) || folds < 2) throw new ProbeInputError(`choosing C: inner folds must be an integer >= 2, got ${folds}`);
  const counts = [0, 0];
  for (const label of labels) {
    if (label !== 0 && label !== 1) throw new ProbeInputError(`choosing C: label ${label} is not 0 or 1`);
    counts[label]++;
  }
  const scarce = counts[0] < counts[1] ? 0 : 1;
  if (counts[scarce] < folds) {
    throw new ProbeInputError(`choosing C by ${folds}-fold cross-validation needs at least ${folds} training rows of each class; class ${scarce} has ${counts[scarce]}`);
  }
  if (new Set(spatialBlocks(lat, lon, blockDegrees)).size >= folds) {
    const foldOfRow = spatialBlockFolds(lat, lon, blockDegrees, folds, seed);
    if (everyFitHasBothClasses(foldOfRow, labels, folds, counts)) return { foldOfRow, kind: 'spatial blocks' };
  }
  return { foldOfRow: stratifiedFolds(labels, folds, seed), kind: 'stratified' };
}

/** Whether, for every fold, the rows outside it hold both classes. */
function everyFitHasBothClasses(foldOfRow: Int32Array, labels: Uint8Array, folds: number, counts: number[]): boolean {
  const heldOut = Array.from({ length: folds }, () => [0, 0]);
  foldOfRow.forEach((fold, i) => heldOut[fold][labels[i]]++);
  return heldOut.every(([negatives, positives]) => negatives < counts[0] && positives < counts[1]);
}

/** Each class's rows shuffled with the seed and dealt round-robin: every fold holds each class (counts >= folds). */
function stratifiedFolds(labels: Uint8Array, folds: number, seed: number): Int32Array {
  const random = seededRandom(seed);
  const foldOfRow = new Int32Array(labels.length);
  for (const label of [0, 1]) {
    const rows = shuffle(Uint32Array.from(labels.keys()).filter((i) => labels[i] === label), random);
    rows.forEach((row, k) => (foldOfRow[row] = k % folds));
  }
  return foldOfRow;
}
