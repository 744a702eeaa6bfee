// Binary attributes for both views. Geometry (cell quads, their triangles) is built once per grid;
// a brush or recolour rewrites only the colour and size arrays, in one pass, into preallocated buffers.
import type { Rgba } from './types.ts';

/** Each cell is a quad: four corners, two triangles. */
export const VERTICES_PER_CELL = 4;

/** Web Mercator cannot reach the poles; the flat map squeezes polar cells to its edge instead. */
export const MERCATOR_MAX_LATITUDE = 85.051129;

export interface CellGeometry {
  count: number;
  /** count+1 vertex offsets, as deck.gl's binary polygon data wants them. */
  startIndices: Uint32Array;
  /** count*4 corners of (lon, lat, 0), counter-clockwise seen from outside the globe. */
  positions: Float32Array;
  /** count*6 vertex indices: the two triangles of each quad. */
  indices: Uint32Array;
}

/**
 * Quads for cells given as (latMin, latMax, lonMin, lonMax) with longitudes in [0, 360).
 * A cell straddling 0/360 (lonMax < lonMin) is made contiguous, and every cell is shifted so its west edge lies in
 * [-180, 180): the globe does not care, and the flat map then draws the usual Greenwich-centred world.
 */
export function buildCellGeometry(cellBounds: Float32Array, maxLatitude = 90): CellGeometry {
  const count = cellBounds.length >> 2;
  const startIndices = new Uint32Array(count + 1);
  const positions = new Float32Array(count * VERTICES_PER_CELL * 3);
  const indices = new Uint32Array(count * 6);
  for (let i = 0; i < count; i++) {
    const latMin = Math.max(-maxLatitude, Math.min(maxLatitude, cellBounds[4 * i]));
    const latMax = Math.max(-maxLatitude, Math.min(maxLatitude, cellBounds[4 * i + 1]));
    let west = cellBounds[4 * i + 2];
    let width = cellBounds[4 * i + 3] - west;
    if (width < 0) width += 360;
    if (west >= 180) west -= 360;
    const east = west + width;
    const p = i * VERTICES_PER_CELL * 3;
    positions[p] = west;
    positions[p + 1] = latMin;
    positions[p + 3] = east;
    positions[p + 4] = latMin;
    positions[p + 6] = east;
    positions[p + 7] = latMax;
    positions[p + 9] = west;
    positions[p + 10] = latMax;
    const v = i * VERTICES_PER_CELL;
    startIndices[i + 1] = v + VERTICES_PER_CELL;
    const t = i * 6;
    indices[t] = v;
    indices[t + 1] = v + 1;
    indices[t + 2] = v + 2;
    indices[t + 3] = v;
    indices[t + 4] = v + 2;
    indices[t + 5] = v + 3;
  }
  return { count, startIndices, positions, indices };
}

export interface HighlightStyle {
  /** Radius of a point in pixels with no selection. */
  radius: number;
  /** Radius of a selected point when a selection exists. */
  selectedRadius: number;
  /** Radius of an unselected point when a selection exists. */
  dimmedRadius: number;
  /** Alpha of scatter points with no selection (a little see-through, so that dense clusters read as dense). */
  alpha: number;
  /** Alpha of unselected scatter points when a selection exists. */
  dimmedAlpha: number;
  /** Share of the background mixed into unselected globe cells; cells stay opaque so the globe stays solid. */
  globeDimming: number;
  /** The globe's colour under the cells, which dimmed cells fade towards. */
  globeBackground: Rgba;
}

export const DEFAULT_HIGHLIGHT_STYLE: HighlightStyle = {
  radius: 2.2,
  selectedRadius: 3.2,
  dimmedRadius: 1.8,
  alpha: 210,
  dimmedAlpha: 38,
  globeDimming: 0.72,
  globeBackground: [22, 27, 36, 255],
};

export interface ScatterAttributes {
  /** count*4 RGBA per point. */
  fillColours: Uint8Array;
  /** Radius per point, in pixels. */
  radii: Float32Array;
}

export function createScatterAttributes(count: number): ScatterAttributes {
  return { fillColours: new Uint8Array(count * 4), radii: new Float32Array(count) };
}

/** Per-vertex RGBA for the globe's cells (count*4 vertices*4 bytes): deck.gl uploads it as it is. */
export function createGlobeColours(count: number): Uint8Array {
  return new Uint8Array(count * VERTICES_PER_CELL * 4);
}

/**
 * Scatter colours and radii from the base colours and the selection. Returns the number of points drawn highlighted
 * (the selected ones when a selection exists, else none).
 */
export function writeScatterAttributes(
  colours: Uint8Array,
  selection: Uint8Array,
  out: ScatterAttributes,
  style: HighlightStyle = DEFAULT_HIGHLIGHT_STYLE,
): number {
  const count = out.radii.length;
  const hasSelection = selection.length === count && selection.includes(1);
  const { fillColours, radii } = out;
  let highlighted = 0;
  for (let i = 0; i < count; i++) {
    const o = 4 * i;
    fillColours[o] = colours[o];
    fillColours[o + 1] = colours[o + 1];
    fillColours[o + 2] = colours[o + 2];
    if (!hasSelection) {
      fillColours[o + 3] = (colours[o + 3] * style.alpha) / 255;
      radii[i] = style.radius;
    } else if (selection[i]) {
      fillColours[o + 3] = colours[o + 3];
      radii[i] = style.selectedRadius;
      highlighted++;
    } else {
      fillColours[o + 3] = (colours[o + 3] * style.dimmedAlpha) / 255;
      radii[i] = style.dimmedRadius;
    }
  }
  return highlighted;
}

/** Globe cell colours, written to all four corners of each cell. Returns the number of cells drawn highlighted. */
export function writeGlobeColours(
  colours: Uint8Array,
  selection: Uint8Array,
  out: Uint8Array,
  style: HighlightStyle = DEFAULT_HIGHLIGHT_STYLE,
): number {
  const count = out.length / (VERTICES_PER_CELL * 4);
  const hasSelection = selection.length === count && selection.includes(1);
  const keep = 1 - style.globeDimming;
  const [br, bg, bb] = style.globeBackground;
  const dimR = br * style.globeDimming;
  const dimG = bg * style.globeDimming;
  const dimB = bb * style.globeDimming;
  let highlighted = 0;
  for (let i = 0; i < count; i++) {
    const c = 4 * i;
    let r = colours[c];
    let g = colours[c + 1];
    let b = colours[c + 2];
    if (hasSelection) {
      if (selection[i]) {
        highlighted++;
      } else {
        r = r * keep + dimR;
        g = g * keep + dimG;
        b = b * keep + dimB;
      }
    }
    const o = 16 * i;
    out[o] = out[o + 4] = out[o + 8] = out[o + 12] = r;
    out[o + 1] = out[o + 5] = out[o + 9] = out[o + 13] = g;
    out[o + 2] = out[o + 6] = out[o + 10] = out[o + 14] = b;
    out[o + 3] = out[o + 7] = out[o + 11] = out[o + 15] = 255;
  }
  return highlighted;
}

export interface LinkedAttributes {
  scatter: ScatterAttributes;
  globeColours: Uint8Array;
}

export function createLinkedAttributes(count: number): LinkedAttributes {
  return { scatter: createScatterAttributes(count), globeColours: createGlobeColours(count) };
}

/**
 * What a brush costs after the selection is known: both views' new colour and size attributes.
 * The views call the two writers separately; this is the sum that the brushing benchmark times.
 */
export function applySelectionToAttributes(
  colours: Uint8Array,
  selection: Uint8Array,
  out: LinkedAttributes,
  style: HighlightStyle = DEFAULT_HIGHLIGHT_STYLE,
): { scatterHighlighted: number; globeHighlighted: number } {
  return {
    scatterHighlighted: writeScatterAttributes(colours, selection, out.scatter, style),
    globeHighlighted: writeGlobeColours(colours, selection, out.globeColours, style),
  };
}
