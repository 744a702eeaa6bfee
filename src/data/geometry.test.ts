import { describe, expect, it } from 'vitest';
import {
  convertLongitude,
  greatCircleKm,
  cosLatitudeWeight,
  createPatchGrid,
  findPatch,
  patchAreaKm2,
  patchBounds,
  patchCentre,
  patchCentres,
  patchRowCol,
  patchIndex,
} from './geometry.ts';

/** A regular grid: `rows` latitudes from 90 down in steps of `step`, longitudes 0 .. 360 - step. */
function regularGrid(step: number, rows: number): { lat: Float64Array; lon: Float64Array } {
  const lat = Float64Array.from({ length: rows }, (_, i) => 90 - i * step);
  const lon = Float64Array.from({ length: Math.round(360 / step) }, (_, j) => j * step);
  return { lat, lon };
}

// The 1-degree grid 90..-90 cropped to 180 rows (90..-89): 45 x 90 patches.
const oneDegree = regularGrid(1, 180);
const grid1 = createPatchGrid(oneDegree.lat, oneDegree.lon);
// ERA5's 0.25-degree grid cropped to 720 rows: 180 x 360 patches of 1 x 1 degree.
const quarter = regularGrid(0.25, 720);
const grid025 = createPatchGrid(quarter.lat, quarter.lon);

describe('convertLongitude', () => {
  it('maps between the conventions', () => {
    expect(convertLongitude(-3.7, '0..360')).toBeCloseTo(356.3, 12);
    expect(convertLongitude(356.3, '-180..180')).toBeCloseTo(-3.7, 12);
    expect(convertLongitude(180, '-180..180')).toBe(-180);
    expect(convertLongitude(-180, '0..360')).toBe(180);
    expect(convertLongitude(360, '0..360')).toBe(0);
    expect(convertLongitude(-1e-15, '0..360')).toBe(0);
    expect(convertLongitude(725, '0..360')).toBe(5);
    expect(convertLongitude(151.21, '-180..180')).toBe(151.21);
  });
});

describe('findPatch with known places', () => {
  // Madrid 40.4 N, 3.7 W = 356.3 E. On the 1-degree grid patch row r holds latitudes 90-4r .. 87-4r,
  // so r = 12 holds 42, 41, 40, 39; patch column c holds longitudes 4c .. 4c+3, so c = 89 holds
  // 356 .. 359. 90 patch columns: index 12 * 90 + 89.
  it('puts Madrid in its 1-degree-grid patch in both conventions', () => {
    expect(findPatch(grid1, 40.4, -3.7)).toBe(12 * 90 + 89);
    expect(findPatch(grid1, 40.4, 356.3)).toBe(12 * 90 + 89);
  });

  // On the 0.25-degree grid patch row r holds 90-r .. 89.25-r, so Madrid is in row 49 (41 .. 40.25,
  // bounds 41.125 .. 40.125) and column 356 (356 .. 356.75); 360 columns.
  it('puts Madrid in its 0.25-degree-grid patch in both conventions', () => {
    expect(findPatch(grid025, 40.4, -3.7)).toBe(49 * 360 + 356);
    expect(findPatch(grid025, 40.4, 356.3)).toBe(49 * 360 + 356);
  });

  // Sydney 33.87 S, 151.21 E. 1-degree grid: row 31 holds -34 .. -37 (bounds -33.5 .. -37.5), column 37
  // holds 148 .. 151 (bounds 147.5 .. 151.5). 0.25-degree grid: row 123 holds -33 .. -33.75 (bounds
  // -32.875 .. -33.875), column 151.
  it('puts Sydney in its patch on both grids and in both conventions', () => {
    expect(findPatch(grid1, -33.87, 151.21)).toBe(31 * 90 + 37);
    expect(findPatch(grid1, -33.87, 151.21 - 360)).toBe(31 * 90 + 37);
    expect(findPatch(grid025, -33.87, 151.21)).toBe(123 * 360 + 151);
    expect(findPatch(grid025, -33.87, 151.21 + 360)).toBe(123 * 360 + 151);
  });

  it('wraps the last half cell east of the last longitude onto the first column', () => {
    // 359.9 E is nearer to 0 than to 359 on the 1-degree grid.
    expect(findPatch(grid1, 0.2, 359.9)).toBe(patchIndex(grid1, 22, 0));
    expect(findPatch(grid1, 0.2, -0.1)).toBe(patchIndex(grid1, 22, 0));
  });

  it('finds nothing in the cropped southernmost row or outside a region', () => {
    expect(findPatch(grid1, -89.9, 10)).toBeUndefined();
    const band = createPatchGrid(oneDegree.lat.slice(40, 60), oneDegree.lon, 40, 180);
    expect(findPatch(band, 40.4, -3.7)).toBe(12 * 90 + 89);
    expect(findPatch(band, -33.87, 151.21)).toBeUndefined();
  });
});

describe('patch centres, bounds and areas', () => {
  it('computes the centre as the mean of the 4 x 4 grid points', () => {
    // Patch (0, 0) of the 0.25-degree grid: latitudes 90 .. 89.25, longitudes 0 .. 0.75.
    expect(patchCentre(grid025, 0)).toEqual({ lat: 89.625, lon: 0.375 });
    // The study's Madrid patch: latitudes 41 .. 40.25, longitudes 356 .. 356.75.
    expect(patchCentre(grid025, 49 * 360 + 356)).toEqual({ lat: 40.625, lon: 356.375 });
  });

  it('round-trips index and row/column', () => {
    expect(patchRowCol(grid025, 49 * 360 + 356)).toEqual({ row: 49, col: 356 });
    expect(patchIndex(grid025, 49, 356)).toBe(49 * 360 + 356);
  });

  it('widens the grid points by half a spacing and clamps at the pole', () => {
    expect(patchBounds(grid1, 0)).toEqual({ north: 90, south: 86.5, west: -0.5, east: 3.5 });
    expect(patchBounds(grid1, patchIndex(grid1, 12, 89))).toEqual({ north: 42.5, south: 38.5, west: 355.5, east: 359.5 });
  });

  it('gives spherical-rectangle areas', () => {
    // An equatorial band 1 degree x 1 degree: R^2 * (sin 0.5 - sin -0.5) * pi/180.
    const r = 6371;
    const equatorial = patchAreaKm2(grid025, patchIndex(grid025, 90, 0));
    const expected = r * r * 2 * Math.sin((0.5 * Math.PI) / 180) * (Math.PI / 180);
    // Row 90 holds -0 .. -0.75, bounds 0.125 .. -0.875.
    const rowBounds = patchBounds(grid025, patchIndex(grid025, 90, 0));
    expect(rowBounds.north).toBe(0.125);
    expect(equatorial).toBeCloseTo(expected, 0);
    // The whole grid covers the sphere except the strip south of the cropped row (-89.875 .. -90).
    let total = 0;
    for (let i = 0; i < 90 * 45; i++) total += patchAreaKm2(grid1, i);
    const sphere = 4 * Math.PI * r * r;
    const missingCap = 2 * Math.PI * r * r * (1 - Math.sin((89.5 * Math.PI) / 180));
    expect(total).toBeCloseTo(sphere - missingCap, -2);
  });

  it('weights by cos latitude', () => {
    expect(cosLatitudeWeight(0)).toBe(1);
    expect(cosLatitudeWeight(60)).toBeCloseTo(0.5, 12);
    expect(cosLatitudeWeight(90)).toBeCloseTo(0, 12);
  });

  it('lists every centre of a region in global patch order', () => {
    const band = createPatchGrid(quarter.lat.slice(196, 200), quarter.lon, 196, 720);
    const centres = patchCentres(band);
    expect(centres.lat.length).toBe(360);
    expect(centres.lat[356]).toBe(40.625);
    expect(centres.lon[356]).toBe(356.375);
    expect(patchCentre(band, 49 * 360 + 356)).toEqual({ lat: 40.625, lon: 356.375 });
    expect(() => patchCentre(band, 0)).toThrow(RangeError);
  });
});

describe('greatCircleKm', () => {
  it('gives a quarter meridian and the Madrid-Sydney distance', () => {
    // A quarter of a great circle: pi/2 * 6371 km.
    expect(greatCircleKm(0, 0, 90, 0)).toBeCloseTo((Math.PI / 2) * 6371, 6);
    // The same place in both longitude conventions is 0 km away.
    expect(greatCircleKm(40.4, -3.7, 40.4, 356.3)).toBeLessThan(1e-6);
    // Madrid to Sydney is about 17,700 km along the great circle (published airline distance 17,690 km).
    expect(greatCircleKm(40.4168, -3.7038, -33.8688, 151.2093)).toBeGreaterThan(17_500);
    expect(greatCircleKm(40.4168, -3.7038, -33.8688, 151.2093)).toBeLessThan(17_900);
  });
});
