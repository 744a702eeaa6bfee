// One run of the explorer: latents (from the cache, or the encoder worker), then PCA and the probe in
// the probes worker, then the per-patch table the views draw. Stages report real numbers as they go.
import { convertLongitude, cosLatitudeWeight, createPatchGrid, patchBounds, patchCentres, patchColumns } from '../data/geometry.ts';
import { landSeaPatchLabels } from '../studies/land-sea.ts';
import { predictLabels } from '../probes/logreg.ts';
import type { PcaResult } from '../probes/pca.ts';
import type { Split as RowSplit } from '../probes/splits.ts';
import type { ProbesClient } from '../probes/client.ts';
import type { FeatureMatrix } from '../probes/matrix.ts';
import type { StageName, StageProgress } from '../state/store.ts';
import { MODEL_FEATURES, type ExplorerResult } from '../state/result.ts';
import type { ViewSettings } from '../state/view-settings.ts';
import { LAND_SEA_SCHEME } from '../views/index.ts';
import type { EncodedTime, EncodeRequest } from '../workers/encoder.worker.ts';
import type { ProbeResponse } from '../workers/probes.worker.ts';
import { latentKey, LatentCache, type LatentKey } from './latent-cache.ts';
import { workerModelSource, type ModelEntry } from './models.ts';
import { splitRows } from './split-rows.ts';
import type { EncoderClient } from './workers.ts';

/** PCs computed per run: the explained-variance bar shows ten, and any of them can colour the points. */
export const PC_COUNT = 10;

export interface RunContext {
  encoder: EncoderClient;
  probes: ProbesClient;
  cache: LatentCache<EncodedTime>;
  signal: AbortSignal;
  onStage(name: StageName, patch: Partial<StageProgress>): void;
}

export function initialStages(): StageProgress[] {
  const stage = (name: StageName, unit: string): StageProgress => ({ name, status: 'waiting', done: 0, total: 0, unit, milliseconds: null });
  return [stage('fetch', 'bytes'), stage('encode', 'tiles'), stage('pca', '%'), stage('probe', '%')];
}

export class RunCancelledError extends Error {
  constructor() {
    super('The run was cancelled.');
    this.name = 'RunCancelledError';
  }
}

function checkCancelled(signal: AbortSignal): void {
  if (signal.aborted) throw new RunCancelledError();
}

let jobCounter = 0;

/** The encoder worker's request for the latents `key` names, by `model`. */
export function encodeRequestFor(jobId: string, key: LatentKey, layout: ViewSettings['layout'], model: ModelEntry): EncodeRequest {
  return { jobId, store: key.store, staticStore: key.staticStore, layout: layout === 'auto' ? null : layout, time: key.time, model: workerModelSource(model) };
}

/** The latents of the settings' store and time by `model`: from the cache, or encoded (reporting fetch and encode stages). */
export async function latentsFor(settings: ViewSettings, model: ModelEntry, context: Omit<RunContext, 'probes'>): Promise<{ encoded: EncodedTime; cached: boolean }> {
  const time = settings.time;
  if (!time) throw new Error('Pick a date before running.');
  const key = latentKey(settings, time, model.hash, 'global');
  const cached = await context.cache.get(key);
  // Entries cached before the raw inputs came with the latents are encoded again.
  if (cached?.rawInputs) return { encoded: cached, cached: true };

  const jobId = `encode-${++jobCounter}`;
  const abort = () => void context.encoder.cancel(jobId);
  context.signal.addEventListener('abort', abort);
  try {
    context.onStage('fetch', { status: 'running' });
    let encodeStarted = false;
    const encoded = await context.encoder.encode(
      encodeRequestFor(jobId, key, settings.layout, model),
      (stage, done, total) => {
        if (stage === 'encode' && !encodeStarted) {
          encodeStarted = true;
          context.onStage('fetch', { status: 'done' });
          context.onStage('encode', { status: 'running' });
        }
        context.onStage(stage, { done, total });
      },
    );
    context.onStage('fetch', { status: 'done', done: encoded.bytesFetched, total: encoded.bytesFetched, milliseconds: encoded.fetchMilliseconds });
    context.onStage('encode', { status: 'done', milliseconds: encoded.encodeMilliseconds });
    await context.cache.put(key, encoded);
    return { encoded, cached: false };
  } catch (error) {
    if (context.signal.aborted) throw new RunCancelledError();
    throw error;
  } finally {
    context.signal.removeEventListener('abort', abort);
  }
}

/** One latent level's (patches, D) block, copied so that the cached latents stay whole. */
export function levelLatents(encoded: EncodedTime, level: number): FeatureMatrix {
  const size = encoded.patchCount * encoded.embedDim;
  return { data: encoded.latents.slice(level * size, (level + 1) * size), rows: encoded.patchCount, cols: encoded.embedDim };
}

/** Cell bounds and centres of every patch, as the views take them. */
function cellGeometry(encoded: EncodedTime) {
  const grid = createPatchGrid(encoded.lat, encoded.lon, encoded.rowOffset, encoded.fullHeight);
  const centres = patchCentres(grid);
  const count = centres.lat.length;
  const first = grid.firstPatchRow * patchColumns(grid);
  const cellBounds = new Float32Array(count * 4);
  const cellCentres = new Float32Array(count * 2);
  for (let i = 0; i < count; i++) {
    const bounds = patchBounds(grid, first + i);
    cellBounds.set([bounds.south, bounds.north, convertLongitude(bounds.west, '0..360'), convertLongitude(bounds.east, '0..360')], i * 4);
    cellCentres[i * 2] = centres.lon[i];
    cellCentres[i * 2 + 1] = centres.lat[i];
  }
  return { cellBounds, cellCentres, centreLat: centres.lat, centreLon: centres.lon, patchColumns: patchColumns(grid) };
}

/** cos(latitude) per patch when area weights are on: equal-angle patches near the poles cover less of the Earth. */
export function areaWeightsFor(centreLat: Float64Array, on: boolean): Float64Array | undefined {
  return on ? Float64Array.from(centreLat, cosLatitudeWeight) : undefined;
}

/** What a PCA and a probe fit give a result: shared by a run and by a redraw from a baseline's features. */
export function fitFields(pcaResult: PcaResult, probe: ProbeResponse, split: RowSplit) {
  const isTest = new Uint8Array(probe.probabilities.length);
  for (const row of split.test) isTest[row] = 1;
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

export async function runExplorer(settings: ViewSettings, model: ModelEntry, context: RunContext): Promise<ExplorerResult> {
  const { encoded, cached } = await latentsFor(settings, model, context);
  if (cached) {
    context.onStage('fetch', { status: 'cached' });
    context.onStage('encode', { status: 'cached' });
  }
  checkCancelled(context.signal);

  const { patchCount, embedDim, latentLevels } = encoded;
  if (settings.level >= latentLevels) throw new Error(`The model has ${latentLevels} latent levels; level ${settings.level} does not exist.`);
  const geometry = cellGeometry(encoded);
  const features = levelLatents(encoded, settings.level).data;
  const featuresKey = `features-${++jobCounter}`;
  await context.probes.loadFeatures(featuresKey, features, patchCount, embedDim);
  const probeBackend = await context.probes.backend();

  const onCancel = (jobId: string) => {
    const cancel = () => void context.probes.cancel(jobId);
    context.signal.addEventListener('abort', cancel, { once: true });
    return () => context.signal.removeEventListener('abort', cancel);
  };

  context.onStage('pca', { status: 'running', total: 100 });
  const pcaStart = performance.now();
  const pcaJob = `pca-${jobCounter}`;
  const stopPcaCancel = onCancel(pcaJob);
  const areaWeights = areaWeightsFor(geometry.centreLat, settings.areaWeights);
  const pcaResult = await context.probes
    .pca({ jobId: pcaJob, features: featuresKey, components: Math.min(PC_COUNT, embedDim), weights: areaWeights }, (fraction) =>
      context.onStage('pca', { done: Math.round(fraction * 100) }),
    )
    .catch((error: unknown) => {
      throw context.signal.aborted ? new RunCancelledError() : error;
    })
    .finally(stopPcaCancel);
  const pcaMilliseconds = performance.now() - pcaStart;
  context.onStage('pca', { status: 'done', done: 100, milliseconds: pcaMilliseconds });

  const labels = landSeaPatchLabels(encoded.inputs);
  const split = splitRows(settings.split, labels, geometry.centreLat, geometry.centreLon);
  if (split.train.length === 0 || split.test.length === 0) {
    throw new Error(`The split leaves ${split.train.length} training and ${split.test.length} test patches; choose another split.`);
  }

  context.onStage('probe', { status: 'running', total: 100 });
  const probeStart = performance.now();
  const probeJob = `probe-${jobCounter}`;
  const stopProbeCancel = onCancel(probeJob);
  const probe = await context.probes
    .fitProbe({ jobId: probeJob, features: featuresKey, labels, train: split.train, test: split.test, sampleWeights: areaWeights }, (fraction) =>
      context.onStage('probe', { done: Math.round(fraction * 100) }),
    )
    .catch((error: unknown) => {
      throw context.signal.aborted ? new RunCancelledError() : error;
    })
    .finally(stopProbeCancel);
  const probeMilliseconds = performance.now() - probeStart;
  context.onStage('probe', { status: 'done', done: 100, milliseconds: probeMilliseconds });

  const fit = fitFields(pcaResult, probe, split);

  return {
    key: `${encoded.lat.length}x${encoded.lon.length}|${settings.store}|${settings.time}|${model.hash}|${settings.level}`,
    time: settings.time ?? '',
    level: settings.level,
    modelId: model.id,
    shownFeatures: MODEL_FEATURES,
    patchColumns: geometry.patchColumns,
    centreLat: geometry.centreLat,
    centreLon: geometry.centreLon,
    inputs: encoded.inputs,
    rawInputs: encoded.rawInputs,
    areaWeights: settings.areaWeights,
    split: settings.split,
    ...fit,
    table: {
      count: patchCount,
      cellBounds: geometry.cellBounds,
      cellCentres: geometry.cellCentres,
      labels,
      ...fit.table,
      classNames: LAND_SEA_SCHEME.names,
    },
    encoderBackend: encoded.backend,
    probeBackend: probeBackend.name,
    fallbackReason: encoded.fallbackReason,
    times: {
      fetch: cached ? null : encoded.fetchMilliseconds,
      encode: cached ? null : encoded.encodeMilliseconds,
      pca: pcaMilliseconds,
      probe: probeMilliseconds,
    },
    featuresKey,
    latents: encoded.latents,
    latentLevels,
    embedDim,
  };
}
