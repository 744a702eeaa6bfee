// Where study 2's percentile thresholds come from in the browser: a Zarr store (by default the
// sample's tmax-percentiles.zarr beside the ERA5 store, as the CLI does), or NetCDF files the user
// picked or dropped, which stay in this tab: a link cannot carry them.
import { openHttpSource } from '../../data/store.ts';
import { openNetcdf } from '../../percentiles/netcdf.ts';
import { mergePercentileFields, readPercentileFields, STUDY_PERCENTILE_TIME, type PercentileField } from '../../percentiles/percentile-field.ts';
import { zarrPercentileDataset } from '../../percentiles/zarr.ts';
import { resolveStoreUrl } from '../store-summary.ts';

/** The store's sibling tmax-percentiles.zarr, as an absolute URL. */
export function percentilesBesideStore(store: string): string {
  const storeUrl = resolveStoreUrl(store).replace(/\/+$/, '');
  return new URL('tmax-percentiles.zarr', `${storeUrl.slice(0, storeUrl.lastIndexOf('/') + 1)}`).href;
}

/** Every pNN_Tmax_Yearly of a Zarr store, at the study's time when the store has a time axis. */
export async function readPercentileStore(location: string): Promise<PercentileField[]> {
  const dataset = await zarrPercentileDataset(await openHttpSource(resolveStoreUrl(location)));
  return mergePercentileFields(await readPercentileFields(dataset, { time: STUDY_PERCENTILE_TIME }));
}

/** What a file picker or a drop hands over: a name and its bytes. */
export interface NamedBytes {
  name: string;
  bytes(): Promise<Uint8Array>;
}

/** The percentile fields of the CDS NetCDF files (NetCDF-3 or NetCDF-4), each percentile once. */
export async function readPercentileFiles(files: readonly NamedBytes[]): Promise<PercentileField[]> {
  const fields: PercentileField[] = [];
  for (const file of files) {
    fields.push(...(await readPercentileFields(await openNetcdf(await file.bytes(), file.name), { time: STUDY_PERCENTILE_TIME })));
  }
  return mergePercentileFields(fields);
}
