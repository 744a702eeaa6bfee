// One run of study 2 in the explorer: the percentile thresholds, the region's latents of each time
// (from the cache, or the encoder worker), then the study itself in the probes worker. Stages report
// real numbers; the previous result stays on screen until this one is ready.
import { HEATWAVE_TIMES } from '../../data/sample/times.ts';
import { isCancelled, throwIfCancelled } from '../../errors.ts';
import { PercentileSourceError, type PercentileField } from '../../percentiles/percentile-field.ts';
import type { StageName, StageProgress } from '../../state/store.ts';
import { sourceSettingsOf, type ViewSettings } from '../../state/view-settings.ts';
import type { StudyTime } from '../../studies/study-time.ts';
import type { SourceClient } from '../../workers/encoder-client.ts';
import type { ProbesClient } from '../../workers/probes-client.ts';
import { LatentCache } from '../latent-cache.ts';
import type { ModelEntry } from '../models.ts';
import { isoTime } from '../store-summary.ts';
import { hasEra5 } from '../study-times.ts';
import { checkRunTimes, readRunTimes, runFacts, withStudyStages } from '../run-times.ts';
import type { ExtremesRun, PercentileFiles } from './extremes-store.ts';
import { percentilesBesideStore, readPercentileStore } from './percentile-source.ts';
import { RunSetupError } from '../run-setup-error.ts';

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

/** Study 2's percentile thresholds: the files picked in this tab, else the settings' store, else the one beside the ERA5 store. */
export async function percentileFields(settings: ViewSettings, files: PercentileFiles | null): Promise<{ fields: PercentileField[]; source: string }> {
  if (files) return { fields: files.fields, source: files.names.join(', ') };
  const location = settings.percentileSource ?? percentilesBesideStore(settings.store);
  try {
    return { fields: await readPercentileStore(location), source: location };
  } catch (error) {
    if (isCancelled(error)) throw error;
    const detail = error instanceof Error ? error.message : String(error);
    // A typed error with the cause kept: the notice and the details tell a timeout from a missing store.
    throw new PercentileSourceError(`Could not read the percentile thresholds from ${location}: ${detail}. Give a percentile store URL or pick the NetCDF files under Percentiles.`, { cause: error });
  }
}

/** Study 2 on the settings' times: `model` encoding the settings' ERA5, or (model null) the settings' latent store with ERA5 beside it. */
export async function runExtremesInApp(settings: ViewSettings, model: ModelEntry | null, context: ExtremesRunContext): Promise<ExtremesRun> {
  const { signal, onStage } = context;
  if (!hasEra5(settings)) throw new RunSetupError(EXTREMES_NEED_ERA5);
  const times = extremesTimes(settings, context.storeTimes);
  checkRunTimes(times, context.storeTimes, "the store has none of the study's heatwave times. Add times from the calendar under Times.");

  // Several times read in turn: their bytes, whichever the source.
  onStage('fetch', { status: 'running', unit: 'bytes' });
  const percentiles = await percentileFields(settings, context.files);
  throwIfCancelled(signal);

  const requests = times.map((time) => ({ time, region: settings.region, levels: model ? undefined : [settings.level] }));
  const read = await readRunTimes(settings, model, requests, { source: context.source, cache: studyTimeCache, signal, onStage });
  const { inputs } = read;
  const result = await withStudyStages(onStage, (onProgress) =>
    context.probes.runExtremes({ inputs, fields: percentiles.fields, level: settings.level, split: settings.extremesSplit }, { signal, onProgress }),
  );
  return {
    result,
    ...(await runFacts(result, inputs, read, context.probes)),
    region: settings.region,
    percentileSource: percentiles.source,
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
