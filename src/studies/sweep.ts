// A sweep: one study probed at every (time, latent level) cell, to see how separability moves over
// a season and which level carries what. A cell is the study's probe with its split, repeated over
// the seeds (and the folds of a fold split), beside the cheap baselines (majority, shuffled labels,
// the control task), all fitted by compare.ts on the cell's rows as a one-task comparison and read
// through its probe card; plus the cell's PCA, the latents' mean norm and the fitted probes, which
// the drift (sweep-drift.ts) and the time-transfer matrix (sweep-transfer.ts) read. Pure: the app's
// worker and the CLI run it alike; tfjs must be initialised.
import { cosLatitudeWeight } from '../data/geometry.ts';
import type { FeatureMatrix } from '../probes/matrix.ts';
import { PROBE_SCORES, type ProbeScore } from '../probes/metrics.ts';
import type { FoldGrams } from '../probes/fold-grams.ts';
import { covarianceDivisor, principalAxes } from '../probes/pca.ts';
import { DEFAULT_CONTROL_CELL_DEGREES } from './baselines.ts';
import { probeCard, type ArmSummary } from './compare-card.ts';
import { compareArms, defaultSeeds, splitPlan, type ComparisonTask } from './compare.ts';
import type { FoldProbe } from './evaluate.ts';
import { describeSplit, type Fold, type RowFacts, type SplitChoice } from './split.ts';
import { levelName } from './sweep-table.ts';
import { StudyInputError, type StudyProgress } from './progress.ts';

/** The baselines every cell can fit besides the majority class, which comes with every probe. */
export const SWEEP_BASELINES = ['shuffled', 'control'] as const;
export type SweepBaseline = (typeof SWEEP_BASELINES)[number];

export interface SweepSettings {
  /** The study's split; leave-one-time-out has no meaning within one time's cell. */
  split: SplitChoice;
  /** Repeat seeds (default: the split's own seed, or 0). */
  seeds?: readonly number[];
  baselines: readonly SweepBaseline[];
  /** The probes' C (default 1, scikit-learn's). */
  C?: number;
  controlCellDegrees?: number;
  /** Weight PCA and the probes by cos(latitude). */
  areaWeights?: boolean;
}

/** One time's rows at one latent level, labelled by the study. */
export interface SweepCellInput {
  /** The time, 'YYYY-MM-DDTHH:MM' (UTC). */
  time: string;
  level: number;
  x: FeatureMatrix;
  labels: Uint8Array;
  /** Each row's patch centre, degrees. */
  lat: ArrayLike<number>;
  lon: ArrayLike<number>;
}

/** A score of the model's probe: its value and its spread over every fitted (seed, fold). */
export interface CellScore {
  /** On the pooled test predictions, averaged over the seeds: the single study's figure for one seed. */
  value: number;
  /** Sample standard deviation over the fitted folds of every seed; 0 with one fit. */
  sd: number;
}

/** The figures of one cell, as the CLI prints them and the app charts them. Plain data. */
export interface SweepCell {
  time: string;
  level: number;
  scores: Record<ProbeScore, CellScore>;
  /** Fitted (seed, fold) pairs the spreads are over. */
  fits: number;
  /** Accuracy of predicting the training rows' majority class. */
  majority: number;
  /** Accuracy of the probe on shuffled labels; null when not asked for. */
  shuffled: number | null;
  /** The control task's accuracy on the test rows whose cell held no training row, where a cell's label cannot be memorised; null when not asked for or none. */
  control: number | null;
  /** Model accuracy minus that control accuracy (the probe card's definition); null without it. */
  selectivity: number | null;
  /** PCA's explained-variance ratio of the first two components. */
  pc1: number;
  pc2: number;
  /** |cos| between this time's PC1 and the sweep's first time's at this level (1 at the first). */
  pc1Cosine: number;
  /** Mean Euclidean norm of the latents (area-weighted with area weights). */
  meanNorm: number;
  /** meanNorm relative to the first time's at this level, minus 1 (0 at the first). */
  meanNormChange: number;
  /** Summed over the folds of one seed. */
  nTrain: number;
  nTest: number;
  /** Share of the time's rows labelled 1. */
  positiveRate: number;
  converged: boolean;
}

/** The model's fold probes for one repeat seed (the folds are the split's for that seed: cellFolds). */
export interface SeedProbes {
  seed: number;
  /** Per fold, null where the fold was skipped. */
  probes: Array<FoldProbe | null>;
}

/** A fitted cell: its figures, and what the drift and the transfer matrix need of it. */
export interface CellFit {
  cell: SweepCell;
  /** Unit first principal axis (length D). */
  pc1Axis: Float64Array;
  probes: SeedProbes[];
  /** The label baselines' fold probes, likewise (absent from fits cached before they were kept). */
  baselineProbes?: Partial<Record<SweepBaseline, SeedProbes[]>>;
}

export interface CellOptions {
  /**
   * The same level's fit at the sweep's previous time: each probe starts Newton from its counterpart
   * there (same arm, seed and fold) instead of from zero. The optimum is unique, so the cell's figures
   * are those of a cold start (to the solver's tolerance); a season's probes move little from one
   * time to the next, so this saves about a third of the model probe's iterations.
   */
  warmFrom?: CellFit;
  signal?: AbortSignal;
  onProgress?: (progress: StudyProgress) => void;
}

/** The folds of a cell's rows for one repeat seed, as its probes were fitted on them. */
export function cellFolds(input: SweepCellInput, settings: SweepSettings, seed: number): Fold[] {
  return splitPlan(settings.split).plan(cellRows(input), seed);
}

/** The row facts the split plans of one cell read. */
export function cellRows(input: Pick<SweepCellInput, 'time' | 'labels' | 'lat' | 'lon'>): RowFacts {
  return { labels: input.labels, lat: input.lat, lon: input.lon, time: new Int32Array(input.labels.length), timeNames: [input.time] };
}

export const seedsOf = (settings: SweepSettings): readonly number[] => settings.seeds ?? defaultSeeds(settings.split);

/** Checks the settings before any latent is read. */
export function checkSweepSettings(settings: SweepSettings): void {
  if (settings.split.kind === 'leave-one-time-out') {
    throw new StudyInputError('a sweep fits each time on its own, so leave-one-time-out has nothing to leave out; choose lon-band, stratified or blocks');
  }
  if (seedsOf(settings).length === 0) throw new StudyInputError('give at least one seed');
}

/** Fits one cell: the model's probe and the baselines on its rows, its PCA and its mean norm. Drift fields are left at their first-time values (see sweep-drift.ts). */
export async function fitSweepCell(input: SweepCellInput, settings: SweepSettings, options: CellOptions = {}): Promise<CellFit> {
  checkSweepSettings(settings);
  const { x, labels } = input;
  if (x.rows !== labels.length) throw new StudyInputError(`${input.time}, level ${input.level}: ${x.rows} latent rows but ${labels.length} labels`);
  const rows = cellRows(input);
  const seeds = seedsOf(settings);
  const weights = settings.areaWeights ? Float64Array.from(input.lat, cosLatitudeWeight) : undefined;
  const report = (fraction: number, message: string) => options.onProgress?.({ stage: 'probe', fraction, message });
  let allRows: FoldGrams | undefined;

  const { plan, seeded } = splitPlan(settings.split);
  const warm = options.warmFrom;
  const startProbes = (arm: string, seed: number | null, fold: number): FoldProbe | undefined => {
    const perSeed = arm === 'model' ? warm?.probes : warm?.baselineProbes?.[arm as SweepBaseline];
    // An unseeded split fits the model once (seed null) on the first seed's plan.
    const probe = perSeed?.find((probes) => probes.seed === (seed ?? seeds[0]))?.probes[fold];
    return probe && probe.coef.length === x.cols ? probe : undefined;
  };
  const task: ComparisonTask = { name: `${input.time}, ${levelName(input.level)}`, labels, rows, sources: [{ arm: 'model', name: 'model', x }] };
  const runs = await compareArms([task], {
    plan,
    seededPlan: seeded,
    seeds,
    labelBaselines: settings.baselines,
    C: settings.C,
    controlCellDegrees: settings.controlCellDegrees,
    areaWeights: settings.areaWeights,
    keepProbes: true,
    startProbes: warm && startProbes,
    // The first fold plan's Gram matrices sum to the covariance of all the rows: PCA needs no pass of its own.
    onFoldGrams: (_, grams) => (allRows ??= grams),
    signal: options.signal,
    onProgress: (progress) => report(progress.fraction, progress.message),
  });
  if (!allRows) throw new StudyInputError(`${task.name}: no probe was fitted`);
  const divisor = covarianceDivisor(x.rows, weights && { weightTotal: allRows.total.weightTotal, weightSquares: allRows.weightSquares });
  const components = principalAxes(allRows.total.gram.slice(), x.cols, Math.min(2, x.cols), divisor);
  const card = probeCard(runs, [task], {
    title: task.name,
    target: '',
    model: { name: 'model', trained: true },
    level: input.level,
    split: describeSplit(settings.split),
    seeds,
    areaWeights: settings.areaWeights ?? false,
    controlCellDegrees: settings.controlCellDegrees ?? DEFAULT_CONTROL_CELL_DEGREES,
  });
  const arm = (name: ArmSummary['arm']) => card.arms.find((summary) => summary.arm === name);
  const model = arm('model')!;
  const scores = Object.fromEntries(PROBE_SCORES.map((score) => [score, { value: model[score].mean, sd: model.foldScores[score].sd }])) as Record<ProbeScore, CellScore>;
  const seedProbes = (arm: string) => runs.filter((run) => run.arm === arm).map((run) => ({ seed: run.seed ?? seeds[0], probes: run.probes ?? [] }));
  const ratio = components.explainedVarianceRatio;
  return {
    cell: {
      time: input.time,
      level: input.level,
      scores,
      fits: model.foldScores.accuracy.n,
      majority: model.majority.mean,
      shuffled: arm('shuffled')?.accuracy.mean ?? null,
      control: arm('control')?.heldOutCells?.accuracy.mean ?? null,
      selectivity: card.selectivity?.mean ?? null,
      pc1: ratio[0],
      pc2: ratio.length > 1 ? ratio[1] : 0,
      pc1Cosine: 1,
      meanNorm: meanRowNorm(x, weights),
      meanNormChange: 0,
      nTrain: card.nTrain,
      nTest: card.nTest,
      positiveRate: card.positiveRate,
      converged: runs.every((run) => run.converged),
    },
    pc1Axis: components.components.slice(0, x.cols),
    // An unseeded split fits the model once (seed null): its folds are the first seed's plan.
    probes: seedProbes('model'),
    baselineProbes: Object.fromEntries(settings.baselines.map((baseline) => [baseline, seedProbes(baseline)])),
  };
}

/** Mean (optionally weighted) Euclidean norm of the rows, in float64. */
export function meanRowNorm(x: FeatureMatrix, weights?: ArrayLike<number>): number {
  let total = 0;
  let weightTotal = 0;
  for (let i = 0; i < x.rows; i++) {
    let squares = 0;
    const offset = i * x.cols;
    for (let j = 0; j < x.cols; j++) squares += x.data[offset + j] ** 2;
    const weight = weights ? weights[i] : 1;
    total += weight * Math.sqrt(squares);
    weightTotal += weight;
  }
  return weightTotal > 0 ? total / weightTotal : Number.NaN;
}
