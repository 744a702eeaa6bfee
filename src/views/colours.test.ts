import { describe, expect, it } from 'vitest';
import {
  buildLut,
  computeColours,
  EXTREME_TEMPERATURE_SCHEME,
  LAND_SEA_SCHEME,
  MISSING_COLOUR,
  OUTCOME_SCHEME,
  robustDomain,
} from './colours.ts';
import type { PatchTable } from './types.ts';

function table(extra: Partial<PatchTable>): PatchTable {
  const count = 4;
  return { count, cellBounds: new Float32Array(count * 4), cellCentres: new Float32Array(count * 2), ...extra };
}

function colourOf(colours: Uint8Array, i: number): number[] {
  return Array.from(colours.subarray(4 * i, 4 * i + 4));
}

describe('computeColours', () => {
  it('colours labels by class and counts them in the legend', () => {
    const { colours, legend } = computeColours({ mode: 'label', table: table({ labels: new Uint8Array([0, 1, 1, 0]) }) });
    expect(colourOf(colours, 1)).toEqual([...LAND_SEA_SCHEME.colours[1]]);
    expect(legend.kind).toBe('categorical');
    expect(legend.items.map((item) => [item.label, item.count])).toEqual([['Sea', 2], ['Land', 2]]);
  });

  it('uses the five nested extreme-temperature classes', () => {
    const { colours, legend } = computeColours({
      mode: 'label',
      scheme: EXTREME_TEMPERATURE_SCHEME,
      table: table({ labels: new Uint8Array([0, 2, 4, 4]) }),
    });
    expect(colourOf(colours, 2)).toEqual([...EXTREME_TEMPERATURE_SCHEME.colours[4]]);
    expect(legend.items.map((item) => item.count)).toEqual([1, 0, 1, 0, 2]);
  });

  it('tells correct negatives and positives from false positives and false negatives', () => {
    const { colours, legend } = computeColours({
      mode: 'outcome',
      table: table({ labels: new Uint8Array([1, 0, 1, 0]), predictions: new Uint8Array([1, 1, 0, 0]) }),
    });
    expect(colourOf(colours, 0)).toEqual([...OUTCOME_SCHEME.colours[1]]);
    expect(colourOf(colours, 1)).toEqual([...OUTCOME_SCHEME.colours[2]]);
    expect(colourOf(colours, 2)).toEqual([...OUTCOME_SCHEME.colours[3]]);
    expect(colourOf(colours, 3)).toEqual([...OUTCOME_SCHEME.colours[0]]);
    expect(legend.items.map((item) => item.count)).toEqual([1, 1, 1, 1]);
  });

  it('counts the test set apart when given its mask, so that the legend can match the test-set metrics', () => {
    // Outcomes: TP, FP, FN, TN, TP, TN; the test rows are 0, 2 and 3.
    const { legend } = computeColours({
      mode: 'outcome',
      table: table({ count: 6, labels: new Uint8Array([1, 0, 1, 0, 1, 0]), predictions: new Uint8Array([1, 1, 0, 0, 1, 0]) }),
      testMask: new Uint8Array([1, 0, 1, 1, 0, 0]),
    });
    // Correct negative, correct positive, false positive, false negative.
    expect(legend.items.map((item) => [item.count, item.testCount])).toEqual([[2, 1], [2, 1], [1, 0], [1, 1]]);
    const labels = computeColours({ mode: 'label', table: table({ count: 3, labels: new Uint8Array([0, 1, 7]) }), testMask: new Uint8Array([0, 1, 1]) }).legend;
    expect(labels.items.map((item) => [item.label, item.count, item.testCount])).toEqual([['Sea', 1, 0], ['Land', 1, 1], ['unknown class', 1, 1]]);
  });

  it('counts nested classes as positive from a chosen class', () => {
    const { legend } = computeColours({
      mode: 'outcome',
      positiveFromClass: 2,
      table: table({ labels: new Uint8Array([1, 2, 3, 4]), predictions: new Uint8Array([0, 1, 0, 1]) }),
    });
    expect(legend.items.map((item) => item.count)).toEqual([1, 2, 0, 1]);
  });

  it('maps probabilities onto a diverging ramp, ends to ends', () => {
    const { colours, legend } = computeColours({
      mode: 'probability',
      table: table({ probabilities: new Float32Array([0, 0.5, 1, Number.NaN]) }),
    });
    expect(legend.kind).toBe('continuous');
    if (legend.kind !== 'continuous') return;
    expect(legend.domain).toEqual([0, 1]);
    expect(colourOf(colours, 0)).toEqual([...legend.stops[0]]);
    expect(colourOf(colours, 2)).toEqual([...legend.stops[legend.stops.length - 1]]);
    expect(colourOf(colours, 3)).toEqual([...MISSING_COLOUR]);
    expect(legend.items).toHaveLength(5);
  });

  it('reads the chosen PC from point-major scores', () => {
    const pcScores = new Float32Array([0, 10, 0, 20, 0, 30, 0, 40]);
    const { legend } = computeColours({ mode: 'pc', pcIndex: 1, table: table({ pcScores, pcCount: 2 }) });
    expect(legend.title).toBe('PC2');
    if (legend.kind !== 'continuous') throw new Error('expected a ramp');
    expect(legend.domain[0]).toBe(10);
    expect(legend.domain[1]).toBe(40);
  });

  it('centres concept scores on zero', () => {
    const { legend } = computeColours({ mode: 'concept', table: table({ conceptScores: new Float32Array([-1, 0, 2, 3]) }) });
    if (legend.kind !== 'continuous') throw new Error('expected a ramp');
    expect(legend.domain[0]).toBe(-legend.domain[1]);
  });

  it('falls back to grey with a legend saying what is missing', () => {
    const { colours, legend } = computeColours({ mode: 'prediction', table: table({}) });
    expect(colourOf(colours, 3)).toEqual([...MISSING_COLOUR]);
    expect(legend.items[0].label).toBe('no predictions yet');
  });

  it('reuses the output buffer', () => {
    const out = new Uint8Array(16);
    expect(computeColours({ mode: 'label', table: table({ labels: new Uint8Array(4) }) }, out).colours).toBe(out);
  });
});

describe('helpers', () => {
  it('builds a lookup table through the stops', () => {
    const lut = buildLut([[0, 0, 0, 255], [255, 255, 255, 255]]);
    expect(Array.from(lut.subarray(0, 4))).toEqual([0, 0, 0, 255]);
    expect(Array.from(lut.subarray(255 * 4))).toEqual([255, 255, 255, 255]);
  });

  it('ignores outliers when picking a domain', () => {
    const values = new Float32Array(1000).map((_, i) => i / 999);
    values[0] = -1e6;
    const [low, high] = robustDomain(values, 1, 0, 1000);
    expect(low).toBeGreaterThan(0);
    expect(high).toBeLessThan(1);
  });
});
