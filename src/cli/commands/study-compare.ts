// `latent-explorer study land-sea|extremes --compare untrained,raw,shuffled,control`: the study's
// probe beside its baselines (src/studies/compare*.ts), printed as probe cards. Untrained encoders
// are built in memory from Aurora's initialisation (nothing is written), one per --untrained-seeds.
import { parseNumber, parseSeedList } from '../args.ts';
import { CliError } from '../errors.ts';
import { listTimes, type Era5Dataset } from '../../data/dataset.ts';
import type { StoreOptionValues } from '../store-options.ts';
import { parseTimeSelection, repeatedTimesNotice, resolveTimeSelection, TimeSelectionError, type TimeSelection } from '../../data/time-selection.ts';
import { presetForEmbedDim } from '../../encoder/config.ts';
import type { Region } from '../../encoder/runtime.ts';
import { buildUntrainedModel } from '../../encoder/untrained.ts';
import type { PercentileField } from '../../percentiles/percentile-field.ts';
import { defaultUntrainedSeeds, RAW_SURFACE_FEATURES } from '../../studies/baselines.ts';
import type { ProbeCard, Spread } from '../../studies/compare-card.ts';
import { compareExtremes, compareKIndex, compareLandSea, type ComparisonInputs, type ComparisonSettings } from '../../studies/compare-studies.ts';
import { BASELINES, isBaseline, type Baseline, type FeatureArm } from '../../studies/compare.ts';
import type { SplitChoice } from '../../studies/split.ts';
import { encodeStudyTimes, openStudyDataset, progressPrinter, readStudyModel } from './study-common.ts';

/** Options of the comparison, merged into the study command's option table. */
export const COMPARE_OPTIONS = {
  compare: { type: 'string' },
  dates: { type: 'string' },
  seeds: { type: 'string' },
  'untrained-seeds': { type: 'string' },
  'control-cell': { type: 'string' },
  'baseline-features': { type: 'string' },
  'raw-atmosphere': { type: 'boolean' },
  'area-weights': { type: 'boolean' },
} as const;

export const COMPARE_USAGE = `Comparison (issue 7: controls), every study:
  --compare LIST   baselines beside the model, any of ${BASELINES.join(',')}: an untrained
                   encoder (Aurora's initialisation, built in memory), the raw normalised input patch
                   (surface + static at both steps, ${RAW_SURFACE_FEATURES} features), labels permuted, and a control task
                   (each cell gets a random label, the same at every date; scored on held-out cells).
                   Prints one probe card per probe: model, data, split, n train/test, positive rate,
                   accuracy ± sd beside the majority class's, per date, and selectivity
                   (model accuracy - control accuracy on held-out cells)
  --dates TIMES    the batch times, written as for --times: ISO,..., every:K, every:K:FROM..TO or FROM..TO
                   (land-sea: one probe per date; extremes, k-index: as --times)
  --seeds 0,1,2    repeat seeds: of seeded splits (stratified, blocks), permutations and control cells
                   (default: --seed)
  --untrained-seeds 0,1  one untrained encoder per seed, of the model's architecture (default 0; 1 when
                   the model is itself the untrained encoder of seed 0)
  --control-cell 5 control cells in degrees (default 5)
  --baseline-features model|raw  whose features the shuffled and control probes use (default model)
  --raw-atmosphere append the atmospheric levels to the raw input (always for k-index, whose K is
                   made of them)
  --area-weights   weight rows by cos(latitude) when fitting`;

type CompareValues = { [K in keyof typeof COMPARE_OPTIONS]?: (typeof COMPARE_OPTIONS)[K]['type'] extends 'boolean' ? boolean : string };

interface StudyContext {
  /** The store options as given (store-options.ts). */
  stores: StoreOptionValues;
  modelPath: string;
  times: ChosenTimes;
  region: Extract<Region, { kind: 'box' }> | undefined;
  level: number;
  split: SplitChoice;
  C: number | 'cv';
  json: boolean;
  probeBackend: string;
}

/** A study's batch times as the command line chose them, resolved once the store is open. */
export interface ChosenTimes {
  /** The option they came from, to begin their messages: '--dates', '--times (default)', ... */
  option: string;
  selection: TimeSelection;
}

/** The times of `option`; a time listed more than once is kept once, with a notice on stderr. */
export function parseChosenTimes(option: string, text: string): ChosenTimes {
  const selection = withOptionName(option, () => parseTimeSelection(text));
  if (selection.kind === 'list' && selection.repeated) process.stderr.write(`${repeatedTimesNotice(option, selection.repeated)}\n`);
  return { option, selection };
}

/**
 * The chosen times among the store's. A batch needs its previous 6-hourly step too, so `every` counts
 * only the times that have it; a listed time is checked against all of them, so that a missing
 * previous step keeps the data layer's own message.
 */
export function resolveChosenTimes(chosen: ChosenTimes, dataset: Era5Dataset): Date[] {
  const listing = listTimes(dataset);
  const choosable = chosen.selection.kind === 'list' ? listing.times : listing.times.filter((_, i) => listing.hasPreviousStep[i]);
  return resolveChosenAmong(chosen, choosable);
}

/** The chosen times among `available` (a latent source's, say); a usage mistake named by its option. */
export function resolveChosenAmong(chosen: ChosenTimes, available: readonly Date[]): Date[] {
  return withOptionName(chosen.option, () => resolveTimeSelection(chosen.selection, available));
}

/** A usage mistake in a time selection is the CLI's error, named by its option. */
function withOptionName<T>(option: string, work: () => T): T {
  try {
    return work();
  } catch (error) {
    if (error instanceof TimeSelectionError) throw new CliError(`${option}: ${error.message}`);
    throw error;
  }
}

export function parseBaselines(value: string): Baseline[] {
  const names = value.split(',').map((name) => name.trim()).filter((name) => name !== '');
  const unknown = names.find((name) => !isBaseline(name));
  if (unknown !== undefined || names.length === 0) throw new CliError(`--compare takes a comma-separated list of ${BASELINES.join(', ')}${unknown ? `; '${unknown}' is none of them` : ''}`);
  return BASELINES.filter((baseline) => names.includes(baseline));
}

function parseSeeds(value: string | undefined, name: string): number[] | undefined {
  return value === undefined ? undefined : parseSeedList(value, name);
}

function comparisonSettings(values: CompareValues, context: StudyContext): ComparisonSettings {
  const labelFeatures = (values['baseline-features'] ?? 'model') as FeatureArm;
  if (labelFeatures !== 'model' && labelFeatures !== 'raw') throw new CliError(`--baseline-features must be model or raw, got '${labelFeatures}'`);
  const baselines = parseBaselines(values.compare ?? '');
  if (labelFeatures === 'raw' && !baselines.includes('raw')) throw new CliError("--baseline-features raw needs 'raw' in --compare");
  const cell = values['control-cell'] === undefined ? undefined : parseNumber(values['control-cell'], 'control-cell');
  if (cell !== undefined && !(cell > 0 && cell <= 90)) throw new CliError(`--control-cell must be in (0, 90] degrees, got ${cell}`);
  return {
    split: context.split,
    seeds: parseSeeds(values.seeds, 'seeds'),
    baselines,
    labelFeatures,
    C: context.C,
    controlCellDegrees: cell,
    areaWeights: values['area-weights'] === true,
    onProgress: progressPrinter(),
  };
}

/** The study compared, with what labels it beyond the times. */
export type ComparedStudy = { name: 'land-sea' } | { name: 'extremes'; percentiles: readonly PercentileField[] } | { name: 'k-index'; thresholds: readonly number[] };

/** Runs the comparison of a study and prints its cards. */
export async function runStudyComparison(values: CompareValues, context: StudyContext, study: ComparedStudy): Promise<number> {
  const settings = comparisonSettings(values, context);
  const inputs = await encodeForComparison(values, context, settings.baselines, study.name === 'k-index');
  const cards =
    study.name === 'extremes' ? await compareExtremes(inputs, study.percentiles, settings)
    : study.name === 'k-index' ? await compareKIndex(inputs, study.thresholds, settings)
    : [await compareLandSea(inputs, settings)];
  const output = {
    study: study.name,
    model: { name: inputs.model.name, trained: inputs.model.trained },
    probe_backend: context.probeBackend,
    times: inputs.model.inputs.map((encoded) => encoded.time.toISOString()),
    level: context.level,
    split: context.split,
    baselines: settings.baselines,
    cards: cards.map(cardJson),
  };
  process.stdout.write(context.json ? JSON.stringify(output) + '\n' : cards.map(cardText).join('\n'));
  return cards.every((card) => card.arms.every((arm) => arm.converged)) ? 0 : 3;
}

async function encodeForComparison(values: CompareValues, context: StudyContext, baselines: readonly Baseline[], kIndex: boolean): Promise<ComparisonInputs> {
  const model = await readStudyModel(context.modelPath);
  const dataset = await openStudyDataset(context.stores);
  const times = resolveChosenTimes(context.times, dataset);
  const withRaw = baselines.includes('raw');
  const { inputs } = await encodeStudyTimes(dataset, { onnx: model.onnx, ...model.sidecar }, times, context.region, {
    raw: withRaw && { atmosphere: values['raw-atmosphere'] === true || kIndex },
    kIndex,
  });
  const raw = inputs.flatMap((input) => (input.era5?.raw ? [input.era5.raw] : []));
  const untrained: ComparisonInputs['untrained'][number][] = [];
  if (baselines.includes('untrained')) {
    const preset = presetForEmbedDim(model.sidecar.config.embedDim);
    if (!preset) throw new CliError(`no Aurora preset has D = ${model.sidecar.config.embedDim}; the untrained baseline needs the model's architecture`);
    const modelSeed = model.sidecar.trained ? null : model.sidecar.seed;
    for (const seed of parseSeeds(values['untrained-seeds'], 'untrained-seeds') ?? defaultUntrainedSeeds(modelSeed)) {
      const built = buildUntrainedModel(preset, seed, 'comparison');
      process.stderr.write(`untrained baseline ${built.sidecar.name}\n`);
      untrained.push({ name: built.sidecar.name, inputs: (await encodeStudyTimes(dataset, { onnx: built.onnx, ...built.sidecar }, times, context.region)).inputs });
    }
  }
  const rawName = `raw input (${raw[0]?.cols ?? RAW_SURFACE_FEATURES} features)`;
  return {
    model: { name: model.sidecar.name, trained: model.sidecar.trained, inputs },
    untrained,
    raw: withRaw ? { name: rawName, features: raw } : undefined,
    level: context.level,
  };
}

/** NaN is not JSON: null. */
const finiteOrNull = (value: number) => (Number.isFinite(value) ? value : null);
const spreadJson = (value: Spread) => ({ mean: finiteOrNull(value.mean), sd: finiteOrNull(value.sd), n: value.n, values: value.values });

export function cardJson(card: ProbeCard) {
  return {
    title: card.title,
    target: card.target,
    model: card.model,
    level: card.level,
    times: card.times,
    split: card.split,
    seeds: card.seeds,
    area_weights: card.areaWeights,
    control_cell_degrees: card.controlCellDegrees,
    rows: card.rows,
    positive_rate: card.positiveRate,
    n_train: card.nTrain,
    n_test: card.nTest,
    selectivity: card.selectivity && spreadJson(card.selectivity),
    table: card.arms.map((arm) => ({
      arm: arm.arm,
      label: arm.label,
      sources: arm.sources,
      features: arm.features,
      runs: arm.runs,
      accuracy: spreadJson(arm.accuracy),
      majority: spreadJson(arm.majority),
      f1: spreadJson(arm.f1),
      roc_auc: spreadJson(arm.rocAuc),
      fold_accuracy: spreadJson(arm.foldScores.accuracy),
      c: arm.C,
      per_date: arm.perTime.map((entry) => ({ time: entry.time, accuracy: spreadJson(entry.accuracy), majority: spreadJson(entry.majority) })),
      ...(arm.heldOutCells ? { held_out_cells: { accuracy: spreadJson(arm.heldOutCells.accuracy), majority: spreadJson(arm.heldOutCells.majority), n_test: arm.heldOutCells.nTest } } : {}),
      converged: arm.converged,
    })),
  };
}

const pm = (value: Spread) => (Number.isFinite(value.mean) ? `${value.mean.toFixed(4)} ± ${value.sd.toFixed(4)}` : 'n/a');

export function cardText(card: ProbeCard): string {
  // One C for every probe goes in the header; Cs chosen per fold (--C cv) go under each arm.
  const distinctCs = new Set(card.arms.flatMap((arm) => arm.C.map((entry) => entry.value)));
  const lines = [
    `${card.title}: ${card.target}`,
    `  model ${card.model.name}${card.model.trained ? '' : ' (UNTRAINED)'}, latent level ${card.level}; ${card.times.length} date(s) ${card.times.join(', ')}`,
    `  split ${card.split}, seeds ${card.seeds.join(',')}; ${card.rows} rows, ${(100 * card.positiveRate).toFixed(1)} % positive; n train ${card.nTrain}, n test ${card.nTest}${card.areaWeights ? '; cos-latitude weights' : ''}${distinctCs.size === 1 ? `; C ${[...distinctCs][0]}` : ''}`,
    '',
    '  arm                                         features  runs  accuracy (mean ± sd)  majority             ROC-AUC',
  ];
  for (const arm of card.arms) {
    lines.push(
      `  ${arm.label.padEnd(44).slice(0, 44)}${String(arm.features).padStart(8)}${String(arm.runs).padStart(6)}  ${pm(arm.accuracy).padEnd(20)}  ${pm(arm.majority).padEnd(19)}  ${pm(arm.rocAuc)}${arm.converged ? '' : '  NOT converged'}`,
    );
    if (distinctCs.size > 1) lines.push(`    C per fitted fold: ${arm.C.map((entry) => `${entry.value} ×${entry.folds}`).join(', ')}`);
    if (arm.heldOutCells) lines.push(`    on held-out cells (${arm.heldOutCells.nTest} rows): ${pm(arm.heldOutCells.accuracy)}, majority ${pm(arm.heldOutCells.majority)}`);
    if (arm.perTime.length > 1) lines.push(`    per date: ${arm.perTime.map((entry) => `${entry.time} ${pm(entry.accuracy)}`).join('; ')}`);
  }
  if (card.selectivity) lines.push('', `  selectivity (model - control on held-out cells): ${pm(card.selectivity)}`);
  return lines.join('\n') + '\n';
}
