// The part of a run over several times that studies with label sets share: each time from the cache or
// read by the source worker (encoded, or from a latent store), with the fetch and encode stages
// reporting real numbers, then the study in the probes worker with its PCA and probe stages.
import { patchBounds } from '../data/geometry.ts';
import type { StageName, StageProgress } from '../state/store.ts';
import type { StudyRows } from '../studies/label-sets.ts';
import type { StudyProgress } from '../studies/progress.ts';
import type { StudyTime } from '../studies/study-time.ts';
import type { SourceClient } from '../workers/encoder-client.ts';
import type { ProbesClient } from '../workers/probes-client.ts';
import { rowGeometry } from './label-sets/rows-view.ts';
import type { LatentCache } from './latent-cache.ts';
import type { ModelEntry } from './models.ts';
import { describeRetries } from '../studies/latent-source.ts';
import { passOverTimes, studyTimeFor, type StudyTimeRequest } from './study-times.ts';
import type { SourceSettings } from '../state/view-settings.ts';
import { RunSetupError } from './run-setup-error.ts';

export interface RunTimesContext {
  source: SourceClient;
  cache: LatentCache<StudyTime>;
  signal: AbortSignal;
  onStage(name: StageName, patch: Partial<StageProgress>): void;
}

export interface ReadTimes {
  inputs: StudyTime[];
  /** 'cached' when every time came from the cache. */
  encoderBackend: string;
  fallbackReason: string | null;
}

/**
 * Checks the run's times against the store before anything is fetched; the message says what to change
 * (`none`: what to do when there are no times at all).
 */
export function checkRunTimes(times: readonly string[], storeTimes: readonly string[], none: string): void {
  if (times.length === 0) throw new RunSetupError(`No times to study: ${none}`);
  const available = new Set(storeTimes);
  const missing = times.filter((time) => !available.has(time));
  if (missing.length > 0) {
    throw new RunSetupError(`${missing.join(', ')} ${missing.length === 1 ? 'is' : 'are'} not in the store (or lack the previous 6-hourly step); remove ${missing.length === 1 ? 'it' : 'them'} under Times.`);
  }
}

/**
 * Each time of the run from the cache, or read (by `model` encoding ERA5, or from the latent store when
 * null); the fetch and encode stages add up its parts.
 */
export async function readRunTimes(
  settings: SourceSettings,
  model: ModelEntry | null,
  requests: readonly StudyTimeRequest[],
  context: RunTimesContext,
): Promise<ReadTimes> {
  const { onStage } = context;
  // Several times read in turn: their bytes, whichever the source.
  onStage('fetch', { status: 'running', unit: 'bytes' });
  const inputs: StudyTime[] = [];
  let bytes = 0;
  let read = 0;
  let encoderBackend = 'cached';
  let fallbackReason: string | null = null;
  let fetchMilliseconds = 0;
  let encodeMilliseconds = 0;
  // Requests retried so far, over every time: the fetch line says so.
  let retries = 0;
  const pass = passOverTimes(context, settings, requests.map((request) => ({ model, request })));
  for (const [k, request] of requests.entries()) {
    const callStart = performance.now();
    const retriesBefore = retries;
    let encodeStart: number | null = null;
    const { studyTime, cost } = await studyTimeFor(settings, model, request, pass, (progress) => {
      if (progress.stage === 'read') {
        retries = retriesBefore + progress.retries;
        onStage('fetch', {
          done: bytes + progress.bytesFetched,
          total: bytes + Math.max(progress.bytesFetched, progress.estimatedTotalBytes ?? 0),
          ...(retries > 0 ? { retried: describeRetries(retries, progress.lastRetry) } : {}),
        });
      } else {
        // Only the first call sets the status: a late progress message must not undo 'done'.
        if (encodeStart === null) onStage('encode', { status: 'running' });
        encodeStart ??= performance.now();
        onStage('encode', { unit: '%', total: 100, done: Math.round((100 * (k + progress.tilesDone / Math.max(1, progress.tilesTotal))) / requests.length) });
      }
    });
    inputs.push(studyTime);
    if (!cost) continue;
    const end = performance.now();
    fetchMilliseconds += (encodeStart ?? end) - callStart;
    encodeMilliseconds += end - (encodeStart ?? end);
    bytes += cost.bytesFetched;
    read++;
    encoderBackend = cost.backend;
    fallbackReason = cost.fallbackReason;
  }
  const allCached = read === 0;
  onStage('fetch', allCached ? { status: 'cached' } : { status: 'done', done: bytes, total: bytes, milliseconds: fetchMilliseconds });
  // A latent store's times are read, not encoded: no encode line for it.
  if (model) onStage('encode', allCached ? { status: 'cached' } : { status: 'done', unit: '%', done: 100, total: 100, milliseconds: encodeMilliseconds });
  return { inputs, encoderBackend, fallbackReason };
}

/**
 * The PCA and probe stages of a study run in the probes worker: `study` gets a progress callback;
 * progress that lands after the result (it crosses as messages) is dropped. Both end 'ready': the app
 * marks them done when it shows the result.
 */
export async function withStudyStages<T>(onStage: RunTimesContext['onStage'], study: (onProgress: (progress: StudyProgress) => void) => Promise<T>): Promise<T> {
  const stageStart: Partial<Record<StageName, number>> = {};
  let finished = false;
  const result = await study((progress) => {
    // The study reports its PCA and probes; its times are read already.
    const stage = progress.stage;
    if (finished || (stage !== 'pca' && stage !== 'probe')) return;
    if (stage === 'probe' && stageStart.pca !== undefined && stageStart.probe === undefined) {
      onStage('pca', { status: 'ready', done: 100, milliseconds: performance.now() - stageStart.pca });
    }
    stageStart[stage] ??= performance.now();
    onStage(stage, { status: 'running', unit: '%', total: 100, done: Math.round(progress.fraction * 100) });
  });
  finished = true;
  // Ready, not done: the results show once the app has them (it marks them done then).
  onStage('probe', { status: 'ready', done: 100, total: 100, milliseconds: stageStart.probe === undefined ? null : performance.now() - stageStart.probe });
  return result;
}

/** What a finished run holds beside its result: the latents' width, each row's cell for the views, and where it ran. */
export async function runFacts(result: { rows: StudyRows }, inputs: readonly StudyTime[], read: ReadTimes, probes: ProbesClient) {
  const probeBackend = await probes.backend();
  const boundsOf = (time: number, patch: number) => patchBounds(inputs[time].patches.grid, inputs[time].patches.indices[patch]);
  return {
    embedDim: inputs[0].latents.embedDim,
    ...rowGeometry(result, boundsOf),
    encoderBackend: read.encoderBackend,
    probeBackend: probeBackend.name,
    fallbackReason: read.fallbackReason,
  };
}
