// Finished sweep cells kept in IndexedDB (and memory), keyed by everything that decides them, so that
// a sweep run again (a reload, a link, a closed tab reopened) takes the cells it already has and fits
// only the rest. A cell is a few kilobytes: its figures, its PC1 axis and its fold probes.
import type { CellFit } from '../../studies/sweep.ts';

const DB_NAME = 'aurora-latent-explorer-sweeps';
const STORE_NAME = 'cells';
/** Raised whenever CellFit's shape changes: an upgrade drops the cells of the old shape. */
const DB_VERSION = 1;

export class SweepCellCache {
  private readonly memory = new Map<string, CellFit>();
  private database: Promise<IDBDatabase | null> | null = null;

  async get(key: string): Promise<CellFit | undefined> {
    const remembered = this.memory.get(key);
    if (remembered) return remembered;
    const database = await this.open();
    if (!database) return undefined;
    const stored = await request<CellFit | undefined>(database.transaction(STORE_NAME).objectStore(STORE_NAME).get(key)).catch(() => undefined);
    if (stored) this.memory.set(key, stored);
    return stored;
  }

  async put(key: string, fit: CellFit): Promise<void> {
    this.memory.set(key, fit);
    const database = await this.open();
    if (!database) return;
    // Storage may be full or denied; the memory copy still serves this session.
    await request(database.transaction(STORE_NAME, 'readwrite').objectStore(STORE_NAME).put(fit, key)).catch(() => undefined);
  }

  private open(): Promise<IDBDatabase | null> {
    this.database ??=
      typeof indexedDB === 'undefined'
        ? Promise.resolve(null)
        : new Promise((resolve) => {
            const opening = indexedDB.open(DB_NAME, DB_VERSION);
            opening.onupgradeneeded = () => {
              if (opening.result.objectStoreNames.contains(STORE_NAME)) opening.result.deleteObjectStore(STORE_NAME);
              opening.result.createObjectStore(STORE_NAME);
            };
            opening.onsuccess = () => resolve(opening.result);
            opening.onerror = () => resolve(null);
          });
    return this.database;
  }
}

function request<T>(req: IDBRequest): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result as T);
    req.onerror = () => reject(req.error ?? new Error('IndexedDB request failed'));
  });
}
