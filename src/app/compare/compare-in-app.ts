// The Compare panel's orchestration: the features of every arm at every date of the comparison (the
// run on screen brings the model's and the raw inputs at its time; other dates and the untrained
// encoders come from the cache or the encoder worker), then the comparison itself in the probes
// worker, where tfjs is initialised.
import { parseTimeSelection, resolveTimeSelection } from '../../data/time-selection.ts';
import type { FeatureMatrix } from '../../probes/matrix.ts';
import type { ExplorerResult } from '../../state/result.ts';
import type { ViewSettings } from '../../state/view-settings.ts';
import type { Baseline } from '../../studies/compare.ts';
import type { ProbeCard } from '../../studies/compare-card.ts';
import type { ComparisonInputs } from '../../studies/compare-studies.ts';
import { atLevel, levelMatrix, patchCount, type StudyTime } from '../../studies/study-time.ts';
import type { EncoderClient } from '../../workers/encoder-client.ts';
import type { ProbesClient } from '../../workers/probes-client.ts';
import type { LatentCache } from '../latent-cache.ts';
import type { ModelEntry } from '../models.ts';
import { isoTime } from '../store-summary.ts';
import { rawOf, studyTimeFor } from '../study-times.ts';
import { untrainedBaselines } from './untrained-baselines.ts';

/** Each date is encoded by every arm in the browser: more belongs in `latent-explorer study --compare`. */
export const MAX_APP_COMPARE_DATES = 12;

export interface CompareContext {
  encoder: EncoderClient;
  probes: ProbesClient;
  cache: LatentCache<StudyTime>;
  models: readonly ModelEntry[];
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
    throw new Error(`The dates pick ${byInstant.size} times; the app compares at most ${MAX_APP_COMPARE_DATES}. Pick fewer, or run 'latent-explorer study land-sea --compare ... --dates ${selection}'.`);
  }
  return [...byInstant.keys()].sort((a, b) => a - b).map((instant) => byInstant.get(instant)!);
}

export async function compareInApp(result: ExplorerResult, settings: ViewSettings, baselines: readonly Baseline[], context: CompareContext): Promise<AppComparison> {
  const model = context.models.find((entry) => entry.id === result.modelId);
  if (!model) throw new Error(`The model ${result.modelId} of this run is no longer in models/; run again with another.`);
  const { asked, untrained: untrainedModels, notes } = untrainedBaselines(model, settings.untrainedSeeds, baselines);
  const { level } = result;

  const times = comparisonDates(result.time, settings.compareDates, context.storeTimes);
  const encode = async (entry: ModelEntry, time: string): Promise<StudyTime> => {
    context.onStatus(`Encoding ${time.slice(0, 16)} with ${entry.id}…`);
    const { studyTime } = await studyTimeFor(settings, entry, time, null, context, (stage, done, total) => {
      if (total) context.onStatus(`Encoding ${time.slice(0, 16)} with ${entry.id}: ${stage} ${done} of ${total}`);
    });
    if (patchCount(studyTime) !== result.table.count) throw new Error(`${entry.id} encoded ${patchCount(studyTime)} patches at ${time.slice(0, 16)}, the run has ${result.table.count}.`);
    return studyTime;
  };

  // The run on screen is in the probes worker already, under its features key; other dates go as copies of their level.
  const modelTimes: Array<StudyTime | string> = [];
  const raw: FeatureMatrix[] = [];
  for (const time of times) {
    const studyTime = time === result.time ? result.studyTime : await encode(model, time);
    modelTimes.push(time === result.time ? result.featuresKey : atLevel(studyTime, level));
    if (asked.includes('raw')) raw.push(rawOf(studyTime));
  }
  // Model by model, so that the encoder worker builds each untrained encoder once.
  const untrained: ComparisonInputs['untrained'][number][] = [];
  for (const entry of untrainedModels) {
    const encoded: StudyTime[] = [];
    for (const time of times) encoded.push(atLevel(await encode(entry, time), level));
    untrained.push({ name: entry.id, inputs: encoded });
  }

  context.onStatus('Fitting the probes…');
  const card = await context.probes.compareLandSea(
    {
      inputs: {
        model: { name: model.id.replace(/\.onnx$/, ''), trained: model.trained !== false, inputs: modelTimes },
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
