import { describe, expect, it } from 'vitest';
import type { LatentSourceFacts } from '../studies/latent-source.ts';
import { sourceLine } from './latents.ts';

const base: Omit<LatentSourceFacts, 'kind' | 'name' | 'model'> = { levelCount: 4, embedDim: 512, era5: true, attributes: [] };

describe('sourceLine', () => {
  it("names an encoder's model once: its name already says which model encodes what", () => {
    const line = sourceLine({
      ...base,
      kind: 'encoder',
      name: 'aurora-0.25-untrained-seed0 (UNTRAINED) encoding public/sample/era5-sample.zarr',
      model: { name: 'aurora-0.25-untrained-seed0', trained: false },
    });
    expect(line).toBe('Source: aurora-0.25-untrained-seed0 (UNTRAINED) encoding public/sample/era5-sample.zarr\n');
  });

  it("adds the model a latent store's attributes name, and says when they name none", () => {
    const facts = { ...base, kind: 'latent-store' as const, name: 'latent store a.zarr', era5: false };
    expect(sourceLine({ ...facts, model: { name: 'aurora-0.25-untrained-seed0', trained: false } })).toBe('Source: latent store a.zarr (model aurora-0.25-untrained-seed0 (UNTRAINED))\n');
    expect(sourceLine({ ...facts, model: null })).toBe('Source: latent store a.zarr (model not named by the store)\n');
  });
});
