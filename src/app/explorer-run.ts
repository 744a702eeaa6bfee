// One run of the explorer: the study time (from the cache, or the encoder worker), then PCA and the
// probe in the probes worker, then the per-patch table the views draw. Stages report real numbers as
// they go; cancelling the run's signal stops whichever worker is busy (CancelledError).
import { convertLongitude, cosLatitudeWeight, patchBounds } from '../data/geometry.ts';
import { throwIfCancelled } from '../errors.ts';
import { predictLabels } from '../probes/logreg.ts';
import type { PcaResult } from '../probes/pca.ts';
import type { SplitProbe } from '../probes/split-probe.ts';
import type { Split as RowSplit } from '../probes/splits.ts';
import { MODEL_FEATURES, type ExplorerPreview, type ExplorerResult } from '../state/result.ts';
import type { StageName, StageProgress } from '../state/store.ts';
import type { ViewSettings } from '../state/view-settings.ts';
import { landSeaPatchLabels } from '../studies/land-sea.ts';
import { singleSplit, type SplitChoice } from '../studies/split.ts';
import { atLevel, levelMatrix, patchCount, type StudyPatches, type StudyTime } from '../studies/study-time.ts';
import { LAND_SEA_SCHEME } from '../views/index.ts';
import { describeRetries, type SourceProgress } from '../studies/latent-source.ts';
import type { SourceClient } from '../workers/encoder-client.ts';
import type { ProbesClient } from '../workers/probes-client.ts';
import type { LatentCache } from './latent-cache.ts';
import type { ModelEntry } from './models.ts';
import { studyTimeFor } from './study-times.ts';
import { RunSetupError } from './run-setup-error.ts';

/** PCs computed per run: the explained-variance bar shows ten, and any of them can colour the points. */
export const PC_COUNT = 10;

export interface RunContext {
  source: SourceClient;
  probes: ProbesClient;
  cache: LatentCache<StudyTime>;
  signal: AbortSignal;
  onStage(name: StageName, patch: Partial<StageProgress>): void;
  /**
   * The run's PCA, labels and split, as soon as PCA is done, for the views to draw while the probe is fitted;
   * the fit starts once what it returns has resolved (the views have drawn them).
   */
  onPreview?(preview: ExplorerPreview): Promise<void> | void;
}

/** The stages of a run: ERA5 fetched and encoded, or a latent store read; then PCA, the probe, and the views drawing the result. */
export function initialStages(source: 'encoder' | 'latent-store'): StageProgress[] {
  const stage = (name: StageName, unit: string, title?: string): StageProgress => ({ name, status: 'waiting', done: 0, total: 0, unit, milliseconds: null, ...(title ? { title } : {}) });
  const latents = source === 'encoder' ? [stage('fetch', 'bytes'), stage('encode', 'tiles')] : [stage('fetch', 'chunks', 'Read latents')];
  return [...latents, stage('pca', '%'), stage('probe', '%'), stage('draw', 'views')];
}

/** A source worker's progress as the run's stages: bytes fetched, then tiles encoded; or a latent store's chunks read (and their bytes). */
export function stageProgress(onStage: RunContext['onStage'], source: 'encoder' | 'latent-store'): (progress: SourceProgress) => void {
  let encodeStarted = false;
  return (progress) => {
    const retried = progress.stage === 'read' && progress.retries > 0 ? { retried: describeRetries(progress.retries, progress.lastRetry) } : {};
    if (progress.stage === 'read' && source === 'latent-store') {
      onStage('fetch', { done: progress.chunksRead, total: progress.chunksTotal, bytes: progress.bytesFetched, ...retried });
    } else if (progress.stage === 'encode') {
      if (!encodeStarted) {
        encodeStarted = true;
        onStage('fetch', { status: 'done' });
        onStage('encode', { status: 'running' });
      }
      onStage('encode', { done: progress.tilesDone, total: progress.tilesTotal });
    } else if (!encodeStarted) {
      onStage('fetch', { done: progress.bytesFetched, total: progress.estimatedTotalBytes ?? progress.bytesFetched, ...retried });
    }
  };
}

let featuresCounter = 0;

/** Cell bounds and centres of every patch, as the views take them. */
function cellGeometry(patches: StudyPatches) {
  const count = patches.indices.length;
  const cellBounds = new Float32Array(count * 4);
  const cellCentres = new Float32Array(count * 2);
  for (let i = 0; i < count; i++) {
    const bounds = patchBounds(patches.grid, patches.indices[i]);
    cellBounds.set([bounds.south, bounds.north, convertLongitude(bounds.west, '0..360'), convertLongitude(bounds.east, '0..360')], i * 4);
    cellCentres[i * 2] = patches.centreLon[i];
    cellCentres[i * 2 + 1] = patches.centreLat[i];
  }
  return { cellBounds, cellCentres };
}

/** The rows of a split of the run's patches (the view's split: one train/test split). */
export function viewSplit(split: SplitChoice, labels: Uint8Array, centreLat: Float64Array, centreLon: Float64Array): RowSplit {
  return singleSplit(split, { labels, lat: centreLat, lon: centreLon, time: new Int32Array(labels.length), timeNames: [] });
}

/** cos(latitude) per patch when area weights are on: equal-angle patches near the poles cover less of the Earth. */
export function areaWeightsFor(centreLat: Float64Array, on: boolean): Float64Array | undefined {
  return on ? Float64Array.from(centreLat, cosLatitudeWeight) : undefined;
}

/** 1 for each of `count` rows in the split's test set. */
function testRowMask(split: RowSplit, count: number): Uint8Array {
  const isTest = new Uint8Array(count);
  for (const row of split.test) isTest[row] = 1;
  return isTest;
}

/** What a PCA and a probe fit give a result: shared by a run and by a redraw from a baseline's features. */
export function fitFields(pcaResult: PcaResult, probe: SplitProbe, split: RowSplit) {
  const isTest = testRowMask(split, probe.probabilities.length);
  const probabilities = Float32Array.from(probe.probabilities);
  return {
    table: {
      predictions: predictLabels(probabilities),
      probabilities,
      pcScores: pcaResult.scores,
      pcCount: pcaResult.componentCount,
      conceptScores: Float32Array.from(probe.conceptScores),
    },
    isTest,
    trainCount: split.train.length,
    testCount: split.test.length,
    explainedVarianceRatio: pcaResult.explainedVarianceRatio,
    metrics: probe.testMetrics,
    majorityBaselineAccuracy: probe.majorityBaselineAccuracy,
    probeIterations: probe.model.iterations,
    probeConverged: probe.model.converged,
  };
}

/**
 * Runs study 1 on the settings' time: `model` encoding the settings' ERA5, or (model null) the
 * settings' latent store, of which only the level studied is read.
 */
export async function runExplorer(settings: ViewSettings, model: ModelEntry | null, context: RunContext): Promise<ExplorerResult> {
  const time = settings.time;
  if (!time) throw new RunSetupError('Pick a date before running.');
  const { signal, onStage } = context;
  onStage('fetch', { status: 'running' });
  const { studyTime, cost } = await studyTimeFor(settings, model, { time, region: null, levels: model ? undefined : [settings.level] }, context, stageProgress(onStage, model ? 'encoder' : 'latent-store'));
  if (cost) {
    onStage('fetch', model ? { status: 'done', done: cost.bytesFetched, total: cost.bytesFetched, milliseconds: cost.fetchMilliseconds } : { status: 'done', bytes: cost.bytesFetched, milliseconds: cost.fetchMilliseconds });
    // A latent store's run has no encode stage: naming one would add a line for work that never ran.
    if (model) onStage('encode', { status: 'done', milliseconds: cost.encodeMilliseconds });
  } else {
    onStage('fetch', { status: 'cached' });
    if (model) onStage('encode', { status: 'cached' });
  }
  throwIfCancelled(signal);

  const count = patchCount(studyTime);
  // Checks that the level was read, with a message that names the levels there are.
  const { cols: embedDim } = levelMatrix(studyTime, settings.level);
  const { centreLat, centreLon } = studyTime.patches;
  const geometry = cellGeometry(studyTime.patches);
  const featuresKey = `features-${++featuresCounter}`;
  // The level alone: shared with the cached study time when that is shared memory, else a copy (the cached one stays whole).
  await context.probes.loadStudyTime(featuresKey, atLevel(studyTime, settings.level));
  try {
    const probeBackend = await context.probes.backend();

    onStage('pca', { status: 'running', total: 100 });
    const pcaStart = performance.now();
    const areaWeights = areaWeightsFor(centreLat, settings.areaWeights);
    const pcaResult = await context.probes.pca(
      { features: featuresKey, components: Math.min(PC_COUNT, embedDim), weights: areaWeights },
      { signal, onProgress: (fraction) => onStage('pca', { done: Math.round(fraction * 100) }) },
    );
    const pcaMilliseconds = performance.now() - pcaStart;
    // Ready, not done: App marks it done when the preview below is on screen.
    onStage('pca', { status: 'ready', done: 100, milliseconds: pcaMilliseconds });

    const labels = landSeaPatchLabels(studyTime);
    const split = viewSplit(settings.split, labels, centreLat, centreLon);
    if (split.train.length === 0 || split.test.length === 0) {
      throw new RunSetupError(`The split leaves ${split.train.length} training and ${split.test.length} test patches; choose another split.`);
    }
    const grid = studyTime.patches.grid;
    const key = `${grid.lat.length}x${grid.lon.length}|${settings.latents ?? settings.store}|${time}|${model?.hash ?? 'store'}|${settings.level}`;
    const pcaTable = {
      count,
      cellBounds: geometry.cellBounds,
      cellCentres: geometry.cellCentres,
      labels,
      pcScores: pcaResult.scores,
      pcCount: pcaResult.componentCount,
      classNames: LAND_SEA_SCHEME.names,
    };
    await context.onPreview?.({
      key,
      time,
      level: settings.level,
      table: pcaTable,
      split: settings.split,
      isTest: testRowMask(split, count),
      trainCount: split.train.length,
      testCount: split.test.length,
      explainedVarianceRatio: pcaResult.explainedVarianceRatio,
      featuresKey,
    });
    throwIfCancelled(signal);

    onStage('probe', { status: 'running', total: 100 });
    const probeStart = performance.now();
    const probe = await context.probes.fitProbe(
      { features: featuresKey, labels, split, rowWeights: areaWeights },
      { signal, onProgress: (fraction) => onStage('probe', { done: Math.round(fraction * 100) }) },
    );
    const probeMilliseconds = performance.now() - probeStart;
    onStage('probe', { status: 'ready', done: 100, milliseconds: probeMilliseconds });

    const fit = fitFields(pcaResult, probe, split);
    return {
      key,
      time,
      level: settings.level,
      modelId: model?.id ?? null,
      sourceName: model ? `${model.id} encoding ${settings.store}` : `latent store ${settings.latents}${settings.latentsEra5 ? `, ERA5 beside from ${settings.store}` : ''}`,
      shownFeatures: MODEL_FEATURES,
      centreLat,
      centreLon,
      studyTime,
      areaWeights: settings.areaWeights,
      split: settings.split,
      ...fit,
      table: { ...pcaTable, ...fit.table },
      encoderBackend: cost?.backend ?? (model ? 'cached' : 'latent store'),
      probeBackend: probeBackend.name,
      fallbackReason: cost?.fallbackReason ?? null,
      times: {
        fetch: cost?.fetchMilliseconds ?? null,
        encode: model ? (cost?.encodeMilliseconds ?? null) : null,
        pca: pcaMilliseconds,
        probe: probeMilliseconds,
      },
      featuresKey,
    };
  } catch (error) {
    // A run that does not finish leaves no features behind in the worker (a 0.25-degree level is 133 MB).
    void context.probes.releaseFeatures(featuresKey).catch(() => undefined);
    throw error;
  }
}
