// The Compare panel's computation: the explorer's probe (one time, the view's split) beside its
// baselines, through the same core as `latent-explorer study land-sea --compare` (src/studies/compare.ts),
// so that the app and the CLI agree for the same settings. Pure: call it where tfjs is initialised
// (the probes worker).
import type { Split } from '../../state/view-settings.ts';
import type { FeatureMatrix } from '../../probes/matrix.ts';
import { probeCard, type ProbeCard } from '../../studies/compare-card.ts';
import { DEFAULT_CONTROL_CELL_DEGREES } from '../../studies/baselines.ts';
import { compareArms, type Baseline, type FeatureSource, type FoldPlan } from '../../studies/compare.ts';
import type { StudyProgress } from '../../studies/progress.ts';
import { StudyInputError } from '../../studies/progress.ts';
import { splitRows } from '../split-rows.ts';

export interface ComparisonRequest {
  /** ISO time of the view. */
  time: string;
  level: number;
  /** The model's latents at the view's level, (patches, D). */
  model: { name: string; trained: boolean; features: FeatureMatrix };
  /** The same patches encoded by untrained encoders (Aurora's initialisation), one per seed. */
  untrained?: ReadonlyArray<{ name: string; features: FeatureMatrix }>;
  /** The raw normalised input patches (src/studies/baselines.ts rawInputFeatures). */
  raw?: FeatureMatrix;
  /** 0/1 per patch (land-sea: land). */
  labels: Uint8Array;
  centreLat: ArrayLike<number>;
  centreLon: ArrayLike<number>;
  split: Split;
  baselines: readonly Baseline[];
  /** Repeat seeds (default the split's seed, or 0). */
  seeds?: readonly number[];
  areaWeights?: boolean;
  C?: number;
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

export async function runComparison(request: ComparisonRequest): Promise<ProbeCard> {
  const { labels, centreLat, centreLon, split } = request;
  const sources: FeatureSource[] = [{ arm: 'model', name: request.model.name, x: request.model.features }];
  if (request.baselines.includes('untrained')) {
    if (!request.untrained?.length) throw new StudyInputError('the untrained baseline needs the patches encoded by an untrained encoder');
    for (const untrained of request.untrained) sources.push({ arm: 'untrained', name: untrained.name, x: untrained.features });
  }
  if (request.baselines.includes('raw')) {
    if (!request.raw) throw new StudyInputError('the raw baseline needs the raw input patches');
    sources.push({ arm: 'raw', name: `raw input (${request.raw.cols} features)`, x: request.raw });
  }
  for (const source of sources) {
    if (source.x.rows !== labels.length) throw new StudyInputError(`${source.name} has ${source.x.rows} rows for ${labels.length} patches`);
  }
  const seeded = split.kind !== 'lon-band';
  // The view's split, the seed replaced where it draws: the explorer's own rows (split-rows.ts).
  const plan: FoldPlan = (rows, seed) => [{ name: describeViewSplit(split), split: splitRows(seeded ? { ...split, seed } as Split : split, labels, rows.lat, rows.lon) }];
  const seeds = request.seeds ?? ['seed' in split ? split.seed : 0];
  const time = request.time.slice(0, 16);
  const task = { name: `land-sea ${time}`, labels, rows: { labels, lat: centreLat, lon: centreLon, time: new Int32Array(labels.length), timeNames: [time] }, sources };
  const runs = await compareArms([task], {
    plan,
    seededPlan: seeded,
    seeds,
    labelBaselines: request.baselines.filter((baseline): baseline is 'shuffled' | 'control' => baseline === 'shuffled' || baseline === 'control'),
    C: request.C,
    areaWeights: request.areaWeights,
    signal: request.signal,
    onProgress: request.onProgress,
  });
  return probeCard(runs, [task], {
    title: 'land-sea',
    target: 'land (patch land fraction >= 0.5)',
    model: { name: request.model.name, trained: request.model.trained },
    level: request.level,
    split: describeViewSplit(split),
    seeds,
    areaWeights: request.areaWeights ?? false,
    controlCellDegrees: DEFAULT_CONTROL_CELL_DEGREES,
  });
}
