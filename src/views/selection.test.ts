import { describe, expect, it } from 'vitest';
import {
  combineSelection,
  countSelected,
  rectangleFromCorners,
  selectedIndices,
  selectInPolygon,
  selectInRectangle,
  selectProjectedInRectangle,
  simplifyPath,
} from './selection.ts';

/** Brute-force even-odd test, the reference for the banded one. */
function insideReference(x: number, y: number, polygon: number[]): boolean {
  let inside = false;
  const n = polygon.length / 2;
  for (let v = 0, w = n - 1; v < n; w = v++) {
    const [xv, yv, xw, yw] = [polygon[2 * v], polygon[2 * v + 1], polygon[2 * w], polygon[2 * w + 1]];
    if (yv > y !== yw > y && x < xv + ((y - yv) * (xw - xv)) / (yw - yv)) inside = !inside;
  }
  return inside;
}

function randomPoints(count: number, seed: number): Float32Array {
  let state = seed;
  const next = () => ((state = (state * 1664525 + 1013904223) >>> 0) / 2 ** 32) * 20 - 10;
  const xy = new Float32Array(count * 2);
  for (let i = 0; i < xy.length; i++) xy[i] = next();
  return xy;
}

describe('selectInRectangle', () => {
  it('selects points inside the closed rectangle, edges included, NaN never', () => {
    const xy = new Float32Array([0, 0, 1, 1, 2, 2, 1, 3, Number.NaN, 1]);
    const mask = selectInRectangle(xy, rectangleFromCorners(2, 2, 0.5, 0));
    expect(Array.from(mask)).toEqual([0, 1, 1, 0, 0]);
  });

  it('reuses the output buffer and clears it', () => {
    const xy = new Float32Array([0, 0, 5, 5]);
    const out = new Uint8Array([1, 1]);
    const mask = selectInRectangle(xy, { xMin: 4, xMax: 6, yMin: 4, yMax: 6 }, out);
    expect(mask).toBe(out);
    expect(Array.from(mask)).toEqual([0, 1]);
  });
});

describe('selectInPolygon', () => {
  it('handles a concave polygon (an L shape)', () => {
    const l = [0, 0, 4, 0, 4, 1, 1, 1, 1, 4, 0, 4];
    const xy = new Float32Array([0.5, 0.5, 3, 0.5, 0.5, 3, 3, 3, 5, 0.5]);
    expect(Array.from(selectInPolygon(xy, l))).toEqual([1, 1, 1, 0, 0]);
  });

  it('agrees with a brute-force even-odd test on a random star-shaped lasso', () => {
    const polygon: number[] = [];
    for (let k = 0; k < 300; k++) {
      const angle = (k / 300) * 2 * Math.PI;
      const radius = 5 + 3 * Math.sin(7 * angle);
      polygon.push(radius * Math.cos(angle), radius * Math.sin(angle));
    }
    const xy = randomPoints(20_000, 7);
    const mask = selectInPolygon(xy, polygon);
    let mismatches = 0;
    for (let i = 0; i < 20_000; i++) if (mask[i] !== (insideReference(xy[2 * i], xy[2 * i + 1], polygon) ? 1 : 0)) mismatches++;
    expect(mismatches).toBe(0);
    expect(countSelected(mask)).toBeGreaterThan(1000);
  });

  it('selects nothing for fewer than three vertices or a flat polygon', () => {
    const xy = new Float32Array([0, 0]);
    expect(countSelected(selectInPolygon(xy, [0, 0, 1, 1]))).toBe(0);
    expect(countSelected(selectInPolygon(xy, [-1, 0, 1, 0, 2, 0]))).toBe(0);
  });
});

describe('combining and counting', () => {
  it('replaces or adds', () => {
    const current = new Uint8Array([1, 0, 0]);
    const brushed = new Uint8Array([0, 1, 0]);
    expect(Array.from(combineSelection(current, brushed, 'replace'))).toEqual([0, 1, 0]);
    expect(Array.from(combineSelection(current, brushed, 'add'))).toEqual([1, 1, 0]);
    expect(Array.from(selectedIndices(new Uint8Array([0, 1, 1, 0, 1])))).toEqual([1, 2, 4]);
  });

  it('simplifies a lasso path', () => {
    expect(simplifyPath([[0, 0], [0.5, 0], [2, 0], [2, 0.1], [2, 3]], 1)).toEqual([[0, 0], [2, 0], [2, 3]]);
  });
});

describe('selectProjectedInRectangle', () => {
  // Pixel = common position (identity matrix), camera far along +z: points with z > 0 face it.
  const identity = [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1];
  const positions = new Float32Array([0, 0, 1, 0, 0, -1, 0.5, 0.5, 0.7071]);

  it('keeps only points in the rectangle that face the camera', () => {
    const rect = { xMin: -1, xMax: 1, yMin: -1, yMax: 1 };
    expect(Array.from(selectProjectedInRectangle(positions, identity, [0, 0, 10], rect))).toEqual([1, 0, 1]);
  });

  it('keeps the far side on a flat map', () => {
    const rect = { xMin: -0.1, xMax: 0.1, yMin: -0.1, yMax: 0.1 };
    expect(Array.from(selectProjectedInRectangle(positions, identity, null, rect))).toEqual([1, 1, 0]);
  });
});
