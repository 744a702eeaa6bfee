// The Compare panel's orchestration: the features of every arm at every date of the comparison (the
// run on screen brings the model's and the raw inputs at its time; other dates and the untrained
// encoders come from the cache or the encoder worker), then the comparison itself in the probes
// worker, where tfjs is initialised.
import { parseTimeSelection, resolveTimeSelection } from '../../data/time-selection.ts';
import type { ProbesClient } from '../../probes/client.ts';
import type { FeatureMatrix } from '../../probes/matrix.ts';
import type { ExplorerResult } from '../../state/result.ts';
import type { ViewSettings } from '../../state/view-settings.ts';
import type { Baseline } from '../../studies/compare.ts';
import type { ProbeCard } from '../../studies/compare-card.ts';
import type { EncodedTime } from '../../workers/encoder.worker.ts';
import type { ComparisonDate } from '../../workers/probes.worker.ts';
import { landSeaPatchLabels } from '../../studies/land-sea.ts';
import { latentsFor, levelLatents, RunCancelledError } from '../explorer-run.ts';
import type { LatentCache } from '../latent-cache.ts';
import type { ModelEntry } from '../models.ts';
import { isoTime } from '../store-summary.ts';
import type { EncoderClient } from '../workers.ts';
import { untrainedBaselines } from './untrained-baselines.ts';

/** Each date is encoded by every arm in the browser: more belongs in `latent-explorer study --compare`. */
export const MAX_APP_COMPARE_DATES = 12;

export interface CompareContext {
  encoder: EncoderClient;
  probes: ProbesClient;
  cache: LatentCache<EncodedTime>;
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

let comparisonCounter = 0;

export async function compareInApp(result: ExplorerResult, settings: ViewSettings, baselines: readonly Baseline[], context: CompareContext): Promise<AppComparison> {
  const model = context.models.find((entry) => entry.id === result.modelId);
  if (!model) throw new Error(`The model ${result.modelId} of this run is no longer in models/; run again with another.`);
  if (!result.table.labels) throw new Error('This run has no labels to compare probes on.');
  const { asked, untrained: untrainedModels, notes } = untrainedBaselines(model, settings.untrainedSeeds, baselines);

  const times = comparisonDates(result.time, settings.compareDates, context.storeTimes);
  const encode = async (entry: ModelEntry, time: string): Promise<EncodedTime> => {
    context.onStatus(`Encoding ${time.slice(0, 16)} with ${entry.id}…`);
    const { encoded } = await latentsFor({ ...settings, time }, entry, {
      encoder: context.encoder,
      cache: context.cache,
      signal: context.signal,
      onStage: (stage, patch) => {
        if (patch.total) context.onStatus(`Encoding ${time.slice(0, 16)} with ${entry.id}: ${stage} ${patch.done ?? 0} of ${patch.total}`);
      },
    });
    if (encoded.patchCount !== result.table.count) throw new Error(`${entry.id} encoded ${encoded.patchCount} patches at ${time.slice(0, 16)}, the run has ${result.table.count}.`);
    return encoded;
  };

  const dates: Array<ComparisonDate<FeatureMatrix | string>> = [];
  for (const time of times) {
    if (time === result.time) {
      // The run on screen: its features are already in the probes worker.
      dates.push({ time, model: result.featuresKey, raw: asked.includes('raw') ? result.rawInputs : undefined, labels: result.table.labels, untrained: [] });
      continue;
    }
    const encoded = await encode(model, time);
    dates.push({ time, model: levelLatents(encoded, result.level), raw: asked.includes('raw') ? encoded.rawInputs : undefined, labels: landSeaPatchLabels(encoded.inputs), untrained: [] });
  }
  // Model by model, so that the encoder worker builds each untrained encoder once.
  for (const entry of untrainedModels) {
    for (const [t, time] of times.entries()) dates[t].untrained = [...(dates[t].untrained ?? []), levelLatents(await encode(entry, time), result.level)];
  }

  const jobId = `compare-${++comparisonCounter}`;
  const cancel = () => void context.probes.cancel(jobId);
  context.signal.addEventListener('abort', cancel, { once: true });
  context.onStatus('Fitting the probes…');
  try {
    const card = await context.probes.compare(
      {
        jobId,
        level: result.level,
        model: { name: model.id.replace(/\.onnx$/, ''), trained: model.trained !== false },
        untrainedNames: untrainedModels.map((entry) => entry.id),
        dates,
        centreLat: result.centreLat,
        centreLon: result.centreLon,
        split: settings.split,
        baselines: asked,
        seeds: settings.compareSeeds ?? undefined,
        areaWeights: settings.areaWeights,
        C: settings.compareTuneC ? 'cv' : undefined,
      },
      (progress) => context.onStatus(`${progress.message} (${Math.round(100 * progress.fraction)} %)`),
    );
    const atView = dates[times.indexOf(result.time)];
    return { card, notes, untrained: untrainedModels.map((entry, k) => ({ name: entry.id, features: atView.untrained![k] })) };
  } catch (error) {
    throw context.signal.aborted ? new RunCancelledError() : error;
  } finally {
    context.signal.removeEventListener('abort', cancel);
  }
}
