// The Europe latent-store fixture (test/fixtures/latent-store/europe: xarray's store in the study's
// layout, 3 times, 38 x 45 patches, embed 32, 3 atmospheric levels) as a sweep source read through the
// product's latent-store reader, labelled with the fixture's own land_label.npy; for tests only.
import { openLatentStore } from '../../data/latent-store.ts';
import { FileStore } from '../../data/store.node.ts';
import { readNpyFile } from '../../io/npy.node.ts';
import { featureMatrix } from '../../probes/matrix.ts';
import type { SweepSource } from '../sweep-run.ts';

export const EUROPE_DIR = new URL('../../../test/fixtures/latent-store/europe/', import.meta.url).pathname;
export const EUROPE_STORE = `${EUROPE_DIR}latents.zarr`;
/** The fixture reference's test band: patches whose centre longitude lies in [30, 45] E. */
export const EUROPE_TEST_BAND = { west: 30, east: 45 } as const;

export interface EuropeReference {
  times: string[];
  per_time: Array<{ n_train: number; n_test: number; accuracy: number; precision: number; recall: number; pca_explained_variance_ratio: number[]; test_pred: number[] }>;
}

/** The fixture as a sweep source over its three times and four latent levels. */
export async function openEuropeSweepSource(): Promise<SweepSource> {
  const store = await openLatentStore(new FileStore(EUROPE_STORE), EUROPE_STORE);
  const labels = Uint8Array.from((await readNpyFile(`${EUROPE_DIR}land_label.npy`)).data as ArrayLike<number>);
  const times = store.times.map((time) => time.toISOString().slice(0, 16));
  return {
    times,
    async read(timeIndex, level, signal) {
      const data = await store.read(timeIndex, level, { signal });
      return { time: times[timeIndex], level, x: featureMatrix(data, store.patchIndices.length, store.embedDim), labels, lat: store.centreLat, lon: store.centreLon };
    },
  };
}
