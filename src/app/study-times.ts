// The app's study times: from the latent cache, or read and encoded by the encoder worker (and then
// cached), for every run and comparison of both studies. One key names every input of the encoder.
import type { FeatureMatrix } from '../probes/matrix.ts';
import type { RegionBox, ViewSettings } from '../state/view-settings.ts';
import type { StudyTime } from '../studies/study-time.ts';
import type { EncoderClient } from '../workers/encoder-client.ts';
import type { EncodeCost, EncodeProgressCallback } from '../workers/encoder.worker.ts';
import { latentKey, type LatentCache } from './latent-cache.ts';
import { workerModelSource, type ModelEntry } from './models.ts';
import { isoTime } from './store-summary.ts';

export interface StudyTimeContext {
  encoder: EncoderClient;
  cache: LatentCache<StudyTime>;
  signal: AbortSignal;
}

/** Where the ERA5 comes from. */
export type Era5Settings = Pick<ViewSettings, 'store' | 'staticStore' | 'layout'>;

export function regionKey(region: RegionBox | null): string {
  return region ? `box:${region.south},${region.north},${region.west},${region.east}` : 'global';
}

/**
 * `time` encoded by `model` over `region` (the whole grid when null), with the raw input patches:
 * from the cache, or read and encoded by the worker and cached. `cost` is null when it came from the cache.
 */
export async function studyTimeFor(
  settings: Era5Settings,
  model: ModelEntry,
  time: string,
  region: RegionBox | null,
  context: StudyTimeContext,
  onProgress?: EncodeProgressCallback,
): Promise<{ studyTime: StudyTime; cost: EncodeCost | null }> {
  const key = latentKey(settings, time, model.hash, regionKey(region));
  const cached = await context.cache.get(key);
  if (cached) return { studyTime: cached, cost: null };
  const { studyTime, cost } = await context.encoder.encode(
    {
      store: key.store,
      staticStore: key.staticStore,
      layout: settings.layout === 'auto' ? null : settings.layout,
      time,
      model: workerModelSource(model),
      region: region ? { kind: 'box', ...region } : undefined,
      raw: true,
    },
    { signal: context.signal, onProgress },
  );
  await context.cache.put(key, studyTime);
  return { studyTime, cost };
}

/** The raw input patches a study time was read with; the app always reads them with the latents. */
export function rawOf(time: StudyTime): FeatureMatrix {
  if (!time.era5?.raw) throw new Error(`The raw input patches of ${isoTime(time.time)} were not read; run again.`);
  return time.era5.raw;
}
