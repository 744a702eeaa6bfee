// Latents of a (store, time, model, region) cached in memory and in IndexedDB, so that a second run
// on the same inputs starts at PCA, even after a reload. The key names every input of the encoder.
import type { ViewSettings } from '../state/view-settings.ts';
import { resolveStoreUrl } from './store-summary.ts';

const DB_NAME = 'aurora-latent-explorer';
const STORE_NAME = 'latents';
/** Raised whenever the cached value's shape changes: an upgrade drops the entries of the old shape. */
const DB_VERSION = 2;
const MEMORY_ENTRIES = 4;

export interface LatentKey {
  store: string;
  staticStore: string | null;
  layout: string;
  time: string;
  modelHash: string;
  region: string;
}

/** The cache key of the latents of `time` in the settings' store, by the model with `modelHash`, over `region`. */
export function latentKey(settings: Pick<ViewSettings, 'store' | 'staticStore' | 'layout'>, time: string, modelHash: string, region: string): LatentKey {
  return {
    store: resolveStoreUrl(settings.store),
    staticStore: settings.staticStore ? resolveStoreUrl(settings.staticStore) : null,
    layout: settings.layout,
    time,
    modelHash,
    region,
  };
}

export function latentKeyText(key: LatentKey): string {
  return JSON.stringify([key.store, key.staticStore, key.layout, key.time, key.modelHash, key.region]);
}

/** A cache of structured-cloneable values: memory first (a few entries), then IndexedDB when the browser has it. */
export class LatentCache<T> {
  private readonly memory = new Map<string, T>();
  private database: Promise<IDBDatabase | null> | null = null;

  async get(key: LatentKey): Promise<T | undefined> {
    const text = latentKeyText(key);
    const remembered = this.memory.get(text);
    if (remembered) return remembered;
    const database = await this.open();
    if (!database) return undefined;
    const stored = await request<T | undefined>(database.transaction(STORE_NAME).objectStore(STORE_NAME).get(text)).catch(() => undefined);
    if (stored) this.remember(text, stored);
    return stored;
  }

  async put(key: LatentKey, value: T): Promise<void> {
    const text = latentKeyText(key);
    this.remember(text, value);
    const database = await this.open();
    if (!database) return;
    // Storage may be full or denied; the memory copy still serves this session.
    await request(database.transaction(STORE_NAME, 'readwrite').objectStore(STORE_NAME).put(value, text)).catch(() => undefined);
  }

  private remember(text: string, value: T): void {
    this.memory.delete(text);
    this.memory.set(text, value);
    while (this.memory.size > MEMORY_ENTRIES) this.memory.delete(this.memory.keys().next().value as string);
  }

  private open(): Promise<IDBDatabase | null> {
    if (!this.database) {
      this.database = typeof indexedDB === 'undefined'
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
    }
    return this.database;
  }
}

function request<T>(req: IDBRequest): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result as T);
    req.onerror = () => reject(req.error ?? new Error('IndexedDB request failed'));
  });
}
