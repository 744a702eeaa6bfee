// The cache never holds a run up: an IndexedDB that does not answer (a read queued behind a write that
// never ends, as Chromium's private storage did in CI) is a miss after the lookup limit.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { KeyedCache } from './keyed-cache.ts';

/** An IndexedDB whose database opens but whose requests never answer. */
function silentIndexedDb(): IDBFactory {
  const silentRequest = () => ({}) as IDBRequest;
  const database = {
    objectStoreNames: { contains: () => true },
    transaction: () => ({ objectStore: () => ({ get: silentRequest, put: silentRequest }) }),
  };
  return {
    open: () => {
      const opening = { result: database } as unknown as IDBOpenDBRequest;
      setTimeout(() => opening.onsuccess?.call(opening, new Event('success')));
      return opening;
    },
  } as unknown as IDBFactory;
}

/**
 * An IndexedDB held in plain maps, enough of it for the cache: object stores created at an upgrade, and get, put,
 * delete, getAll and getAllKeys answered later, after the caller has set its handlers, as a browser answers them.
 * The answers come as microtasks, so that a lookup's chain of them (open, then get) always finishes before the
 * lookup limit's timer can fire, however loaded the machine: these tests do not depend on how fast it runs.
 */
function mapIndexedDb(): { factory: IDBFactory; stores: Map<string, Map<string, unknown>> } {
  const stores = new Map<string, Map<string, unknown>>();
  const answer = (compute: () => unknown): IDBRequest => {
    const pending = {} as { result: unknown; onsuccess?: (event: Event) => void };
    queueMicrotask(() => {
      pending.result = compute();
      pending.onsuccess?.(new Event('success'));
    });
    return pending as unknown as IDBRequest;
  };
  const objectStore = (name: string) => {
    const entries = stores.get(name);
    if (!entries) throw new Error(`no object store ${name}`);
    return {
      get: (key: string) => answer(() => entries.get(key)),
      put: (value: unknown, key: string) => answer(() => entries.set(key, structuredClone(value))),
      delete: (key: string) => answer(() => entries.delete(key)),
      getAll: () => answer(() => [...entries.values()]),
      getAllKeys: () => answer(() => [...entries.keys()]),
    };
  };
  const database = {
    objectStoreNames: { contains: (name: string) => stores.has(name) },
    createObjectStore: (name: string) => stores.set(name, new Map()),
    deleteObjectStore: (name: string) => stores.delete(name),
    transaction: () => ({ objectStore }),
  };
  let opened = false;
  const factory = {
    open: () => {
      const opening = { result: database } as unknown as IDBOpenDBRequest;
      queueMicrotask(() => {
        if (!opened) opening.onupgradeneeded?.call(opening, new Event('upgradeneeded') as IDBVersionChangeEvent);
        opened = true;
        opening.onsuccess?.call(opening, new Event('success'));
      });
      return opening;
    },
  } as unknown as IDBFactory;
  return { factory, stores };
}

const options = { database: 'test', store: 'values', version: 1, memoryEntries: 2, lookupLimitMs: 30 };

describe('KeyedCache', () => {
  afterEach(() => {
    Reflect.deleteProperty(globalThis, 'indexedDB');
  });

  it('counts a lookup IndexedDB never answers as a miss once the limit has passed', async () => {
    Object.defineProperty(globalThis, 'indexedDB', { value: silentIndexedDb(), configurable: true });
    const cache = new KeyedCache<string>(options);
    await expect(cache.get('absent')).resolves.toBeUndefined();
  });

  it('answers from memory without IndexedDB, keeping the most recently put entries', async () => {
    Object.defineProperty(globalThis, 'indexedDB', { value: silentIndexedDb(), configurable: true });
    const cache = new KeyedCache<string>(options);
    cache.put('a', 'first');
    cache.put('b', 'second');
    cache.put('c', 'third');
    await expect(cache.get('c')).resolves.toBe('third');
    await expect(cache.get('b')).resolves.toBe('second');
    await expect(cache.get('a')).resolves.toBeUndefined();
  });

  it("keeps IndexedDB's values within the byte limit, deleting the least recently used first", async () => {
    const { factory, stores } = mapIndexedDb();
    Object.defineProperty(globalThis, 'indexedDB', { value: factory, configurable: true });
    const bounded = { ...options, memoryEntries: 1, storedBytes: { limit: 10, sizeOf: (value: string) => value.length } };
    const stored = () => [...(stores.get('values')?.keys() ?? [])].sort();
    const first = new KeyedCache<string>(bounded);
    first.put('a', 'aaaa');
    await vi.waitFor(() => expect(stored()).toEqual(['a']));
    first.put('b', 'bbbb');
    await vi.waitFor(() => expect(stored()).toEqual(['a', 'b']));
    // A later session (nothing in memory) finds 'a', which makes 'b' the least recently used.
    const usedAt = (key: string) => (stores.get('values-sizes')?.get(key) as { usedAt: number }).usedAt;
    await new Promise((resolve) => setTimeout(resolve, 5));
    const later = new KeyedCache<string>(bounded);
    await expect(later.get('a')).resolves.toBe('aaaa');
    await vi.waitFor(() => expect(usedAt('a')).toBeGreaterThan(usedAt('b')));
    later.put('c', 'cccc');
    await vi.waitFor(() => expect(stored()).toEqual(['a', 'c']));
    expect([...(stores.get('values-sizes')?.keys() ?? [])].sort()).toEqual(['a', 'c']);
    // A value over the limit stays in memory only, and stored ones stay.
    later.put('d', 'd'.repeat(11));
    await expect(later.get('d')).resolves.toBe('d'.repeat(11));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(stored()).toEqual(['a', 'c']);
  });

  it('forgets its memory on request and then answers from IndexedDB', async () => {
    const { factory, stores } = mapIndexedDb();
    Object.defineProperty(globalThis, 'indexedDB', { value: factory, configurable: true });
    const cache = new KeyedCache<string>({ ...options, memoryEntries: 1 });
    cache.put('a', 'latents');
    cache.put('b', 'not stored', { persist: false });
    await vi.waitFor(() => expect([...(stores.get('values')?.keys() ?? [])]).toEqual(['a']));
    cache.forgetMemory();
    // 'b' was in memory only, so it is gone; 'a' comes back from IndexedDB.
    await expect(cache.get('b')).resolves.toBeUndefined();
    await expect(cache.get('a')).resolves.toBe('latents');
  });

  it("keeps a pass's own values when the pass holds more than the limit, so that the pass reopened finds all but the ones that did not fit", async () => {
    const { factory, stores } = mapIndexedDb();
    Object.defineProperty(globalThis, 'indexedDB', { value: factory, configurable: true });
    // Room for five values of 4 bytes; a comparison's pass over six.
    const bounded = { ...options, memoryEntries: 1, storedBytes: { limit: 20, sizeOf: (value: string) => value.length } };
    const keys = ['a', 'b', 'c', 'd', 'e', 'f'];
    const stored = () => [...(stores.get('values')?.keys() ?? [])].sort();
    /** The pass in a fresh session (nothing in memory): the keys it found; the others it computes and puts. */
    const pass = async (keep: ReadonlySet<string> | undefined) => {
      const cache = new KeyedCache<string>(bounded);
      const found: string[] = [];
      for (const key of keys) {
        if ((await cache.get(key)) !== undefined) found.push(key);
        else cache.put(key, key.repeat(4), { keep });
        // The next key's work (an encode) takes a while; the cache's writes land meanwhile.
        await new Promise((resolve) => setTimeout(resolve, 2));
      }
      return found;
    };
    const passKeys = new Set(keys);
    expect(await pass(passKeys)).toEqual([]);
    await vi.waitFor(() => expect(stored()).toEqual(['a', 'b', 'c', 'd', 'e']));
    // Something else (a single run) pushes out the least recently used, 'a'.
    new KeyedCache<string>(bounded).put('x', 'xxxx');
    await vi.waitFor(() => expect(stored()).toEqual(['b', 'c', 'd', 'e', 'x']));
    // Reopened: 'a' is computed and takes the place of 'x', not of 'b'; 'f' still does not fit and is not stored.
    expect(await pass(passKeys)).toEqual(['b', 'c', 'd', 'e']);
    await vi.waitFor(() => expect(stored()).toEqual(['a', 'b', 'c', 'd', 'e']));
    expect(await pass(passKeys)).toEqual(['a', 'b', 'c', 'd', 'e']);
    // Deleting the least recently used alone, 'f' pushes out 'a', and from then on each write deletes the value read next.
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(await pass(undefined)).toEqual(['a', 'b', 'c', 'd', 'e']);
    await vi.waitFor(() => expect(stored()).toEqual(['b', 'c', 'd', 'e', 'f']));
    expect(await pass(undefined)).toEqual([]);
  });

  it('writes arrays in shared memory to IndexedDB as ordinary copies (it stores no shared memory), and keeps the shared value in memory', async () => {
    const { factory, stores } = mapIndexedDb();
    Object.defineProperty(globalThis, 'indexedDB', { value: factory, configurable: true });
    const cache = new KeyedCache<{ data: Float32Array }>(options);
    const value = { data: new Float32Array(new SharedArrayBuffer(8)).fill(2) };
    cache.put('shared', value);
    await vi.waitFor(() => expect(stores.get('values')?.has('shared')).toBe(true));
    const stored = stores.get('values')?.get('shared') as { data: Float32Array };
    expect(stored.data.buffer).toBeInstanceOf(ArrayBuffer);
    expect(Array.from(stored.data)).toEqual([2, 2]);
    await expect(cache.get('shared')).resolves.toBe(value);
  });

  it('works in memory alone where there is no IndexedDB (Node)', async () => {
    const cache = new KeyedCache<number>(options);
    cache.put('x', 1, { persist: false });
    await expect(cache.get('x')).resolves.toBe(1);
    await expect(cache.get('y')).resolves.toBeUndefined();
  });
});
