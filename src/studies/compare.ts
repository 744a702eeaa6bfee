// A probe beside what it must beat: the model under study, the untrained encoder, the raw input,
// shuffled labels and a control task, fitted on the same rows, labels and folds, repeated over
// dates (tasks), seeds and folds, and summarised as a "probe card" (mean ± sd, per date, majority
// beside every accuracy, selectivity). Shared by the CLI and the app; tfjs must be initialised.
import { cosLatitudeWeight } from '../data/geometry.ts';
import { throwIfCancelled } from '../errors.ts';
import { DEFAULT_C, predictLabels } from '../probes/logreg.ts';
import { ProbeInputError, type JobControl } from '../probes/job.ts';
import type { FeatureMatrix } from '../probes/matrix.ts';
import { majorityClass, probeScores, type ProbeScores } from '../probes/metrics.ts';
import { foldGrams, type FoldGrams } from '../probes/fold-grams.ts';
import { TrainingRows } from '../probes/training-rows.ts';
import { tuneC } from '../probes/tune-c.ts';
import { controlTask, DEFAULT_CONTROL_CELL_DEGREES, heldOutCellRows, shuffledLabels } from './baselines.ts';
import { evaluateProbe, type FoldProbe, type ProbeEvaluation } from './evaluate.ts';
import { StudyInputError, type StudyProgress } from './progress.ts';
import { isSeededSplit, planFolds, withSeed, type Fold, type RowFacts, type SplitChoice } from './split.ts';

/** Baselines a comparison can include, in table order. */
export const BASELINES = ['untrained', 'raw', 'shuffled', 'control'] as const;
export type Baseline = (typeof BASELINES)[number];
export type Arm = 'model' | Baseline;
/** Arms that bring their own features; 'shuffled' and 'control' reuse the model's. */
export type FeatureArm = Extract<Arm, 'model' | 'untrained' | 'raw'>;

export const isBaseline = (name: string): name is Baseline => (BASELINES as readonly string[]).includes(name);

/** One feature set over a task's rows. */
export interface FeatureSource {
  arm: FeatureArm;
  /** What it is, e.g. "aurora-0.25-untrained-seed1" or "raw input (224)". */
  name: string;
  x: FeatureMatrix;
}

/** One probe target over one set of rows, e.g. land-sea at one date, or p95 over all dates. */
export interface ComparisonTask {
  name: string;
  labels: Uint8Array;
  rows: RowFacts;
  /** Exactly one 'model' source; its features also serve the shuffled and control arms unless told otherwise. */
  sources: FeatureSource[];
}

/** The folds of a task's rows for one repeat seed. */
export type FoldPlan = (rows: RowFacts, seed: number) => Fold[];

/** Repeat seeds when none are given: the split's own seed, or 0. */
export const defaultSeeds = (split: SplitChoice): number[] => [isSeededSplit(split) ? split.seed : 0];

/** The label baselines among `baselines`: those that refit the model's features on other labels. */
export const labelBaselinesOf = (baselines: readonly Baseline[]): Array<Extract<Baseline, 'shuffled' | 'control'>> =>
  baselines.filter((baseline): baseline is 'shuffled' | 'control' => baseline === 'shuffled' || baseline === 'control');

/** The study's split choice as a plan, the seed replacing the choice's own where it draws. */
export function splitPlan(choice: SplitChoice): { plan: FoldPlan; seeded: boolean } {
  return { plan: (rows, seed) => planFolds(withSeed(choice, seed), rows), seeded: isSeededSplit(choice) };
}

export interface CompareOptions {
  plan: FoldPlan;
  /** Whether the plan depends on the seed (else model, untrained and raw are fitted once per task). */
  seededPlan: boolean;
  /** Repeat seeds: of seeded splits, label permutations and control cells. */
  seeds: readonly number[];
  /** Which label baselines to fit besides the sources (untrained and raw come as sources). */
  labelBaselines: readonly Extract<Baseline, 'shuffled' | 'control'>[];
  /** Whose features the label baselines use (default the model's, as selectivity is defined). */
  labelFeatures?: FeatureArm;
  /**
   * The probes' C (default DEFAULT_C), or 'cv': each fold of each arm chooses its own by inner
   * cross-validation on its training rows (tune-c), so that a probe on labels its features cannot
   * tell is regularised down to the majority class instead of fitting noise.
   */
  C?: number | 'cv';
  controlCellDegrees?: number;
  /** Weight each row by cos(latitude) when fitting, so that every area counts alike. */
  areaWeights?: boolean;
  /** Keep each fold's fitted probe in the runs (ArmRun.probes). */
  keepProbes?: boolean;
  /**
   * Where an arm's fold probe starts its Newton iterations (seed null: an arm fitted once), e.g. the
   * same probe fitted at a neighbouring time; undefined: at w = 0. The optimum is the same either way.
   */
  startProbes?: (arm: Arm, seed: number | null, fold: number) => FoldProbe | undefined;
  /** Called with the Gram matrices of each feature set's folds as they are computed (e.g. for a PCA of the same rows). */
  onFoldGrams?: (source: FeatureSource, grams: FoldGrams) => void;
  signal?: AbortSignal;
  onProgress?: (progress: StudyProgress) => void;
}

/** Accuracy of the probe and of the majority class over some test rows. */
export interface SubsetScore {
  accuracy: number;
  majority: number;
  nTest: number;
}

/** One probe fitted and tested. */
export interface ArmRun {
  arm: Arm;
  source: string;
  task: string;
  /** Null where the seed plays no part (an unseeded split for a deterministic arm). */
  seed: number | null;
  features: number;
  nTrain: number;
  nTest: number;
  trainPositives: number;
  testPositives: number;
  accuracy: number;
  majority: number;
  precision: number;
  recall: number;
  f1: number;
  /** NaN when the test rows hold one class. */
  rocAuc: number;
  /** Each fitted fold's scores. */
  foldScores: ProbeScores[];
  /** With `keepProbes`: each fold's fitted probe, null where the fold was skipped. */
  probes?: Array<FoldProbe | null>;
  /** Each fitted fold's C (chosen per fold with C 'cv'). */
  C: number[];
  /** Per time of the test rows, in time order. */
  perTime: Array<SubsetScore & { time: string }>;
  /** Control arm only: on test rows whose cell has no training row (the label cannot be memorised). */
  heldOutCells?: SubsetScore;
  converged: boolean;
}

/** Fits every arm of every task for every seed. */
export async function compareArms(tasks: readonly ComparisonTask[], options: CompareOptions): Promise<ArmRun[]> {
  if (tasks.length === 0) throw new StudyInputError('nothing to compare: no tasks');
  if (options.seeds.length === 0) throw new StudyInputError('give at least one seed');
  const C = options.C ?? DEFAULT_C;
  const cellDegrees = options.controlCellDegrees ?? DEFAULT_CONTROL_CELL_DEGREES;
  const fitsPerTask = tasks[0].sources.length * (options.seededPlan ? options.seeds.length : 1) + options.labelBaselines.length * options.seeds.length;
  const totalFits = fitsPerTask * tasks.length;
  let fitsDone = 0;
  const runs: ArmRun[] = [];
  // The model's probe and the label baselines fit the same fold's rows in turn: one copy and one set of tensors for them.
  const trainingRows = new TrainingRows();
  try {
    for (const task of tasks) {
      const model = task.sources.filter((source) => source.arm === 'model');
      if (model.length !== 1) throw new StudyInputError(`task ${task.name} needs exactly one model feature set, has ${model.length}`);
      const labelSource = task.sources.find((source) => source.arm === (options.labelFeatures ?? 'model'));
      if (!labelSource) throw new StudyInputError(`the label baselines are to use the ${options.labelFeatures} features, which this comparison does not have; add that baseline`);
      const weights = options.areaWeights ? Float64Array.from(task.rows.lat, cosLatitudeWeight) : undefined;
      // One pass of Gram matrices per feature set and fold plan, shared by every arm fitted on them.
      const grams = new Map<FeatureSource, FoldGrams>();
      const gramsOf = async (source: FeatureSource, folds: Fold[]): Promise<FoldGrams> => {
        let found = grams.get(source);
        if (!found) {
          found = await foldGrams(source.x, folds.map((fold) => fold.split.test), { rowWeights: weights, control: { signal: options.signal } });
          grams.set(source, found);
          options.onFoldGrams?.(source, found);
        }
        return found;
      };
      const fit = async (arm: Arm, source: FeatureSource, labels: Uint8Array, folds: Fold[], seed: number | null, cells?: Int32Array): Promise<ArmRun> => {
        throwIfCancelled(options.signal);
        const { train } = await gramsOf(source, folds);
        // Inner folds dealt by the repeat seed; arms fitted once (seed null) deal them with 0.
        const chooseC = async (trainRows: Uint32Array, control: JobControl) => {
          try {
            return (await tuneC(source.x, labels, task.rows, trainRows, { seed: seed ?? 0, rowWeights: weights, control })).C;
          } catch (error) {
            // Name the probe: a comparison fits dozens, and a rare class may starve only one of them.
            if (error instanceof ProbeInputError) throw new StudyInputError(`${task.name}, ${arm}: ${error.message}; use a fixed C, or more dates or a larger region`);
            throw error;
          }
        };
        const evaluation = await evaluateProbe(source.x, labels, folds, {
          ...(C === 'cv' ? { chooseC } : { C }),
          rowWeights: weights,
          startGram: (k) => train[k],
          startProbe: options.startProbes && ((k) => options.startProbes!(arm, seed, k)),
          trainingRows,
          control: {
            signal: options.signal,
            onProgress: (fraction, message) => options.onProgress?.({ stage: 'probe', fraction: (fitsDone + fraction) / totalFits, message: `${task.name}, ${arm}: ${message}` }),
          },
        });
        fitsDone++;
        return armRun({ arm, source, task, labels, folds, evaluation, seed, cells }, options.keepProbes ?? false);
      };
      for (const [k, seed] of options.seeds.entries()) {
        const folds = options.plan(task.rows, seed);
        // A seeded plan deals other folds for each seed: their Gram matrices too.
        if (options.seededPlan) grams.clear();
        if (options.seededPlan || k === 0) {
          for (const source of task.sources) runs.push(await fit(source.arm, source, task.labels, folds, options.seededPlan ? seed : null));
        }
        if (options.labelBaselines.includes('shuffled')) runs.push(await fit('shuffled', labelSource, shuffledLabels(task.labels, seed), folds, seed));
        if (options.labelBaselines.includes('control')) {
          // Drawn over all the task's rows at once, so that a cell's label is the same at every date.
          const control = controlTask(task.rows.lat, task.rows.lon, cellDegrees, seed);
          runs.push(await fit('control', labelSource, control.labels, folds, seed, control.cells));
        }
      }
    }
  } finally {
    trainingRows.dispose();
  }
  // A fit's own progress stops short of 1 when its solver needs few iterations: say the end.
  options.onProgress?.({ stage: 'probe', fraction: 1, message: `${runs.length} probes fitted` });
  return runs;
}

interface FittedArm {
  arm: Arm;
  source: FeatureSource;
  task: ComparisonTask;
  labels: Uint8Array;
  folds: readonly Fold[];
  evaluation: ProbeEvaluation;
  seed: number | null;
  cells?: Int32Array;
}

function armRun({ arm, source, task, labels, folds, evaluation, seed, cells }: FittedArm, keepProbes: boolean): ArmRun {
  // Per row: the probe's prediction and the majority class of its fold's training rows (-1 untested).
  const predicted = new Int8Array(labels.length).fill(-1);
  const majority = new Int8Array(labels.length).fill(-1);
  const tested = predictLabels(evaluation.testProbabilities);
  evaluation.testRows.forEach((row, i) => (predicted[row] = tested[i]));
  folds.forEach((fold, k) => {
    if (evaluation.folds[k].skipped) return;
    const guess = majorityClass(Uint8Array.from(fold.split.train, (row) => labels[row]));
    for (const row of fold.split.test) majority[row] = guess;
  });
  const score = (rows: ArrayLike<number>): SubsetScore => {
    let right = 0;
    let majorityRight = 0;
    for (let i = 0; i < rows.length; i++) {
      right += predicted[rows[i]] === labels[rows[i]] ? 1 : 0;
      majorityRight += majority[rows[i]] === labels[rows[i]] ? 1 : 0;
    }
    return { accuracy: right / rows.length, majority: majorityRight / rows.length, nTest: rows.length };
  };
  const byTime = new Map<number, number[]>();
  for (const row of evaluation.testRows) {
    const time = task.rows.time[row];
    const rows = byTime.get(time) ?? [];
    rows.push(row);
    byTime.set(time, rows);
  }
  const heldOut = cells && folds.flatMap((fold, k) => (evaluation.folds[k].skipped ? [] : Array.from(heldOutCellRows(fold.split, cells))));
  return {
    arm,
    source: source.name,
    task: task.name,
    seed,
    features: source.x.cols,
    nTrain: evaluation.nTrain,
    nTest: evaluation.nTest,
    trainPositives: evaluation.trainPositives,
    testPositives: evaluation.testPositives,
    accuracy: evaluation.metrics.accuracy,
    majority: score(evaluation.testRows).majority,
    precision: evaluation.metrics.precision,
    recall: evaluation.metrics.recall,
    f1: evaluation.metrics.f1,
    rocAuc: evaluation.metrics.rocAuc,
    foldScores: evaluation.folds.flatMap((fold) => (fold.metrics ? [probeScores(fold.metrics)] : [])),
    ...(keepProbes ? { probes: evaluation.folds.map((fold) => fold.probe ?? null) } : {}),
    C: evaluation.folds.flatMap((fold) => (fold.C === undefined ? [] : [fold.C])),
    perTime: [...byTime.keys()].sort((a, b) => a - b).map((time) => ({ time: task.rows.timeNames[time], ...score(byTime.get(time)!) })),
    ...(heldOut && heldOut.length > 0 ? { heldOutCells: score(heldOut) } : {}),
    converged: evaluation.converged,
  };
}
