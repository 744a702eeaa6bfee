import { describe, expect, it } from 'vitest';
import { isShared } from '../platform/shared-memory.ts';
import { atLevel } from './study-time.ts';
import { syntheticStudyTime } from './testing/synthetic-time.ts';

const spec = { time: '2022-08-07T06:00Z', rowLat: [1.5, 0.5], columnLon: [0.5, 1.5], embedDim: 2 };

describe('atLevel', () => {
  it("shares a time's latents held in shared memory at that level alone, so that a worker sent them holds no copy", () => {
    const data = new Float32Array(new SharedArrayBuffer(8 * 4));
    data.set(Array.from({ length: 8 }, (_, k) => k));
    const time = syntheticStudyTime({ ...spec, latents: data, levels: [2], levelCount: 4 });
    const level = atLevel(time, 2);
    expect(level.latents.data).toBe(data);
    expect(level.era5).toBeNull();
  });

  it('copies latents in ordinary memory, or of one level among several, leaving the original whole', () => {
    const ordinary = syntheticStudyTime({ ...spec, latents: Float32Array.from({ length: 8 }, (_, k) => k) });
    const copied = atLevel(ordinary, 0);
    expect(copied.latents.data).not.toBe(ordinary.latents.data);
    expect(Array.from(copied.latents.data)).toEqual(Array.from(ordinary.latents.data));
    const twoLevels = new Float32Array(new SharedArrayBuffer(16 * 4));
    twoLevels.set(Array.from({ length: 16 }, (_, k) => k));
    const level1 = atLevel(syntheticStudyTime({ ...spec, latents: twoLevels, levels: [0, 1] }), 1);
    expect(isShared(level1.latents.data.buffer)).toBe(false);
    expect(level1.latents.levels).toEqual([1]);
    expect(Array.from(level1.latents.data)).toEqual(Array.from({ length: 8 }, (_, k) => k + 8));
  });
});
