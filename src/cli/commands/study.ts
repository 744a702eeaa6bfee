// `latent-explorer study extremes|land-sea|k-index`: the three studies headless, on the same code the
// app's worker runs (src/studies), with a Node encoder session.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parseNumber, parseNumberList, parseOptions, parseSeed, requireString } from '../args.ts';
import { DEFAULT_MODEL_FILE } from '../../encoder/untrained.ts';
import { CliError } from '../errors.ts';
import { parseOneTime, parseRegion } from './encode.ts';
import { parseLayout, STORE_OPTIONS, type StoreOptionValues } from '../store-options.ts';
import { HEATWAVE_TIMES, STUDY1_TIME } from '../../data/sample/times.ts';
import type { Region } from '../../encoder/runtime.ts';
import { STUDY_PERCENTILE_TIME } from '../../percentiles/percentile-field.ts';
import { readPercentileSources } from '../../percentiles/sources.node.ts';
import { initNodeProbeBackend } from '../../probes/backend.node.ts';
import { DEFAULT_C } from '../../probes/logreg.ts';
import { C_GRID, DEFAULT_INNER_BLOCK_DEGREES, DEFAULT_INNER_FOLDS } from '../../probes/tune-c.ts';
import type { BinaryMetrics } from '../../probes/metrics.ts';
import type { ProbeEvaluation } from '../../studies/evaluate.ts';
import type { StudyTimeOptions } from '../../studies/study-time.ts';
import { DEFAULT_SEED, describeSplit, SPLIT_KINDS, splitChoice, splitChoiceSchema, STUDY_SPLIT_KINDS, type SplitChoice, type SplitKind, type StudyName } from '../../studies/split.ts';
import { EUROPE_REGION, runExtremesStudy, type ExtremesResult } from '../../studies/extremes.ts';
import { runLandSeaStudy, type LandSeaResult } from '../../studies/land-sea.ts';
import { K_INDEX_LATENT_LEVEL, K_INDEX_THRESHOLDS } from '../../studies/k-index.ts';
import { runKIndexStudy, type KIndexResult } from '../../studies/k-index-study.ts';
import { COMPARE_OPTIONS, COMPARE_USAGE, parseChosenTimes, resolveChosenTimes, runStudyComparison, type ChosenTimes } from './study-compare.ts';
import { encodeStudyTimes, openStudyDataset, progressPrinter, readStudyModel } from './study-common.ts';
import { runStudySweep, SWEEP_OPTIONS, SWEEP_USAGE } from './study-sweep.ts';
import { chooseSourceTimes, LATENTS_OPTION, openStudyLatents, parseLatentLevel, requireEra5Beside, sourceJson, sourceLine } from '../latents.ts';
import { pca } from '../../probes/pca.ts';
import { predictLabels } from '../../probes/logreg.ts';
import { readStudyTimes, type LatentSource, type LatentSourceFacts } from '../../studies/latent-source.ts';
import { levelMatrix, type StudyTime } from '../../studies/study-time.ts';

export const summary = 'Run study 1 (land-sea), 2 (extreme 2 m temperature) or 3 (K-index instability) headless';

export const DEFAULT_MODEL = `models/${DEFAULT_MODEL_FILE}`;

export const usage = `Usage:
  latent-explorer study extremes --store URL|PATH [store options as for 'encode'] [--model FILE]
                                 [--times ISO,...|every:K[:FROM..TO]|FROM..TO] [--percentiles STORE|DIR|FILE,FILE,...]
                                 [--percentile-time 2020-01-01] [--region S,N,W,E] [--level 0]
                                 [--split stratified|blocks|leave-one-time-out] [--seed 0] [--C 1] [--json]
  latent-explorer study land-sea --store URL|PATH [store options as for 'encode'] [--model FILE]
                                 [--time ISO] [--region S,N,W,E] [--level 0]
                                 [--split lon-band|stratified|blocks] [--lon-band W,E] [--seed 0] [--C 1] [--json]
  latent-explorer study land-sea --latents STORE [--time ISO | --times RULE] [--level surface|1|2|3]
                                 [--lon-band W,E] [--static STORE] [--store ERA5] [...as above]
  latent-explorer study extremes --latents STORE --store ERA5 [--times RULE] [...as above]
  latent-explorer study k-index  --latents STORE --store ERA5 [--times RULE] [...as above]
  latent-explorer study k-index  --store URL|PATH [store options as for 'encode'] [--model FILE]
                                 [--times ISO,...|every:K[:FROM..TO]|FROM..TO] [--threshold 20,35]
                                 [--region S,N,W,E] [--level 1]
                                 [--split stratified|blocks|leave-one-time-out] [--seed 0] [--C 1] [--json]

extremes (study 2): encodes the region's patches at each time, labels each patch-mean 2 m
  temperature against each percentile's patch threshold (the mean of the percentile grid points
  within the patch), fits one logistic-regression probe per percentile and prints the table
  (accuracy, precision, recall, F1, ROC-AUC, positive rate, split sizes) and the class counts.
land-sea (study 1): encodes every patch (or the region's) at one time, labels land where the patch
  mean of the land-sea mask is >= 0.5, fits one probe and prints its metrics and the misclassified
  patches, most confident first.
k-index (study 3): encodes every patch (or the region's) at each time, computes the K-index
  (T850 - T500) + Td850 - (T700 - Td700) at every grid point with the study's Magnus dew point (from
  the store's relative humidity, 'r' or 'relative_humidity', or else derived from q, T and p; the
  output says which), labels a patch unstable at each threshold when at least half of its points
  exceed it, and fits one probe per threshold on the first atmospheric latent level.

Over a latent store (--latents: the study's layout, written by the study, a GPU job or 'encode --out
  DIR.zarr'; a local path, http(s), gs:// or s3://) no encoder runs: the latents of the time(s) and level
  chosen are read, the land fractions come from the land-sea mask of --static, else of --store, else
  the real ERA5 0.25-degree mask this product ships; studies 2 and 3 take their 2 m temperatures, and
  temperatures and humidity on levels, from the ERA5 store of --store beside the latents (same grid).
  Every output names its source. The same --latents serves --sweep.

Options:
  --store, --atmos-store, --static, --layout, --var, --levels, --token
                   the ERA5 stores, as for 'encode' (beside the latents with --latents)
  --latents        a latent store to read instead of encoding ERA5 (every study; not with --compare)
  --model          an encoder ONNX file with its sidecar (default ${DEFAULT_MODEL};
                   make it with 'latent-explorer init-model --preset aurora-0.25 --seed 0 --out ${DEFAULT_MODEL}')
  --times          extremes, k-index: batch times, UTC (default: the study's ten heatwave times;
                   k-index: ${STUDY1_TIME.toISOString().slice(0, 16)}), as a list
                   ISO,ISO,... or a rule over the store's times that have their previous 6-hourly step:
                   every:K (every K-th, from the first), every:K:FROM..TO (every K-th within FROM..TO),
                   FROM..TO (all within). Range ends are inclusive instants: 2022-08-31 is its 00:00
  --time           land-sea: the batch time (default: the study's ${STUDY1_TIME.toISOString().slice(0, 16)}; over a latent
                   store, its only time, else required); with --latents, --times RULE runs one probe per time
                   (JSON: a list)
  --percentiles    a Zarr store with pNN_Tmax_Yearly variables, a directory of the CDS files
                   (pNN_Tmax_Yearly_rcp45_mean_v1.0.nc, NetCDF-4 or NetCDF-3) or a comma-separated list
                   of them (default: tmax-percentiles.zarr beside --store, as in the sample)
  --percentile-time  the time read from files with a time axis, matched by day (default 2020-01-01)
  --threshold      k-index: K thresholds in degrees C, increasing (default the study's ${K_INDEX_THRESHOLDS.join(',')})
  --region         S,N,W,E in degrees, either longitude convention; extremes default: Europe
                   (${EUROPE_REGION.south},${EUROPE_REGION.north},${EUROPE_REGION.west},${EUROPE_REGION.east}); land-sea and k-index default: the whole grid.
                   Write --region=-20,30,-50,70 when the first number is negative
  --level          latent level probed: surface or 0 (default), 1.. atmospheric (k-index default: ${K_INDEX_LATENT_LEVEL},
                   the first atmospheric level, the study's level 0)
  --split          extremes, k-index: stratified (80/20, the study's; default), blocks (5 folds of 10-degree
                   blocks), leave-one-time-out; land-sea: lon-band (test 120..210 E, the study's;
                   default), stratified, blocks. Folds' test predictions are pooled into one table row
  --lon-band W,E   land-sea's test band for --split lon-band, in degrees east (default 120,210; the
                   Europe fixture's 30,45)
  --seed           seed of the stratified and block splits (default ${DEFAULT_SEED})
  --C              inverse regularisation strength (scikit-learn's C, default ${DEFAULT_C}); with --compare also
                   cv: each probe (each fold of each arm) chooses C from ${C_GRID.join(', ')} by ${DEFAULT_INNER_FOLDS}-fold
                   cross-validation over ${DEFAULT_INNER_BLOCK_DEGREES}-degree blocks of its training rows
  --json           print JSON instead of a table

${COMPARE_USAGE}

${SWEEP_USAGE}

Progress goes to stderr. Exit status 3 when a probe's solver did not converge (results still printed).`;

const STUDIES: readonly StudyName[] = ['extremes', 'land-sea', 'k-index'];

/** The options that belong to one study only, and to which. */
const STUDY_OPTIONS: Readonly<Record<StudyName, readonly string[]>> = {
  extremes: ['times', 'percentiles', 'percentile-time'],
  'land-sea': ['time', 'times', 'lon-band'],
  'k-index': ['times', 'threshold'],
};

const OPTIONS = {
  ...STORE_OPTIONS,
  ...LATENTS_OPTION,
  'lon-band': { type: 'string' },
  model: { type: 'string' },
  times: { type: 'string' },
  time: { type: 'string' },
  percentiles: { type: 'string' },
  'percentile-time': { type: 'string' },
  threshold: { type: 'string' },
  region: { type: 'string' },
  level: { type: 'string' },
  split: { type: 'string' },
  seed: { type: 'string' },
  C: { type: 'string' },
  json: { type: 'boolean' },
  ...COMPARE_OPTIONS,
  ...SWEEP_OPTIONS,
} as const;

type StudyValues = ReturnType<typeof parseOptions<typeof OPTIONS>>['values'];

export async function run(args: string[]): Promise<number> {
  const { values, positionals } = parseOptions(args, OPTIONS);
  const [name, ...extra] = positionals;
  if (!STUDIES.includes(name as StudyName)) throw new CliError(`name a study: ${STUDIES.slice(0, -1).join(', ')} or ${STUDIES[STUDIES.length - 1]} (e.g. 'latent-explorer study extremes --store ...')`);
  if (extra.length > 0) throw new CliError(`unexpected argument '${extra[0]}'`);
  const study = name as StudyName;
  if (values.sweep) return sweepStudy(values, study);
  const sweepOnly = Object.keys(SWEEP_OPTIONS).find((option) => values[option as keyof StudyValues] !== undefined);
  if (sweepOnly) throw new CliError(`--${sweepOnly} goes with --sweep (e.g. 'study ${study} --sweep --times every:4 --levels all')`);
  const forOther = STUDIES.flatMap((other) => STUDY_OPTIONS[other]).filter((option) => !STUDY_OPTIONS[study].includes(option));
  const misplaced = forOther.find((option) => values[option as keyof StudyValues] !== undefined);
  if (misplaced) throw new CliError(`--${misplaced} is not an option of 'study ${study}'`);
  const comparisonOnly = Object.keys(COMPARE_OPTIONS).find((option) => option !== 'compare' && values[option as keyof StudyValues] !== undefined);
  if (comparisonOnly && values.compare === undefined) throw new CliError(`--${comparisonOnly} goes with --compare (e.g. --compare untrained,raw,shuffled,control)`);
  if (values.latents !== undefined && values.compare !== undefined) throw new CliError('--compare runs on ERA5 encoded here (--store); over a latent store, compare in the app');
  const common = parseCommon(values, study);
  return study === 'extremes' ? runExtremes(values, common) : study === 'k-index' ? runKIndex(values, common) : runLandSea(values, common);
}

interface CommonOptions {
  /** The store options as given (store-options.ts). */
  stores: StoreOptionValues;
  /** The surface store (of 2 m temperature), encoded or beside the latents of --latents: the percentiles are looked for beside it. */
  store: string | undefined;
  level: number;
  split: SplitChoice;
  C: number;
  json: boolean;
  region: Extract<Region, { kind: 'box' }> | undefined;
}

/** The study at every time and latent level of a sweep (study-sweep.ts); --times and --seeds serve every study there. */
async function sweepStudy(values: StudyValues, study: StudyName): Promise<number> {
  for (const option of ['compare', 'dates', 'untrained-seeds', 'baseline-features', 'raw-atmosphere', 'time', 'level'] as const) {
    if (values[option] !== undefined) throw new CliError(`--${option} is not an option of a sweep: ${option === 'level' ? '--levels names its latent levels' : option === 'time' ? '--times names its times' : 'a sweep fits the cheap baselines on the model\'s latents (--baselines)'}`);
  }
  const forOther = (['percentiles', 'percentile-time', 'percentile', 'threshold'] as const).find(
    (option) => values[option] !== undefined && !(option === 'threshold' ? study === 'k-index' : study === 'extremes'),
  );
  if (forOther) throw new CliError(`--${forOther} is not an option of 'study ${study}'`);
  // With --sweep, --levels names latent levels; the stores read every pressure level they have.
  const common = parseCommon({ ...values, levels: undefined }, study);
  if (values.latents !== undefined) requireEra5Beside(study, common.stores);
  const backend = await initNodeProbeBackend();
  const percentiles =
    study === 'extremes'
      ? await readPercentileSources(values.percentiles ?? defaultPercentiles(requireString(common.store, 'store')), { time: values['percentile-time'] === undefined ? STUDY_PERCENTILE_TIME : parseOneTime(values['percentile-time'], '--percentile-time') })
      : undefined;
  return runStudySweep(values, {
    study,
    stores: common.stores,
    modelPath: values.model ?? DEFAULT_MODEL,
    split: common.split,
    C: common.C,
    json: common.json,
    region: common.region ?? (study === 'extremes' ? EUROPE_REGION : undefined),
    areaWeights: values['area-weights'] === true,
    controlCellDegrees: values['control-cell'] === undefined ? undefined : parseNumber(values['control-cell'], 'control-cell'),
    percentiles,
    thresholds: values.threshold === undefined ? undefined : parseThresholds(values.threshold),
    probeBackend: `${backend.name}, matrix products on ${backend.matrixKernel}`,
  });
}

function parseCommon(values: StudyValues, study: StudyName): CommonOptions {
  const given = values['surface-store'] ?? values.store;
  const store = values.latents === undefined ? requireString(given, 'store') : given;
  const level = parseLatentLevel(values.level, study === 'k-index' ? K_INDEX_LATENT_LEVEL : 0);
  const kinds: readonly SplitKind[] = STUDY_SPLIT_KINDS[study];
  const kind = (values.split ?? kinds[0]) as SplitKind;
  if (!kinds.includes(kind)) {
    const known = SPLIT_KINDS.includes(kind) ? ` ('${kind}' belongs to the other study)` : '';
    throw new CliError(`--split of 'study ${study}' must be one of ${kinds.join(', ')}${known}`);
  }
  const seed = values.seed === undefined ? DEFAULT_SEED : parseSeed(values.seed, 'seed');
  // --C cv is the comparison's alone (comparisonContext passes it on); a plain study's probe takes a number.
  if (values.C === 'cv' && values.compare === undefined) throw new CliError(`--C cv (each probe's C chosen by inner cross-validation) needs --compare; a plain study takes a number, e.g. --C ${DEFAULT_C}`);
  const C = values.C === undefined || values.C === 'cv' ? DEFAULT_C : parseNumber(values.C, 'C');
  if (!(C > 0)) throw new CliError(`--C must be positive, got ${C}`);
  parseLayout(values.layout);
  const stores: StoreOptionValues = {
    store: values.store,
    'surface-store': values['surface-store'],
    'atmos-store': values['atmos-store'],
    static: values.static,
    layout: values.layout,
    var: values.var,
    levels: values.levels,
    token: values.token,
  };
  return { stores, store, level, split: lonBandSplit(values['lon-band'], kind) ?? splitChoice(kind, seed), C, json: values.json === true, region: parseRegion(values.region) };
}

/** `--lon-band W,E`: land-sea's test band (default the study's 120..210 E). */
function lonBandSplit(text: string | undefined, kind: SplitKind): SplitChoice | undefined {
  if (text === undefined) return undefined;
  if (kind !== 'lon-band') throw new CliError(`--lon-band sets the test band of --split lon-band, not of --split ${kind}`);
  const [west, east] = parseNumberList(text, 'lon-band', 2);
  return splitChoiceSchema.parse({ kind: 'lon-band', west, east });
}

/** Opens the store and the model, and encodes the times. */
async function encodeTimes(values: StudyValues, stores: StoreOptionValues, chosen: ChosenTimes, region: CommonOptions['region'], options: StudyTimeOptions = {}): Promise<StudyTimes> {
  const model = await readStudyModel(values.model ?? DEFAULT_MODEL);
  const dataset = await openStudyDataset(stores);
  const encoded = await encodeStudyTimes(dataset, { onnx: model.onnx, ...model.sidecar }, resolveChosenTimes(chosen, dataset), region, options);
  process.stderr.write(`encoded on ${encoded.backend}\n`);
  return { inputs: encoded.inputs, source: encoded.facts, backend: encoded.backend, pressureLevels: dataset.batchLevels };
}

/** Study times and where they came from: an encoder (with its backend) or a latent store. */
interface StudyTimes {
  inputs: StudyTime[];
  source: LatentSourceFacts;
  backend: string;
  /** The pressure levels encoded (hPa); none when the latents were read from a store. */
  pressureLevels: readonly number[] | null;
}

/** `work` on the latent store of --latents (with the ERA5 store of --store beside it when given), released after. */
async function withLatents<T>(values: StudyValues, common: CommonOptions, study: StudyName, work: (source: LatentSource) => Promise<T>): Promise<T> {
  const source = await openStudyLatents(requireString(values.latents, 'latents'), common.stores, study);
  try {
    return await work(source);
  } finally {
    await source.release();
  }
}

/** The source's latents of `times` at the study's level, over the region. */
async function readLatentTimes(source: LatentSource, times: readonly Date[], level: number, region: CommonOptions['region'], options: StudyTimeOptions = {}): Promise<StudyTimes> {
  const inputs = await readStudyTimes(source, times, { ...options, levels: [level], region, onProgress: progressPrinter() });
  return { inputs, source: source.facts, backend: 'none (latents read from a store)', pressureLevels: null };
}

async function runExtremes(values: StudyValues, common: CommonOptions): Promise<number> {
  const region = common.region ?? EUROPE_REGION;
  if (values.latents !== undefined) requireEra5Beside('extremes', common.stores);
  const percentileTime = values['percentile-time'] === undefined ? STUDY_PERCENTILE_TIME : parseOneTime(values['percentile-time'], '--percentile-time');
  const percentileSpec = values.percentiles ?? defaultPercentiles(requireString(common.store, 'store'));
  const percentiles = await readPercentileSources(percentileSpec, { time: percentileTime });
  const backend = await initNodeProbeBackend();
  const times = values.times === undefined ? listed('--times (default)', HEATWAVE_TIMES) : parseChosenTimes('--times', values.times);
  if (values.compare !== undefined) return runStudyComparison(values, comparisonContext(values, common, values.dates === undefined ? times : parseChosenTimes('--dates', values.dates), region, backend.name), { name: 'extremes', percentiles });
  const read =
    values.latents === undefined
      ? await encodeTimes(values, common.stores, times, region)
      : await withLatents(values, common, 'extremes', (source) => readLatentTimes(source, chooseSourceTimes(source, values, () => heatwaveTimesOf(source)), common.level, region));
  const result = await runExtremesStudy(read.inputs, percentiles, { level: common.level, split: common.split, C: common.C, onProgress: progressPrinter() });
  const output = extremesJson(result, { ...runFacts(read, backend.name), region, percentiles: percentileSpec });
  process.stdout.write(common.json ? JSON.stringify(output) + '\n' : sourceLine(read.source) + extremesTable(result));
  return result.probes.every((probe) => probe.converged) ? 0 : 3;
}

/** The study's heatwave times that a latent store holds (study 2's default there). */
function heatwaveTimesOf(source: LatentSource): Date[] {
  const held = new Set(source.times.map((time) => time.getTime()));
  const times = HEATWAVE_TIMES.filter((time) => held.has(time.getTime()));
  if (times.length === 0) throw new CliError(`${source.facts.name} holds none of the study's heatwave times: choose its times with --times (e.g. every:1)`);
  return times;
}

function defaultPercentiles(store: string): string {
  const beside = join(dirname(store.replace(/\/+$/, '')), 'tmax-percentiles.zarr');
  if (/^https?:\/\//.test(store) || existsSync(beside)) return beside;
  throw new CliError(`no --percentiles given and no tmax-percentiles.zarr beside ${store}; give the CDS files' directory or a Zarr store`);
}

async function runLandSea(values: StudyValues, common: CommonOptions): Promise<number> {
  const backend = await initNodeProbeBackend();
  if (values.latents === undefined) {
    if (values.times !== undefined) throw new CliError('--times with land-sea is for a latent store (--latents: one probe per time); to encode ERA5, give one --time');
    const times = values.time === undefined ? listed('--time (default)', [STUDY1_TIME]) : listed('--time', [parseOneTime(values.time, '--time')]);
    if (values.compare !== undefined) return runStudyComparison(values, comparisonContext(values, common, values.dates === undefined ? times : parseChosenTimes('--dates', values.dates), common.region, backend.name), { name: 'land-sea' });
    const read = await encodeTimes(values, common.stores, times, common.region);
    const outcome = await landSea(read.inputs[0], common);
    process.stdout.write(common.json ? JSON.stringify(landSeaJson(outcome, runFacts(read, backend.name))) + '\n' : sourceLine(read.source) + landSeaText(outcome));
    return outcome.result.converged ? 0 : 3;
  }
  // A latent store: one probe per time chosen, each read, probed and printed in turn (a 0.25-degree time is 133 MB).
  return withLatents(values, common, 'land-sea', async (source) => {
    const outputs: unknown[] = [];
    let converged = true;
    for (const time of chooseSourceTimes(source, values)) {
      const read = await readLatentTimes(source, [time], common.level, common.region);
      const outcome = await landSea(read.inputs[0], common);
      converged &&= outcome.result.converged;
      if (common.json) outputs.push(landSeaJson(outcome, runFacts(read, backend.name)));
      else process.stdout.write(sourceLine(read.source) + landSeaText(outcome));
    }
    // One time (--time) is one object, as for an encoded time; --times gives one per time, in a list.
    if (common.json) process.stdout.write(JSON.stringify(values.times === undefined && outputs.length === 1 ? outputs[0] : outputs) + '\n');
    return converged ? 0 : 3;
  });
}

/** Components whose share of the variance land-sea reports (the study plots the first two). */
const LAND_SEA_PCA_COMPONENTS = 10;

/** Study 1 on one time, and the PCA of the features it probes. */
async function landSea(input: StudyTime, common: CommonOptions): Promise<{ result: LandSeaResult; pcaRatios: Float64Array }> {
  const result = await runLandSeaStudy(input, { level: common.level, split: common.split, C: common.C, onProgress: progressPrinter() });
  const features = levelMatrix(input, common.level);
  const { explainedVarianceRatio } = await pca(features, { components: Math.min(LAND_SEA_PCA_COMPONENTS, features.cols) });
  return { result, pcaRatios: explainedVarianceRatio };
}

async function runKIndex(values: StudyValues, common: CommonOptions): Promise<number> {
  if (values.latents !== undefined) requireEra5Beside('k-index', common.stores);
  const times = values.times === undefined ? listed('--times (default)', [STUDY1_TIME]) : parseChosenTimes('--times', values.times);
  const thresholds = values.threshold === undefined ? [...K_INDEX_THRESHOLDS] : parseThresholds(values.threshold);
  const backend = await initNodeProbeBackend();
  if (values.compare !== undefined) {
    return runStudyComparison(values, comparisonContext(values, common, values.dates === undefined ? times : parseChosenTimes('--dates', values.dates), common.region, backend.name), { name: 'k-index', thresholds });
  }
  const read =
    values.latents === undefined
      ? await encodeTimes(values, common.stores, times, common.region, { kIndex: true })
      : await withLatents(values, common, 'k-index', (source) => readLatentTimes(source, chooseSourceTimes(source, values, () => [STUDY1_TIME]), common.level, common.region, { kIndex: true }));
  const result = await runKIndexStudy(read.inputs, { level: common.level, thresholds, split: common.split, C: common.C, onProgress: progressPrinter() });
  const output = kIndexJson(result, { ...runFacts(read, backend.name), region: common.region });
  process.stdout.write(common.json ? JSON.stringify(output) + '\n' : sourceLine(read.source) + kIndexTable(result));
  return result.probes.every((probe) => probe.converged) ? 0 : 3;
}

function parseThresholds(text: string): number[] {
  const thresholds = text.split(',').map((item) => parseNumber(item.trim(), 'threshold'));
  if (thresholds.some((threshold, k) => k > 0 && !(threshold > thresholds[k - 1]))) throw new CliError(`--threshold takes increasing K values in degrees C, e.g. 20,35; got ${text}`);
  return thresholds;
}

/** Times named one by one (a default, or --time), checked against the store like a list given on the command line. */
function listed(option: string, times: readonly Date[]): ChosenTimes {
  return { option, selection: { kind: 'list', times: [...times] } };
}

/** What the comparison (--compare) needs of the study's options. */
function comparisonContext(values: StudyValues, common: CommonOptions, times: ChosenTimes, region: CommonOptions['region'], probeBackend: string) {
  return { ...common, C: values.C === 'cv' ? ('cv' as const) : common.C, modelPath: values.model ?? DEFAULT_MODEL, times, region, probeBackend };
}

/** NaN (ROC-AUC with one class) is not JSON: null. */
const finiteOrNull = (value: number) => (Number.isFinite(value) ? value : null);

function metricsJson(metrics: BinaryMetrics) {
  return {
    accuracy: metrics.accuracy,
    precision: metrics.precision,
    recall: metrics.recall,
    f1: metrics.f1,
    roc_auc: finiteOrNull(metrics.rocAuc),
    confusion: metrics.confusion,
  };
}

function evaluationJson(evaluation: ProbeEvaluation) {
  return {
    ...metricsJson(evaluation.metrics),
    n_train: evaluation.nTrain,
    n_test: evaluation.nTest,
    train_positives: evaluation.trainPositives,
    test_positives: evaluation.testPositives,
    converged: evaluation.converged,
    folds: evaluation.folds.map((fold) => ({
      name: fold.name,
      n_train: fold.nTrain,
      n_test: fold.nTest,
      train_positives: fold.trainPositives,
      test_positives: fold.testPositives,
      ...(fold.skipped ? { skipped: fold.skipped } : {}),
      ...(fold.metrics ? metricsJson(fold.metrics) : {}),
    })),
    pr_curve: {
      thresholds: Array.from(evaluation.prCurve.thresholds),
      precision: Array.from(evaluation.prCurve.precision),
      recall: Array.from(evaluation.prCurve.recall),
    },
  };
}

interface RunFacts {
  source: ReturnType<typeof sourceJson>;
  backend: string;
  probeBackend: string;
  /** The pressure levels encoded (hPa); null over a latent store. */
  pressureLevels: readonly number[] | null;
}

function runFacts(read: StudyTimes, probeBackend: string): RunFacts {
  return { source: sourceJson(read.source), backend: read.backend, probeBackend, pressureLevels: read.pressureLevels };
}

/** What every study's JSON says of where its latents came from, right after the study's name. */
function runFactsJson(facts: RunFacts) {
  return { source: facts.source, model: facts.source.model, encoder_backend: facts.backend, probe_backend: facts.probeBackend, pressure_levels: facts.pressureLevels };
}

const boxJson = ({ south, north, west, east }: Extract<Region, { kind: 'box' }>) => ({ south, north, west, east });

function extremesJson(result: ExtremesResult, facts: RunFacts & { region: Extract<Region, { kind: 'box' }>; percentiles: string }) {
  return {
    study: 'extremes',
    ...runFactsJson(facts),
    times: result.times.map((time) => time.toISOString()),
    region: boxJson(facts.region),
    percentile_source: facts.percentiles,
    level: result.level,
    split: result.split,
    points: result.rows.time.length,
    patches_outside_percentiles: result.patchesOutsidePercentiles,
    class_names: result.classNames,
    class_counts: result.classCounts,
    class_counts_by_time: result.classCountsByTime,
    pca_explained_variance_ratio: Array.from(result.pca.explainedVarianceRatio),
    table: result.probes.map((probe) => ({ percentile: probe.percentile, positive_rate: probe.positiveRate, ...evaluationJson(probe) })),
  };
}

function kIndexJson(result: KIndexResult, facts: RunFacts & { region: Extract<Region, { kind: 'box' }> | undefined }) {
  return {
    study: 'k-index',
    ...runFactsJson(facts),
    times: result.times.map((time) => time.toISOString()),
    humidity: result.humiditySources,
    region: facts.region ? boxJson(facts.region) : null,
    level: result.level,
    split: result.split,
    points: result.rows.time.length,
    thresholds: result.thresholds,
    class_names: result.classNames,
    class_counts: result.classCounts,
    class_counts_by_time: result.classCountsByTime,
    pca_explained_variance_ratio: Array.from(result.pca.explainedVarianceRatio),
    table: result.probes.map((probe) => ({ threshold: probe.threshold, positive_rate: probe.positiveRate, ...evaluationJson(probe) })),
  };
}

function landSeaJson({ result, pcaRatios }: { result: LandSeaResult; pcaRatios: Float64Array }, facts: RunFacts) {
  const predicted = predictLabels(result.testProbabilities);
  return {
    study: 'land-sea',
    ...runFactsJson(facts),
    time: result.time.toISOString(),
    level: result.level,
    split: result.split,
    patches: result.labels.length,
    land_rate: result.landRate,
    pca_explained_variance_ratio: Array.from(pcaRatios),
    ...evaluationJson(result),
    // The test rows (positions in the patch list, row-major from the north-west) and their predictions, in that order.
    test_rows: Array.from(result.testRows),
    test_pred: Array.from(predicted),
    test_proba: Array.from(result.testProbabilities),
    misclassified: result.misclassified.map((patch) => ({
      patch_index: patch.patchIndex,
      lat: patch.centreLat,
      lon: patch.centreLon,
      lon_360: patch.centreLon360,
      land_fraction: patch.landFraction,
      truth: patch.truth === 1 ? 'land' : 'sea',
      probability_land: patch.probabilityLand,
      confidence: patch.confidence,
    })),
  };
}

const fixed = (value: number, digits = 4) => (Number.isFinite(value) ? value.toFixed(digits) : 'n/a');

function extremesTable(result: ExtremesResult): string {
  return labelSetTable(
    [
      `Extreme 2 m temperature: ${result.rows.time.length} points (${result.times.length} times), latent level ${result.level}, split ${result.split.kind}`,
      `Classes: ${result.classNames.map((name, c) => `${name} ${result.classCounts[c]}`).join(', ')}`,
    ],
    'percentile',
    result.probes.map((probe) => ({ name: `p${probe.percentile}`, probe })),
  );
}

function kIndexTable(result: KIndexResult): string {
  return labelSetTable(
    [
      `K-index instability: ${result.rows.time.length} points (${result.times.length} times), latent level ${result.level}, split ${result.split.kind}; relative humidity: ${[...new Set(result.humiditySources)].join(', ')}`,
      `Classes: ${result.classNames.map((name, c) => `${name} ${result.classCounts[c]}`).join(', ')}`,
    ],
    'threshold',
    result.probes.map((probe) => ({ name: `K > ${probe.threshold}`, probe })),
  );
}

/** One line per probe of a study with several label sets (percentiles, thresholds). */
function labelSetTable(head: string[], firstColumn: string, entries: { name: string; probe: ProbeEvaluation & { positiveRate: number } }[]): string {
  const lines = [...head, ...foldNote(entries[0]?.probe), '', `${firstColumn.padEnd(10)}  accuracy  precision  recall  F1      ROC-AUC  positives  n train (pos)  n test (pos)`];
  for (const { name, probe } of entries) {
    const m = probe.metrics;
    lines.push(
      [
        name.padEnd(10),
        fixed(m.accuracy).padStart(8),
        fixed(m.precision).padStart(9),
        fixed(m.recall).padStart(7),
        fixed(m.f1).padStart(7),
        fixed(m.rocAuc).padStart(8),
        `${(100 * probe.positiveRate).toFixed(1)} %`.padStart(10),
        `${probe.nTrain} (${probe.trainPositives})`.padStart(14),
        `${probe.nTest} (${probe.testPositives})`.padStart(13),
      ].join('  ') + (probe.converged ? '' : '  NOT converged'),
    );
  }
  return lines.join('\n') + '\n';
}

/** With several folds the test predictions are pooled and the training sizes summed: say so. */
function foldNote(evaluation: ProbeEvaluation | undefined): string[] {
  const folds = evaluation?.folds.length ?? 1;
  return folds > 1 ? [`${folds} folds: test predictions pooled, training sizes summed over the folds`] : [];
}

const MISCLASSIFIED_SHOWN = 20;

function landSeaText({ result, pcaRatios }: { result: LandSeaResult; pcaRatios: Float64Array }): string {
  const m = result.metrics;
  const lines = [
    `Land-sea at ${result.time.toISOString().slice(0, 16)}: ${result.labels.length} patches (${(100 * result.landRate).toFixed(1)} % land), latent level ${result.level}, split ${result.split.kind}`,
    `  PCA: ${Array.from(pcaRatios.subarray(0, 3), (ratio, c) => `PC${c + 1} ${(100 * ratio).toFixed(2)} %`).join(', ')} of the variance`,
    `  ${result.nTrain} training, ${result.nTest} test rows (${describeSplit(result.split)})${result.converged ? '' : ' (NOT converged)'}`,
    ...foldNote(result).map((line) => `  ${line}`),
    `  accuracy ${fixed(m.accuracy)}, precision ${fixed(m.precision)}, recall ${fixed(m.recall)}, F1 ${fixed(m.f1)}, ROC-AUC ${fixed(m.rocAuc)}`,
    `  confusion [[tn, fp], [fn, tp]] = ${JSON.stringify(m.confusion)}`,
    `  ${result.misclassified.length} misclassified${result.misclassified.length > MISCLASSIFIED_SHOWN ? `, the ${MISCLASSIFIED_SHOWN} most confident` : ''}:`,
    ...result.misclassified.slice(0, MISCLASSIFIED_SHOWN).map(
      (patch) =>
        `    patch ${patch.patchIndex} at ${fixed(patch.centreLat, 2)} N, ${fixed(patch.centreLon, 2)} E: ${patch.truth === 1 ? 'land' : 'sea'} (land fraction ${fixed(patch.landFraction, 2)}), P(land) ${fixed(patch.probabilityLand, 3)}`,
    ),
  ];
  return lines.join('\n') + '\n';
}
