// The one split vocabulary of the product: how a study's rows are cut into training and test rows.
// The URL schema, the CLI, the app's views, both studies and the probe cards all speak it; a split
// is planned into folds here (planFolds), and named in words here (describeSplit).
import { z } from 'zod';
import { convertLongitude } from '../data/geometry.ts';
import { assertDisjointSplit, foldSplit, rowSamples, leaveOneGroupOut, longitudeBandSplit, spatialBlockFolds, stratifiedSplit, type Split } from '../probes/splits.ts';
import { StudyInputError } from './progress.ts';

const finite = z.number().finite();
const seed = z.number().int().min(0).max(2 ** 31);
export const MAX_FOLDS = 20;

/**
 * A split of a study's rows:
 * - `lon-band`: test on the patches whose centre longitude lies in [west, east] degrees east (wrapping through 0/360);
 * - `stratified`: a seeded random split that keeps each class's share;
 * - `blocks`: spatial blocks dealt to `folds` folds; every fold tested in turn and the test predictions
 *   pooled, or only `fold` (0-based) when it is given, as the app's views show one train/test split;
 * - `leave-one-time-out`: one fold per time, pooled.
 */
export const splitChoiceSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('lon-band'), west: finite.min(-180).max(360), east: finite.min(-180).max(360) }),
  z.object({ kind: z.literal('stratified'), testFraction: finite.gt(0).lt(1), seed }),
  z
    .object({
      kind: z.literal('blocks'),
      blockDegrees: finite.min(1).max(90),
      folds: z.number().int().min(2).max(MAX_FOLDS),
      seed,
      fold: z.number().int().min(0).max(MAX_FOLDS - 1).optional(),
    })
    .refine((split) => split.fold === undefined || split.fold < split.folds, 'the test fold must be one of the folds (0-based)'),
  z.object({ kind: z.literal('leave-one-time-out') }),
]);
export type SplitChoice = z.infer<typeof splitChoiceSchema>;
export type SplitKind = SplitChoice['kind'];
export const SPLIT_KINDS: readonly SplitKind[] = ['lon-band', 'stratified', 'blocks', 'leave-one-time-out'];

/** The splits each study offers, its default first: study 1 tests on a longitude band, studies 2 and 3 pool their times. */
export const STUDY_SPLIT_KINDS = {
  'land-sea': ['lon-band', 'stratified', 'blocks'],
  extremes: ['stratified', 'blocks', 'leave-one-time-out'],
  'k-index': ['stratified', 'blocks', 'leave-one-time-out'],
} as const satisfies Record<string, readonly SplitKind[]>;
export type StudyName = keyof typeof STUDY_SPLIT_KINDS;

/** The study's split (80/20) and seed, and blocks of about a synoptic scale over Europe. */
export const DEFAULT_TEST_FRACTION = 0.2;
export const DEFAULT_SEED = 0;
export const DEFAULT_BLOCK_DEGREES = 10;
export const DEFAULT_BLOCK_FOLDS = 5;
/** Study 1's test band: Australia and East Asia. */
export const STUDY1_LONGITUDE_BAND = { west: 120, east: 210 } as const;

/** A split of `kind` with the defaults filled in; `fold` picks one fold of a blocks split (the app's views). */
export function splitChoice(kind: SplitKind, seedValue = DEFAULT_SEED, fold?: number): SplitChoice {
  switch (kind) {
    case 'stratified':
      return { kind, testFraction: DEFAULT_TEST_FRACTION, seed: seedValue };
    case 'blocks':
      return { kind, blockDegrees: DEFAULT_BLOCK_DEGREES, folds: DEFAULT_BLOCK_FOLDS, seed: seedValue, ...(fold === undefined ? {} : { fold }) };
    case 'leave-one-time-out':
      return { kind };
    case 'lon-band':
      return { kind, ...STUDY1_LONGITUDE_BAND };
  }
}

/** Whether a split draws with a seed (a comparison then repeats it over seeds of its own). */
export const isSeededSplit = (split: SplitChoice): split is Extract<SplitChoice, { seed: number }> => 'seed' in split;

/** The split with its seed replaced, where it draws with one. */
export const withSeed = (split: SplitChoice, seedValue: number): SplitChoice => (isSeededSplit(split) ? { ...split, seed: seedValue } : split);

/** A split in words, without its seed (a comparison repeats it over seeds of its own). */
export function describeSplit(split: SplitChoice): string {
  switch (split.kind) {
    case 'stratified':
      return stratifiedName(split.testFraction);
    case 'blocks':
      return split.fold === undefined ? `${split.folds} folds of ${split.blockDegrees}° blocks, test predictions pooled` : blockFoldName(split.blockDegrees, split.fold, split.folds);
    case 'leave-one-time-out':
      return 'leave one time out, test predictions pooled';
    case 'lon-band':
      return `test on longitudes ${split.west}..${split.east} E`;
  }
}

const stratifiedName = (testFraction: number) => `stratified ${Math.round(100 * (1 - testFraction))}/${Math.round(100 * testFraction)}`;
const blockFoldName = (degrees: number, fold: number, folds: number) => `${degrees}° blocks, fold ${fold + 1}/${folds}`;

/** What the split plans need to know of each row. */
export interface RowFacts {
  labels: ArrayLike<number>;
  lat: ArrayLike<number>;
  lon: ArrayLike<number>;
  /** Index of the row's batch time. */
  time: ArrayLike<number>;
  /** Times, for the folds' names. */
  timeNames: readonly string[];
}

export interface Fold {
  name: string;
  split: Split;
}

/** The folds of a split over some rows: one for a single split (or one chosen fold), several to be pooled. */
export function planFolds(choice: SplitChoice, rows: RowFacts): Fold[] {
  const folds = foldsOf(choice, rows);
  const samples = rowSamples(sampleKeys(rows), (row) => describeSample(rows, row));
  for (const fold of folds) assertDisjointSplit(fold.split, samples);
  return folds;
}

/**
 * A number per row naming its sample: its time (by name, so that a time given twice is one time) and
 * its place to a thousandth of a degree (patch centres lie 0.4 degree apart or more).
 */
function sampleKeys(rows: RowFacts): Float64Array {
  const firstOfName = new Map<string, number>();
  const timeKey = rows.timeNames.map((name, index) => {
    if (!firstOfName.has(name)) firstOfName.set(name, index);
    return firstOfName.get(name) ?? index;
  });
  return Float64Array.from({ length: rows.labels.length }, (_, row) => {
    const time = rows.time[row];
    return (timeKey[time] ?? time) * 1e12 + Math.round((rows.lat[row] + 90) * 1e3) * 1e6 + Math.round(convertLongitude(rows.lon[row], '0..360') * 1e3);
  });
}

function describeSample(rows: RowFacts, row: number): string {
  return `${rows.timeNames[rows.time[row]] ?? `time ${rows.time[row]}`} at lat ${rows.lat[row]}, lon ${rows.lon[row]}`;
}

function foldsOf(choice: SplitChoice, rows: RowFacts): Fold[] {
  switch (choice.kind) {
    case 'stratified':
      return [{ name: `${stratifiedName(choice.testFraction)}, seed ${choice.seed}`, split: stratifiedSplit(rows.labels, choice.testFraction, choice.seed) }];
    case 'lon-band':
      return [{ name: `longitudes ${choice.west}..${choice.east}`, split: longitudeBandSplit(rows.lon, choice.west, choice.east) }];
    case 'blocks': {
      const folds = spatialBlockFolds(rows.lat, rows.lon, choice.blockDegrees, choice.folds, choice.seed);
      const tested = choice.fold === undefined ? Array.from({ length: choice.folds }, (_, fold) => fold) : [choice.fold];
      return tested.map((fold) => ({ name: blockFoldName(choice.blockDegrees, fold, choice.folds), split: foldSplit(folds, fold) }));
    }
    case 'leave-one-time-out':
      if (new Set(Array.from(rows.time)).size < 2) throw new StudyInputError('leave-one-time-out needs at least two times');
      return leaveOneGroupOut(rows.time).map(({ group, split }) => ({ name: `test ${rows.timeNames[group]}`, split }));
  }
}

/** The one train/test split of a split that has one (not pooled folds), e.g. for the app's views. */
export function singleSplit(choice: SplitChoice, rows: RowFacts): Split {
  const folds = planFolds(choice, rows);
  if (folds.length !== 1) throw new StudyInputError(`${describeSplit(choice)} has ${folds.length} folds; pick one fold to show`);
  return folds[0].split;
}
