// Train/test splits as sorted row-index arrays: a longitude band, a stratified random split, spatial
// block k-fold, and leave-one-group-out. Deterministic: the same inputs and seed give the same split.
import { convertLongitude } from '../data/geometry.ts';
import { ProbeInputError } from './job.ts';
import { seededRandom, shuffle } from './random.ts';

export interface Split {
  train: Uint32Array;
  test: Uint32Array;
}

function splitFromMask(isTest: (row: number) => boolean, rows: number): Split {
  const train: number[] = [];
  const test: number[] = [];
  for (let row = 0; row < rows; row++) (isTest(row) ? test : train).push(row);
  return { train: Uint32Array.from(train), test: Uint32Array.from(test) };
}

/** What each row of a split is (e.g. a time and a patch, as a number), to tell copies of a sample apart from samples. */
export interface RowSamples {
  keys: Float64Array;
  /** Whether some sample is held by more than one row. */
  repeated: boolean;
  /** A row's sample in words. */
  describe(row: number): string;
}

export function rowSamples(keys: Float64Array, describe: (row: number) => string): RowSamples {
  const sorted = Float64Array.from(keys).sort();
  const repeated = sorted.some((key, i) => i > 0 && key === sorted[i - 1]);
  return { keys, repeated, describe };
}

/**
 * Throws unless train and test share no row and no sample, so that two rows holding the same sample
 * (a time listed twice) are caught too. A probe tested on what it trained on reports an accuracy that
 * means nothing (1.000 on copies).
 */
export function assertDisjointSplit(split: Split, samples: RowSamples): void {
  const inTrain = new Uint8Array(samples.keys.length);
  for (const row of split.train) inTrain[row] = 1;
  const shared = split.test.find((row) => inTrain[row] === 1);
  if (shared !== undefined) throw new ProbeInputError(`row ${shared} (${samples.describe(shared)}) is in both the training and the test set`);
  if (!samples.repeated) return;
  const { keys } = samples;
  const trainKeys = Float64Array.from(split.train, (row) => keys[row]).sort();
  for (const row of split.test) {
    if (!sortedIncludes(trainKeys, keys[row])) continue;
    const trainRow = split.train.find((candidate) => keys[candidate] === keys[row]);
    throw new ProbeInputError(
      `the sample ${samples.describe(row)} is in the training set (row ${trainRow}) and in the test set (row ${row}): its time or patch was given twice; give each once`,
    );
  }
}

function sortedIncludes(sorted: Float64Array, value: number): boolean {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (sorted[middle] < value) low = middle + 1;
    else high = middle;
  }
  return low < sorted.length && sorted[low] === value;
}

/** Rows whose mask entry is non-zero are the test set. */
export function maskSplit(testMask: ArrayLike<number>): Split {
  return splitFromMask((row) => testMask[row] !== 0, testMask.length);
}

/**
 * Test = rows whose longitude lies in the band from `west` eastwards to `east`, ends included. Any
 * longitude convention goes in; a band with west > east (after conversion to [0, 360)) crosses the
 * prime meridian, e.g. [350, 20] or [-10, 20]. A band of 360 degrees or more takes every row.
 */
export function longitudeBandSplit(lon: ArrayLike<number>, west: number, east: number): Split {
  if (![west, east].every(Number.isFinite)) throw new ProbeInputError(`longitude band [${west}, ${east}] is not two numbers`);
  if (east - west >= 360) return splitFromMask(() => true, lon.length);
  const w = convertLongitude(west, '0..360');
  const e = convertLongitude(east, '0..360');
  const inBand = w <= e ? (l: number) => l >= w && l <= e : (l: number) => l >= w || l <= e;
  return splitFromMask((row) => inBand(convertLongitude(lon[row], '0..360')), lon.length);
}

/**
 * A seeded random split that keeps each class's share: ceil(testFraction * N) test rows (as
 * scikit-learn's train_test_split), shared among the classes by largest remainder.
 */
export function stratifiedSplit(labels: ArrayLike<number>, testFraction: number, seed: number): Split {
  if (!(testFraction > 0 && testFraction < 1)) throw new ProbeInputError(`test fraction must be in (0, 1), got ${testFraction}`);
  const byClass = new Map<number, number[]>();
  for (let row = 0; row < labels.length; row++) {
    const rows = byClass.get(labels[row]) ?? [];
    rows.push(row);
    byClass.set(labels[row], rows);
  }
  const classes = [...byClass.keys()].sort((a, b) => a - b);
  const total = Math.ceil(testFraction * labels.length);
  const quotas = classes.map((label) => (byClass.get(label)!.length * total) / labels.length);
  const counts = quotas.map(Math.floor);
  const byRemainder = classes.map((_, k) => k).sort((a, b) => quotas[b] - counts[b] - (quotas[a] - counts[a]) || a - b);
  for (let k = 0; counts.reduce((a, b) => a + b, 0) < total; k++) counts[byRemainder[k % classes.length]]++;
  const random = seededRandom(seed);
  const isTest = new Uint8Array(labels.length);
  classes.forEach((label, k) => {
    const rows = shuffle(Uint32Array.from(byClass.get(label)!), random);
    for (let i = 0; i < counts[k]; i++) isTest[rows[i]] = 1;
  });
  return maskSplit(isTest);
}

/**
 * Spatial block k-fold: the globe is cut into blocks of `blockDegrees` of latitude and longitude,
 * the blocks are shuffled with the seed and dealt round-robin to `folds` folds. Returns each row's
 * fold; neighbouring points share a block, so a fold's test rows are far from most training rows.
 */
export function spatialBlockFolds(lat: ArrayLike<number>, lon: ArrayLike<number>, blockDegrees: number, folds: number, seed: number): Int32Array {
  if (!Number.isInteger(folds) || folds < 2) throw new ProbeInputError(`folds must be an integer >= 2, got ${folds}`);
  const blockOf = spatialBlocks(lat, lon, blockDegrees);
  const blocks = Int32Array.from(new Set(blockOf)).sort();
  if (blocks.length < folds) throw new ProbeInputError(`only ${blocks.length} blocks of ${blockDegrees} degrees for ${folds} folds`);
  shuffle(blocks, seededRandom(seed));
  const foldOfBlock = new Map<number, number>();
  blocks.forEach((block, k) => foldOfBlock.set(block, k % folds));
  return blockOf.map((block) => foldOfBlock.get(block)!);
}

/**
 * Each row's block of `blockDegrees` of latitude and longitude (from 90 S and 0 E): the same point
 * is in the same block at every time, so blocks serve as fixed grid cells.
 */
export function spatialBlocks(lat: ArrayLike<number>, lon: ArrayLike<number>, blockDegrees: number): Int32Array {
  if (lat.length !== lon.length) throw new ProbeInputError(`${lat.length} latitudes but ${lon.length} longitudes`);
  if (!(blockDegrees > 0)) throw new ProbeInputError(`block size must be positive, got ${blockDegrees}`);
  const columns = Math.ceil(360 / blockDegrees);
  return Int32Array.from({ length: lat.length }, (_, row) => {
    const blockRow = Math.floor((Math.min(Math.max(lat[row], -90), 90) + 90) / blockDegrees);
    const blockColumn = Math.min(Math.floor(convertLongitude(lon[row], '0..360') / blockDegrees), columns - 1);
    return blockRow * columns + blockColumn;
  });
}

/** The split that tests on one fold (or group) and trains on the rest. */
export function foldSplit(foldOfRow: ArrayLike<number>, fold: number): Split {
  return splitFromMask((row) => foldOfRow[row] === fold, foldOfRow.length);
}

/** One split per distinct group (e.g. sample time), in increasing group order. */
export function leaveOneGroupOut(groups: ArrayLike<number>): { group: number; split: Split }[] {
  const distinct = [...new Set(Array.from(groups))].sort((a, b) => a - b);
  if (distinct.length < 2) throw new ProbeInputError('leave-one-group-out needs at least two groups');
  return distinct.map((group) => ({ group, split: foldSplit(groups, group) }));
}
