// The cache never holds a run up: an IndexedDB that does not answer (a read queued behind a write that
// never ends, as Chromium's private storage did in CI) is a miss after the lookup limit.
import { afterEach, describe, expect, it } from 'vitest';
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

  it('works in memory alone where there is no IndexedDB (Node)', async () => {
    const cache = new KeyedCache<number>(options);
    cache.put('x', 1, { persist: false });
    await expect(cache.get('x')).resolves.toBe(1);
    await expect(cache.get('y')).resolves.toBeUndefined();
  });
});
