// The Similarity view's orchestration: the run on screen (the model's latents at its time) against
// its untrained control (Aurora's architecture with another seed, built in the browser) at the same
// time and patches, or against its own levels, every latent level of one against every one of the other, by linear CKA in the
// probes worker with each row's shuffled noise floor; then, for a cell, the two levels' PCA scatters.
import type { PcaResult } from '../../probes/pca.ts';
import type { ExplorerResult } from '../../state/result.ts';
import type { ViewSettings } from '../../state/view-settings.ts';
import { levelName, type SimilarityMatrix } from '../../studies/similarity.ts';
import { atLevel, patchCount, type StudyTime } from '../../studies/study-time.ts';
import type { SourceClient } from '../../workers/encoder-client.ts';
import type { ProbesClient } from '../../workers/probes-client.ts';
import { boxAround } from '../compare/compare-in-app.ts';
import { latentStoreModel, untrainedBaselines } from '../compare/untrained-baselines.ts';
import type { LatentCache } from '../latent-cache.ts';
import type { ModelEntry } from '../models.ts';
import { hasEra5, studyTimeFor } from '../study-times.ts';

export interface SimilarityContext {
  source: SourceClient;
  probes: ProbesClient;
  cache: LatentCache<StudyTime>;
  models: readonly ModelEntry[];
  /** The model a latent store names in its attributes, when the run's latents came from one that does. */
  storeModel?: string | null;
  signal: AbortSignal;
  /** What is being done now, in words, for the panel. */
  onStatus(text: string): void;
}

/** One side of the comparison: its name and its latents at the run's time. */
export interface SimilaritySide {
  name: string;
  time: StudyTime;
}

/** What the run's latents are compared with: its untrained control's, or its own levels each against each. */
export type SimilarityPair = 'control' | 'levels';

export interface AppSimilarity {
  against: SimilarityPair;
  /** The run's time and the result it was computed for (its key). */
  resultKey: string;
  time: string;
  a: SimilaritySide;
  b: SimilaritySide;
  levels: { a: number[]; b: number[] };
  matrix: SimilarityMatrix;
  /** What the reader must know, e.g. that the model is itself an untrained encoder. */
  notes: string[];
}

/**
 * Why an untrained encoder's atmospheric levels come out alike. Aurora aggregates the pressure levels with one
 * learned query per latent level; at initialisation these queries are small random vectors, so all three attend
 * to the levels almost equally. Microsoft's own Perceiver3DEncoder with seeded random weights does the same: its
 * tiny-global encoding (test/fixtures/aurora-encoder) has atmospheric levels at linear CKA 0.99993-0.99997 with
 * each other (numpy), which similarity-in-app.test.ts checks.
 */
export const UNTRAINED_LEVELS_NOTE =
  "An untrained encoder's atmospheric levels are near copies of each other (CKA ≈ 1): Aurora's level aggregation starts from small random queries, which attend to the pressure levels almost alike. Microsoft's own encoder with random weights gives 0.9999 between them; only training separates the levels.";

/**
 * The run's model against its untrained control ('control'), or its levels against each other ('levels',
 * nothing to encode), every level of one side against every level of the other.
 */
export async function similarityInApp(result: ExplorerResult, settings: ViewSettings, context: SimilarityContext, against: SimilarityPair = 'control'): Promise<AppSimilarity> {
  const model = result.modelId === null ? null : context.models.find((entry) => entry.id === result.modelId);
  if (model === undefined) throw new Error(`The model ${result.modelId} of this run is no longer in models/; run again with another.`);
  const studied = model ?? latentStoreModel(context.storeModel ?? null, result.studyTime.latents.embedDim);
  const run: SimilaritySide = { name: model ? model.id.replace(/\.onnx$/, '') : studied.label, time: result.studyTime };
  if (against === 'levels') return compareSides(result, run, run, studied.trained === false ? [UNTRAINED_LEVELS_NOTE] : [], context, against);
  const { untrained, notes } = untrainedBaselines(studied, settings.untrainedSeeds, ['untrained'], hasEra5(settings));
  const control = untrained[0];
  if (!control) throw new Error(`There is no untrained control to compare ${studied.label} with: ${notes.join(' ') || 'give an ERA5 store beside the latent store'}.`);
  // Over a latent store, the encoder reads the box around its patches, which gives the same patches.
  const region = model ? null : boxAround(result.studyTime.patches);
  const what = `${result.time.slice(0, 16)} with ${control.id}`;
  context.onStatus(`Encoding ${what}…`);
  const { studyTime: controlTime } = await studyTimeFor(settings, control, { time: result.time, region }, context, (progress) => {
    if (progress.stage === 'encode') context.onStatus(`Encoding ${what}: tile ${progress.tilesDone} of ${progress.tilesTotal}`);
  });
  if (patchCount(controlTime) !== result.table.count) throw new Error(`${control.id} gave ${patchCount(controlTime)} patches at ${result.time.slice(0, 16)}, the run has ${result.table.count}.`);
  const kept = notes.filter((note) => !note.startsWith('Untrained seed'));
  return compareSides(result, run, { name: control.id, time: controlTime }, kept, context, against);
}

async function compareSides(result: ExplorerResult, a: SimilaritySide, b: SimilaritySide, notes: string[], context: SimilarityContext, against: SimilarityPair): Promise<AppSimilarity> {
  const levels = { a: [...a.time.latents.levels], b: [...b.time.latents.levels] };
  context.onStatus(`Linear CKA of ${levels.a.length} × ${levels.b.length} levels over ${result.table.count.toLocaleString('en')} patches…`);
  const matrix = await context.probes.compareLevels(
    { a, b, levels },
    { signal: context.signal, onProgress: (fraction) => context.onStatus(`Linear CKA: ${Math.round(100 * fraction)} %`) },
  );
  return { against, resultKey: result.key, time: result.time, a, b, levels, matrix, notes };
}

/** A cell's two scatters: the first two PCs of side a's level and of side b's, over the same patches. */
export interface CellScatters {
  cell: readonly [number, number];
  a: { title: string; pca: PcaResult };
  b: { title: string; pca: PcaResult };
}

let cellCounter = 0;

/** The PCA of the two levels a cell compares (each in the probes worker, released after). */
export async function cellScatters(similarity: AppSimilarity, cell: readonly [number, number], probes: ProbesClient, signal: AbortSignal): Promise<CellScatters> {
  const side = async (of: SimilaritySide, level: number) => {
    const key = `similarity-${++cellCounter}`;
    await probes.loadStudyTime(key, atLevel(of.time, level));
    try {
      const pca = await probes.pca({ features: key, components: 2 }, { signal });
      return { title: `${of.name} · ${levelName(level)}`, pca };
    } finally {
      void probes.releaseFeatures(key);
    }
  };
  const a = await side(similarity.a, similarity.levels.a[cell[0]]);
  const b = await side(similarity.b, similarity.levels.b[cell[1]]);
  return { cell, a, b };
}
