// Percentile sources named on the command line: a Zarr store (path or URL), a directory of the CDS
// NetCDF files, or a comma-separated list of NetCDF files.
import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { openSource } from '../data/store.node.ts';
import { openNetcdf } from './netcdf.ts';
import { mergePercentileFields, PercentileSourceError, percentileOfVariable, readPercentileFields, type PercentileField, type ReadPercentilesOptions } from './percentile-field.ts';
import { zarrPercentileDataset } from './zarr.ts';

/** pNN_Tmax_Yearly....nc: the CDS files' names start with their variable. */
const CDS_FILE_PATTERN = /^(p\d{1,2}_Tmax_Yearly)(?:_.*)?\.nc$/;

/** The percentile fields of a store, a directory of .nc files or a list of files, sorted by percentile. */
export async function readPercentileSources(spec: string, options: ReadPercentilesOptions): Promise<PercentileField[]> {
  const paths = spec.split(',').map((part) => part.trim()).filter((part) => part !== '');
  if (paths.length === 0) throw new PercentileSourceError('no percentile source given');
  const fields: PercentileField[] = [];
  for (const path of paths) fields.push(...(await readOne(path, options)));
  return mergePercentileFields(fields);
}

async function readOne(path: string, options: ReadPercentilesOptions): Promise<PercentileField[]> {
  if (/^https?:\/\//.test(path) || /\.zarr\/?$/.test(path)) return readPercentileFields(await zarrPercentileDataset(await openSource(path)), options);
  const info = await stat(path).catch(() => undefined);
  if (!info) throw new PercentileSourceError(`${path} does not exist`);
  if (info.isFile()) return readPercentileFields(await openNetcdf(await readFile(path), basename(path)), options);
  const entries = await readdir(path);
  if (entries.some((entry) => ['.zgroup', '.zmetadata', 'zarr.json'].includes(entry))) {
    return readPercentileFields(await zarrPercentileDataset(await openSource(path)), options);
  }
  const files = entries.filter((entry) => {
    const match = CDS_FILE_PATTERN.exec(entry);
    const percentile = match ? percentileOfVariable(match[1]) : undefined;
    return percentile !== undefined && (!options.percentiles || options.percentiles.includes(percentile));
  });
  if (files.length === 0) {
    throw new PercentileSourceError(`${path} holds neither a Zarr store nor files named like p99_Tmax_Yearly_rcp45_mean_v1.0.nc`);
  }
  const fields: PercentileField[] = [];
  for (const file of files.sort()) {
    fields.push(...(await readPercentileFields(await openNetcdf(await readFile(join(path, file)), file), options)));
  }
  return fields;
}
