// The Compare panel's orchestration: the features of every arm at every date of the comparison (the
// run on screen brings the model's and the raw inputs at its time; other dates and the untrained
// encoders come from the cache or the encoder worker), then the comparison itself in the probes
// worker, where tfjs is initialised.
import { parseTimeSelection, resolveTimeSelection } from '../../data/time-selection.ts';
import type { FeatureMatrix } from '../../probes/matrix.ts';
import type { ExplorerResult } from '../../state/result.ts';
import type { RegionBox, ViewSettings } from '../../state/view-settings.ts';
import type { Baseline } from '../../studies/compare.ts';
import type { ProbeCard } from '../../studies/compare-card.ts';
import type { ComparisonInputs } from '../../studies/compare-studies.ts';
import { atLevel, levelMatrix, patchCount, type StudyTime } from '../../studies/study-time.ts';
import type { SourceClient } from '../../workers/encoder-client.ts';
import type { ProbesClient } from '../../workers/probes-client.ts';
import type { LatentCache } from '../latent-cache.ts';
import type { ModelEntry } from '../models.ts';
import { isoTime } from '../store-summary.ts';
import { hasEra5, passOverTimes, rawOf, studyTimeFor, studyTimeStatus } from '../study-times.ts';
import { latentStoreModel, untrainedBaselines } from './untrained-baselines.ts';
import { RunSetupError } from '../run-setup-error.ts';

/** Each date is encoded by every arm in the browser: more belongs in `latent-explorer study --compare`. */
export const MAX_APP_COMPARE_DATES = 12;

export interface CompareContext {
  source: SourceClient;
  probes: ProbesClient;
  cache: LatentCache<StudyTime>;
  models: readonly ModelEntry[];
  /** The model a latent store names in its attributes, when the run's latents came from one that does. */
  storeModel?: string | null;
  /** The store's times that can be encoded (ISO), which a date selection picks from. */
  storeTimes: readonly string[];
  signal: AbortSignal;
  /** What is being done now, in words, for the panel. */
  onStatus(text: string): void;
}

export interface AppComparison {
  card: ProbeCard;
  /** What the reader must know about the rows: a model that is itself untrained, a baseline left out. */
  notes: string[];
  /** The untrained encoders' features at the view's time, so that the views can show them too. */
  untrained: Array<{ name: string; features: FeatureMatrix }>;
}

/** The comparison's dates: the view's time, and those the selection picks from the store, in time order. */
export function comparisonDates(viewTime: string, selection: string | null, storeTimes: readonly string[]): string[] {
  const picked = selection === null ? [] : resolveTimeSelection(parseTimeSelection(selection), storeTimes.map((time) => new Date(time)));
  // The view's own text last, so that it wins over the same instant picked: the latent cache keys on the text.
  const byInstant = new Map([...picked.map(isoTime), viewTime].map((time) => [new Date(time).getTime(), time]));
  if (byInstant.size > MAX_APP_COMPARE_DATES) {
    throw new RunSetupError(`The dates pick ${byInstant.size} times; the app compares at most ${MAX_APP_COMPARE_DATES}. Pick fewer, or run 'latent-explorer study land-sea --compare ... --dates ${selection}'.`);
  }
  return [...byInstant.keys()].sort((a, b) => a - b).map((instant) => byInstant.get(instant)!);
}

/** A box around a study time's patch centres (across 0/360 when they are): what an encoder reads to give the same patches. */
export function boxAround(patches: StudyTime['patches']): RegionBox {
  const lats = patches.centreLat;
  const lons = [...new Set(patches.centreLon)].sort((a, b) => a - b);
  // The box's west edge follows the widest gap between neighbouring longitudes, wrapping through 360.
  let west = lons[0];
  let east = lons[lons.length - 1];
  let widest = 360 - (east - west);
  for (let k = 1; k < lons.length; k++) {
    if (lons[k] - lons[k - 1] > widest) {
      widest = lons[k] - lons[k - 1];
      west = lons[k];
      east = lons[k - 1];
    }
  }
  return { south: lats.reduce((a, b) => Math.min(a, b), 90), north: lats.reduce((a, b) => Math.max(a, b), -90), west, east };
}

export async function compareInApp(result: ExplorerResult, settings: ViewSettings, baselines: readonly Baseline[], context: CompareContext): Promise<AppComparison> {
  // The model under study: a model in models/ encoding ERA5, or (modelId null) the latent store's.
  const model = result.modelId === null ? null : context.models.find((entry) => entry.id === result.modelId);
  if (model === undefined) throw new RunSetupError(`The model ${result.modelId} of this run is no longer in models/; run again with another.`);
  const studied = model ?? latentStoreModel(context.storeModel ?? null, result.studyTime.latents.embedDim);
  const { asked, untrained: untrainedModels, notes } = untrainedBaselines(studied, settings.untrainedSeeds, baselines, hasEra5(settings));
  const { level } = result;
  // Over a latent store, the encoders read the box around its patches, which gives the same patches.
  const region = model ? null : boxAround(result.studyTime.patches);

  const times = comparisonDates(result.time, settings.compareDates, context.storeTimes);
  const requestOf = (entry: ModelEntry | null, time: string) => ({ time, region, levels: entry ? undefined : [level] });
  // The run's own time too: a reopened link's run reads it before the comparison.
  const pass = passOverTimes(context, settings, [model, ...untrainedModels].flatMap((entry) => times.map((time) => ({ model: entry, request: requestOf(entry, time) }))));
  const read = async (entry: ModelEntry | null, time: string): Promise<StudyTime> => {
    context.onStatus(studyTimeStatus(entry, time));
    const { studyTime } = await studyTimeFor(settings, entry, requestOf(entry, time), pass, (progress) => context.onStatus(studyTimeStatus(entry, time, progress)));
    if (patchCount(studyTime) !== result.table.count) throw new RunSetupError(`${entry?.id ?? 'The latent store'} gave ${patchCount(studyTime)} patches at ${time.slice(0, 16)}, the run has ${result.table.count}.`);
    return studyTime;
  };

  // The run on screen is in the probes worker already, under its features key; other dates go as copies of their level.
  const modelTimes: Array<StudyTime | string> = [];
  const raw: FeatureMatrix[] = [];
  for (const time of times) {
    const studyTime = time === result.time ? result.studyTime : await read(model, time);
    modelTimes.push(time === result.time ? result.featuresKey : atLevel(studyTime, level));
    if (asked.includes('raw')) raw.push(rawOf(studyTime));
  }
  // Model by model, so that the source worker builds each untrained encoder once.
  const untrained: ComparisonInputs['untrained'][number][] = [];
  for (const entry of untrainedModels) {
    const encoded: StudyTime[] = [];
    for (const time of times) encoded.push(atLevel(await read(entry, time), level));
    untrained.push({ name: entry.id, inputs: encoded });
  }

  context.onStatus('Fitting the probes…');
  const card = await context.probes.compareLandSea(
    {
      inputs: {
        model: { name: model ? model.id.replace(/\.onnx$/, '') : studied.label, trained: studied.trained !== false, inputs: modelTimes },
        untrained,
        raw: asked.includes('raw') ? { name: `raw input (${raw[0].cols} features)`, features: raw } : undefined,
        level,
      },
      settings: { split: settings.split, seeds: settings.compareSeeds ?? undefined, baselines: asked, areaWeights: settings.areaWeights, C: settings.compareTuneC ? 'cv' : undefined },
    },
    { signal: context.signal, onProgress: (progress) => context.onStatus(`${progress.message} (${Math.round(100 * progress.fraction)} %)`) },
  );
  const atView = times.indexOf(result.time);
  return { card, notes, untrained: untrained.map((arm) => ({ name: arm.name, features: levelMatrix(arm.inputs[atView], level) })) };
}
