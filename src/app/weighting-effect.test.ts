// The toggle's effect is shown only between two fits of the same run: same inputs, features and split.
import { describe, expect, it } from 'vitest';
import type { ExplorerResult } from '../state/result.ts';
import { WeightingMemory } from './weighting-effect.ts';

const run = (areaWeights: boolean, accuracy: number, pc1: number, split: ExplorerResult['split'] = { kind: 'lon-band', west: 120, east: 210 }) =>
  ({ key: 'store|time|model|0', shownFeatures: { id: 'model', label: 'Model latents' }, split, areaWeights, metrics: { accuracy }, explainedVarianceRatio: Float64Array.of(pc1, 0.1) }) as unknown as ExplorerResult;

describe('WeightingMemory', () => {
  it('pairs a run with its fit under the other weighting, either way round', () => {
    const memory = new WeightingMemory();
    expect(memory.record(run(false, 0.99, 0.3))).toBeNull();
    expect(memory.record(run(true, 0.98, 0.35))).toEqual({ other: 'equal', current: { accuracy: 0.98, pc1: 0.35 }, otherSummary: { accuracy: 0.99, pc1: 0.3 } });
    expect(memory.record(run(false, 0.99, 0.3))).toEqual({ other: 'cos(latitude)', current: { accuracy: 0.99, pc1: 0.3 }, otherSummary: { accuracy: 0.98, pc1: 0.35 } });
  });

  it('does not pair fits of another split', () => {
    const memory = new WeightingMemory();
    memory.record(run(false, 0.99, 0.3));
    expect(memory.record(run(true, 0.98, 0.35, { kind: 'stratified', testFraction: 0.2, seed: 1 }))).toBeNull();
  });
});
