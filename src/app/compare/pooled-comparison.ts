// A comparison of a study that pools its run's times (studies 2 and 3): the model's times from the
// cache the run filled (read again if they have left it), the untrained encoders' read through the
// same path over the same times and region, and the raw input patches; the fit itself runs in the
// probes worker, one probe card per label set.
import { throwIfCancelled } from '../../errors.ts';
import type { RegionBox, ViewSettings } from '../../state/view-settings.ts';
import type { Baseline } from '../../studies/compare.ts';
import type { ProbeCard } from '../../studies/compare-card.ts';
import type { ComparisonInputs } from '../../studies/compare-studies.ts';
import type { SplitChoice } from '../../studies/split.ts';
import type { StudyTime } from '../../studies/study-time.ts';
import type { SourceClient } from '../../workers/encoder-client.ts';
import type { ProbesClient } from '../../workers/probes-client.ts';
import type { ComparisonRequestSettings, StudyProgressCallback } from '../../workers/probes.worker.ts';
import type { CallOptions } from '../../workers/worker-jobs.ts';
import type { LatentCache } from '../latent-cache.ts';
import type { ModelEntry } from '../models.ts';
import { hasEra5, passOverTimes, rawOf, studyTimeFor, studyTimeStatus } from '../study-times.ts';
import type { SourceSettings } from '../../state/view-settings.ts';
import { latentStoreModel, untrainedBaselines } from './untrained-baselines.ts';

export interface PooledCompareContext {
  source: SourceClient;
  /** The cache the study's runs fill, so that the model's times need no second read. */
  cache: LatentCache<StudyTime>;
  signal: AbortSignal;
  /** What is being done now, in words, for the panel. */
  onStatus(text: string): void;
}

/** A comparison's context with the probes worker that fits it. */
export type PooledFitContext = PooledCompareContext & { probes: ProbesClient };

/** The comparison's settings the user chooses in the panel. */
export type PooledCompareSettings = Pick<ViewSettings, 'compareSeeds' | 'untrainedSeeds' | 'compareTuneC'>;

/** One card per label set, by its key (a percentile, a K threshold), and what the reader must know of the arms. */
export interface PooledComparison {
  cards: Array<{ key: number; card: ProbeCard }>;
  notes: string[];
}

/** The run a comparison adds baselines to: its source, times, region and level. */
export interface PooledRunBasis {
  settings: SourceSettings & Pick<ViewSettings, 'level'>;
  region: RegionBox | null;
  times: readonly string[];
  /** The encoder of the run's times; null: a latent store, whose attributes may name a model. */
  model: ModelEntry | null;
  storeModel: string | null;
  /** The latents' width, which tells the architecture of a latent store's untrained baselines. */
  embedDim: number;
  /** Study 3 labels by the K-index of the model's times. */
  kIndex?: boolean;
}

/**
 * The comparison's inputs at the run's level: the model's times (with the K-index when the study labels
 * by it), each untrained encoder's over the same times and patches, and the raw input patches; with
 * the baselines that can be fitted and the notes the reader needs.
 */
export async function pooledComparisonInputs(
  basis: PooledRunBasis,
  untrainedSeeds: readonly number[] | null,
  baselines: readonly Baseline[],
  context: PooledCompareContext,
): Promise<{ inputs: ComparisonInputs; asked: Baseline[]; notes: string[] }> {
  const { model } = basis;
  const level = basis.settings.level;
  const studied = model ?? latentStoreModel(basis.storeModel, basis.embedDim);
  const { asked, untrained, notes } = untrainedBaselines(studied, untrainedSeeds, baselines, hasEra5(basis.settings));

  // The run's times by `entry` (null: the latent store), each at the run's level; labels come from the model's.
  const requestOf = (entry: ModelEntry | null, time: string, kIndex: boolean) => ({ time, region: basis.region, levels: entry ? undefined : [level], kIndex });
  const pass = passOverTimes(context, basis.settings, [model, ...untrained].flatMap((entry) => basis.times.map((time) => ({ model: entry, request: requestOf(entry, time, false) }))));
  const readTimes = async (entry: ModelEntry | null, kIndex: boolean): Promise<StudyTime[]> => {
    const read: StudyTime[] = [];
    for (const time of basis.times) {
      throwIfCancelled(context.signal);
      context.onStatus(studyTimeStatus(entry, time));
      const { studyTime } = await studyTimeFor(basis.settings, entry, requestOf(entry, time, kIndex), pass, (progress) => context.onStatus(studyTimeStatus(entry, time, progress)));
      read.push(studyTime);
    }
    return read;
  };
  const modelTimes = await readTimes(model, basis.kIndex === true);
  // Model by model, so that the source worker builds each untrained encoder once.
  const untrainedInputs: ComparisonInputs['untrained'][number][] = [];
  for (const entry of untrained) untrainedInputs.push({ name: entry.id, inputs: await readTimes(entry, false) });
  const raw = asked.includes('raw') ? modelTimes.map(rawOf) : [];
  return {
    inputs: {
      model: { name: model ? model.id.replace(/\.onnx$/, '') : studied.label, trained: studied.trained !== false, inputs: modelTimes },
      untrained: untrainedInputs,
      raw: asked.includes('raw') ? { name: `raw input (${raw[0].cols} features)`, features: raw } : undefined,
      level,
    },
    asked,
    notes,
  };
}

/**
 * The comparison's fit in the probes worker (`fit`, given the settings it takes, the cancel and the
 * progress as status lines): one card per label set, ascending, as the run's `keys` (ascending) name them.
 */
export async function fitPooledCards(
  keys: readonly number[],
  split: SplitChoice,
  settings: PooledCompareSettings,
  asked: readonly Baseline[],
  context: PooledCompareContext,
  fit: (settings: ComparisonRequestSettings, options: CallOptions<StudyProgressCallback>) => Promise<ProbeCard[]>,
): Promise<PooledComparison['cards']> {
  context.onStatus('Fitting the probes…');
  const cards = await fit(
    { split, seeds: settings.compareSeeds ?? undefined, baselines: asked, C: settings.compareTuneC ? 'cv' : undefined },
    { signal: context.signal, onProgress: (progress) => context.onStatus(`${progress.message} (${Math.round(100 * progress.fraction)} %)`) },
  );
  if (cards.length !== keys.length) throw new Error(`internal: the comparison returned ${cards.length} probe cards for the run's ${keys.length} label sets`);
  return cards.map((card, k) => ({ key: keys[k], card }));
}
