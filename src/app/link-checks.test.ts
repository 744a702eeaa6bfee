import { describe, expect, it } from 'vitest';
import { DEFAULT_VIEW_SETTINGS } from '../state/view-settings.ts';
import { modelHashQuestion } from './link-checks.ts';
import type { ModelEntry } from './models.ts';

const MODEL: ModelEntry = {
  id: 'aurora-0.25-untrained-seed0.onnx',
  label: 'aurora-0.25-untrained-seed0',
  trained: false,
  hash: '150befbaa64c0123',
  description: '',
  source: { kind: 'file', url: '/models/aurora-0.25-untrained-seed0.onnx' },
  architecture: null,
  untrainedSeed: 0,
  unusable: null,
};

describe("a link's model hash against models/", () => {
  const settings = { ...DEFAULT_VIEW_SETTINGS, modelId: MODEL.id };

  it("adopts the model's hash when the link gave none, and agrees on a prefix", () => {
    expect(modelHashQuestion({ ...settings, modelHash: null }, [MODEL])).toEqual({ kind: 'adopt', hash: MODEL.hash });
    expect(modelHashQuestion({ ...settings, modelHash: '150befba' }, [MODEL])).toEqual({ kind: 'none' });
    expect(modelHashQuestion({ ...settings, modelHash: MODEL.hash.toUpperCase() }, [MODEL])).toEqual({ kind: 'none' });
  });

  it('names both hashes when they differ', () => {
    const check = modelHashQuestion({ ...settings, modelHash: '00000000deadbeef' }, [MODEL]);
    expect(check.kind).toBe('mismatch');
    if (check.kind !== 'mismatch') return;
    expect(check.text).toContain('sha256 00000000deadbeef');
    expect(check.text).toContain(`has sha256 ${MODEL.hash}`);
  });

  it('says nothing for a latent store, or a model models/ lacks (the set-up names it missing)', () => {
    expect(modelHashQuestion({ ...settings, modelHash: '00000000deadbeef', latents: '/l.zarr' }, [MODEL])).toEqual({ kind: 'none' });
    expect(modelHashQuestion({ ...settings, modelId: 'other.onnx', modelHash: '00000000deadbeef' }, [MODEL])).toEqual({ kind: 'none' });
  });
});
