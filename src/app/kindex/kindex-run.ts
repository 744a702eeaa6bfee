// One run of study 3 in the explorer: every patch of each time from the cache or the source worker
// (encoded, or from a latent store with ERA5 beside it), with its K-index, then the study in the
// probes worker on one latent level. The previous result stays on screen until this one is ready.
import type { KIndexResult } from '../../studies/k-index-study.ts';
import { atLevel } from '../../studies/study-time.ts';
import type { ProbesClient } from '../../workers/probes-client.ts';
import type { LabelSetRun } from '../label-sets/LabelSetViews.tsx';
import type { ModelEntry } from '../models.ts';
import { checkRunTimes, readRunTimes, runFacts, withStudyStages, type RunTimesContext } from '../run-times.ts';
import { hasEra5 } from '../study-times.ts';
import { sourceSettingsOf, type SourceSettings, type ViewSettings } from '../../state/view-settings.ts';
import { RunSetupError } from '../run-setup-error.ts';

/** The settings a run of study 3 was made with, which its comparison must share. */
export type KIndexRunSettings = SourceSettings & Pick<ViewSettings, 'level' | 'kIndexSplit' | 'kIndexThresholds'>;

/** A finished run of study 3 and what the views and its comparison need beside it. */
export interface KIndexRun extends LabelSetRun {
  result: KIndexResult;
  /** The latents' width, which tells the architecture of a latent store's untrained baselines. */
  embedDim: number;
  encoderBackend: string;
  probeBackend: string;
  fallbackReason: string | null;
  basis: { settings: KIndexRunSettings; times: string[]; model: ModelEntry | null; storeModel: string | null };
}

export interface KIndexRunContext extends RunTimesContext {
  probes: ProbesClient;
  /** The store's batch times (ISO UTC, each with its previous step). */
  storeTimes: readonly string[];
  /** The model a latent store names in its attributes, when the times come from one that does. */
  storeModel?: string | null;
}

/** Why study 3 offers nothing over a latent store alone. */
export const K_INDEX_NEEDS_ERA5 =
  "Study 3 over a latent store takes its temperature and humidity at 500-850 hPa from an ERA5 store given beside it, and none is given: tick 'ERA5 store beside the latents' under Data and give one (either layout).";

/** The times a run uses: the settings' list, or the date chosen above. */
export function kIndexTimes(settings: Pick<ViewSettings, 'kIndexTimes' | 'time'>): string[] {
  return settings.kIndexTimes ?? (settings.time ? [settings.time] : []);
}

/** Study 3 on the settings' times: `model` encoding the settings' ERA5, or (model null) the settings' latent store with ERA5 beside it. */
export async function runKIndexInApp(settings: ViewSettings, model: ModelEntry | null, context: KIndexRunContext): Promise<KIndexRun> {
  if (!hasEra5(settings)) throw new RunSetupError(K_INDEX_NEEDS_ERA5);
  const times = kIndexTimes(settings);
  checkRunTimes(times, context.storeTimes, 'pick a date, or add times under Times.');
  // The whole grid, as study 1's run: with the cache study 1 uses, the two share their times.
  const requests = times.map((time) => ({ time, region: null, levels: model ? undefined : [settings.level], kIndex: true }));
  const read = await readRunTimes(settings, model, requests, context);
  // One latent level crosses to the worker, with the K-index: a quarter of an encoder's latents.
  const inputs = read.inputs.map((time) => atLevel(time, settings.level, { era5: true }));
  const result = await withStudyStages(context.onStage, (onProgress) =>
    context.probes.runKIndex({ inputs, level: settings.level, thresholds: settings.kIndexThresholds, split: settings.kIndexSplit }, { signal: context.signal, onProgress }),
  );
  return {
    result,
    ...(await runFacts(result, inputs, read, context.probes)),
    basis: {
      settings: {
        ...sourceSettingsOf(settings),
        level: settings.level,
        kIndexSplit: settings.kIndexSplit,
        kIndexThresholds: settings.kIndexThresholds,
      },
      times,
      model,
      storeModel: context.storeModel ?? null,
    },
  };
}
