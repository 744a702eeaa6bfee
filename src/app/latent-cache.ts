// Study times cached in memory and in IndexedDB, so that a second run on the same inputs starts at
// PCA, even after a reload. Keys are texts that name every input of the latents (study-times.ts).
import { heldBytes, KeyedCache } from '../platform/keyed-cache.ts';

/** The most bytes of study times IndexedDB keeps: one 0.25-degree globe's encode (about 133 MB), or several 1-degree times. */
const STORED_BYTES = 192 * 2 ** 20;

/**
 * The latent cache of the app: four study times in memory (a comparison over several dates and untrained encoders
 * uses them together), and the most recently used in IndexedDB up to STORED_BYTES. Unbounded, a session stepping
 * through a store's times kept every one of them in IndexedDB, which a private window holds in the browser's memory
 * (bench:load: 1.95 x its memory after the first run, after 12 runs).
 */
export class LatentCache<T> extends KeyedCache<T> {
  constructor() {
    // The version is raised whenever the cached study time's shape changes (4: sizes kept beside the values).
    super({ database: 'aurora-latent-explorer', store: 'latents', version: 4, memoryEntries: 4, storedBytes: { limit: STORED_BYTES, sizeOf: heldBytes } });
  }
}
