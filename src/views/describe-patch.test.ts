import { describe, expect, it } from 'vitest';
import { describePatch, formatLatitude, formatLongitude } from './describe-patch.ts';

describe('describePatch', () => {
  it('names the place and what the probe knows', () => {
    const content = describePatch(
      {
        count: 1,
        cellBounds: new Float32Array(4),
        cellCentres: new Float32Array([350, -12.5]),
        labels: new Uint8Array([1]),
        predictions: new Uint8Array([0]),
        probabilities: new Float32Array([0.25]),
        classNames: ['Sea', 'Land'],
      },
      0,
    );
    expect(content.title).toBe('Patch 0');
    expect(content.rows).toEqual([
      ['Centre', '12.50° S, 10.00° W'],
      ['Label', 'Land'],
      ['Prediction', 'Sea'],
      ['Probability', '0.250'],
    ]);
    expect(formatLatitude(0)).toBe('0.00° N');
    expect(formatLongitude(180)).toBe('180.00° W');
  });
});
