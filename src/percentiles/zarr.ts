// A Zarr store with pNN_Tmax_Yearly variables (the sample's tmax-percentiles.zarr, or a conversion
// of the CDS files) as a RawDataset.
import * as zarr from 'zarrita';
import type { ZarrSource } from '../data/store.ts';
import { PercentileSourceError, percentileVariableName, type AttributeValue, type RawArray, type RawDataset } from './percentile-field.ts';

/** Percentiles looked for in a store that cannot list its arrays (no consolidated metadata). */
const PROBED_PERCENTILES = [75, 90, 95, 99] as const;
const PROBED_COORDINATES = ['lat', 'lon', 'latitude', 'longitude', 'time'] as const;

export async function zarrPercentileDataset(source: ZarrSource): Promise<RawDataset> {
  const names =
    source.arrayNames ??
    (
      await Promise.all(
        [...PROBED_PERCENTILES.map(percentileVariableName), ...PROBED_COORDINATES].map(async (name) => ((await source.openArray(name)) ? name : undefined)),
      )
    ).filter((name): name is string => name !== undefined);
  return {
    location: source.location,
    names,
    async read(name: string): Promise<RawArray> {
      const array = await source.openArray(name);
      if (!array) throw new PercentileSourceError(`${source.location} has no array '${name}'`);
      const { data } = await zarr.get(array);
      if (!ArrayBuffer.isView(data) || data instanceof DataView) throw new PercentileSourceError(`${source.location}: '${name}' is not numeric (${array.dtype})`);
      const fromAttributes = array.attrs._ARRAY_DIMENSIONS;
      const dims = array.dimensionNames ?? (Array.isArray(fromAttributes) ? fromAttributes.map(String) : []);
      const attributes: Record<string, AttributeValue> = {};
      for (const [key, value] of Object.entries(array.attrs)) {
        if (typeof value === 'number' || typeof value === 'string') attributes[key] = value;
      }
      // zarrita leaves the fill value to the caller: a float array's NaN needs nothing, others do.
      if (typeof array.fillValue === 'number' && !Number.isNaN(array.fillValue) && attributes._FillValue === undefined) attributes._FillValue = array.fillValue;
      return { dims, shape: array.shape, data: data as ArrayLike<number> | ArrayLike<bigint>, attributes };
    },
  };
}
