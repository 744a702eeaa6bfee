// The product's own static fields for the CLI: the real ERA5 land-sea mask, orography and soil type
// at 0.25 degrees that ship in assets/era5, used when no store given has static fields (HRES T0).
import { resolve } from 'node:path';
import type { DefaultStatics } from './dataset.ts';
import { ERA5_STATIC_STORE } from './land-sea-mask.ts';
import { openSource } from './store.node.ts';

/** The shipped store, wherever the CLI is started from. */
export const DEFAULT_STATICS_PATH = resolve(import.meta.dirname, '../..', ERA5_STATIC_STORE);

export const NODE_DEFAULT_STATICS: DefaultStatics = {
  description: `the product's real ERA5 static fields at 0.25 degrees (${ERA5_STATIC_STORE})`,
  open: () => openSource(DEFAULT_STATICS_PATH),
};
