import { afterEach, describe, expect, it, vi } from 'vitest';
import { isShared, shareableFloat32Array, transferable, withoutSharedMemory } from './shared-memory.ts';

describe('shared memory', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it('is used only where the context can share it (cross-origin isolated)', () => {
    expect(isShared(shareableFloat32Array(4).buffer)).toBe(false);
    vi.stubGlobal('crossOriginIsolated', true);
    const shared = shareableFloat32Array(4);
    expect(isShared(shared.buffer)).toBe(true);
    expect(shared.length).toBe(4);
  });

  it('leaves shared buffers out of transfer lists (they go as the same memory; naming one throws)', () => {
    const ordinary = new ArrayBuffer(8);
    const shared = new SharedArrayBuffer(8);
    expect(transferable([shared, ordinary])).toEqual([ordinary]);
    // What a browser's postMessage does with a transfer list naming shared memory (Node's MessageChannel likewise).
    const { port1 } = new MessageChannel();
    expect(() => port1.postMessage(shared, [shared as unknown as ArrayBuffer])).toThrow();
    port1.close();
  });

  it('copies the shared arrays of a value into ordinary memory for IndexedDB, and nothing else', () => {
    const shared = new Float32Array(new SharedArrayBuffer(12)).fill(1.5);
    const ordinary = Float64Array.of(1, 2);
    const value = { time: new Date(0), latents: { levels: [0], data: shared }, landFraction: ordinary, list: [shared, 'x'], era5: null };
    const storable = withoutSharedMemory(value);
    expect(isShared(storable.latents.data.buffer)).toBe(false);
    expect(Array.from(storable.latents.data)).toEqual([1.5, 1.5, 1.5]);
    expect(storable.latents.data).toBeInstanceOf(Float32Array);
    expect(isShared((storable.list[0] as Float32Array).buffer)).toBe(false);
    expect(storable.list[1]).toBe('x');
    expect(storable.landFraction).toBe(ordinary);
    expect(storable.time).toBe(value.time);
    expect(value.latents.data).toBe(shared);
    const plain = { a: ordinary, b: { c: [1, 2] } };
    expect(withoutSharedMemory(plain)).toBe(plain);
  });
});
