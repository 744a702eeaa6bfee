// Where a dataset's ERA5 comes from over http(s), and how it is read, in one plain value: the app's
// settings name it, its source worker opens it, and a latent cache key holds it. It never holds
// credentials: those travel beside it, from the tab's memory, to the requests' Authorization header.
import { credentialsForUrl, type ServerCredentials } from './address.ts';
import { openEra5Dataset, type DefaultStatics, type Era5Dataset } from './dataset.ts';
import type { LayoutName } from './layout.ts';
import { ERA5_STATIC_STORE_ON_SITE } from './land-sea-mask.ts';
import { openHttpSource, type ZarrSource } from './store.ts';
import { parseVariableMapping } from './variables.ts';

export interface Era5SourceSpec {
  /** Absolute http(s) URLs without credentials: the store of the surface variables (or of every variable). */
  store: string;
  /** A store of its own for the pressure levels (Earth Data Hub's); null: `store` has them. */
  atmosStore: string | null;
  /** A store of its own for the static fields; null: a store above has them, else the product's statics. */
  staticStore: string | null;
  /** One family's names to look for; null: each variable is found under any family's. */
  layout: LayoutName | null;
  /** Store names of some of Aurora's variables, as AURORA=NAME items (data/variables.ts). */
  variables: readonly string[];
  /** Pressure levels to encode (hPa), of Aurora's 13; null: every one of them the store has. */
  levels: readonly number[] | null;
}

export interface OpenEra5SourceOptions {
  /** Cancels the opening and every later read of the stores. */
  signal?: AbortSignal;
  /** Sent to each of the spec's stores whose server they are for. */
  credentials?: ServerCredentials;
  /** Used when no store of the spec has static fields. */
  defaultStatics?: DefaultStatics;
}

export interface OpenedEra5Source {
  dataset: Era5Dataset;
  /** Every store the dataset reads, each once (for its traffic). */
  sources: ZarrSource[];
}

export async function openEra5Source(spec: Era5SourceSpec, options: OpenEra5SourceOptions = {}): Promise<OpenedEra5Source> {
  const open = (url: string) => openHttpSource(url, { signal: options.signal, credentials: credentialsForUrl(url, options.credentials ?? []) });
  const source = await open(spec.store);
  const atmosSource = spec.atmosStore === null ? undefined : await open(spec.atmosStore);
  const staticSource = spec.staticStore === null ? undefined : await open(spec.staticStore);
  const dataset = await openEra5Dataset(source, {
    layout: spec.layout ?? undefined,
    atmosSource,
    staticSource,
    variables: parseVariableMapping(spec.variables),
    levels: spec.levels ?? undefined,
    defaultStatics: options.defaultStatics,
  });
  return { dataset, sources: [...new Set([dataset.source, dataset.atmosSource, dataset.staticSource])] };
}

/** The product's real ERA5 static fields at 0.25 degrees as the app's site serves them (prepare-assets copies them into public/). */
export function siteDefaultStatics(pageUrl: string, signal?: AbortSignal): DefaultStatics {
  const url = new URL(ERA5_STATIC_STORE_ON_SITE, pageUrl).href;
  return {
    description: "the product's real ERA5 static fields at 0.25 degrees (served with the app)",
    // The site's own files: no store's credentials go there.
    open: () => openHttpSource(url, { signal }),
  };
}
