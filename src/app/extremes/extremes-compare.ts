// The Compare panel of study 2: the run on screen beside its baselines. The model's times come from
// the cache the run filled (encoded again if they have left it), the untrained encoders' are encoded
// through the same path over the same times and region, and the comparison itself runs in the probes
// worker, where tfjs is initialised: one probe card per percentile, as the run has one probe each.
import { throwIfCancelled } from '../../errors.ts';
import type { ViewSettings } from '../../state/view-settings.ts';
import type { Baseline } from '../../studies/compare.ts';
import type { ProbeCard } from '../../studies/compare-card.ts';
import type { ComparisonInputs } from '../../studies/compare-studies.ts';
import type { StudyTime } from '../../studies/study-time.ts';
import type { SourceProgress } from '../../studies/latent-source.ts';
import type { SourceClient } from '../../workers/encoder-client.ts';
import type { ProbesClient } from '../../workers/probes-client.ts';
import { latentStoreModel, untrainedBaselines } from '../compare/untrained-baselines.ts';
import type { LatentCache } from '../latent-cache.ts';
import type { ModelEntry } from '../models.ts';
import { hasEra5, rawOf, studyTimeFor } from '../study-times.ts';
import type { ExtremesRun } from './extremes-store.ts';

export interface ExtremesCompareContext {
  source: SourceClient;
  probes: ProbesClient;
  /** The cache the study's runs fill, so that the model's times need no second encode. */
  cache: LatentCache<StudyTime>;
  signal: AbortSignal;
  /** What is being done now, in words, for the panel. */
  onStatus(text: string): void;
}

export interface ExtremesComparison {
  /** One card per percentile of the run, ascending. */
  cards: Array<{ percentile: number; card: ProbeCard }>;
  /** What the reader must know about the rows: a model that is itself untrained, a baseline left out. */
  notes: string[];
}

function readStatus(entry: ModelEntry | null, time: string, progress: SourceProgress): string {
  const what = `${time.slice(0, 16)} ${entry ? `with ${entry.id}` : 'of the latent store'}`;
  if (progress.stage === 'read') return `Reading ${what}…`;
  // The worker reports one tile of one while it loads (or, for an untrained encoder, builds) the model.
  return progress.tilesTotal > 1 ? `Encoding ${what}: tile ${progress.tilesDone} of ${progress.tilesTotal}` : `Loading ${entry?.id} to encode ${time.slice(0, 16)}…`;
}

/** The probe of every percentile of `run` beside `baselines`, on the run's rows, labels and split. */
export async function compareExtremesInApp(
  run: ExtremesRun,
  settings: Pick<ViewSettings, 'compareSeeds' | 'untrainedSeeds' | 'compareTuneC'>,
  baselines: readonly Baseline[],
  context: ExtremesCompareContext,
): Promise<ExtremesComparison> {
  const { basis } = run;
  const { model } = basis;
  const level = basis.settings.level;
  const studied = model ?? latentStoreModel(basis.storeModel ?? null, run.embedDim);
  const { asked, untrained, notes } = untrainedBaselines(studied, settings.untrainedSeeds, baselines, hasEra5(basis.settings));

  // The run's times by `entry` (null: the latent store), each at the run's level.
  const readTimes = async (entry: ModelEntry | null): Promise<StudyTime[]> => {
    const read: StudyTime[] = [];
    for (const time of basis.times) {
      throwIfCancelled(context.signal);
      context.onStatus(`${entry ? `Encoding ${time.slice(0, 16)} with ${entry.id}` : `Reading ${time.slice(0, 16)} of the latent store`}…`);
      const request = { time, region: basis.settings.region, levels: entry ? undefined : [level] };
      const { studyTime } = await studyTimeFor(basis.settings, entry, request, context, (progress) => context.onStatus(readStatus(entry, time, progress)));
      read.push(studyTime);
    }
    return read;
  };

  const modelTimes = await readTimes(model);
  // Model by model, so that the encoder worker builds each untrained encoder once.
  const untrainedInputs: ComparisonInputs['untrained'][number][] = [];
  for (const entry of untrained) untrainedInputs.push({ name: entry.id, inputs: await readTimes(entry) });
  const raw = asked.includes('raw') ? modelTimes.map(rawOf) : [];
  const inputs: ComparisonInputs = {
    model: { name: model ? model.id.replace(/\.onnx$/, '') : studied.label, trained: studied.trained !== false, inputs: modelTimes },
    untrained: untrainedInputs,
    raw: asked.includes('raw') ? { name: `raw input (${raw[0].cols} features)`, features: raw } : undefined,
    level: basis.settings.level,
  };

  context.onStatus('Fitting the probes…');
  const cards = await context.probes.compareExtremes(
    {
      inputs,
      fields: basis.fields,
      settings: { split: basis.settings.extremesSplit, seeds: settings.compareSeeds ?? undefined, baselines: asked, C: settings.compareTuneC ? 'cv' : undefined },
    },
    { signal: context.signal, onProgress: (progress) => context.onStatus(`${progress.message} (${Math.round(100 * progress.fraction)} %)`) },
  );
  // The worker returns the cards in ascending percentile order, as the run's table.
  const percentiles = basis.fields.map((field) => field.percentile).sort((a, b) => a - b);
  if (cards.length !== percentiles.length) throw new Error(`The comparison returned ${cards.length} probe cards for the run's ${percentiles.length} percentiles.`);
  return { cards: cards.map((card, k) => ({ percentile: percentiles[k], card })), notes };
}
