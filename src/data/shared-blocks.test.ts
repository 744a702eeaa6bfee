// The blocks kept between two reads of one chunk: handed out once, bounded, let go when idle, and never
// matched to a chunk written anew.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { chunkBlocksName, SharedBlocks } from './shared-blocks.ts';

const block = (value: number, length = 4) => new Float64Array(length).fill(value);

describe('SharedBlocks', () => {
  afterEach(() => vi.useRealTimers());

  it('hands a kept block out once, as float32', () => {
    const shared = new SharedBlocks();
    shared.keep('a#1', Float64Array.of(1.5, -2, 1e-3, 3e38));
    expect(shared.size).toBe(16);
    expect(Array.from(shared.take('a#1')!)).toEqual(Array.from(Float32Array.of(1.5, -2, 1e-3, 3e38)));
    expect(shared.take('a#1')).toBeUndefined();
    expect(shared.size).toBe(0);
  });

  it('lets the oldest blocks go past its capacity, and keeps none larger than it', () => {
    const shared = new SharedBlocks(32);
    shared.keep('a#1', block(1));
    shared.keep('a#2', block(2));
    shared.keep('a#3', block(3));
    expect(shared.size).toBe(32);
    expect(shared.take('a#1')).toBeUndefined();
    expect(shared.take('a#2')?.[0]).toBe(2);
    expect(shared.take('a#3')?.[0]).toBe(3);
    shared.keep('a#4', block(4, 9));
    expect(shared.size).toBe(0);
  });

  it('lets every block go once none was kept for its idle time', () => {
    vi.useFakeTimers();
    const shared = new SharedBlocks(1 << 20, 1000);
    shared.keep('a#1', block(1));
    vi.advanceTimersByTime(900);
    shared.keep('a#2', block(2));
    vi.advanceTimersByTime(900);
    expect(shared.size).toBe(32);
    vi.advanceTimersByTime(200);
    expect(shared.size).toBe(0);
    expect(shared.take('a#2')).toBeUndefined();
  });

  it('names a chunk by its path and its frame, so that a chunk written anew matches nothing kept', () => {
    const frame = Uint8Array.from({ length: 40 }, (_, i) => i);
    const rewritten = frame.slice();
    rewritten[20] += 1;
    expect(chunkBlocksName('/atmos_latent/0.0.0.0.0', frame)).toBe(chunkBlocksName('/atmos_latent/0.0.0.0.0', frame.slice()));
    expect(chunkBlocksName('/atmos_latent/0.0.0.0.0', rewritten)).not.toBe(chunkBlocksName('/atmos_latent/0.0.0.0.0', frame));
    expect(chunkBlocksName('/atmos_latent/0.0.0.0.0', frame.subarray(0, 36))).not.toBe(chunkBlocksName('/atmos_latent/0.0.0.0.0', frame));
    expect(chunkBlocksName('/atmos_latent/1.0.0.0.0', frame)).not.toBe(chunkBlocksName('/atmos_latent/0.0.0.0.0', frame));
  });
});
