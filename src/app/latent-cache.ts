// Study times cached in memory and in IndexedDB, so that a second run on the same inputs starts at
// PCA, even after a reload. Keys are texts that name every input of the latents (study-times.ts).
import { KeyedCache } from '../platform/keyed-cache.ts';

/** The latent cache of the app: four study times in memory, all in IndexedDB. */
export class LatentCache<T> extends KeyedCache<T> {
  constructor() {
    // The version is raised whenever the cached study time's shape changes.
    super({ database: 'aurora-latent-explorer', store: 'latents', version: 3, memoryEntries: 4 });
  }
}
