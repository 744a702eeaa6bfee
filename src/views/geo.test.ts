import { describe, expect, it } from 'vitest';
import type { Topology } from 'topojson-specification';
import type { GeometryCollection } from 'topojson-specification';
import { basemapFromTopology, densifyRing, graticuleLines, linesToBinaryPaths, longitudeBandRing } from './geo.ts';

describe('linesToBinaryPaths', () => {
  it('flattens lines with start indices, dropping single points and clamping latitude', () => {
    const paths = linesToBinaryPaths([[[0, 0], [1, 1]], [[5, 5]], [[2, 89], [3, 90], [4, 88]]], 85, 10);
    expect(paths.length).toBe(2);
    expect(Array.from(paths.startIndices)).toEqual([0, 2, 5]);
    expect(Array.from(paths.positions.subarray(9, 12))).toEqual([3, 85, 10]);
  });

  it('splits lines where they jump across the antimeridian', () => {
    const paths = linesToBinaryPaths([[[170, 65], [180, 66], [-180, 66], [-170, 65], [-160, 64]]]);
    expect(paths.length).toBe(2);
    expect(Array.from(paths.startIndices)).toEqual([0, 2, 5]);
  });
});

describe('rings', () => {
  it('outlines the study band [120, 210] pole to pole', () => {
    expect(longitudeBandRing(120, 210)).toEqual([[120, -90], [120, 90], [210, 90], [210, -90], [120, -90]]);
    // A band written across 0/360 is unwrapped eastwards.
    expect(longitudeBandRing(350, 10)[2]).toEqual([370, 90]);
  });

  it('densifies a ring in steps no longer than asked, and closes it', () => {
    const dense = densifyRing([[0, 0], [10, 0], [10, 10]], 2);
    expect(dense[0]).toEqual([0, 0]);
    expect(dense[dense.length - 1]).toEqual([0, 0]);
    for (let k = 1; k < dense.length; k++) {
      expect(Math.max(Math.abs(dense[k][0] - dense[k - 1][0]), Math.abs(dense[k][1] - dense[k - 1][1]))).toBeLessThanOrEqual(2 + 1e-9);
    }
  });

  it('draws meridians and parallels', () => {
    expect(graticuleLines(30)).toHaveLength(12 + 5);
  });
});

describe('basemapFromTopology', () => {
  it('keeps coastlines whole and borders to shared arcs only', () => {
    // Two countries side by side sharing arc 1; land is their union.
    const topology = {
      type: 'Topology',
      arcs: [
        [[0, 0], [0, 1], [1, 1]],
        [[1, 1], [1, 0]],
        [[1, 0], [0, 0]],
        [[1, 1], [2, 1], [2, 0], [1, 0]],
      ],
      objects: {
        countries: {
          type: 'GeometryCollection',
          geometries: [
            { type: 'Polygon', arcs: [[0, 1, 2]] },
            { type: 'Polygon', arcs: [[3, ~1]] },
          ],
        },
        land: { type: 'GeometryCollection', geometries: [{ type: 'Polygon', arcs: [[0, 3, 2]] }] },
      },
    } as unknown as Topology<{ countries: GeometryCollection; land: GeometryCollection }>;
    const basemap = basemapFromTopology(topology);
    expect(basemap.borders).toEqual([[[1, 1], [1, 0]]]);
    expect(basemap.coastlines.flat().length).toBeGreaterThan(4);
  });
});
