import { describe, expect, it } from 'vitest';
import {
  applySelectionToAttributes,
  buildCellGeometry,
  createLinkedAttributes,
  DEFAULT_HIGHLIGHT_STYLE,
  VERTICES_PER_CELL,
} from './attributes.ts';

describe('buildCellGeometry', () => {
  it('builds a counter-clockwise quad and two triangles per cell, shifting west edges into [-180, 180)', () => {
    const bounds = new Float32Array([10, 11, 200, 201, -90, -89, 359.5, 0.5, 89, 90, 0, 1]);
    const geometry = buildCellGeometry(bounds);
    expect(geometry.count).toBe(3);
    expect(Array.from(geometry.startIndices)).toEqual([0, 4, 8, 12]);
    expect(Array.from(geometry.positions.subarray(0, 12))).toEqual([-160, 10, 0, -159, 10, 0, -159, 11, 0, -160, 11, 0]);
    // The cell straddling 0/360 is made contiguous: -0.5 to 0.5.
    expect(Array.from(geometry.positions.subarray(12, 24))).toEqual([-0.5, -90, 0, 0.5, -90, 0, 0.5, -89, 0, -0.5, -89, 0]);
    expect(geometry.positions[24 + 7]).toBe(90);
    expect(Array.from(geometry.indices.subarray(6, 12))).toEqual([4, 5, 6, 4, 6, 7]);
  });

  it('clamps latitudes for the flat map', () => {
    const geometry = buildCellGeometry(new Float32Array([89, 90, 0, 1]), 85);
    expect(geometry.positions[1]).toBe(85);
    expect(geometry.positions[7]).toBe(85);
  });
});

describe('applySelectionToAttributes', () => {
  const colours = new Uint8Array([200, 100, 50, 255, 10, 20, 30, 255, 0, 0, 255, 255]);

  it('draws everything alike with no selection', () => {
    const out = createLinkedAttributes(3);
    const counts = applySelectionToAttributes(colours, new Uint8Array(3), out);
    expect(counts).toEqual({ scatterHighlighted: 0, globeHighlighted: 0 });
    expect(Array.from(out.scatter.radii)).toEqual([2.2, 2.2, 2.2].map(Math.fround));
    expect(out.scatter.fillColours[3]).toBe(DEFAULT_HIGHLIGHT_STYLE.alpha);
    // All four corners of a cell carry its colour, opaque.
    expect(Array.from(out.globeColours.subarray(0, VERTICES_PER_CELL * 4))).toEqual([
      200, 100, 50, 255, 200, 100, 50, 255, 200, 100, 50, 255, 200, 100, 50, 255,
    ]);
  });

  it('highlights the selection and dims the rest in both views', () => {
    const out = createLinkedAttributes(3);
    const counts = applySelectionToAttributes(colours, new Uint8Array([0, 1, 0]), out);
    expect(counts).toEqual({ scatterHighlighted: 1, globeHighlighted: 1 });
    expect(out.scatter.radii[1]).toBeGreaterThan(out.scatter.radii[0]);
    expect(out.scatter.fillColours[7]).toBe(255);
    expect(out.scatter.fillColours[3]).toBeLessThan(60);
    expect(Array.from(out.globeColours.subarray(16, 20))).toEqual([10, 20, 30, 255]);
    // Dimmed cells move towards the globe's background and stay opaque.
    expect(out.globeColours[0]).toBeLessThan(200);
    expect(out.globeColours[3]).toBe(255);
  });
});
