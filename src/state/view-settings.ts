// The part of the app state that a permalink carries: everything needed to reproduce a view.
// One schema (zod) validates it both when it comes from a URL and when the UI changes it.
import { z } from 'zod';
import { isSitePath, parseStoreAddress } from '../data/address.ts';
import { AURORA_LEVELS } from '../data/batch.ts';
import { redactUrl } from '../data/redact.ts';
import { LINK_LIMITS } from './link-limits.ts';
import { parseTimeSelection } from '../data/time-selection.ts';
import { parseVariableMapping } from '../data/variables.ts';
import { DEFAULT_MODEL_FILE } from '../encoder/untrained.ts';
import { ANALOGUE_METRICS, ANALOGUE_MODES } from '../probes/analogue-kinds.ts';
import { BASELINES } from '../studies/compare.ts';
import { SWEEP_METRICS } from '../studies/sweep-table.ts';
import { SWEEP_BASELINES } from '../studies/sweep.ts';
import { EUROPE_REGION } from '../studies/extremes.ts';
import { K_INDEX_THRESHOLDS } from '../studies/k-index.ts';
import { splitChoice, splitChoiceSchema, STUDY_SPLIT_KINDS, type SplitChoice, type SplitKind, type StudyName } from '../studies/split.ts';

export const LAYOUTS = ['auto', 'wb2', 'cds'] as const;
export const STUDIES = ['land-sea', 'extremes', 'k-index'] as const satisfies readonly StudyName[];
export const COLOUR_MODES = ['label', 'prediction', 'outcome', 'probability', 'pc', 'concept'] as const;
export const SCATTER_AXES = ['pc1', 'pc2', 'pc3', 'pc4', 'concept'] as const;
/** Latent levels: 0 is the surface block, 1-3 the three atmospheric latent levels. */
export const LATENT_LEVELS = [0, 1, 2, 3] as const;

/** Credentials (user:password@, a signed URL's query) are held for the tab only, never in the settings a link carries. */
const CREDENTIALS_REFUSED = 'a link never carries credentials (user:password@ or a signed query): give them in the store field of the set-up panel';

/**
 * Store locations are http(s) URLs or paths on this site (the embedded sample), a path as a browser
 * resolves it (isSitePath: '/\\host' is another site); nothing else is fetched.
 */
export const storeLocation = z
  .string()
  .max(2048)
  .refine((value) => redactUrl(value) === value, CREDENTIALS_REFUSED)
  .refine((value) => {
    if (isSitePath(value)) return true;
    try {
      const protocol = new URL(value).protocol;
      return protocol === 'http:' || protocol === 'https:';
    } catch {
      return false;
    }
  }, 'a store must be an http(s) URL or a path on this server');

/** A latent store: an http(s) URL, gs:// or s3:// (read as the bucket's public https endpoint), or a path on this server. */
export const latentStoreLocation = z
  .string()
  .max(2048)
  .refine((value) => redactUrl(value) === value, CREDENTIALS_REFUSED)
  .refine((value) => {
    try {
      const address = parseStoreAddress(value, { pageUrl: 'http://localhost/' });
      return address.scheme !== 'path' || isSitePath(value.trim());
    } catch {
      return false;
    }
  }, 'a latent store must be an http(s) URL, gs://BUCKET/PATH, s3://BUCKET/PATH or a path on this server');

const finite = z.number().finite();

/** Whether items are a variable mapping data/variables.ts reads (AURORA=NAME, each variable once). */
function isVariableMapping(items: readonly string[]): boolean {
  try {
    parseVariableMapping(items);
    return true;
  } catch {
    return false;
  }
}

/** A study's split: the one vocabulary (studies/split.ts), limited to the kinds the study offers. */
function studySplitSchema(study: StudyName) {
  const kinds: readonly SplitKind[] = STUDY_SPLIT_KINDS[study];
  return splitChoiceSchema.refine((split) => kinds.includes(split.kind), `the ${study} study splits by ${kinds.join(', ')}`);
}

/** Study 1's split in the views, which show one train/test split: a blocks split names its test fold. */
export const landSeaSplitSchema = studySplitSchema('land-sea').refine(
  (split) => split.kind !== 'blocks' || split.fold !== undefined,
  'a spatial-blocks split in the views names the fold it tests',
);
export const extremesSplitSchema = studySplitSchema('extremes');
export const kIndexSplitSchema = studySplitSchema('k-index');

/** A latitude-longitude box; longitudes in either convention, a west edge east of the east edge crosses 0/360. */
export const regionSchema = z
  .object({
    south: finite.min(-90).max(90),
    north: finite.min(-90).max(90),
    west: finite.min(-180).max(360),
    east: finite.min(-180).max(360),
  })
  .refine((region) => region.south < region.north, 'the south edge must lie south of the north edge');
export type RegionBox = z.infer<typeof regionSchema>;

export const scatterViewSchema = z.object({ x: finite, y: finite, zoom: finite.min(-20).max(20) });
export const globeViewSchema = z.object({
  longitude: finite.min(-360).max(360),
  latitude: finite.min(-90).max(90),
  zoom: finite.min(-5).max(20),
});

const seedSchema = z.number().int().min(0).max(2 ** 31);
/** Each seed refits every arm: more belongs in the CLI. */
export const MAX_COMPARE_SEEDS = 10;
export const MAX_UNTRAINED_SEEDS = 5;

/** Null when `text` is a valid time selection, else what is wrong with it. */
function timeSelectionProblem(text: string): string | null {
  try {
    parseTimeSelection(text);
    return null;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

const timeSelectionText = z
  .string()
  .max(4000)
  .superRefine((text, context) => {
    const problem = timeSelectionProblem(text);
    if (problem !== null) context.addIssue({ code: 'custom', message: problem });
  });

const distinct = <T>(values: readonly T[]) => new Set(values).size === values.length;

/** A sweep over times and latent levels (studies/sweep-run.ts) of the view's study, split, model and store. */
export const sweepSettingsSchema = z.object({
  /** The times, as time-selection text ("every:4", a list, a range). */
  times: timeSelectionText,
  levels: z
    .array(z.union(LATENT_LEVELS.map((level) => z.literal(level))))
    .min(1)
    .max(LATENT_LEVELS.length)
    .refine(distinct, 'a latent level is named twice'),
  /** What the chart and the heat map show. */
  metric: z.enum(SWEEP_METRICS),
  baselines: z.array(z.enum(SWEEP_BASELINES)).max(SWEEP_BASELINES.length).refine(distinct, 'a baseline is named twice'),
  /** Repeat seeds; null: the split's own seed. */
  seeds: z.array(seedSchema).min(1).max(MAX_COMPARE_SEEDS).nullable(),
  /** Also the time x time matrix of each level (a probe fitted at one time, tested at the others). */
  transfer: z.boolean(),
});
export type SweepViewSettings = z.infer<typeof sweepSettingsSchema>;

export const viewSettingsSchema = z.object({
  /** The ERA5 store: of every variable, or of the surface variables when `atmosStore` is given. */
  store: storeLocation,
  /** A store of its own for the pressure-level variables (Earth Data Hub's pair); null: `store` has them. */
  atmosStore: storeLocation.nullable(),
  staticStore: storeLocation.nullable(),
  layout: z.enum(LAYOUTS),
  /** Store names of some of Aurora's variables, AURORA=NAME (the set-up panel's advanced fields, the CLI's --var). */
  variables: z
    .array(z.string().max(200).refine((item) => isVariableMapping([item]), "a variable name is AURORA=NAME for one of Aurora's variables, e.g. 2t=t2m"))
    .max(24)
    .refine(isVariableMapping, 'a variable is named twice'),
  /** Pressure levels to encode (hPa), of Aurora's 13; null: every one of them the store has. */
  pressureLevels: z
    .array(z.union(AURORA_LEVELS.map((level) => z.literal(level))))
    .min(1)
    .max(AURORA_LEVELS.length)
    .refine(distinct, 'a level is named twice')
    .nullable(),
  /** A latent store to read the latents from instead of encoding ERA5 (then `store` is ERA5 beside it only when latentsEra5). */
  latents: latentStoreLocation.nullable(),
  /** Whether the ERA5 store (store, staticStore, layout) is given beside the latent store, for its inputs and the encoder arms. */
  latentsEra5: z.boolean(),
  /** How long a request waits for a server's answer (and between two pieces of a body), seconds; null: the request layer's default (30 s). */
  requestTimeoutS: z.number().int().min(1).max(600).nullable(),
  modelId: z.string().regex(/^[\w.-]{1,200}\.onnx$/, 'a model id is the file name of an ONNX model in models/').nullable(),
  modelHash: z.string().regex(/^[0-9a-f]{8,64}$/).nullable(),
  time: z.iso.datetime({ offset: true }).nullable(),
  level: z.union(LATENT_LEVELS.map((level) => z.literal(level))),
  study: z.enum(STUDIES),
  split: landSeaSplitSchema,
  colourBy: z.enum(COLOUR_MODES),
  /** Which principal component colours the points when colourBy is 'pc' (1-based, as axis titles say). */
  colourPc: z.number().int().min(1).max(10),
  xAxis: z.enum(SCATTER_AXES),
  yAxis: z.enum(SCATTER_AXES),
  /** Encoded with selection-codec; decoded once the number of points is known. */
  selection: z.string().max(LINK_LIMITS.totalChars).regex(/^[A-Za-z0-9_-]*$/),
  selectedPatch: z.number().int().min(0).max(4 * 64_800 * 4).nullable(),
  scatterView: scatterViewSchema.nullable(),
  globeView: globeViewSchema.nullable(),
  flatMap: z.boolean(),
  /** Weight PCA and probes by each patch's cos(latitude), so that every area counts alike. */
  areaWeights: z.boolean(),
  /** The baselines the Compare panel fits beside the model; empty: no comparison asked for. */
  compare: z
    .array(z.enum(BASELINES))
    .max(BASELINES.length)
    .refine((baselines) => new Set(baselines).size === baselines.length, 'a baseline is named twice'),
  /** Repeat seeds of the comparison (seeded splits, label permutations, control cells); null: the split's own seed. */
  compareSeeds: z.array(seedSchema).min(1).max(MAX_COMPARE_SEEDS).nullable(),
  /** Seeds of the untrained encoders of the comparison; null: baselines.ts defaultUntrainedSeeds. */
  untrainedSeeds: z.array(seedSchema).min(1).max(MAX_UNTRAINED_SEEDS).nullable(),
  /** More dates for the comparison, as time-selection text ("every:4:2022-08-01..2022-08-31"); the view's time is always one. */
  compareDates: timeSelectionText.nullable(),
  /** Each comparison probe's C chosen by inner cross-validation on its training rows (compare.ts), instead of C = 1. */
  compareTuneC: z.boolean(),
  /** The Sweep panel's sweep; null: none asked for. A link with one runs it (from the cache where it can). */
  sweep: sweepSettingsSchema.nullable(),
  /** Which features the scatter and the globe show: 'model', 'raw' or an untrained encoder's name. */
  shownFeatures: z.string().regex(/^[\w.-]{1,120}$/),
  /** Study 2's batch times (ISO UTC); null: the study's heatwave times that the store has. */
  extremesTimes: z.array(z.iso.datetime({ offset: true })).min(1).max(400).nullable(),
  /** Study 2's percentile store (Zarr); null: tmax-percentiles.zarr beside the ERA5 store. Files picked by the user never enter a link. */
  percentileSource: storeLocation.nullable(),
  region: regionSchema,
  /** The percentile whose probe the globe and the precision-recall curve show. */
  percentile: z.number().int().min(1).max(99),
  extremesSplit: extremesSplitSchema,
  /** Study 3's batch times (ISO UTC); null: the date chosen above. */
  kIndexTimes: z.array(z.iso.datetime({ offset: true })).min(1).max(400).nullable(),
  /** Study 3's K thresholds, degrees C, increasing (the study's 20 and 35 by default). */
  kIndexThresholds: z
    .array(finite.min(-100).max(100))
    .min(1)
    .max(6)
    .refine((thresholds) => thresholds.every((threshold, k) => k === 0 || threshold > thresholds[k - 1]), 'the K thresholds must increase'),
  /** The K threshold whose probe the views and the curve show. */
  kIndexShown: finite.min(-100).max(100),
  kIndexSplit: kIndexSplitSchema,
  /**
   * Study 1's analogue search of the selection (the query; in the link as sel): its mode and metric, the
   * store's other times to search too (a time selection; absent: the run's time only), and the query's
   * time when it is not the run's (a match opened at another time keeps its query); null: none.
   */
  analogues: z
    .object({ mode: z.enum(ANALOGUE_MODES), metric: z.enum(ANALOGUE_METRICS), times: timeSelectionText.optional(), at: z.iso.datetime({ offset: true }).optional() })
    .nullable(),
});
export type ViewSettings = z.infer<typeof viewSettingsSchema>;

/** The settings that say where ERA5 comes from and how it is read: what a latent cache key and a comparison share. */
export const ERA5_SETTING_KEYS = ['store', 'atmosStore', 'staticStore', 'layout', 'variables', 'pressureLevels'] as const satisfies readonly (keyof ViewSettings)[];
export type Era5Settings = Pick<ViewSettings, (typeof ERA5_SETTING_KEYS)[number]>;

/** Where the latents come from: a latent store (with ERA5 beside it or not), or ERA5 to encode. */
export const SOURCE_SETTING_KEYS = [...ERA5_SETTING_KEYS, 'latents', 'latentsEra5'] as const satisfies readonly (keyof ViewSettings)[];
export type SourceSettings = Pick<ViewSettings, (typeof SOURCE_SETTING_KEYS)[number]>;

/** The source part of some settings, field by field. */
export function sourceSettingsOf(settings: SourceSettings): SourceSettings {
  return Object.fromEntries(SOURCE_SETTING_KEYS.map((key) => [key, settings[key]])) as SourceSettings;
}

export const SAMPLE_STORE = '/sample/era5-sample.zarr';
export const DEFAULT_MODEL = DEFAULT_MODEL_FILE;
/** The study's geographic split: test on Australia and East Asia. */
export const STUDY_SPLIT: SplitChoice = splitChoice('lon-band');

export const DEFAULT_VIEW_SETTINGS: ViewSettings = {
  store: SAMPLE_STORE,
  atmosStore: null,
  staticStore: null,
  layout: 'auto',
  variables: [],
  pressureLevels: null,
  latents: null,
  latentsEra5: false,
  requestTimeoutS: null,
  modelId: DEFAULT_MODEL,
  modelHash: null,
  time: null,
  level: 0,
  study: 'land-sea',
  split: STUDY_SPLIT,
  colourBy: 'outcome',
  colourPc: 1,
  xAxis: 'pc1',
  yAxis: 'pc2',
  selection: '',
  selectedPatch: null,
  scatterView: null,
  globeView: null,
  flatMap: false,
  areaWeights: false,
  compare: [],
  compareSeeds: null,
  untrainedSeeds: null,
  compareDates: null,
  compareTuneC: false,
  sweep: null,
  shownFeatures: 'model',
  extremesTimes: null,
  percentileSource: null,
  region: { south: EUROPE_REGION.south, north: EUROPE_REGION.north, west: EUROPE_REGION.west, east: EUROPE_REGION.east },
  percentile: 99,
  extremesSplit: splitChoice('stratified'),
  kIndexTimes: null,
  kIndexThresholds: [...K_INDEX_THRESHOLDS],
  kIndexShown: K_INDEX_THRESHOLDS[0],
  kIndexSplit: splitChoice('stratified'),
  analogues: null,
};
