// What the set-up panel shows about the source of the latents: an ERA5 store (its layout, grid and
// times), or a latent store (its times as they are, levels, grid and what it says of itself) with the
// ERA5 store beside it when one is given. Opening reads only metadata and coordinates, so it runs on
// the main thread; latents and batches are read in the source worker.
import { credentialsForUrl, describeAddress, parseStoreAddress, type HttpAddress, type ServerCredentials } from '../data/address.ts';
import { listUsableTimes } from '../data/dataset.ts';
import { openEra5Source, siteDefaultStatics, type Era5SourceSpec } from '../data/era5-source.ts';
import { StoreUnreachableError } from '../data/errors.ts';
import { openLatentStore } from '../data/latent-store.ts';
import { HttpStore } from '../data/store.ts';
import { ProductError } from '../errors.ts';
import type { Era5Settings, SourceSettings } from '../state/view-settings.ts';
import { describeStoreAttributes } from '../studies/latent-store-source.ts';

export interface StoreSummary {
  location: string;
  layoutName: string;
  height: number;
  width: number;
  /** Times whose data exist with their previous 6-hourly step's, so that a batch can be built; ISO UTC. */
  times: string[];
  /** Whether those times were told by their chunks' existence (else by the time axis alone). */
  timesChecked: boolean;
  synthetic: boolean;
  /** The pressure levels a batch encodes (hPa), in Aurora's order. */
  levels: number[];
  /** How the data are read where a person would not guess it: levels left out, where the static fields come from and at which time. */
  notes: string[];
}

export interface LatentStoreSummary {
  /** As typed, with the URL it is read from when that differs (gs://, s3://). */
  name: string;
  url: string;
  /** The store's times as they are (ISO UTC, store order): its labels may not match ERA5 pairs. */
  times: string[];
  /** Why its time axis looks irregular; empty when it does not. */
  timeNotices: readonly string[];
  /** 1 (surface) plus its atmospheric levels. */
  levelCount: number;
  /** The store's own numbers for its atmospheric levels (0..2 in the study's stores, 1..3 in older ones of ours), in store order. */
  atmosLevelLabels: readonly number[];
  embedDim: number;
  /** Patch rows and columns. */
  rows: number;
  columns: number;
  /** What it says of itself (model, checkpoint hash, source data), when it says it. */
  attributes: Array<{ name: string; value: string }>;
}

/** The source of the latents as the set-up panel shows it. */
export interface SourceSummary {
  /** The ERA5 store encoded, or given beside the latent store; null when there is none. */
  era5: StoreSummary | null;
  latents: LatentStoreSummary | null;
  /** The batch times a run can take: the latent store's, else the ERA5 store's. */
  times: string[];
}

/** A browser may read a bucket's https endpoint only when the bucket allows it (CORS). */
export class CrossOriginBlockedError extends ProductError {
  readonly kind = 'cross-origin';
  constructor(address: HttpAddress, cause: unknown) {
    super(
      `${address.typed} is read as ${address.url}, and its server did not let this page read it: it sent no CORS header ` +
        `(Access-Control-Allow-Origin) for this site, or could not be reached. Open it with the CLI ` +
        `('latent-explorer study land-sea --latents ${address.typed}'), or copy the store to a server that allows cross-origin requests and give that URL.`,
      { cause },
    );
  }
}

/** Same-origin paths such as the embedded sample become absolute URLs; everything else is used as given. */
export function resolveStoreUrl(location: string): string {
  return new URL(location, pageUrl()).href;
}

function pageUrl(): string {
  return globalThis.location?.href ?? 'http://localhost/';
}

/** The settings' ERA5 as the source worker opens it and a cache key names it: absolute URLs, never credentials. */
export function era5Spec(settings: Era5Settings): Era5SourceSpec {
  return {
    store: resolveStoreUrl(settings.store),
    atmosStore: settings.atmosStore ? resolveStoreUrl(settings.atmosStore) : null,
    staticStore: settings.staticStore ? resolveStoreUrl(settings.staticStore) : null,
    layout: settings.layout === 'auto' ? null : settings.layout,
    variables: [...settings.variables],
    levels: settings.pressureLevels ? [...settings.pressureLevels] : null,
  };
}

export function isoTime(date: Date): string {
  return date.toISOString().replace('.000Z', 'Z');
}

/** The ERA5 stores of the settings: their layout, grid, the levels encoded, how they are read, and the times that hold data; `signal` (Cancel) stops the opening. */
export async function summariseStore(settings: Era5Settings, credentials: ServerCredentials, signal?: AbortSignal): Promise<StoreSummary> {
  const { dataset } = await openEra5Source(era5Spec(settings), { signal, credentials, defaultStatics: siteDefaultStatics(pageUrl(), signal) });
  const listing = await listUsableTimes(dataset);
  return {
    location: settings.store,
    layoutName: dataset.layout.title,
    height: dataset.grid.lat.length,
    width: dataset.grid.lon.length,
    times: listing.times.filter((_, i) => listing.usable[i]).map(isoTime),
    timesChecked: listing.checked,
    synthetic: dataset.source.attributes.synthetic === true,
    levels: [...dataset.batchLevels],
    notes: [...dataset.notes],
  };
}

export async function summariseLatentStore(location: string, credentials: ServerCredentials): Promise<LatentStoreSummary> {
  const address = parseStoreAddress(location, { pageUrl: pageUrl() });
  const name = describeAddress(address);
  try {
    const store = await openLatentStore(new HttpStore(address.url, undefined, credentialsForUrl(address.url, credentials)), name);
    return {
      name,
      url: address.url,
      times: store.times.map(isoTime),
      timeNotices: store.timeNotices,
      levelCount: store.latentLevels,
      atmosLevelLabels: store.atmosLevelLabels,
      embedDim: store.embedDim,
      rows: store.grid.lat.length / 4,
      columns: store.patchIndices.length / (store.grid.lat.length / 4),
      attributes: describeStoreAttributes(store.attributes),
    };
  } catch (error) {
    if (error instanceof StoreUnreachableError && (address.scheme === 'gs' || address.scheme === 's3')) throw new CrossOriginBlockedError(address, error);
    throw error;
  }
}

/** The settings' source: the latent store with the ERA5 beside it when given, or the ERA5 store alone. */
export async function summariseSource(settings: SourceSettings, credentials: ServerCredentials, signal?: AbortSignal): Promise<SourceSummary> {
  const latents = settings.latents === null ? null : await summariseLatentStore(settings.latents, credentials);
  const era5 = latents === null || settings.latentsEra5 ? await summariseStore(settings, credentials, signal) : null;
  return { era5, latents, times: latents?.times ?? era5?.times ?? [] };
}
