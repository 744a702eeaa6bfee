// The Similarity view's orchestration: the run on screen (the model's or the latent store's latents at
// its time) against its untrained control (Aurora's architecture with another seed, built in the
// browser) or another model of models/, encoded at the same time on the same patches, or against its
// own levels, every latent level of one against every one of the other; or the run's level at its time against the same level at the store's other times, each
// against each. Linear CKA in the probes worker with each row's shuffled noise floor; then, for a
// cell, the PCA scatters of its row and its column.
import { parseTimeSelection, resolveTimeSelection } from '../../data/time-selection.ts';
import type { PcaResult } from '../../probes/pca.ts';
import type { ExplorerResult } from '../../state/result.ts';
import type { ViewSettings } from '../../state/view-settings.ts';
import type { SourceProgress } from '../../studies/latent-source.ts';
import { StudyInputError } from '../../studies/progress.ts';
import { levelName, type SimilarityMatrix } from '../../studies/similarity.ts';
import { atLevel, patchCount, type StudyTime } from '../../studies/study-time.ts';
import type { SourceClient } from '../../workers/encoder-client.ts';
import type { ProbesClient } from '../../workers/probes-client.ts';
import { readOtherTimes } from '../analogues/analogues-in-app.ts';
import { boxAround } from '../compare/compare-in-app.ts';
import { latentStoreModel, untrainedBaselines } from '../compare/untrained-baselines.ts';
import type { LatentCache } from '../latent-cache.ts';
import type { ModelEntry } from '../models.ts';
import { isoTime } from '../store-summary.ts';
import { hasEra5, studyTimeFor, studyTimeStatus } from '../study-times.ts';

/** Times compared at once, the run's included: each is encoded (or read) like a run's, and kept in the latent cache. */
export const MAX_SIMILARITY_TIMES = 8;

export interface SimilarityContext {
  source: SourceClient;
  probes: ProbesClient;
  cache: LatentCache<StudyTime>;
  models: readonly ModelEntry[];
  /** The model a latent store names in its attributes, when the run's latents came from one that does. */
  storeModel?: string | null;
  /** The store's times (ISO), which a time-against-time comparison picks from. */
  storeTimes?: readonly string[];
  signal: AbortSignal;
  /** What is being done now, in words, for the panel. */
  onStatus(text: string): void;
}

/** One row or column of the matrix: a source's latents at one time, and the latent level of them compared. */
export interface SimilarityEntry {
  /** The source and what of it, e.g. 'aurora-0.25-untrained-seed0 · surface'; its scatter's name. */
  title: string;
  /** What tells it from the other side of a cell, short enough for its scatter's axis, e.g. 'surface · 2022-08-07 12:00'. */
  axisTitle: string;
  time: StudyTime;
  level: number;
}

/**
 * What the run's latents are compared with: its untrained control's; another model's of models/ (`modelId`);
 * its own levels each against each; or its level at the store's times that `times` picks (a time
 * selection, the run's time always in).
 */
export type SimilarityPair = { kind: 'control' } | { kind: 'model'; modelId: string } | { kind: 'levels' } | { kind: 'times'; times: string };

export interface AppSimilarity {
  against: SimilarityPair['kind'];
  /** The run's time and the result it was computed for (its key). */
  resultKey: string;
  time: string;
  /** What the matrix compares, and what its rows and its columns are of. */
  title: string;
  rowTitle: string;
  columnTitle: string;
  /** One per row and per column of the matrix, in its order: a cell's two scatters are its row's and its column's. */
  rows: SimilarityEntry[];
  columns: SimilarityEntry[];
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

/** One side of a level-against-level comparison: its name and its latents at the run's time. */
interface SimilaritySide {
  name: string;
  time: StudyTime;
}

/**
 * The run's model against its untrained control ('control') or another model of models/ ('model': on a
 * latent store's run, that model encoding the ERA5 beside the store), or its levels against each other
 * ('levels', nothing to encode), every level of one side against every level of the other; or its level
 * at several times ('times': the other times read like a run's, from the latent cache when they are there).
 */
export async function similarityInApp(result: ExplorerResult, settings: ViewSettings, context: SimilarityContext, against: SimilarityPair = { kind: 'control' }): Promise<AppSimilarity> {
  const model = result.modelId === null ? null : context.models.find((entry) => entry.id === result.modelId);
  if (model === undefined) throw new StudyInputError(`The model ${result.modelId} of this run is no longer in models/; run again with another.`);
  const studied = model ?? latentStoreModel(context.storeModel ?? null, result.studyTime.latents.embedDim);
  const run: SimilaritySide = { name: model ? modelName(model) : studied.label, time: result.studyTime };
  if (against.kind === 'times') return compareRunTimes(result, settings, model, run.name, against.times, context);
  if (against.kind === 'levels') {
    const notes = studied.trained === false ? [UNTRAINED_LEVELS_NOTE] : [];
    return compareSides(result, run, run, { title: `${run.name}: its levels against each other`, notes }, context, 'levels');
  }
  if (against.kind === 'model') {
    const other = context.models.find((entry) => entry.id === against.modelId);
    if (!other) throw new StudyInputError(`The model ${against.modelId} is no longer in models/; pick another from the list.`);
    if (other.unusable) throw new StudyInputError(`${other.id} cannot run: ${other.unusable}. Pick another model from the list.`);
    if (!hasEra5(settings)) throw new StudyInputError(`Comparing the latent store with ${modelName(other)} encodes the run's time, which needs ERA5: give an ERA5 store beside the latent store.`);
    const encoded = await encodedSide(result, settings, model === null, other, context);
    const what = model ? 'two models' : 'a latent store against an encoding';
    return compareSides(result, run, encoded, { title: `${run.name} against ${encoded.name} (${what})`, notes: [] }, context, 'model');
  }
  const { untrained, notes } = untrainedBaselines(studied, settings.untrainedSeeds, ['untrained'], hasEra5(settings));
  const control = untrained[0];
  if (!control) throw new StudyInputError(`There is no untrained control to compare ${studied.label} with: ${notes.join(' ') || 'give an ERA5 store beside the latent store'}.`);
  const encoded = await encodedSide(result, settings, model === null, control, context);
  const kept = notes.filter((note) => !note.startsWith('Untrained seed'));
  return compareSides(result, run, encoded, { title: `${run.name} against ${control.id} (untrained control)`, notes: kept }, context, 'control');
}

const modelName = (model: ModelEntry): string => model.id.replace(/\.onnx$/, '');

/**
 * `model` encoding the run's time on the same patches: the settings' ERA5 over a run's encoding, or the
 * ERA5 beside the latent store over a store's run (then the box around the store's patches, which gives
 * the same patches); from the latent cache when it is there.
 */
async function encodedSide(result: ExplorerResult, settings: ViewSettings, fromStore: boolean, model: ModelEntry, context: SimilarityContext): Promise<SimilaritySide> {
  const region = fromStore ? boxAround(result.studyTime.patches) : null;
  context.onStatus(studyTimeStatus(model, result.time));
  const { studyTime } = await studyTimeFor(settings, model, { time: result.time, region }, context, (progress) => context.onStatus(studyTimeStatus(model, result.time, progress)));
  if (patchCount(studyTime) !== result.table.count) throw new StudyInputError(`${model.id} gave ${patchCount(studyTime)} patches at ${result.time.slice(0, 16)}, the run has ${result.table.count}.`);
  return { name: modelName(model), time: studyTime };
}

async function compareSides(
  result: ExplorerResult,
  a: SimilaritySide,
  b: SimilaritySide,
  described: { title: string; notes: string[] },
  context: SimilarityContext,
  against: SimilarityPair['kind'],
): Promise<AppSimilarity> {
  const levels = { a: [...a.time.latents.levels], b: [...b.time.latents.levels] };
  context.onStatus(`Linear CKA of ${levels.a.length} × ${levels.b.length} levels over ${result.table.count.toLocaleString('en')} patches…`);
  const matrix = await context.probes.compareLevels(
    { a, b, levels },
    { signal: context.signal, onProgress: (fraction) => context.onStatus(`Linear CKA: ${Math.round(100 * fraction)} %`) },
  );
  const entries = (side: SimilaritySide, of: number[]) =>
    of.map((level) => {
      const title = `${side.name} · ${levelName(level)}`;
      return { title, axisTitle: title, time: side.time, level };
    });
  return { against, resultKey: result.key, time: result.time, ...described, rowTitle: a.name, columnTitle: b.name, rows: entries(a, levels.a), columns: entries(b, levels.b), matrix };
}

/**
 * The run's time and the store's times a selection picks (the run's time counted once), in time order.
 * Throws when they are fewer than two or more than MAX_SIMILARITY_TIMES.
 */
export function similarityTimes(runTime: string, selection: string, storeTimes: readonly string[]): string[] {
  const run = new Date(runTime).getTime();
  const picked = resolveTimeSelection(parseTimeSelection(selection), storeTimes.map((time) => new Date(time))).filter((date) => date.getTime() !== run);
  if (picked.length === 0) throw new StudyInputError(`The times '${selection}' pick none of the store's times besides the run's (${runTime.slice(0, 16)}): pick at least one other.`);
  if (picked.length + 1 > MAX_SIMILARITY_TIMES) {
    throw new StudyInputError(`The times pick ${picked.length} besides the run's; the app compares at most ${MAX_SIMILARITY_TIMES} times in all. Pick fewer, or run 'latent-explorer similarity --times ${selection}'.`);
  }
  return [new Date(run), ...picked].sort((p, q) => p.getTime() - q.getTime()).map(isoTime);
}

async function compareRunTimes(result: ExplorerResult, settings: ViewSettings, model: ModelEntry | null, name: string, selection: string, context: SimilarityContext): Promise<AppSimilarity> {
  const times = similarityTimes(result.time, selection, context.storeTimes ?? []);
  const run = new Date(result.time).getTime();
  const others = times.filter((time) => new Date(time).getTime() !== run);
  const read: StudyTime[] = [];
  for (const [k, time] of others.entries()) {
    // One at a time, so that the panel names the one being read (from the cache, it is at once).
    const status = (progress?: SourceProgress) => context.onStatus(`${studyTimeStatus(model, time, progress)} (time ${k + 1} of ${others.length})`);
    status();
    read.push(...(await readOtherTimes(result, settings, model, [time], context, status)));
  }
  const byTime = [result.studyTime, ...read].sort((p, q) => p.time.getTime() - q.time.getTime());
  const level = result.level;
  context.onStatus(`Linear CKA of ${byTime.length} × ${byTime.length} times over ${result.table.count.toLocaleString('en')} patches…`);
  const matrix = await context.probes.compareTimes(
    { name, times: byTime.map((time) => atLevel(time, level)), level },
    { signal: context.signal, onProgress: (fraction) => context.onStatus(`Linear CKA: ${Math.round(100 * fraction)} %`) },
  );
  const entries = byTime.map((time) => {
    const at = isoTime(time.time).slice(0, 16);
    return { title: `${name} · ${levelName(level)} · ${at}`, axisTitle: `${levelName(level)} · ${at.replace('T', ' ')}`, time, level };
  });
  return {
    against: 'times',
    resultKey: result.key,
    time: result.time,
    title: `${name} · ${levelName(level)}: time against time`,
    rowTitle: name,
    columnTitle: name,
    rows: entries,
    columns: entries,
    matrix,
    notes: [],
  };
}

/** A cell's two scatters: the first two PCs of its row's latents and of its column's, over the same patches. */
export interface CellScatters {
  cell: readonly [number, number];
  a: { title: string; axisTitle: string; pca: PcaResult };
  b: { title: string; axisTitle: string; pca: PcaResult };
}

let cellCounter = 0;

/** The PCA of the two representations a cell compares (each in the probes worker, released after). */
export async function cellScatters(similarity: Pick<AppSimilarity, 'rows' | 'columns'>, cell: readonly [number, number], probes: ProbesClient, signal: AbortSignal): Promise<CellScatters> {
  const side = async (entry: SimilarityEntry) => {
    const key = `similarity-${++cellCounter}`;
    await probes.loadStudyTime(key, atLevel(entry.time, entry.level));
    try {
      const pca = await probes.pca({ features: key, components: 2 }, { signal });
      return { title: entry.title, axisTitle: entry.axisTitle, pca };
    } finally {
      void probes.releaseFeatures(key);
    }
  };
  const a = await side(similarity.rows[cell[0]]);
  const b = await side(similarity.columns[cell[1]]);
  return { cell, a, b };
}
