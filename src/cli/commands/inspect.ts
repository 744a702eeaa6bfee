// latent-explorer inspect: what the data layer sees in an ERA5 Zarr store, or why it cannot use it.
import { parseOptions } from '../args.ts';
import { CliError } from '../errors.ts';
import { datasetNoteLines, openDatasetFromOptions, STORE_OPTIONS, STORE_USAGE } from '../store-options.ts';
import { listUsableTimes, missingLevels, type Era5Dataset, type Field } from '../../data/dataset.ts';
import { formatTime } from '../../data/errors.ts';
import { PATCH_SIZE } from '../../data/geometry.ts';
import type { ZarrSource } from '../../data/store.ts';

export const summary = 'Show the stores, variables, grid, levels and usable times of ERA5 Zarr stores';

export const usage = `Usage: latent-explorer inspect --store URL|PATH [--atmos-store URL|PATH] [--static URL|PATH]
                               [--layout wb2|cds] [--var AURORA=NAME ...] [--levels L,...]

Opens ERA5 Zarr stores as the app would and prints what it found: each store, the names each of
Aurora's variables was found under, the grid and how it maps to Aurora's, the pressure levels
encoded, and the times, counting as usable only those whose data exist (their chunks are checked,
not only the time axis). A store the product cannot use gives a message saying why, and a
non-zero exit.

Options:
${STORE_USAGE}
`;

export async function run(args: string[]): Promise<number> {
  const { values, positionals } = parseOptions(args, STORE_OPTIONS);
  if (positionals.length > 0) throw new CliError(`unexpected argument '${positionals[0]}'`);
  const dataset = await openDatasetFromOptions(values);
  const { grid, source, atmosSource, staticSource } = dataset;
  const latStep = Math.abs(grid.lat[0] - grid.lat[1]);
  const lonStep = grid.lon[1] - grid.lon[0];
  const listing = await listUsableTimes(dataset);
  const withPrevious = listing.hasPreviousStep.filter(Boolean).length;
  const usable = listing.times.filter((_, i) => listing.usable[i]);
  const absent = missingLevels(dataset);
  const fieldName = (field: Field, from: ZarrSource) => `${field.name}${field.source === from ? '' : ` (${storeRole(dataset, field.source)})`}`;
  const variables = [
    ...Object.entries(dataset.surface).map(([aurora, field]) => `${aurora}=${fieldName(field, source)}`),
    ...Object.entries(dataset.atmos).map(([aurora, field]) => `${aurora}=${fieldName(field, source)}`),
    ...Object.entries(dataset.static).map(([aurora, field]) => `static ${aurora}=${fieldName(field, source)}`),
  ];
  const lines = [
    `Store:      ${describeSource(source)}`,
    ...(atmosSource === source ? [] : [`Atmos:      ${describeSource(atmosSource)} (pressure levels)`]),
    `Static:     ${dataset.staticOrigin === 'surface store' ? 'in the same store' : dataset.staticOrigin === 'atmospheric store' ? 'in the atmospheric store' : describeSource(staticSource)}` +
      (dataset.staticOrigin === 'default statics' ? " (the product's ERA5 statics: no store given has static fields)" : ''),
    `Layout:     ${dataset.layout.name} (${dataset.layout.title}), ${values.layout ? 'as given' : 'detected'}`,
    `Grid:       ${grid.storeHeight} x ${grid.storeWidth} points, ${latStep} x ${lonStep} degrees; ` +
      `latitudes ${grid.storeLatDescending ? 'decreasing' : 'increasing'} in the store`,
    `Aurora:     ${grid.lat.length} x ${grid.lon.length} (lat ${grid.lat[0]} .. ${grid.lat[grid.lat.length - 1]}, ` +
      `lon ${grid.lon[0]} .. ${grid.lon[grid.lon.length - 1]}), ` +
      `${grid.lat.length / PATCH_SIZE} x ${grid.lon.length / PATCH_SIZE} patches` +
      (grid.storeHeight > grid.lat.length ? `; the southernmost row is dropped as Aurora does` : ''),
    `Levels:     ${dataset.levels.length} (${Array.from(dataset.levels).join(', ')} hPa); encoding ${dataset.batchLevels.length} of Aurora's 13: ${dataset.batchLevels.join(', ')} hPa` +
      (absent.length > 0 ? ` (the store lacks ${absent.join(', ')} hPa)` : ''),
    `Variables:  ${variables.join(', ')}`,
    listing.times.length === 0
      ? 'Times:      none'
      : `Times:      ${listing.times.length}, ${formatTime(listing.times[0])} .. ${formatTime(listing.times[listing.times.length - 1])}; ` +
        `${withPrevious} with their previous 6-hourly step`,
    listing.checked
      ? usable.length === 0
        ? 'Usable:     none: no time has data for itself and its previous step'
        : `Usable:     ${usable.length} batch times with data at both steps (chunks checked), ${formatTime(usable[0])} .. ${formatTime(usable[usable.length - 1])}`
      : 'Usable:     not checked: no time probed across the axis has data chunks; the times above are not confirmed',
    ...datasetNoteLines(dataset, 'Note:       '),
  ];
  const synthetic = source.attributes.synthetic === true;
  if (synthetic) lines.push(`Note:       SYNTHETIC data: ${String(source.attributes.description ?? 'not real ERA5')}`);
  process.stdout.write(lines.join('\n') + '\n');
  return 0;
}

function storeRole(dataset: Era5Dataset, store: ZarrSource): string {
  if (store === dataset.atmosSource) return 'atmospheric store';
  return dataset.staticOrigin === 'default statics' ? "product's statics" : 'static store';
}

function describeSource(source: ZarrSource): string {
  return `${source.location} (Zarr v${source.format}${source.consolidated ? ', consolidated metadata' : ''})`;
}
