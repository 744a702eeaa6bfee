// The store options every command that reads ERA5 takes, read one way: one store, or Earth Data
// Hub's two (--surface-store, --atmos-store), an optional static store (the product's ERA5 statics
// otherwise), names for any variable (--var 2t=t2m) and a subset of Aurora's levels (--levels).
import { parseNumberList, type OptionSpec } from './args.ts';
import { CliError } from './errors.ts';
import { openEra5Dataset, type Era5Dataset } from '../data/dataset.ts';
import { NODE_DEFAULT_STATICS } from '../data/default-statics.node.ts';
import { LAYOUT_NAMES, type LayoutName } from '../data/layout.ts';
import { openSource } from '../data/store.node.ts';
import { parseVariableMapping } from '../data/variables.ts';

export const STORE_OPTIONS = {
  store: { type: 'string' },
  'surface-store': { type: 'string' },
  'atmos-store': { type: 'string' },
  static: { type: 'string' },
  layout: { type: 'string' },
  var: { type: 'string', multiple: true },
  levels: { type: 'string' },
  token: { type: 'string' },
} as const satisfies OptionSpec;

/** The environment variable a token may come from instead of --token, which other users can see in a process list. */
export const TOKEN_VARIABLE = 'LATENT_EXPLORER_TOKEN';

/** The options' lines for a command's usage text. */
export const STORE_USAGE = `  --store         the ERA5 store (local directory, http(s) URL, gs:// or s3://), with
                  every variable; or the surface store when --atmos-store is given
  --surface-store the store of the surface variables (same as --store)
  --atmos-store   a store of its own for the pressure-level variables (Earth Data Hub's
                  pressure levels beside its single levels)
  --static        a store of its own for the static fields lsm, z, slt; when no store
                  has them, the product's real ERA5 statics at 0.25 degrees are used
  --layout        wb2 (WeatherBench2 names) or cds (CDS/EDH names): look only for that
                  family's names; each variable is found under any family's when left out
  --var A=NAME    the store's name for one of Aurora's variables (repeatable), e.g.
                  --var 2t=t2m --var atmos.z=geopotential (z needs atmos. or static.)
  --levels L,...  encode only these of Aurora's 13 levels (hPa); default: all the store has
  --token TOKEN   a token for http(s) stores (sent as Authorization: Bearer), e.g. Earth Data
                  Hub's; better in the environment variable ${TOKEN_VARIABLE}, which a process
                  list does not show. A URL may carry its own, as https://edh:TOKEN@host/...
                  Tokens are never printed, logged or written into an output`;

export interface StoreOptionValues {
  store?: string;
  'surface-store'?: string;
  'atmos-store'?: string;
  static?: string;
  layout?: string;
  var?: string[];
  levels?: string;
  token?: string;
}

/** Opens the dataset the options name, or a CliError for options that contradict each other. */
export async function openDatasetFromOptions(values: StoreOptionValues): Promise<Era5Dataset> {
  if (values.store !== undefined && values['surface-store'] !== undefined) throw new CliError('give --store or --surface-store, not both: they name the same store');
  const surfaceStore = values['surface-store'] ?? values.store;
  if (surfaceStore === undefined || surfaceStore === '') {
    throw new CliError(values['atmos-store'] === undefined ? '--store is required' : '--surface-store is required beside --atmos-store (the store of 2t, 10u, 10v, msl)');
  }
  const credentials = { token: values.token ?? process.env[TOKEN_VARIABLE] };
  const source = await openSource(surfaceStore, credentials);
  const atmosSource = values['atmos-store'] === undefined ? undefined : await openSource(values['atmos-store'], credentials);
  const staticSource = values.static === undefined ? undefined : await openSource(values.static, credentials);
  return openEra5Dataset(source, {
    layout: parseLayout(values.layout),
    atmosSource,
    staticSource,
    variables: parseVariableMapping(values.var ?? []),
    levels: values.levels === undefined ? undefined : parseNumberList(values.levels, 'levels'),
    defaultStatics: NODE_DEFAULT_STATICS,
  });
}

export function parseLayout(value: string | undefined): LayoutName | undefined {
  if (value === undefined) return undefined;
  const layout = LAYOUT_NAMES.find((name) => name === value);
  if (!layout) throw new CliError(`--layout must be one of ${LAYOUT_NAMES.join(', ')}, got '${value}'`);
  return layout;
}

/** The dataset's notes (levels left out, where static fields come from and at which time), one line each. */
export function datasetNoteLines(dataset: Era5Dataset, prefix: string): string[] {
  return dataset.notes.map((note) => `${prefix}${note}`);
}
