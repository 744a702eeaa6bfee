// A sweep's cells as a table, one row per (time, level), for the CLI's --csv and --json and the app's
// CSV export alike; and the figures a chart of the sweep can plot, with their spread where they have one.
import { PROBE_SCORES, type ProbeScore } from '../probes/metrics.ts';
import type { SweepCell } from './sweep.ts';

/** What a sweep chart can plot on its y axis. */
export const SWEEP_METRICS = [...PROBE_SCORES, 'selectivity', 'pc1', 'pc2', 'pc1Cosine', 'meanNormChange'] as const;
export type SweepMetric = (typeof SWEEP_METRICS)[number];

export const SWEEP_METRIC_LABELS: Record<SweepMetric, string> = {
  accuracy: 'accuracy',
  precision: 'precision',
  recall: 'recall',
  f1: 'F1',
  rocAuc: 'ROC-AUC',
  selectivity: 'selectivity (accuracy - control task)',
  pc1: 'PC1 explained variance',
  pc2: 'PC2 explained variance',
  pc1Cosine: '|cos| of PC1 to the first time',
  meanNormChange: 'mean latent norm change',
};

export const isProbeScore = (metric: SweepMetric): metric is ProbeScore => (PROBE_SCORES as readonly string[]).includes(metric);

/** A cell's value of a metric and its spread over seeds and folds (null where the metric has none); NaN when the cell has no value (e.g. no control task fitted). */
export function cellMetric(cell: SweepCell, metric: SweepMetric): { value: number; sd: number | null } {
  if (isProbeScore(metric)) return cell.scores[metric];
  const value = cell[metric];
  return { value: value ?? Number.NaN, sd: null };
}

/** A latent level in words: 0 the surface, k the k-th atmospheric latent level. */
export const levelName = (level: number): string => (level === 0 ? 'surface' : `atmos ${level}`);

/** The table's columns, in order: snake_case names, as the CLI's JSON keys. */
export const SWEEP_COLUMNS = [
  'time',
  'level',
  ...PROBE_SCORES.flatMap((score) => [snake(score), `${snake(score)}_sd`]),
  'fits',
  'majority',
  'shuffled',
  'control',
  'selectivity',
  'pc1',
  'pc2',
  'pc1_cosine',
  'mean_norm',
  'mean_norm_change',
  'n_train',
  'n_test',
  'positive_rate',
  'converged',
] as const;
export type SweepColumn = (typeof SWEEP_COLUMNS)[number];
export type SweepRecord = Record<SweepColumn, string | number | boolean | null>;

function snake(name: string): string {
  return name === 'rocAuc' ? 'roc_auc' : name.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);
}

/** NaN and infinities are not JSON: null. */
const finiteOrNull = (value: number | null) => (value !== null && Number.isFinite(value) ? value : null);

export function sweepRecord(cell: SweepCell): SweepRecord {
  const scores = Object.fromEntries(PROBE_SCORES.flatMap((score) => [[snake(score), finiteOrNull(cell.scores[score].value)], [`${snake(score)}_sd`, finiteOrNull(cell.scores[score].sd)]]));
  return {
    time: cell.time,
    level: cell.level,
    ...scores,
    fits: cell.fits,
    majority: cell.majority,
    shuffled: finiteOrNull(cell.shuffled),
    control: finiteOrNull(cell.control),
    selectivity: finiteOrNull(cell.selectivity),
    pc1: cell.pc1,
    pc2: cell.pc2,
    pc1_cosine: cell.pc1Cosine,
    mean_norm: cell.meanNorm,
    mean_norm_change: cell.meanNormChange,
    n_train: cell.nTrain,
    n_test: cell.nTest,
    positive_rate: cell.positiveRate,
    converged: cell.converged,
  } as SweepRecord;
}

/** RFC 4180 CSV with a header row; empty fields where a value is missing. */
export function sweepCsv(cells: readonly SweepCell[]): string {
  const lines = [SWEEP_COLUMNS.join(',')];
  for (const cell of cells) {
    const record = sweepRecord(cell);
    lines.push(SWEEP_COLUMNS.map((column) => csvField(record[column])).join(','));
  }
  return `${lines.join('\r\n')}\r\n`;
}

function csvField(value: string | number | boolean | null): string {
  if (value === null) return '';
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
