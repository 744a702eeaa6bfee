// Study times cached in memory and in IndexedDB, so that a second run on the same inputs starts at
// PCA, even after a reload. Keys are texts that name every input of the latents (study-times.ts).
import { heldBytes, KeyedCache } from '../platform/keyed-cache.ts';

/** The most bytes of study times IndexedDB keeps: one 0.25-degree globe's encode (about 133 MB), or several 1-degree times. */
const STORED_BYTES = 192 * 2 ** 20;

/**
 * Study times memory keeps: the latest, which the views show after a run. IndexedDB keeps the others (up to
 * STORED_BYTES), so a comparison or a return to an earlier time reads them from there. Four in memory held
 * three more study times than the views showed: a heap snapshot of bench:load after 12 runs found the window's
 * JavaScript at 193 MiB against 81 after the first run, 105 MiB of it those three (31.6 MiB of latents and 3.5 MiB
 * of raw patches each on the 1-degree sample; one 0.25-degree globe's is about 133 MB).
 */
export const MEMORY_ENTRIES = 1;

/**
 * The latent cache of the app: the latest study time in memory, and the most recently used in IndexedDB up to
 * STORED_BYTES. Unbounded, a session stepping through a store's times kept every one of them in IndexedDB, which
 * a private window holds in the browser's memory (bench:load: 1.95 x its memory after the first run, after 12 runs).
 * `memoryEntries` is more only where there is no IndexedDB to hold the others (unit tests under Node).
 */
export class LatentCache<T> extends KeyedCache<T> {
  constructor(memoryEntries: number = MEMORY_ENTRIES) {
    // The version is raised whenever the cached study time's shape changes (4: sizes kept beside the values).
    super({ database: 'aurora-latent-explorer', store: 'latents', version: 4, memoryEntries, storedBytes: { limit: STORED_BYTES, sizeOf: heldBytes } });
  }
}
