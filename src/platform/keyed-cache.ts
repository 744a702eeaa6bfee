// Values kept in memory (a bounded number, most recent first) and in IndexedDB when the browser has it,
// so that work done once is found again after a reload. Both the latent cache and the sweep's cells use it.
//
// A cache is never worth waiting for: an IndexedDB read queues behind any write to the same store still
// in progress, and a 133 MB study time's write can take minutes or never end (Chromium's in-memory
// storage of a private context). A lookup that does not answer within `lookupLimitMs` is a miss, and the
// caller computes the value again, which is always right.

export interface KeyedCacheOptions {
  /** The IndexedDB database and object store. */
  database: string;
  store: string;
  /** Raised whenever the stored value's shape changes: an upgrade drops the entries of the old shape. */
  version: number;
  /** How many values memory keeps (least recently put dropped first). */
  memoryEntries: number;
  /** How long a lookup waits for IndexedDB before it counts as a miss. */
  lookupLimitMs?: number;
}

const DEFAULT_LOOKUP_LIMIT_MS = 2_000;

export class KeyedCache<T> {
  private readonly memory = new Map<string, T>();
  private database: Promise<IDBDatabase | null> | null = null;

  constructor(private readonly options: KeyedCacheOptions) {}

  async get(key: string): Promise<T | undefined> {
    const remembered = this.memory.get(key);
    if (remembered !== undefined) return remembered;
    const stored = await withinLimit(this.lookUp(key), this.options.lookupLimitMs ?? DEFAULT_LOOKUP_LIMIT_MS);
    if (stored !== undefined) this.remember(key, stored);
    return stored;
  }

  /** Remembers `value` at once and writes it to IndexedDB behind, never waited for; `persist: false` keeps it in memory only. */
  put(key: string, value: T, options: { persist?: boolean } = {}): void {
    this.remember(key, value);
    if (options.persist ?? true) void this.persist(key, value);
  }

  private async lookUp(key: string): Promise<T | undefined> {
    const database = await this.open();
    if (!database) return undefined;
    return request<T | undefined>(database.transaction(this.options.store).objectStore(this.options.store).get(key)).catch(() => undefined);
  }

  private async persist(key: string, value: T): Promise<void> {
    const database = await this.open();
    if (!database) return;
    // Storage may be full or denied; the memory copy still serves this session.
    await request(database.transaction(this.options.store, 'readwrite').objectStore(this.options.store).put(value, key)).catch(() => undefined);
  }

  private remember(key: string, value: T): void {
    this.memory.delete(key);
    this.memory.set(key, value);
    while (this.memory.size > this.options.memoryEntries) this.memory.delete(this.memory.keys().next().value as string);
  }

  private open(): Promise<IDBDatabase | null> {
    const { database, store, version } = this.options;
    this.database ??=
      typeof indexedDB === 'undefined'
        ? Promise.resolve(null)
        : new Promise((resolve) => {
            const opening = indexedDB.open(database, version);
            opening.onupgradeneeded = () => {
              if (opening.result.objectStoreNames.contains(store)) opening.result.deleteObjectStore(store);
              opening.result.createObjectStore(store);
            };
            opening.onsuccess = () => resolve(opening.result);
            opening.onerror = () => resolve(null);
          });
    return this.database;
  }
}

/** `lookup`'s value, or undefined once `limitMs` has passed without one. */
function withinLimit<T>(lookup: Promise<T | undefined>, limitMs: number): Promise<T | undefined> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const limit = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), limitMs);
  });
  return Promise.race([lookup, limit]).finally(() => clearTimeout(timer));
}

function request<T>(req: IDBRequest): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result as T);
    req.onerror = () => reject(req.error ?? new Error('IndexedDB request failed'));
  });
}
