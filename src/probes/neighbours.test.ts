import { describe, expect, it } from 'vitest';
import { ProbeInputError } from './job.ts';
import { featureMatrix } from './matrix.ts';
import { nearestNeighbours } from './neighbours.ts';

// Five points in the plane, worked out by hand from row 0 = (0, 0):
//   row 1 (3, 4): 5    row 2 (1, 0): 1    row 3 (0, -1): 1    row 4 (-2, 0): 2
// Rows 2 and 3 tie at distance 1: the lower index comes first.
const points = featureMatrix(Float32Array.from([0, 0, 3, 4, 1, 0, 0, -1, -2, 0]), 5, 2);

describe('nearestNeighbours', () => {
  it('orders neighbours by Euclidean distance, ties by lower index, without the row itself', () => {
    const { rows, distances } = nearestNeighbours(points, 0, 3);
    expect(Array.from(rows)).toEqual([2, 3, 4]);
    expect(Array.from(distances)).toEqual([1, 1, 2]);
  });

  it('finds the neighbours of a row in the middle of the matrix', () => {
    // From row 2 = (1, 0): row 0 at 1, row 3 at sqrt 2, row 4 at 3, row 1 at sqrt(4 + 16).
    const { rows, distances } = nearestNeighbours(points, 2, 4);
    expect(Array.from(rows)).toEqual([0, 3, 4, 1]);
    expect(Array.from(distances)).toEqual([1, Math.SQRT2, 3, Math.sqrt(20)]);
  });

  it('keeps the lower index when a tie falls at the k-th place', () => {
    const { rows } = nearestNeighbours(points, 0, 1);
    expect(Array.from(rows)).toEqual([2]);
  });

  it('returns every other row when k exceeds them, and none for k = 0', () => {
    // From row 4 = (-2, 0): row 0 at 2, row 3 at sqrt 5, row 2 at 3, row 1 at sqrt(25 + 16).
    expect(Array.from(nearestNeighbours(points, 4, 10).rows)).toEqual([0, 3, 2, 1]);
    expect(nearestNeighbours(points, 4, 0).rows.length).toBe(0);
  });

  it('measures duplicates of the row at distance 0', () => {
    const twins = featureMatrix(Float32Array.from([1, 2, 5, 5, 1, 2]), 3, 2);
    const { rows, distances } = nearestNeighbours(twins, 2, 2);
    expect(Array.from(rows)).toEqual([0, 1]);
    expect(Array.from(distances)).toEqual([0, 5]);
  });

  it('rejects a row outside the matrix and a bad k', () => {
    expect(() => nearestNeighbours(points, 5, 1)).toThrow(ProbeInputError);
    expect(() => nearestNeighbours(points, -1, 1)).toThrow(ProbeInputError);
    expect(() => nearestNeighbours(points, 0, 1.5)).toThrow(ProbeInputError);
    expect(() => nearestNeighbours(points, 0, -1)).toThrow(ProbeInputError);
  });
});
