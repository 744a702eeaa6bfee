// The Compare panel's orchestration: the baselines' features for the run on screen (the raw inputs
// came with its latents; untrained encoders' latents from the cache or the encoder worker), then
// the comparison itself in the probes worker, where tfjs is initialised.
import type { ProbesClient } from '../../probes/client.ts';
import type { ExplorerResult } from '../../state/result.ts';
import type { ViewSettings } from '../../state/view-settings.ts';
import type { Baseline } from '../../studies/compare.ts';
import type { ProbeCard } from '../../studies/compare-card.ts';
import type { FeatureMatrix } from '../../probes/matrix.ts';
import type { EncodedTime } from '../../workers/encoder.worker.ts';
import { latentsFor, RunCancelledError } from '../explorer-run.ts';
import type { LatentCache } from '../latent-cache.ts';
import type { ModelEntry } from '../models.ts';
import type { EncoderClient } from '../workers.ts';

export interface CompareContext {
  encoder: EncoderClient;
  probes: ProbesClient;
  cache: LatentCache<EncodedTime>;
  models: readonly ModelEntry[];
  signal: AbortSignal;
  /** What is being done now, in words, for the panel. */
  onStatus(text: string): void;
}

export interface AppComparison {
  card: ProbeCard;
  /** What the reader must know about the rows: a model that is itself untrained, a baseline left out. */
  notes: string[];
  /** The untrained encoders' features fitted, so that the views can show them too. */
  untrained: Array<{ name: string; features: FeatureMatrix }>;
}

/** The other untrained encoders in models/: the chosen one cannot be its own baseline. */
export function untrainedBaselineModels(models: readonly ModelEntry[], chosenId: string): ModelEntry[] {
  return models.filter((model) => model.trained === false && model.id !== chosenId);
}

let comparisonCounter = 0;

export async function compareInApp(result: ExplorerResult, settings: ViewSettings, baselines: readonly Baseline[], context: CompareContext): Promise<AppComparison> {
  const model = context.models.find((entry) => entry.id === result.modelId);
  if (!model) throw new Error(`The model ${result.modelId} of this run is no longer in models/; run again with another.`);
  const labels = result.table.labels;
  if (!labels) throw new Error('This run has no labels to compare probes on.');
  const notes: string[] = [];
  if (model.trained === false) {
    notes.push(`${model.label} is itself an untrained encoder (Aurora's initialisation): its row is a control, not Aurora's learned weights.`);
  }

  const untrainedModels = baselines.includes('untrained') ? untrainedBaselineModels(context.models, model.id) : [];
  let asked = baselines;
  if (baselines.includes('untrained') && untrainedModels.length === 0) {
    asked = baselines.filter((baseline) => baseline !== 'untrained');
    notes.push(
      `The untrained-encoder baseline was left out: models/ holds no untrained encoder other than ${model.id}. Make one with "latent-explorer init-model --preset aurora-0.25 --seed 1 --out models/aurora-0.25-untrained-seed1.onnx".`,
    );
  }
  const untrained: Array<{ name: string; features: FeatureMatrix }> = [];
  for (const other of untrainedModels) {
    context.onStatus(`Encoding ${result.time.slice(0, 16)} with ${other.id}…`);
    const { encoded } = await latentsFor({ ...settings, time: result.time }, other, {
      encoder: context.encoder,
      cache: context.cache,
      signal: context.signal,
      onStage: (stage, patch) => {
        if (patch.total) context.onStatus(`Encoding with ${other.id}: ${stage} ${patch.done ?? 0} of ${patch.total}`);
      },
    });
    if (encoded.patchCount !== result.table.count) throw new Error(`${other.id} encoded ${encoded.patchCount} patches, the run has ${result.table.count}.`);
    const size = encoded.patchCount * encoded.embedDim;
    untrained.push({ name: other.id.replace(/\.onnx$/, ''), features: { data: encoded.latents.slice(result.level * size, (result.level + 1) * size), rows: encoded.patchCount, cols: encoded.embedDim } });
  }

  const jobId = `compare-${++comparisonCounter}`;
  const cancel = () => void context.probes.cancel(jobId);
  context.signal.addEventListener('abort', cancel, { once: true });
  context.onStatus('Fitting the probes…');
  try {
    const card = await context.probes.compare(
      {
        jobId,
        time: result.time,
        level: result.level,
        model: { name: model.id.replace(/\.onnx$/, ''), trained: model.trained !== false, features: result.featuresKey },
        untrained,
        raw: asked.includes('raw') ? result.rawInputs : undefined,
        labels,
        centreLat: result.centreLat,
        centreLon: result.centreLon,
        split: settings.split,
        baselines: asked,
        areaWeights: settings.areaWeights,
      },
      (progress) => context.onStatus(`${progress.message} (${Math.round(100 * progress.fraction)} %)`),
    );
    return { card, notes, untrained };
  } catch (error) {
    throw context.signal.aborted ? new RunCancelledError() : error;
  } finally {
    context.signal.removeEventListener('abort', cancel);
  }
}
