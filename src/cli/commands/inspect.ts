// latent-explorer inspect: what the data layer sees in an ERA5 Zarr store, or why it cannot use it.
import { parseOptions, requireString } from '../args.ts';
import { CliError } from '../errors.ts';
import { listTimes, missingLevels, openEra5Dataset } from '../../data/dataset.ts';
import { formatTime } from '../../data/errors.ts';
import { PATCH_SIZE } from '../../data/geometry.ts';
import { LAYOUT_NAMES, type LayoutName } from '../../data/layout.ts';
import { openSource } from '../../data/store.node.ts';
import type { ZarrSource } from '../../data/store.ts';

export const summary = 'Show the layout, grid, levels, variables and times of an ERA5 Zarr store';

export const usage = `Usage: latent-explorer inspect --store URL|PATH [--static URL|PATH] [--layout wb2|cds]

Opens an ERA5 Zarr store as the app would and prints what it found: the layout (detected or
given), the grid and how it maps to Aurora's, the pressure levels, the variables, and the times.
A store the product cannot use gives a message saying why, and a non-zero exit.

Options:
  --store    the ERA5 store (local directory or http(s) URL)
  --static   a separate store with the static fields lsm, z, slt (the CDS layout's usual case)
  --layout   wb2 (WeatherBench2 names) or cds (GRIB short names); detected when left out
`;

export async function run(args: string[]): Promise<number> {
  const { values, positionals } = parseOptions(args, {
    store: { type: 'string' },
    static: { type: 'string' },
    layout: { type: 'string' },
  });
  if (positionals.length > 0) throw new CliError(`unexpected argument '${positionals[0]}'`);
  const layout = parseLayout(values.layout);
  const source = await openSource(requireString(values.store, 'store'));
  const staticSource = values.static === undefined ? undefined : await openSource(values.static);
  const dataset = await openEra5Dataset(source, { layout, staticSource });

  const { grid } = dataset;
  const latStep = Math.abs(grid.lat[0] - grid.lat[1]);
  const lonStep = grid.lon[1] - grid.lon[0];
  const listing = listTimes(dataset);
  const withPrevious = listing.hasPreviousStep.filter(Boolean).length;
  const absent = missingLevels(dataset);
  const variables = [
    ...Object.entries(dataset.layout.surface).map(([aurora, name]) => `${aurora}=${name}`),
    ...Object.entries(dataset.layout.atmos).map(([aurora, name]) => `${aurora}=${name}`),
    ...Object.entries(dataset.layout.static).map(([aurora, name]) => `${aurora}=${name} (static)`),
  ];
  const lines = [
    `Store:      ${describeSource(source)}`,
    `Layout:     ${dataset.layout.name} (${dataset.layout.title}), ${layout ? 'as given' : 'detected'}`,
    `Static:     ${staticSource ? describeSource(staticSource) : 'in the same store'}`,
    `Grid:       ${grid.storeHeight} x ${grid.storeWidth} points, ${latStep} x ${lonStep} degrees; ` +
      `latitudes ${grid.storeLatDescending ? 'decreasing' : 'increasing'} in the store`,
    `Aurora:     ${grid.lat.length} x ${grid.lon.length} (lat ${grid.lat[0]} .. ${grid.lat[grid.lat.length - 1]}, ` +
      `lon ${grid.lon[0]} .. ${grid.lon[grid.lon.length - 1]}), ` +
      `${grid.lat.length / PATCH_SIZE} x ${grid.lon.length / PATCH_SIZE} patches` +
      (grid.storeHeight > grid.lat.length ? `; the southernmost row is dropped as Aurora does` : ''),
    `Levels:     ${dataset.levels.length} (${Array.from(dataset.levels).join(', ')} hPa)` +
      (absent.length > 0 ? `; MISSING Aurora's ${absent.join(', ')} hPa` : "; all 13 of Aurora's present"),
    `Variables:  ${variables.join(', ')}`,
    listing.times.length === 0
      ? 'Times:      none'
      : `Times:      ${listing.times.length}, ${formatTime(listing.times[0])} .. ${formatTime(listing.times[listing.times.length - 1])}; ` +
        `${withPrevious} with their previous 6-hourly step (usable as batch times)`,
  ];
  const synthetic = source.attributes.synthetic === true;
  if (synthetic) lines.push(`Note:       SYNTHETIC data: ${String(source.attributes.description ?? 'not real ERA5')}`);
  process.stdout.write(lines.join('\n') + '\n');
  return 0;
}

function parseLayout(value: string | undefined): LayoutName | undefined {
  if (value === undefined) return undefined;
  const layout = LAYOUT_NAMES.find((name) => name === value);
  if (!layout) throw new CliError(`--layout must be one of ${LAYOUT_NAMES.join(', ')}, got '${value}'`);
  return layout;
}

function describeSource(source: ZarrSource): string {
  return `${source.location} (Zarr v${source.format}${source.consolidated ? ', consolidated metadata' : ''})`;
}
