import * as zarr from 'zarrita';
import { describe, expect, it } from 'vitest';
import { openZarrSource, type AbsoluteKey } from './store.ts';

describe('Zarr v3 stores', () => {
  it('opens a v3 group and reads its arrays with their dimension names', async () => {
    const entries = new Map<AbsoluteKey, Uint8Array>();
    const store = {
      get: async (key: AbsoluteKey) => entries.get(key),
      set: async (key: AbsoluteKey, value: Uint8Array) => void entries.set(key, value),
    };
    await zarr.create(store, { attributes: { title: 'v3' } });
    const array = await zarr.create(zarr.root(store).resolve('t2m'), {
      shape: [2, 3],
      chunkShape: [1, 3],
      dtype: 'float32',
      dimensionNames: ['latitude', 'longitude'],
      codecs: [{ name: 'bytes', configuration: { endian: 'little' } }],
    });
    await zarr.set(array, null, { data: Float32Array.of(1, 2, 3, 4, 5, 6), shape: [2, 3], stride: [3, 1] });

    const source = await openZarrSource(store, 'memory://v3');
    expect(source.format).toBe(3);
    expect(source.attributes.title).toBe('v3');
    const opened = await source.openArray('t2m');
    expect(opened?.dimensionNames).toEqual(['latitude', 'longitude']);
    expect(Array.from((await zarr.get(opened!)).data as Float32Array)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(await source.openArray('missing')).toBeUndefined();
  });
});
