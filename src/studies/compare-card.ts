// The "probe card": one comparison summarised for reading, for the CLI's table and JSON and for the
// app's Compare panel alike. Every accuracy comes with the majority-class accuracy of the same rows
// and its spread over the runs (dates x seeds, and separately over folds).
import { PROBE_SCORES, type ProbeScore } from '../probes/metrics.ts';
import { BASELINES, type Arm, type ArmRun, type ComparisonTask } from './compare.ts';

/** Mean and sample standard deviation (n - 1; 0 for one value) of the finite values. */
export interface Spread {
  mean: number;
  sd: number;
  n: number;
  values: number[];
}

export function spread(values: readonly number[]): Spread {
  const finite = values.filter(Number.isFinite);
  const n = finite.length;
  if (n === 0) return { mean: Number.NaN, sd: Number.NaN, n: 0, values: [] };
  const mean = finite.reduce((a, b) => a + b, 0) / n;
  const sd = n > 1 ? Math.sqrt(finite.reduce((total, value) => total + (value - mean) ** 2, 0) / (n - 1)) : 0;
  return { mean, sd, n, values: finite };
}

export interface TimeSummary {
  time: string;
  accuracy: Spread;
  majority: Spread;
}

export interface ArmSummary {
  arm: Arm;
  /** For the table, e.g. "untrained encoder (2 seeds)". */
  label: string;
  /** Feature sets fitted (several for the untrained encoder's seeds). */
  sources: string[];
  features: number;
  /** Probes fitted. */
  runs: number;
  accuracy: Spread;
  majority: Spread;
  precision: Spread;
  recall: Spread;
  f1: Spread;
  rocAuc: Spread;
  /** Each score over every fitted fold of every run (blocks give k per run). */
  foldScores: Record<ProbeScore, Spread>;
  perTime: TimeSummary[];
  /** Each C the arm's probes were fitted with, ascending, and on how many fitted folds (they differ with C 'cv'). */
  C: Array<{ value: number; folds: number }>;
  /** Control arm: accuracy on test rows of cells unseen in training, where chance is expected. */
  heldOutCells?: { accuracy: Spread; majority: Spread; nTest: number };
  converged: boolean;
}

export interface CardFacts {
  /** e.g. "land-sea" or "extremes p95". */
  title: string;
  /** What class 1 is, e.g. "land (patch land fraction >= 0.5)". */
  target: string;
  model: { name: string; trained: boolean };
  level: number;
  /** The split in words, with its folds. */
  split: string;
  seeds: readonly number[];
  areaWeights: boolean;
  controlCellDegrees: number;
}

export interface ProbeCard extends CardFacts {
  times: string[];
  /** Rows over all tasks (a patch at a date is a row). */
  rows: number;
  positiveRate: number;
  /** Mean over the model's runs. */
  nTrain: number;
  nTest: number;
  /** The model first, then the baselines in the order asked. */
  arms: ArmSummary[];
  /** Model accuracy - control accuracy on held-out cells, per (task, seed); null without a control. */
  selectivity: Spread | null;
}

const ARM_LABELS: Record<Arm, (sources: string[], facts: CardFacts) => string> = {
  model: (_, facts) => `${facts.model.name}${facts.model.trained ? '' : ' (UNTRAINED)'}`,
  untrained: (sources) => `untrained encoder (${sources.length === 1 ? sources[0] : `${sources.length} seeds`})`,
  raw: (sources) => sources[0],
  shuffled: (sources) => `shuffled labels (${sources[0]} features)`,
  control: (sources, facts) => `control task (${facts.controlCellDegrees}° cells, ${sources[0]} features)`,
};

export function probeCard(runs: readonly ArmRun[], tasks: readonly ComparisonTask[], facts: CardFacts): ProbeCard {
  const arms = (['model', ...BASELINES] as const).filter((arm) => runs.some((run) => run.arm === arm));
  const modelRuns = runs.filter((run) => run.arm === 'model');
  const rows = tasks.reduce((total, task) => total + task.labels.length, 0);
  const positives = tasks.reduce((total, task) => total + task.labels.reduce((sum, label) => sum + label, 0), 0);
  const times = [...new Set(tasks.flatMap((task) => Array.from(new Set(Array.from(task.rows.time)), (t) => task.rows.timeNames[t])))].sort();
  const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / Math.max(1, values.length);
  const controls = runs.filter((run) => run.arm === 'control' && run.heldOutCells);
  const modelAccuracy = (task: string, seed: number | null) => modelRuns.find((run) => run.task === task && (run.seed === seed || run.seed === null))?.accuracy;
  return {
    ...facts,
    times,
    rows,
    positiveRate: rows === 0 ? 0 : positives / rows,
    nTrain: Math.round(mean(modelRuns.map((run) => run.nTrain))),
    nTest: Math.round(mean(modelRuns.map((run) => run.nTest))),
    arms: arms.map((arm) => summariseArm(arm, runs.filter((run) => run.arm === arm), facts)),
    selectivity: controls.length === 0 ? null : spread(controls.map((run) => (modelAccuracy(run.task, run.seed) ?? Number.NaN) - run.heldOutCells!.accuracy)),
  };
}

function summariseArm(arm: Arm, runs: readonly ArmRun[], facts: CardFacts): ArmSummary {
  const sources = [...new Set(runs.map((run) => run.source))];
  const times = [...new Set(runs.flatMap((run) => run.perTime.map((entry) => entry.time)))].sort();
  const heldOut = runs.flatMap((run) => (run.heldOutCells ? [run.heldOutCells] : []));
  return {
    arm,
    label: ARM_LABELS[arm](sources, facts),
    sources,
    features: runs[0].features,
    runs: runs.length,
    accuracy: spread(runs.map((run) => run.accuracy)),
    majority: spread(runs.map((run) => run.majority)),
    precision: spread(runs.map((run) => run.precision)),
    recall: spread(runs.map((run) => run.recall)),
    f1: spread(runs.map((run) => run.f1)),
    rocAuc: spread(runs.map((run) => run.rocAuc)),
    foldScores: Object.fromEntries(PROBE_SCORES.map((score) => [score, spread(runs.flatMap((run) => run.foldScores.map((fold) => fold[score])))])) as Record<ProbeScore, Spread>,
    perTime: times.map((time) => {
      const entries = runs.flatMap((run) => run.perTime.filter((entry) => entry.time === time));
      return { time, accuracy: spread(entries.map((entry) => entry.accuracy)), majority: spread(entries.map((entry) => entry.majority)) };
    }),
    C: countValues(runs.flatMap((run) => run.C)),
    ...(heldOut.length > 0
      ? { heldOutCells: { accuracy: spread(heldOut.map((score) => score.accuracy)), majority: spread(heldOut.map((score) => score.majority)), nTest: heldOut.reduce((total, score) => total + score.nTest, 0) } }
      : {}),
    converged: runs.every((run) => run.converged),
  };
}

function countValues(values: readonly number[]): Array<{ value: number; folds: number }> {
  const counts = new Map<number, number>();
  for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
  return [...counts].sort(([a], [b]) => a - b).map(([value, folds]) => ({ value, folds }));
}
