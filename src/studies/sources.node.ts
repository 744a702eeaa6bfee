// The latent sources in Node (the CLI, tests and benchmarks): an encoder on onnxruntime-node (WASM
// when it cannot start), or a latent store at any address the CLI takes (a local path, http(s), gs://, s3://).
import { describeAddress, parseStoreAddress } from '../data/address.ts';
import type { Era5Dataset } from '../data/dataset.ts';
import { ERA5_STATIC_STORE, readLandSeaMask } from '../data/land-sea-mask.ts';
import { openLatentStore } from '../data/latent-store.ts';
import { openReader, openSource } from '../data/store.node.ts';
import type { EncoderConfig } from '../encoder/config.ts';
import { createNodeSession } from '../encoder/session.node.ts';
import { encoderSource } from './encoder-source.ts';
import type { LatentSource } from './latent-source.ts';
import { latentStoreSource } from './latent-store-source.ts';

export interface NodeModel {
  onnx: Uint8Array;
  name: string;
  trained?: boolean;
  config: EncoderConfig;
}

/** ERA5 of `dataset` encoded by `model` in this process; release() frees the session. */
export async function nodeEncoderSource(dataset: Era5Dataset, model: NodeModel, onFallback?: (reason: string) => void): Promise<LatentSource & { backend: string }> {
  const session = await createNodeSession(model.onnx, { onFallback });
  const source = encoderSource({ dataset, model, session: async () => session, onRelease: () => session.release() });
  return { ...source, backend: session.backend };
}

export interface StoreSourceOptions {
  /** A static store whose land-sea mask gives the land fractions (default: the ERA5 store's, else the shipped ERA5 0.25-degree mask). */
  staticStore?: string;
  /** An ERA5 store beside the latents, for their inputs (study 2's 2 m temperature, the raw input patches). */
  era5?: Era5Dataset;
  /** A token for an http(s) store whose URL holds none (Authorization: Bearer), for the latent and static stores. */
  token?: string;
}

/** The latent store at `location`; its land fractions from the static store given, else the ERA5 store's, else the shipped real ERA5 mask. */
export async function openLatentStoreSource(location: string, options: StoreSourceOptions = {}): Promise<LatentSource> {
  const store = await openLatentStore(await openReader(location, { token: options.token }), location);
  const maskStore = options.staticStore ?? (options.era5 ? null : ERA5_STATIC_STORE);
  const landSeaMask = maskStore === null ? null : await readLandSeaMask(await openSource(maskStore, { token: options.staticStore ? options.token : undefined }));
  return latentStoreSource({ store, name: describeAddress(parseStoreAddress(location, 'filesystem')), landSeaMask, era5: options.era5 });
}
