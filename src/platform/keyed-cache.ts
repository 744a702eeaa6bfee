// Values kept in memory (a bounded number, most recent first) and in IndexedDB when the browser has it,
// so that work done once is found again after a reload. Both the latent cache and the sweep's cells use it.
//
// A cache is never worth waiting for: an IndexedDB read queues behind any write to the same store still
// in progress, and a 133 MB study time's write can take minutes or never end (Chromium's in-memory
// storage of a private context). A lookup that does not answer within `lookupLimitMs` is a miss, and the
// caller computes the value again, which is always right.
import { withoutSharedMemory } from './shared-memory.ts';

export interface KeyedCacheOptions<T> {
  /** The IndexedDB database and object store. */
  database: string;
  store: string;
  /** Raised whenever the stored value's shape changes (or `storedBytes` is first given): an upgrade drops the entries of the old shape. */
  version: number;
  /** How many values memory keeps (least recently put dropped first). */
  memoryEntries: number;
  /**
   * The most bytes of values IndexedDB keeps, by `sizeOf`: the least recently used are deleted to make room, and a
   * value larger than this stays in memory only. Unbounded when absent. A private window's IndexedDB lives in the
   * browser's memory, and a session stepping through a store's times would otherwise keep every one of them there.
   */
  storedBytes?: { limit: number; sizeOf: (value: T) => number };
  /** How long a lookup waits for IndexedDB before it counts as a miss. */
  lookupLimitMs?: number;
}

const DEFAULT_LOOKUP_LIMIT_MS = 2_000;

/** What the sizes store keeps of each stored value (under the same key), to choose what to delete. */
interface StoredSize {
  bytes: number;
  /** When the value was last put or found (ms since the epoch). */
  usedAt: number;
}

export class KeyedCache<T> {
  private readonly memory = new Map<string, T>();
  private database: Promise<IDBDatabase | null> | null = null;
  /** The object store beside the values that holds their sizes, when IndexedDB's bytes are bounded. */
  private readonly sizesStore: string | null;

  constructor(private readonly options: KeyedCacheOptions<T>) {
    this.sizesStore = options.storedBytes ? `${options.store}-sizes` : null;
  }

  async get(key: string): Promise<T | undefined> {
    const remembered = this.memory.get(key);
    if (remembered !== undefined) return remembered;
    const stored = await withinLimit(this.lookUp(key), this.options.lookupLimitMs ?? DEFAULT_LOOKUP_LIMIT_MS);
    if (stored !== undefined) {
      this.remember(key, stored);
      void this.markUsed(key);
    }
    return stored;
  }

  /**
   * Remembers `value` at once and writes it to IndexedDB behind, never waited for; `persist: false` keeps it in memory only.
   * The stored values under `keep` are not deleted to make room: when room can be made only by deleting them, `value`
   * stays in memory only. A pass over more values than the limit holds (a comparison's dates and arms) keeps its own
   * that way; deleting the least recently used alone, each of its writes deletes the value it reads next, and a pass
   * one value too large finds none of its values again.
   */
  put(key: string, value: T, options: { persist?: boolean; keep?: ReadonlySet<string> } = {}): void {
    this.remember(key, value);
    if (options.persist ?? true) void this.persist(key, value, options.keep);
  }

  /**
   * Lets go of the values held in memory; IndexedDB keeps its copies, which a later get reads. For values that nothing
   * on screen holds, e.g. a cancelled run's study time while the views show the run before it.
   */
  forgetMemory(): void {
    this.memory.clear();
  }

  private async lookUp(key: string): Promise<T | undefined> {
    const database = await this.open();
    if (!database) return undefined;
    return request<T | undefined>(database.transaction(this.options.store).objectStore(this.options.store).get(key)).catch(() => undefined);
  }

  private async persist(key: string, value: T, keep: ReadonlySet<string> | undefined): Promise<void> {
    const { store, storedBytes } = this.options;
    const bytes = storedBytes?.sizeOf(value) ?? 0;
    if (storedBytes && bytes > storedBytes.limit) return;
    const database = await this.open();
    if (!database) return;
    // IndexedDB stores no shared memory: a copy of such arrays is written.
    const storable = withoutSharedMemory(value);
    // Storage may be full or denied; the memory copy still serves this session.
    try {
      if (!storedBytes || !this.sizesStore) {
        await request(database.transaction(store, 'readwrite').objectStore(store).put(storable, key));
        return;
      }
      // One transaction: the deletions that make room, the value and its size land together or not at all.
      const transaction = database.transaction([store, this.sizesStore], 'readwrite');
      const values = transaction.objectStore(store);
      const sizes = transaction.objectStore(this.sizesStore);
      const [keys, records] = await Promise.all([request<IDBValidKey[]>(sizes.getAllKeys()), request<StoredSize[]>(sizes.getAll())]);
      const others = keys.map((storedKey, k) => ({ key: storedKey, ...records[k] })).filter((entry) => entry.key !== key);
      const deletable = others.filter((entry) => !keep?.has(String(entry.key))).sort((a, b) => a.usedAt - b.usedAt);
      let total = others.reduce((sum, entry) => sum + entry.bytes, 0) + bytes;
      if (total - deletable.reduce((sum, entry) => sum + entry.bytes, 0) > storedBytes.limit) return;
      for (const oldest of deletable) {
        if (total <= storedBytes.limit) break;
        values.delete(oldest.key);
        sizes.delete(oldest.key);
        total -= oldest.bytes;
      }
      sizes.put({ bytes, usedAt: Date.now() } satisfies StoredSize, key);
      await request(values.put(storable, key));
    } catch {
      // As above: not stored.
    }
  }

  /** Records that `key`'s stored value was just used, so that it is deleted after the ones used longer ago. */
  private async markUsed(key: string): Promise<void> {
    if (!this.sizesStore) return;
    const database = await this.open();
    if (!database) return;
    const sizes = database.transaction(this.sizesStore, 'readwrite').objectStore(this.sizesStore);
    const record = await request<StoredSize | undefined>(sizes.get(key)).catch(() => undefined);
    if (record) await request(sizes.put({ ...record, usedAt: Date.now() } satisfies StoredSize, key)).catch(() => undefined);
  }

  private remember(key: string, value: T): void {
    this.memory.delete(key);
    this.memory.set(key, value);
    while (this.memory.size > this.options.memoryEntries) this.memory.delete(this.memory.keys().next().value as string);
  }

  private open(): Promise<IDBDatabase | null> {
    const { database, store, version } = this.options;
    const stores = this.sizesStore ? [store, this.sizesStore] : [store];
    this.database ??=
      typeof indexedDB === 'undefined'
        ? Promise.resolve(null)
        : new Promise((resolve) => {
            const opening = indexedDB.open(database, version);
            opening.onupgradeneeded = () => {
              for (const name of stores) {
                if (opening.result.objectStoreNames.contains(name)) opening.result.deleteObjectStore(name);
                opening.result.createObjectStore(name);
              }
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

/** The bytes of the typed arrays a value holds, however deep (what a value's structured clone mostly weighs). */
export function heldBytes(value: unknown, seen = new Set<object>()): number {
  if (typeof value !== 'object' || value === null || seen.has(value)) return 0;
  seen.add(value);
  if (ArrayBuffer.isView(value)) return value.byteLength;
  if (value instanceof ArrayBuffer) return value.byteLength;
  let bytes = 0;
  for (const inner of Object.values(value)) bytes += heldBytes(inner, seen);
  return bytes;
}
