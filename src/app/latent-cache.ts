// Study times cached in memory and in IndexedDB, so that a second run on the same inputs starts at
// PCA, even after a reload. Keys are texts that name every input of the latents (study-times.ts).

const DB_NAME = 'aurora-latent-explorer';
const STORE_NAME = 'latents';
/** Raised whenever the cached value's shape changes: an upgrade drops the entries of the old shape. */
const DB_VERSION = 3;
const MEMORY_ENTRIES = 4;

/** A cache of structured-cloneable values: memory first (a few entries), then IndexedDB when the browser has it. */
export class LatentCache<T> {
  private readonly memory = new Map<string, T>();
  private database: Promise<IDBDatabase | null> | null = null;

  async get(text: string): Promise<T | undefined> {
    const remembered = this.memory.get(text);
    if (remembered) return remembered;
    const database = await this.open();
    if (!database) return undefined;
    const stored = await request<T | undefined>(database.transaction(STORE_NAME).objectStore(STORE_NAME).get(text)).catch(() => undefined);
    if (stored) this.remember(text, stored);
    return stored;
  }

  /**
   * Remembers `value` at once and writes it to IndexedDB behind, never waited for: a study time of a
   * 0.25-degree globe is 133 MB, whose write can take minutes, and never finished in Chromium's
   * in-memory storage of a private context (npm run bench:latent-store: the run stalled after its read).
   * `persist: false` keeps it in memory only.
   */
  put(text: string, value: T, options: { persist?: boolean } = {}): void {
    this.remember(text, value);
    if (options.persist ?? true) void this.persist(text, value);
  }

  private async persist(text: string, value: T): Promise<void> {
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
