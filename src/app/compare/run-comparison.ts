// The Compare panel's computation: the explorer's probe (the view's split, at the view's time and
// any more dates asked for, each date its own probe) beside its baselines, through the same core as
// `latent-explorer study land-sea --compare` (src/studies/compare.ts), so that the app and the CLI
// agree for the same settings. Pure: call it where tfjs is initialised (the probes worker).
import type { Split } from '../../state/view-settings.ts';
import type { FeatureMatrix } from '../../probes/matrix.ts';
import { probeCard, type ProbeCard } from '../../studies/compare-card.ts';
import { DEFAULT_CONTROL_CELL_DEGREES } from '../../studies/baselines.ts';
import { compareArms, defaultSeeds, isSeededSplit, labelBaselinesOf, type Baseline, type ComparisonTask, type FeatureSource, type FoldPlan } from '../../studies/compare.ts';
import { LAND_SEA_CARD } from '../../studies/compare-studies.ts';
import type { StudyProgress } from '../../studies/progress.ts';
import { StudyInputError } from '../../studies/progress.ts';
import { splitRows } from '../split-rows.ts';

/** One date's features and labels over the same patches as every other date of the request. */
export interface ComparisonDate<Features = FeatureMatrix> {
  /** ISO time. */
  time: string;
  /** The model's latents at the request's level, (patches, D). */
  model: Features;
  /** The same patches encoded by untrained encoders (Aurora's initialisation), one per seed, in the request's order. */
  untrained?: readonly FeatureMatrix[];
  /** The raw normalised input patches (src/studies/baselines.ts rawInputFeatures). */
  raw?: FeatureMatrix;
  /** 0/1 per patch (land-sea: land). */
  labels: Uint8Array;
}

export interface ComparisonRequest<Features = FeatureMatrix> {
  level: number;
  model: { name: string; trained: boolean };
  /** Names of the untrained encoders whose features each date holds. */
  untrainedNames?: readonly string[];
  /** At least one; the probe card reports each date and the spread across them. */
  dates: ReadonlyArray<ComparisonDate<Features>>;
  centreLat: ArrayLike<number>;
  centreLon: ArrayLike<number>;
  split: Split;
  baselines: readonly Baseline[];
  /** Repeat seeds (default the split's seed, or 0). */
  seeds?: readonly number[];
  areaWeights?: boolean;
  /** scikit-learn's C, or 'cv': each probe's chosen by inner cross-validation on its training rows. */
  C?: number | 'cv';
  signal?: AbortSignal;
  onProgress?: (progress: StudyProgress) => void;
}

function describeViewSplit(split: Split): string {
  switch (split.kind) {
    case 'lon-band':
      return `test on longitudes ${split.west}..${split.east} E`;
    case 'stratified':
      return `stratified ${Math.round(100 * (1 - split.testFraction))}/${Math.round(100 * split.testFraction)}`;
    case 'blocks':
      return `${split.blockDegrees}° blocks, fold ${split.fold + 1}/${split.folds}`;
  }
}

const timeName = (time: string) => time.slice(0, 16);

function dateSources(request: ComparisonRequest, date: ComparisonDate): FeatureSource[] {
  const sources: FeatureSource[] = [{ arm: 'model', name: request.model.name, x: date.model }];
  if (request.baselines.includes('untrained')) {
    const names = request.untrainedNames ?? [];
    if (names.length === 0 || date.untrained?.length !== names.length) {
      throw new StudyInputError(`the untrained baseline needs the patches of ${timeName(date.time)} encoded by every untrained encoder`);
    }
    names.forEach((name, k) => sources.push({ arm: 'untrained', name, x: date.untrained![k] }));
  }
  if (request.baselines.includes('raw')) {
    if (!date.raw) throw new StudyInputError(`the raw baseline needs the raw input patches of ${timeName(date.time)}`);
    sources.push({ arm: 'raw', name: `raw input (${date.raw.cols} features)`, x: date.raw });
  }
  for (const source of sources) {
    if (source.x.rows !== date.labels.length) throw new StudyInputError(`${source.name} has ${source.x.rows} rows for ${date.labels.length} patches at ${timeName(date.time)}`);
  }
  return sources;
}

export async function runComparison(request: ComparisonRequest): Promise<ProbeCard> {
  const { centreLat, centreLon, split } = request;
  if (request.dates.length === 0) throw new StudyInputError('nothing to compare: no dates');
  const seeded = isSeededSplit(split);
  // The view's split, the seed replaced where it draws: the explorer's own rows (split-rows.ts).
  const plan: FoldPlan = (rows, seed) => [{ name: describeViewSplit(split), split: splitRows(seeded ? { ...split, seed } as Split : split, rows.labels, rows.lat, rows.lon) }];
  const seeds = request.seeds ?? defaultSeeds(split);
  const timeNames = request.dates.map((date) => timeName(date.time));
  // One probe per date, as `study land-sea --compare --dates` fits them.
  const tasks: ComparisonTask[] = request.dates.map((date, t) => ({
    name: `land-sea ${timeNames[t]}`,
    labels: date.labels,
    rows: { labels: date.labels, lat: centreLat, lon: centreLon, time: new Int32Array(date.labels.length).fill(t), timeNames },
    sources: dateSources(request, date),
  }));
  const runs = await compareArms(tasks, {
    plan,
    seededPlan: seeded,
    seeds,
    labelBaselines: labelBaselinesOf(request.baselines),
    C: request.C,
    areaWeights: request.areaWeights,
    signal: request.signal,
    onProgress: request.onProgress,
  });
  return probeCard(runs, tasks, {
    ...LAND_SEA_CARD,
    model: request.model,
    level: request.level,
    split: describeViewSplit(split),
    seeds,
    areaWeights: request.areaWeights ?? false,
    controlCellDegrees: DEFAULT_CONTROL_CELL_DEGREES,
  });
}
