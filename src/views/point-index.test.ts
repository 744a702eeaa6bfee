import { describe, expect, it } from 'vitest';
import { createCellIndex, createPointIndex } from './point-index.ts';

describe('createPointIndex', () => {
  const xy = new Float32Array([0, 0, 10, 0, 10.5, 0.2, -5, 8, Number.NaN, 1, 3, 3]);
  const index = createPointIndex(xy);

  it('finds the nearest point within the radius, and nothing outside it', () => {
    expect(index.nearest(0.4, -0.3, 1, 1)).toBe(0);
    expect(index.nearest(10.3, 0.15, 1, 1)).toBe(2);
    expect(index.nearest(9.9, 0, 1, 1)).toBe(1);
    expect(index.nearest(5, 5, 1, 1)).toBeNull();
    expect(index.nearest(-5, 9.5, 1, 1)).toBeNull();
    expect(index.nearest(-5, 9.5, 1, 2)).toBe(3);
  });

  it('measures in units of each axis radius: a wide ellipse reaches far in x only', () => {
    expect(index.nearest(6, 3, 4, 0.5)).toBe(5);
    expect(index.nearest(3, 5, 4, 0.5)).toBeNull();
  });

  it('never returns a point with a non-finite coordinate', () => {
    expect(index.nearest(Number.NaN, 1, 1, 1)).toBeNull();
    expect(index.nearest(0, 1, 0.5, 0.5)).toBeNull();
  });

  it('prefers the later of two points at the same place, as it is drawn on top', () => {
    expect(createPointIndex(new Float32Array([1, 1, 2, 2, 1, 1])).nearest(1, 1, 0.5, 0.5)).toBe(2);
  });

  it('agrees with a scan of every point on random clouds', () => {
    let seed = 7;
    const random = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
    const cloud = new Float32Array(4_000).map(() => (random() - 0.5) * 20 + (random() < 0.3 ? 5 : 0));
    const cloudIndex = createPointIndex(cloud);
    for (let k = 0; k < 300; k++) {
      const [x, y, rx, ry] = [(random() - 0.5) * 24, (random() - 0.5) * 24, 0.05 + random(), 0.05 + random()];
      let expected: number | null = null;
      let best = 1;
      for (let i = 0; i < cloud.length / 2; i++) {
        const d = ((cloud[2 * i] - x) / rx) ** 2 + ((cloud[2 * i + 1] - y) / ry) ** 2;
        if (d < best || (d === best && expected !== null)) [expected, best] = [i, d];
      }
      expect(cloudIndex.nearest(x, y, rx, ry)).toBe(expected);
    }
  });

  it('answers nothing for no points', () => {
    expect(createPointIndex(new Float32Array(0)).nearest(0, 0, 1, 1)).toBeNull();
  });
});

describe('createCellIndex', () => {
  // latMin, latMax, lonMin, lonMax: a 4-degree cell at 0-4 E, one straddling 0/360, one at the north pole.
  const bounds = new Float32Array([40, 44, 0, 4, -4, 0, 358, 2, 86, 90, 100, 104]);
  const index = createCellIndex(bounds);

  it('finds the cell that contains a point, in either longitude convention', () => {
    expect(index.cellAt(2.5, 42)).toBe(0);
    expect(index.cellAt(359, -2)).toBe(1);
    expect(index.cellAt(-1, -2)).toBe(1);
    expect(index.cellAt(1, -3.5)).toBe(1);
    expect(index.cellAt(-178, -2)).toBeNull();
    expect(index.cellAt(101, 89.9)).toBe(2);
    expect(index.cellAt(101, 90)).toBe(2);
  });

  it('finds nothing between cells or outside the globe', () => {
    expect(index.cellAt(10, 42)).toBeNull();
    expect(index.cellAt(2, 45)).toBeNull();
    expect(index.cellAt(2, 95)).toBeNull();
    expect(index.cellAt(Number.NaN, 0)).toBeNull();
  });

  it('covers a whole 1-degree grid: every cell centre finds its own cell', () => {
    const grid = new Float32Array(180 * 360 * 4);
    for (let row = 0; row < 180; row++) {
      for (let column = 0; column < 360; column++) grid.set([89 - row, 90 - row, column, (column + 1) % 360], 4 * (row * 360 + column));
    }
    const gridIndex = createCellIndex(grid);
    for (const [row, column] of [[0, 0], [0, 359], [89, 180], [179, 0], [120, 141]]) {
      expect(gridIndex.cellAt(column + 0.5, 89.5 - row)).toBe(row * 360 + column);
      expect(gridIndex.cellAt(column + 0.5 - 360, 89.5 - row)).toBe(row * 360 + column);
    }
  });
});
