// What the set-up panel shows about a store: its layout, grid and times. Opening a store reads only
// metadata and coordinates, so it runs on the main thread; batches are read in the encoder worker.
import { parseStoreAddress } from '../data/address.ts';
import { listTimes, openEra5Dataset } from '../data/dataset.ts';
import { openHttpSource } from '../data/store.ts';
import type { ViewSettings } from '../state/view-settings.ts';

export interface StoreSummary {
  location: string;
  layoutName: string;
  height: number;
  width: number;
  /** Times that have their previous 6-hourly step, so that a batch can be built; ISO UTC. */
  times: string[];
  synthetic: boolean;
}

/** The URL a store address is read from (src/data/address.ts): paths on this site such as the embedded sample, gs:// and s3:// become https URLs. */
export function resolveStoreUrl(location: string): string {
  return parseStoreAddress(location, { pageUrl: globalThis.location?.href ?? 'http://localhost/' }).url;
}

export function isoTime(date: Date): string {
  return date.toISOString().replace('.000Z', 'Z');
}

export async function summariseStore(location: string, staticStore: string | null, layout: ViewSettings['layout']): Promise<StoreSummary> {
  const source = await openHttpSource(resolveStoreUrl(location));
  const staticSource = staticStore ? await openHttpSource(resolveStoreUrl(staticStore)) : undefined;
  const dataset = await openEra5Dataset(source, { layout: layout === 'auto' ? undefined : layout, staticSource });
  const listing = listTimes(dataset);
  return {
    location,
    layoutName: dataset.layout.title,
    height: dataset.grid.lat.length,
    width: dataset.grid.lon.length,
    times: listing.times.filter((_, i) => listing.hasPreviousStep[i]).map(isoTime),
    synthetic: source.attributes.synthetic === true,
  };
}
