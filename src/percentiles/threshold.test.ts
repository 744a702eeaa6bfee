// Patch thresholds on small synthetic grids whose answers are worked out by hand, with patches on
// both sides of the prime meridian.
import { describe, expect, it } from 'vitest';
import { createPatchGrid, patchBounds, patchIndex } from '../data/geometry.ts';
import type { PercentileField } from './percentile-field.ts';
import { patchThresholds } from './threshold.ts';

// An ERA5-like 1-degree band: rows 52..49 N (one patch row), longitudes 0..359 E (90 patch columns).
// Patch column c spans the grid longitudes 4c..4c+3, i.e. bounds 4c-0.5 .. 4c+3.5 degrees east.
const grid = createPatchGrid(
  Float64Array.from([52, 51, 50, 49]),
  Float64Array.from({ length: 360 }, (_, j) => j),
);
const boundsOf = (column: number) => patchBounds(grid, patchIndex(grid, 0, column));

const WEST_AND_EAST = [-5, -4, -3, -2, -1, 0, 1, 2, 3, 4, 5];
/** The same longitudes written in the 0..360 convention. */
const WEST_AND_EAST_360 = [355, 356, 357, 358, 359, 0, 1, 2, 3, 4, 5];

/**
 * value = 10 * lon + lat on lat 48..53, with lon the signed longitude `signedLon[j]` of column j;
 * `lon` is how the field writes its longitudes.
 */
function field(lon: number[], missing: Array<[number, number]> = [], signedLon = lon): PercentileField {
  const lat = [48, 49, 50, 51, 52, 53];
  const values = new Float32Array(lat.length * lon.length);
  lat.forEach((la, i) => signedLon.forEach((lo, j) => (values[i * lon.length + j] = 10 * lo + la)));
  for (const [la, lo] of missing) values[lat.indexOf(la) * lon.length + lon.indexOf(lo)] = Number.NaN;
  return { percentile: 99, lat: Float64Array.from(lat), lon: Float64Array.from(lon), values, time: null, source: 'synthetic' };
}

describe('patch thresholds', () => {
  it('averages the points within half a patch of the centre, west and east of Greenwich', () => {
    const thresholds = patchThresholds(field(WEST_AND_EAST), [0, 1, 2, 88, 89].map(boundsOf));
    // Rows inside 48.5..52.5: 49, 50, 51, 52 (mean 50.5).
    // Column 0 (-0.5..3.5 E): lon 0..3, mean 1.5 -> 15 + 50.5.
    expect(thresholds[0]).toBeCloseTo(65.5, 10);
    // Column 1 (3.5..7.5 E): lon 4, 5 (the field ends at 5), mean 4.5 -> 45 + 50.5.
    expect(thresholds[1]).toBeCloseTo(95.5, 10);
    // Column 2 (7.5..11.5 E): no point: outside the percentile region.
    expect(thresholds[2]).toBeNaN();
    // Column 88 (351.5..355.5 E = 8.5..4.5 W): lon -5 only -> -50 + 50.5.
    expect(thresholds[3]).toBeCloseTo(0.5, 10);
    // Column 89 (355.5..359.5 E = 4.5..0.5 W): lon -4..-1, mean -2.5 -> -25 + 50.5.
    expect(thresholds[4]).toBeCloseTo(25.5, 10);
  });

  it('gives the same thresholds for a field in the 0..360 convention', () => {
    const thresholds = patchThresholds(field(WEST_AND_EAST_360, [], WEST_AND_EAST), [0, 1, 2, 88, 89].map(boundsOf));
    expect(Array.from(thresholds.subarray(0, 2))).toEqual([65.5, 95.5].map((v) => expect.closeTo(v, 10)));
    expect(thresholds[2]).toBeNaN();
    expect(thresholds[3]).toBeCloseTo(0.5, 10);
    expect(thresholds[4]).toBeCloseTo(25.5, 10);
  });

  it('skips missing points, and a patch whose points are all missing is outside', () => {
    const thresholds = patchThresholds(field(WEST_AND_EAST, [[52, 0]]), [boundsOf(0)]);
    // The 16 points of column 0 sum to 4 * 10 * (0 + 1 + 2 + 3) + 4 * (49 + 50 + 51 + 52) = 1048;
    // without (52 N, 0 E), worth 52: 996 / 15.
    expect(thresholds[0]).toBeCloseTo(996 / 15, 10);
    const allMissing = field([-5], [48, 49, 50, 51, 52, 53].map((lat): [number, number] => [lat, -5]));
    expect(patchThresholds(allMissing, [boundsOf(88)])[0]).toBeNaN();
  });

  it('counts a point on the edge between two patches for both', () => {
    const edge: PercentileField = { percentile: 99, lat: Float64Array.from([52.5]), lon: Float64Array.from([3.5]), values: Float32Array.from([7]), time: null, source: 'edge' };
    expect(Array.from(patchThresholds(edge, [boundsOf(0), boundsOf(1), boundsOf(2)]))).toEqual([7, 7, Number.NaN]);
  });
});
