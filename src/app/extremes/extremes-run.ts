// One run of study 2 in the explorer: the percentile thresholds, the region's latents of each time
// (from the cache, or the encoder worker), then the study itself in the probes worker. Stages report
// real numbers; the previous result stays on screen until this one is ready.
import { HEATWAVE_TIMES } from '../../data/sample/times.ts';
import type { PercentileField } from '../../percentiles/percentile-field.ts';
import type { ProbesClient } from '../../probes/client.ts';
import type { FeatureMatrix } from '../../probes/matrix.ts';
import type { StageName, StageProgress } from '../../state/store.ts';
import type { RegionBox, ViewSettings } from '../../state/view-settings.ts';
import type { StudyTimeInputs } from '../../studies/study-time.ts';
import type { EncodedStudyTime, EncodeProgressCallback } from '../../workers/encoder.worker.ts';
import { encodeRequestFor, RunCancelledError } from '../explorer-run.ts';
import { latentKey, LatentCache } from '../latent-cache.ts';
import type { ModelEntry } from '../models.ts';
import { isoTime } from '../store-summary.ts';
import type { EncoderClient } from '../workers.ts';
import type { ExtremesRun, ExtremesRunSettings, PercentileFiles } from './extremes-store.ts';
import { rowGeometry } from './extremes-view.ts';
import { percentilesBesideStore, readPercentileStore } from './percentile-source.ts';

/** A study time as the cache keeps it: the encoder's inputs and the raw input features of the same patches. */
export interface CachedStudyTime {
  inputs: StudyTimeInputs;
  rawInputs: FeatureMatrix;
}

/** Entries cached before the raw input features came with the latents are bare StudyTimeInputs. */
export type StudyTimeCache = LatentCache<CachedStudyTime | StudyTimeInputs>;

/** Region latents of study 2, apart from the land-sea study's whole-grid ones. */
export const studyTimeCache: StudyTimeCache = new LatentCache();

let jobCounter = 0;

export interface ExtremesRunContext {
  encoder: EncoderClient;
  probes: ProbesClient;
  /** The store's batch times (ISO UTC, each with its previous step). */
  storeTimes: readonly string[];
  /** Picked NetCDF files; they replace the settings' percentile store. */
  files: PercentileFiles | null;
  signal: AbortSignal;
  onStage(name: StageName, patch: Partial<StageProgress>): void;
}

/** The study's heatwave times that the store has, in the study's order. */
export function defaultExtremesTimes(storeTimes: readonly string[]): string[] {
  const available = new Set(storeTimes);
  return HEATWAVE_TIMES.map(isoTime).filter((time) => available.has(time));
}

/** The times a run uses: the settings' list, or the study's heatwave times the store has. */
export function extremesTimes(settings: ViewSettings, storeTimes: readonly string[]): string[] {
  return settings.extremesTimes ?? defaultExtremesTimes(storeTimes);
}

export function regionKey(region: RegionBox): string {
  return `box:${region.south},${region.north},${region.west},${region.east}`;
}

/** Checks the times against the store before anything is fetched; the message says what to change. */
function checkTimes(times: readonly string[], storeTimes: readonly string[]): void {
  if (times.length === 0) {
    throw new Error("No times to study: the store has none of the study's heatwave times. Add times from the calendar under Times.");
  }
  const available = new Set(storeTimes);
  const missing = times.filter((time) => !available.has(time));
  if (missing.length > 0) {
    throw new Error(`${missing.join(', ')} ${missing.length === 1 ? 'is' : 'are'} not in the store (or lack the previous 6-hourly step); remove ${missing.length === 1 ? 'it' : 'them'} under Times.`);
  }
}

async function percentileFields(settings: ViewSettings, files: PercentileFiles | null): Promise<{ fields: PercentileField[]; source: string }> {
  if (files) return { fields: files.fields, source: files.names.join(', ') };
  const location = settings.percentileSource ?? percentilesBesideStore(settings.store);
  try {
    return { fields: await readPercentileStore(location), source: location };
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    throw new Error(`Could not read the percentile thresholds from ${location}: ${detail}. Give a percentile store URL or pick the NetCDF files under Percentiles.`);
  }
}

/** Runs `work` with a job id that the run's abort cancels in the worker. */
async function cancellable<T>(signal: AbortSignal, cancel: (jobId: string) => Promise<void>, prefix: string, work: (jobId: string) => Promise<T>): Promise<T> {
  const jobId = `${prefix}-${++jobCounter}`;
  const abort = () => void cancel(jobId);
  signal.addEventListener('abort', abort, { once: true });
  try {
    return await work(jobId);
  } catch (error) {
    throw signal.aborted ? new RunCancelledError() : error;
  } finally {
    signal.removeEventListener('abort', abort);
  }
}

export interface StudyTimeContext {
  encoder: EncoderClient;
  cache: StudyTimeCache;
  signal: AbortSignal;
}

/**
 * One time of `model` over the settings' region: from the cache, or read and encoded by the worker
 * and cached. `fresh` is the worker's answer (what it cost, where it ran) when it encoded, else null.
 */
export async function studyTimeFor(
  settings: Omit<ExtremesRunSettings, 'level' | 'extremesSplit'>,
  model: ModelEntry,
  time: string,
  context: StudyTimeContext,
  onProgress?: EncodeProgressCallback,
): Promise<{ entry: CachedStudyTime; fresh: EncodedStudyTime | null }> {
  const key = latentKey(settings, time, model.hash, regionKey(settings.region));
  const cached = await context.cache.get(key);
  // An entry from before the raw input features were kept is encoded again.
  if (cached && 'rawInputs' in cached) return { entry: cached, fresh: null };
  const fresh = await cancellable(context.signal, context.encoder.cancel, 'study-time', (jobId) =>
    context.encoder.encodeStudyTime(
      { ...encodeRequestFor(jobId, key, settings.layout, model), region: { kind: 'box', ...settings.region } },
      onProgress,
    ),
  );
  const entry: CachedStudyTime = { inputs: fresh.inputs, rawInputs: fresh.rawInputs };
  await context.cache.put(key, entry);
  return { entry, fresh };
}

export async function runExtremesInApp(settings: ViewSettings, model: ModelEntry, context: ExtremesRunContext): Promise<ExtremesRun> {
  const { signal, onStage } = context;
  const times = extremesTimes(settings, context.storeTimes);
  checkTimes(times, context.storeTimes);

  onStage('fetch', { status: 'running' });
  const percentiles = await percentileFields(settings, context.files);
  if (signal.aborted) throw new RunCancelledError();

  const inputs: StudyTimeInputs[] = [];
  let bytes = 0;
  let encoded = 0;
  let encoderBackend = 'cached';
  let fallbackReason: string | null = null;
  // Each time is read, then encoded: the stages' times add up those parts.
  let fetchMilliseconds = 0;
  let encodeMilliseconds = 0;
  for (const [k, time] of times.entries()) {
    const callStart = performance.now();
    let encodeStart: number | null = null;
    const { entry, fresh } = await studyTimeFor(settings, model, time, { encoder: context.encoder, cache: studyTimeCache, signal }, (stage, done, total) => {
      if (stage === 'fetch') onStage('fetch', { done: bytes + done, total: bytes + Math.max(done, total) });
      else {
        // Only the first call sets the status: a late progress message must not undo 'done'.
        if (encodeStart === null) onStage('encode', { status: 'running' });
        encodeStart ??= performance.now();
        onStage('encode', { unit: '%', total: 100, done: Math.round((100 * (k + done / Math.max(1, total))) / times.length) });
      }
    });
    inputs.push(entry.inputs);
    if (!fresh) continue;
    const end = performance.now();
    fetchMilliseconds += (encodeStart ?? end) - callStart;
    encodeMilliseconds += end - (encodeStart ?? end);
    bytes += fresh.bytesFetched;
    encoded++;
    encoderBackend = fresh.backend;
    fallbackReason = fresh.fallbackReason;
  }
  const allCached = encoded === 0;
  onStage('fetch', allCached ? { status: 'cached' } : { status: 'done', done: bytes, total: bytes, milliseconds: fetchMilliseconds });
  onStage('encode', allCached ? { status: 'cached' } : { status: 'done', unit: '%', done: 100, total: 100, milliseconds: encodeMilliseconds });

  const stageStart: Partial<Record<StageName, number>> = {};
  // Progress crosses from the worker as messages, which may land after the result: those are dropped.
  let finished = false;
  const result = await cancellable(signal, context.probes.cancel, 'extremes', (jobId) =>
    context.probes.runExtremes({ jobId, inputs, fields: percentiles.fields, level: settings.level, split: settings.extremesSplit }, (progress) => {
      if (finished) return;
      const stage: StageName = progress.stage;
      if (stage === 'probe' && stageStart.pca !== undefined && stageStart.probe === undefined) {
        onStage('pca', { status: 'done', done: 100, milliseconds: performance.now() - stageStart.pca });
      }
      stageStart[stage] ??= performance.now();
      onStage(stage, { status: 'running', unit: '%', total: 100, done: Math.round(progress.fraction * 100) });
    }),
  );
  finished = true;
  onStage('probe', { status: 'done', done: 100, total: 100, milliseconds: stageStart.probe === undefined ? null : performance.now() - stageStart.probe });
  const probeBackend = await context.probes.backend();
  const boundsOf = (time: number, patch: number) => inputs[time].bounds[patch];
  return {
    result,
    ...rowGeometry(result, boundsOf),
    region: settings.region,
    percentileSource: percentiles.source,
    encoderBackend,
    probeBackend: probeBackend.name,
    fallbackReason,
    basis: {
      settings: { store: settings.store, staticStore: settings.staticStore, layout: settings.layout, region: settings.region, level: settings.level, extremesSplit: settings.extremesSplit },
      times,
      model,
      fields: percentiles.fields,
    },
  };
}
