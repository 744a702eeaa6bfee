// Finished sweep cells kept in IndexedDB (and memory), keyed by everything that decides them, so that
// a sweep run again (a reload, a link, a closed tab reopened) takes the cells it already has and fits
// only the rest. A cell is a few kilobytes: its figures, its PC1 axis and its fold probes, so memory keeps them all.
import type { CellFit } from '../../studies/sweep.ts';
import { KeyedCache } from '../../platform/keyed-cache.ts';

export class SweepCellCache extends KeyedCache<CellFit> {
  constructor() {
    // The version is raised whenever CellFit's shape changes.
    super({ database: 'aurora-latent-explorer-sweeps', store: 'cells', version: 1, memoryEntries: Number.POSITIVE_INFINITY });
  }
}
