// One run of study 2 in the explorer: the percentile thresholds, the region's latents of each time
// (from the cache, or the encoder worker), then the study itself in the probes worker. Stages report
// real numbers; the previous result stays on screen until this one is ready.
import { patchBounds } from '../../data/geometry.ts';
import { HEATWAVE_TIMES } from '../../data/sample/times.ts';
import { throwIfCancelled } from '../../errors.ts';
import type { PercentileField } from '../../percentiles/percentile-field.ts';
import type { StageName, StageProgress } from '../../state/store.ts';
import { sourceSettingsOf, type ViewSettings } from '../../state/view-settings.ts';
import type { StudyTime } from '../../studies/study-time.ts';
import type { SourceClient } from '../../workers/encoder-client.ts';
import type { ProbesClient } from '../../workers/probes-client.ts';
import { LatentCache } from '../latent-cache.ts';
import type { ModelEntry } from '../models.ts';
import { isoTime } from '../store-summary.ts';
import { hasEra5, studyTimeFor } from '../study-times.ts';
import type { ExtremesRun, PercentileFiles } from './extremes-store.ts';
import { rowGeometry } from '../label-sets/rows-view.ts';
import { percentilesBesideStore, readPercentileStore } from './percentile-source.ts';
import { describeRetries } from '../../studies/latent-source.ts';

/** Region latents of study 2, apart from the land-sea study's whole-grid ones. */
export const studyTimeCache = new LatentCache<StudyTime>();

/** Why study 2 offers nothing over a latent store alone. */
export const EXTREMES_NEED_ERA5 =
  "Study 2 over a latent store takes its 2 m temperatures from an ERA5 store given beside it, and none is given: tick 'ERA5 store beside the latents' under Data and give one (either layout).";

export interface ExtremesRunContext {
  source: SourceClient;
  probes: ProbesClient;
  /** The store's batch times (ISO UTC, each with its previous step). */
  storeTimes: readonly string[];
  /** Picked NetCDF files; they replace the settings' percentile store. */
  files: PercentileFiles | null;
  /** The model a latent store names in its attributes, when the times come from one that does. */
  storeModel?: string | null;
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

/** Study 2's percentile thresholds: the files picked in this tab, else the settings' store, else the one beside the ERA5 store. */
export async function percentileFields(settings: ViewSettings, files: PercentileFiles | null): Promise<{ fields: PercentileField[]; source: string }> {
  if (files) return { fields: files.fields, source: files.names.join(', ') };
  const location = settings.percentileSource ?? percentilesBesideStore(settings.store);
  try {
    return { fields: await readPercentileStore(location), source: location };
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    throw new Error(`Could not read the percentile thresholds from ${location}: ${detail}. Give a percentile store URL or pick the NetCDF files under Percentiles.`);
  }
}

/** Study 2 on the settings' times: `model` encoding the settings' ERA5, or (model null) the settings' latent store with ERA5 beside it. */
export async function runExtremesInApp(settings: ViewSettings, model: ModelEntry | null, context: ExtremesRunContext): Promise<ExtremesRun> {
  const { signal, onStage } = context;
  if (!hasEra5(settings)) throw new Error(EXTREMES_NEED_ERA5);
  const times = extremesTimes(settings, context.storeTimes);
  checkTimes(times, context.storeTimes);

  // Several times read in turn: their bytes, whichever the source.
  onStage('fetch', { status: 'running', unit: 'bytes' });
  const percentiles = await percentileFields(settings, context.files);
  throwIfCancelled(signal);

  const inputs: StudyTime[] = [];
  let bytes = 0;
  let encoded = 0;
  let encoderBackend = 'cached';
  let fallbackReason: string | null = null;
  // Each time is read, then encoded: the stages' times add up those parts.
  let fetchMilliseconds = 0;
  let encodeMilliseconds = 0;
  let retries = 0;
  for (const [k, time] of times.entries()) {
    const callStart = performance.now();
    const retriesBefore = retries;
    let encodeStart: number | null = null;
    const request = { time, region: settings.region, levels: model ? undefined : [settings.level] };
    const { studyTime, cost } = await studyTimeFor(settings, model, request, { source: context.source, cache: studyTimeCache, signal }, (progress) => {
      if (progress.stage === 'read') {
        retries = retriesBefore + progress.retries;
        onStage('fetch', {
          done: bytes + progress.bytesFetched,
          total: bytes + Math.max(progress.bytesFetched, progress.estimatedTotalBytes ?? 0),
          ...(retries > 0 ? { retried: describeRetries(retries, progress.lastRetry) } : {}),
        });
      }
      else {
        // Only the first call sets the status: a late progress message must not undo 'done'.
        if (encodeStart === null) onStage('encode', { status: 'running' });
        encodeStart ??= performance.now();
        onStage('encode', { unit: '%', total: 100, done: Math.round((100 * (k + progress.tilesDone / Math.max(1, progress.tilesTotal))) / times.length) });
      }
    });
    inputs.push(studyTime);
    if (!cost) continue;
    const end = performance.now();
    fetchMilliseconds += (encodeStart ?? end) - callStart;
    encodeMilliseconds += end - (encodeStart ?? end);
    bytes += cost.bytesFetched;
    encoded++;
    encoderBackend = cost.backend;
    fallbackReason = cost.fallbackReason;
  }
  const allCached = encoded === 0;
  onStage('fetch', allCached ? { status: 'cached' } : { status: 'done', done: bytes, total: bytes, milliseconds: fetchMilliseconds });
  // A latent store's times are read, not encoded: no encode line for it.
  if (model) onStage('encode', allCached ? { status: 'cached' } : { status: 'done', unit: '%', done: 100, total: 100, milliseconds: encodeMilliseconds });

  const stageStart: Partial<Record<StageName, number>> = {};
  const result = await context.probes.runExtremes(
    { inputs, fields: percentiles.fields, level: settings.level, split: settings.extremesSplit },
    {
      signal,
      onProgress: (progress) => {
        // The study reports its PCA and probes; its times are read already.
        const stage = progress.stage;
        if (stage !== 'pca' && stage !== 'probe') return;
        if (stage === 'probe' && stageStart.pca !== undefined && stageStart.probe === undefined) {
          onStage('pca', { status: 'ready', done: 100, milliseconds: performance.now() - stageStart.pca });
        }
        stageStart[stage] ??= performance.now();
        onStage(stage, { status: 'running', unit: '%', total: 100, done: Math.round(progress.fraction * 100) });
      },
    },
  );
  // Ready, not done: the results show once the app has them (it marks them done then).
  onStage('probe', { status: 'ready', done: 100, total: 100, milliseconds: stageStart.probe === undefined ? null : performance.now() - stageStart.probe });
  const probeBackend = await context.probes.backend();
  const boundsOf = (time: number, patch: number) => patchBounds(inputs[time].patches.grid, inputs[time].patches.indices[patch]);
  return {
    result,
    embedDim: inputs[0].latents.embedDim,
    ...rowGeometry(result, boundsOf),
    region: settings.region,
    percentileSource: percentiles.source,
    encoderBackend,
    probeBackend: probeBackend.name,
    fallbackReason,
    basis: {
      settings: {
        ...sourceSettingsOf(settings),
        region: settings.region,
        level: settings.level,
        extremesSplit: settings.extremesSplit,
      },
      times,
      model,
      storeModel: context.storeModel ?? null,
      fields: percentiles.fields,
    },
  };
}
