// `latent-explorer study land-sea|extremes|k-index --sweep`: the study at every (time, latent level)
// cell of a sweep (studies/sweep-run.ts), from a latent store (--latents) or ERA5 through an encoder
// (--store, --model), printed as a table, --json or --csv; --transfer adds each level's time x time
// matrix. The same cells the app's Sweep panel draws.
import { availableParallelism } from 'node:os';
import { parseNumber, parseSeedList } from '../args.ts';
import { CliError } from '../errors.ts';
import type { Region } from '../../encoder/runtime.ts';
import type { PercentileField } from '../../percentiles/percentile-field.ts';
import { describeSplit, type SplitChoice, type StudyName } from '../../studies/split.ts';
import type { LatentSource } from '../../studies/latent-source.ts';
import { nodeEncoderSource } from '../../studies/sources.node.ts';
import { runSweep, type SweepPlan, type SweepResult } from '../../studies/sweep-run.ts';
import { studySweepSource, sweepReader, type SweepStudy } from '../../studies/sweep-source.ts';
import { levelName, SWEEP_COLUMNS, sweepCsv, sweepRecord } from '../../studies/sweep-table.ts';
import { SWEEP_BASELINES, type SweepBaseline } from '../../studies/sweep.ts';
import { sweepCellPool } from '../../workers/sweep-cell-pool.node.ts';
import type { StoreOptionValues } from '../store-options.ts';
import { chooseSourceTimes, openStudyLatents } from '../latents.ts';
import { throttledProgress } from './encode.ts';
import { openStudyDataset, readStudyModel } from './study-common.ts';

/** Options of the sweep, merged into the study command's option table. */
export const SWEEP_OPTIONS = {
  sweep: { type: 'boolean' },
  baselines: { type: 'string' },
  transfer: { type: 'boolean' },
  csv: { type: 'boolean' },
  percentile: { type: 'string' },
} as const;

export const SWEEP_USAGE = `Sweep (issue 14: time and depth), every study:
  latent-explorer study land-sea --sweep --times RULE [--levels all|0,1,2,3] [--latents STORE | --store ERA5 --model M]
                                 [--split ...] [--seeds 0,1] [--baselines shuffled,control] [--transfer] [--json|--csv]
  --sweep          the study at every time of --times and every latent level of --levels (a cell each): the
                   study's probe and split, its spread over --seeds and the split's folds, the majority class,
                   shuffled labels and the control task, PCA's first two ratios, and the drift of each level
                   (|cos| of PC1 to the first time's, the mean latent norm's change)
  --times          the sweep's times, as a list or a rule (every:K, FROM..TO, every:K:FROM..TO); default every:1
  --levels         with --sweep: the latent levels, all (default) or a list of 0 (surface) and 1..3
  --latents STORE  read the latents from a latent store in the study's layout instead of encoding --store
                   with --model; land from --static's mask, else --store's, else the product's real ERA5
                   mask; extremes and k-index take their temperatures from --store beside the latents
  --baselines LIST shuffled,control (default both; 'none' for neither); the majority class is always there
  --seeds 0,1      repeat seeds (default: --seed); the band of ± sd is over seeds and the split's folds
  --transfer       also each level's time x time matrix: the probe fitted at one time tested at every other
  --percentile 95  extremes: the percentile swept (default 95)
  --threshold 20   k-index: the K threshold swept, degrees C (default 20)
  --csv            one CSV row per cell instead of the table (--json: cells, skipped cells and matrices)`;

export type SweepValues = { [K in keyof typeof SWEEP_OPTIONS]?: (typeof SWEEP_OPTIONS)[K]['type'] extends 'boolean' ? boolean : string } & {
  latents?: string;
  times?: string;
  levels?: string;
  seeds?: string;
  model?: string;
  threshold?: string;
};

export interface SweepContext {
  study: StudyName;
  stores: StoreOptionValues;
  modelPath: string;
  split: SplitChoice;
  C: number;
  json: boolean;
  region: Extract<Region, { kind: 'box' }> | undefined;
  areaWeights: boolean;
  controlCellDegrees?: number;
  /** Extremes: the percentile fields read (the chosen one is swept). */
  percentiles?: readonly PercentileField[];
  thresholds?: readonly number[];
  probeBackend: string;
}

const ALL_LEVELS = [0, 1, 2, 3];

export function parseSweepLevels(text: string | undefined): number[] {
  if (text === undefined || text === 'all') return ALL_LEVELS;
  const levels = text.split(',').map((part) => parseNumber(part.trim(), 'levels'));
  const bad = levels.find((level) => !ALL_LEVELS.includes(level));
  if (bad !== undefined || new Set(levels).size !== levels.length) {
    throw new CliError(`with --sweep, --levels names latent levels: all, or a list of 0 (surface) and 1..3 (atmospheric), each once; got '${text}' (a store's pressure levels cannot be chosen in a sweep: encode them into a latent store with 'encode --out', then sweep it with --latents)`);
  }
  return [...levels].sort((a, b) => a - b);
}

export function parseSweepBaselines(text: string | undefined): SweepBaseline[] {
  if (text === undefined) return [...SWEEP_BASELINES];
  if (text === 'none') return [];
  const names = text.split(',').map((name) => name.trim());
  const unknown = names.find((name) => !(SWEEP_BASELINES as readonly string[]).includes(name));
  if (unknown !== undefined) throw new CliError(`--baselines takes ${SWEEP_BASELINES.join(', ')} or none; '${unknown}' is none of them`);
  return SWEEP_BASELINES.filter((baseline) => names.includes(baseline));
}

/** The sweep's times among the source's (default all), each once, in time order. */
function chooseTimes(text: string | undefined, source: LatentSource): Date[] {
  const picked = chooseSourceTimes(source, { times: text ?? 'every:1' });
  return [...new Set(picked.map((time) => time.getTime()))].sort((a, b) => a - b).map((ms) => new Date(ms));
}

function sweepStudy(values: SweepValues, context: SweepContext): SweepStudy {
  switch (context.study) {
    case 'land-sea':
      return { kind: 'land-sea' };
    case 'extremes': {
      const percentile = values.percentile === undefined ? 95 : parseNumber(values.percentile, 'percentile');
      const field = context.percentiles?.find((entry) => entry.percentile === percentile);
      if (!field) throw new CliError(`--percentile ${percentile}: the percentile files have ${(context.percentiles ?? []).map((entry) => entry.percentile).join(', ')}`);
      return { kind: 'extremes', field };
    }
    case 'k-index':
      return { kind: 'k-index', thresholdC: context.thresholds?.[0] ?? 20 };
  }
}

/** The sweep's latent source: a latent store (with ERA5 beside it when --store is given), or ERA5 encoded by the model. */
async function openSweepSource(values: SweepValues, context: SweepContext): Promise<LatentSource & { backend?: string }> {
  if (values.latents !== undefined) return openStudyLatents(values.latents, context.stores, context.study);
  const model = await readStudyModel(context.modelPath);
  const dataset = await openStudyDataset(context.stores);
  return nodeEncoderSource(dataset, { onnx: model.onnx, name: model.sidecar.name, trained: model.sidecar.trained, config: model.sidecar.config }, (reason) => process.stderr.write(`onnxruntime-node unavailable (${reason}); using WASM\n`));
}

/**
 * Worker threads fitting a latent store's cells, at most two: each lane holds a cell and the next, and two lanes
 * peaked at 2.1 GB on the full-size 0.25-degree store (more were not measured); one on a single core.
 */
const SWEEP_LANES = Math.min(2, availableParallelism());

export async function runStudySweep(values: SweepValues, context: SweepContext): Promise<number> {
  if (values.csv && context.json) throw new CliError('give --json or --csv, not both');
  if (values.csv && values.transfer) throw new CliError('--csv prints the cells alone: the transfer matrix comes with --json or the table');
  const study = sweepStudy(values, context);
  const plan: SweepPlan = {
    split: context.split,
    seeds: values.seeds === undefined ? undefined : parseSeedList(values.seeds, 'seeds'),
    baselines: parseSweepBaselines(values.baselines),
    C: context.C,
    areaWeights: context.areaWeights,
    controlCellDegrees: context.controlCellDegrees,
    levels: parseSweepLevels(values.levels),
    transfer: values.transfer === true,
  };
  const latent = await openSweepSource(values, context);
  // A latent store's levels are fitted on two lanes (worker threads), level by level alternately. An
  // encoder's levels come from one encoded time, so its cells stay on one lane (in this thread).
  const fitter = values.latents !== undefined && plan.levels.length > 1 && SWEEP_LANES > 1 ? sweepCellPool(SWEEP_LANES) : undefined;
  try {
    const times = chooseTimes(values.times, latent);
    // On one lane each read of a store's level fetches the time's next levels with it. Two lanes read two levels
    // of a time at once: the second would not find what the first is still fetching for it.
    const source = studySweepSource(times, sweepReader(latent, plan.levels, { region: context.region, kIndex: study.kind === 'k-index', oneLane: fitter === undefined }), study);
    const name = `${latent.facts.name}${latent.backend ? ` on ${latent.backend}` : ''}`;
    process.stderr.write(`sweep: ${source.times.length} times x ${plan.levels.length} levels from ${name}\n`);
    const print = throttledProgress();
    const started = performance.now();
    const result = await runSweep(source, plan, {
      onProgress: (p) => print(`cell ${p.cell} of ${p.cells}: ${p.message}`, false),
      onSkipped: (cell) => void process.stderr.write(`skipped ${cell.time}, ${levelName(cell.level)}: ${cell.reason}\n`),
      fitter,
    });
    process.stderr.write(`sweep done in ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
    if (values.csv) process.stdout.write(sweepCsv(result.cells));
    else if (context.json) process.stdout.write(`${JSON.stringify(sweepJson(result, plan, context, name))}\n`);
    else process.stdout.write(sweepText(result, plan, context, name));
    return result.cells.every((cell) => cell.converged) ? 0 : 3;
  } finally {
    await fitter?.close();
    await latent.release();
  }
}

function sweepJson(result: SweepResult, plan: SweepPlan, context: SweepContext, source: string) {
  return {
    study: context.study,
    sweep: true,
    source,
    probe_backend: context.probeBackend,
    split: context.split,
    split_description: describeSplit(context.split),
    seeds: plan.seeds ?? null,
    baselines: plan.baselines,
    C: context.C,
    area_weights: context.areaWeights,
    control_cell_degrees: plan.controlCellDegrees ?? null,
    levels: plan.levels,
    cells: result.cells.map(sweepRecord),
    skipped: result.skipped,
    transfer: result.transfer,
  };
}

function sweepText(result: SweepResult, plan: SweepPlan, context: SweepContext, source: string): string {
  const columns = ['time', 'level', 'accuracy', 'accuracy_sd', 'f1', 'roc_auc', 'majority', 'shuffled', 'control', 'selectivity', 'pc1', 'pc2', 'pc1_cosine', 'mean_norm_change', 'n_train', 'n_test', 'positive_rate'] as const satisfies ReadonlyArray<(typeof SWEEP_COLUMNS)[number]>;
  const format = (value: string | number | boolean | null) => (value === null ? '-' : typeof value === 'number' ? (Number.isInteger(value) ? String(value) : value.toFixed(4)) : String(value));
  const rows = result.cells.map((cell) => {
    const record = sweepRecord(cell);
    return columns.map((column) => (column === 'level' ? levelName(cell.level) : format(record[column])));
  });
  const widths = columns.map((column, k) => Math.max(column.length, ...rows.map((row) => row[k].length)));
  const line = (cells: readonly string[]) => cells.map((cell, k) => cell.padStart(widths[k])).join('  ');
  const lines = [
    `${context.study} sweep: ${source}; split ${describeSplit(context.split)}, seeds ${plan.seeds?.join(', ') ?? 'the split’s'}, baselines ${plan.baselines.join(', ') || 'majority only'}`,
    line(columns),
    ...rows.map(line),
  ];
  for (const cell of result.skipped) lines.push(`skipped ${cell.time}, ${levelName(cell.level)}: ${cell.reason}`);
  for (const matrix of result.transfer ?? []) {
    lines.push('', `transfer, ${levelName(matrix.level)}: accuracy of the probe fitted at the row's time on the column's time`);
    lines.push(['fitted \\ tested', ...matrix.times].join('  '));
    matrix.accuracy.forEach((row, a) => lines.push([matrix.times[a], ...row.map((value) => (value === null ? '-' : value.toFixed(4)))].join('  ')));
  }
  return `${lines.join('\n')}\n`;
}
