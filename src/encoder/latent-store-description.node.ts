// What an encode writes into a latent store besides its latents: the whole time axis, the patches of
// the region (known before anything is encoded, so that the store is created first) and the attributes
// that say where the latents come from, so that a store found later names its model and its data.
import type { Era5Dataset } from '../data/dataset.ts';
import { createPatchGrid } from '../data/geometry.ts';
import type { LatentDtype, LatentStoreDescription } from '../data/latent-store-writer.ts';
import { redactUrl } from '../data/redact.ts';
import type { Precision } from './graph-float16.ts';
import type { ModelSidecar } from './model.ts';
import { PRODUCER_VERSION } from './model-files.node.ts';
import { selectPatches, type Region } from './runtime.ts';

export const PRODUCT_NAME = 'aurora-latent-explorer';

export interface LatentStoreProvenance {
  dtype: LatentDtype;
  /** sha256 of the ONNX model file, as the app's model index and permalinks pin it. */
  modelSha256: string;
  /** The ERA5 store, and the atmospheric and static stores when given apart (credentials removed). */
  store: string;
  atmosStore?: string;
  staticStore?: string;
  /** The encoder's precision asked for (encode --precision); float16 is recorded, float32 is the default. */
  precision?: Precision;
}

export function describeLatentStore(
  dataset: Era5Dataset,
  times: readonly Date[],
  region: Extract<Region, { kind: 'box' }> | undefined,
  model: ModelSidecar,
  provenance: LatentStoreProvenance,
): LatentStoreDescription {
  const patches = selectPatches(createPatchGrid(dataset.grid.lat, dataset.grid.lon), region);
  return {
    times,
    centreLat: patches.centreLat,
    centreLon: patches.centreLon,
    embedDim: model.config.embedDim,
    latentLevels: model.config.latentLevels,
    dtype: provenance.dtype,
    attributes: {
      title: 'Aurora encoder latents',
      description:
        "surface_latent: the encoder's surface latent level; atmos_latent: its atmospheric latent levels 0.. (Aurora's " +
        'latent levels 1..); lat/lon: patch centres (the mean of the 4 x 4 grid points), patches row-major from the ' +
        'north-west; time: the batch time, the later of the two 6-hourly history steps encoded.',
      model: model.name,
      model_sha256: provenance.modelSha256,
      model_trained: model.trained,
      model_description: model.description,
      ...(model.source ? { checkpoint_file: model.source.file, checkpoint_sha256: model.source.sha256 } : {}),
      aurora_config: JSON.stringify(model.config),
      ...(provenance.precision === 'float16' ? { encoder_precision: 'float16 variant (graph-float16.ts), checked against float32 on its first tile' } : {}),
      source_store: redactUrl(provenance.store),
      ...(provenance.atmosStore ? { atmospheric_store: redactUrl(provenance.atmosStore) } : {}),
      ...(provenance.staticStore ? { static_store: redactUrl(provenance.staticStore) } : {}),
      source_layout: dataset.layout.name,
      surface_variables: model.variables.surface,
      static_variables: model.variables.static,
      atmospheric_variables: model.variables.atmospheric,
      // The levels encoded: the store's among Aurora's 13, or those chosen (--levels).
      pressure_levels: dataset.batchLevels,
      ...(region ? { region_south_north_west_east: [region.south, region.north, region.west, region.east] } : {}),
      product: PRODUCT_NAME,
      product_version: PRODUCER_VERSION,
    },
  };
}
