// The app's study times: from the latent cache, or read by the source worker (and then cached), for
// every run and comparison of both studies. The latents come from one of two sources (the settings'
// latent store, or a model encoding the settings' ERA5), named in full by the cache key.
import { describeAddress, parseStoreAddress } from '../data/address.ts';
import { ERA5_STATIC_STORE_ON_SITE } from '../data/land-sea-mask.ts';
import { DEFAULT_REQUEST_POLICY } from '../data/request.ts';
import type { FeatureMatrix } from '../probes/matrix.ts';
import { useExplorer } from '../state/store.ts';
import type { RegionBox, SourceSettings, ViewSettings } from '../state/view-settings.ts';
import type { SourceProgress } from '../studies/latent-source.ts';
import type { StudyTime } from '../studies/study-time.ts';
import type { SourceClient } from '../workers/encoder-client.ts';
import type { ReadCost, ReadProgressCallback, SourceSpec } from '../workers/encoder.worker.ts';
import type { LatentCache } from './latent-cache.ts';
import { workerModelSource, type ModelEntry } from './models.ts';
import { era5Spec, isoTime, resolveStoreUrl } from './store-summary.ts';
import { RunSetupError } from './run-setup-error.ts';

export interface StudyTimeContext {
  source: SourceClient;
  cache: LatentCache<StudyTime>;
  signal: AbortSignal;
  /** The cache keys of the study times the current pass reads (`passOverTimes`): none of them is deleted to make room for another. */
  keepCached?: ReadonlySet<string>;
}

/** A study time a pass will read. */
export interface PlannedRead {
  model: ModelEntry | null;
  request: StudyTimeRequest;
}

/**
 * `context` for a pass over several study times (a comparison's dates and arms, a run's, a search's or a sweep's
 * times), given all it will read: when they do not all fit in the latent cache's IndexedDB, the ones stored stay
 * and the others are read again, so that the pass reopened finds all but those, instead of each read deleting the next.
 */
export function passOverTimes<C extends StudyTimeContext>(context: C, settings: SourceSettings, planned: readonly PlannedRead[]): C {
  return { ...context, keepCached: new Set(planned.map(({ model, request }) => studyTimeKey(settings, model, request))) };
}

/** Whether the settings give ERA5 (encoded, or beside the latent store): its inputs, the raw patches, the encoder arms. */
export const hasEra5 = (settings: SourceSettings): boolean => settings.latents === null || settings.latentsEra5;

export function regionKey(region: RegionBox | null): string {
  return region ? `box:${region.south},${region.north},${region.west},${region.east}` : 'global';
}

/**
 * What the source worker reads: `model` encoding the settings' ERA5, or (model null) the settings'
 * latent store, with the ERA5 beside it when given. A static store gives the latent store's land-sea
 * mask; without one, the ERA5 beside it does, else the shipped real ERA5 0.25-degree mask.
 */
export function sourceSpec(settings: SourceSettings, model: ModelEntry | null): SourceSpec {
  if (model) return { kind: 'encoder', era5: era5Spec(settings), model: workerModelSource(model) };
  if (settings.latents === null) throw new RunSetupError('No latent store is set: give its address under Data, or pick "ERA5 + model".');
  const address = parseStoreAddress(settings.latents, { pageUrl: globalThis.location?.href ?? 'http://localhost/' });
  const era5 = settings.latentsEra5 ? era5Spec(settings) : null;
  const maskStore = settings.staticStore ? resolveStoreUrl(settings.staticStore) : era5 ? null : resolveStoreUrl(ERA5_STATIC_STORE_ON_SITE);
  return { kind: 'latent-store', url: address.url, name: describeAddress(address), era5, maskStore };
}

/** The latent cache's key of a study time: what determines its latents, never credentials (the K-index is not in it: a time cached without it is read again with it). */
function studyTimeKey(settings: SourceSettings, model: ModelEntry | null, request: StudyTimeRequest): string {
  return JSON.stringify([sourceKey(sourceSpec(settings, model), model), request.time, regionKey(request.region), request.levels ?? 'all']);
}

/** The cache key of a source: what determines its latents (an encoder's weights by their hash, not their URL). */
function sourceKey(spec: SourceSpec, model: ModelEntry | null): unknown {
  return spec.kind === 'encoder' ? ['encoder', spec.era5, model?.hash] : ['latent-store', spec.url, spec.era5, spec.maskStore];
}

export interface StudyTimeRequest {
  time: string;
  /** The patches in a box; the whole grid when null. */
  region: RegionBox | null;
  /** The latent levels to read (default: every level of an encoder, the surface of a store). */
  levels?: number[];
  /** Study 3's K-index of each patch too (needs ERA5). */
  kIndex?: boolean;
  /** A latent store's levels of this time read next (ReadOptions); not part of what is read. */
  levelsNext?: number[];
}

/** The request layer's time limit of the settings ("Wait for a server"), milliseconds. */
export function requestTimeoutMs(settings: Pick<ViewSettings, 'requestTimeoutS'>): number {
  return settings.requestTimeoutS === null ? DEFAULT_REQUEST_POLICY.timeoutMs : settings.requestTimeoutS * 1000;
}

/** The most bytes of latents a study time read from a latent store may have to be written to IndexedDB. */
const PERSISTED_LATENT_BYTES = 64 * 2 ** 20;

/**
 * One time of the source (`model` encoding ERA5, or the latent store when null), with the raw input
 * patches when there is ERA5 (and the K-index when asked for): from the cache, or read by the worker
 * and cached. `cost` is null when
 * it came from the cache.
 */
export async function studyTimeFor(
  settings: SourceSettings,
  model: ModelEntry | null,
  request: StudyTimeRequest,
  context: StudyTimeContext,
  onProgress?: ReadProgressCallback,
): Promise<{ studyTime: StudyTime; cost: ReadCost | null }> {
  const spec = sourceSpec(settings, model);
  const key = studyTimeKey(settings, model, request);
  const cached = await context.cache.get(key);
  // A time cached by another study may lack the K-index: it is read again, with it, and cached so.
  if (cached && (!request.kIndex || cached.era5?.kIndex)) return { studyTime: cached, cost: null };
  const era5 = spec.kind === 'encoder' || spec.era5 !== null;
  const read = await context.source.read(
    // The credentials from the tab's memory, beside the spec: the key above never holds them.
    { source: spec, credentials: useExplorer.getState().credentials, requestTimeoutMs: requestTimeoutMs(useExplorer.getState().settings), time: request.time, levels: request.levels, region: request.region ?? undefined, levelsNext: request.levelsNext, raw: era5, kIndex: era5 && request.kIndex === true },
    { signal: context.signal, onProgress },
  );
  // A large time read from a latent store stays in memory only: IndexedDB's copy of it raised the peak of a
  // 0.25-degree globe's run from 1,107-1,183 to 1,438 MiB, and the store gives it again in seconds (an encode takes minutes).
  context.cache.put(key, read.studyTime, { persist: spec.kind === 'encoder' || read.studyTime.latents.data.byteLength <= PERSISTED_LATENT_BYTES, keep: context.keepCached });
  return read;
}

/**
 * The status line of `model` (the latent store when null) giving `time` to a comparison or a search: before
 * any progress, the cache lookup (a cached time never reads as "Encoding"); then the read's or encode's progress.
 */
export function studyTimeStatus(model: ModelEntry | null, time: string, progress?: SourceProgress): string {
  const what = `${time.slice(0, 16)} ${model ? `with ${model.id}` : 'of the latent store'}`;
  if (progress === undefined) return `Looking for ${what} in the latent cache…`;
  if (progress.stage === 'read') return progress.chunksTotal > 0 ? `Reading ${what}: ${progress.chunksRead} of ${progress.chunksTotal} chunks` : `Reading ${what}…`;
  // The worker reports one tile of one while it loads (or, for an untrained encoder, builds) the model.
  return progress.tilesTotal > 1 ? `Encoding ${what}: tile ${progress.tilesDone} of ${progress.tilesTotal}` : `Loading ${model?.id} to encode ${time.slice(0, 16)}…`;
}

/** The raw input patches a study time was read with; the app reads them whenever there is ERA5. */
export function rawOf(time: StudyTime): FeatureMatrix {
  if (!time.era5?.raw) throw new RunSetupError(`The raw input patches of ${isoTime(time.time)} were not read: the raw-input baseline needs an ERA5 store.`);
  return time.era5.raw;
}
