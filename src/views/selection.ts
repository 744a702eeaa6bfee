// Selection geometry: which points fall in a brushed rectangle or lasso, in data coordinates,
// and which globe cells fall in a screen rectangle. One pass over flat typed arrays each; no allocation per point.
import type { SelectMode } from './types.ts';

export interface Rectangle {
  xMin: number;
  xMax: number;
  yMin: number;
  yMax: number;
}

/** A rectangle from two corners in any order. */
export function rectangleFromCorners(x0: number, y0: number, x1: number, y1: number): Rectangle {
  return { xMin: Math.min(x0, x1), xMax: Math.max(x0, x1), yMin: Math.min(y0, y1), yMax: Math.max(y0, y1) };
}

function maskFor(count: number, out?: Uint8Array): Uint8Array {
  if (out && out.length === count) {
    out.fill(0);
    return out;
  }
  return new Uint8Array(count);
}

/** Points of `xy` (x0, y0, x1, y1, ...) inside the closed rectangle. NaN points are never inside. */
export function selectInRectangle(xy: Float32Array, rect: Rectangle, out?: Uint8Array): Uint8Array {
  const count = xy.length >> 1;
  const mask = maskFor(count, out);
  const { xMin, xMax, yMin, yMax } = rect;
  for (let i = 0; i < count; i++) {
    const x = xy[2 * i];
    const y = xy[2 * i + 1];
    if (x >= xMin && x <= xMax && y >= yMin && y <= yMax) mask[i] = 1;
  }
  return mask;
}

/**
 * Points of `xy` inside a polygon given as flat [x0, y0, x1, y1, ...] (closed implicitly), by the even-odd rule.
 * Edges are bucketed into horizontal bands first, so each point tests only the few edges crossing its band:
 * a 500-vertex lasso over 259,200 points costs about what a rectangle does.
 */
export function selectInPolygon(xy: Float32Array, polygon: ArrayLike<number>, out?: Uint8Array): Uint8Array {
  const count = xy.length >> 1;
  const mask = maskFor(count, out);
  const vertexCount = polygon.length >> 1;
  if (vertexCount < 3) return mask;

  let xMin = Infinity;
  let xMax = -Infinity;
  let yMin = Infinity;
  let yMax = -Infinity;
  for (let v = 0; v < vertexCount; v++) {
    const x = polygon[2 * v];
    const y = polygon[2 * v + 1];
    if (x < xMin) xMin = x;
    if (x > xMax) xMax = x;
    if (y < yMin) yMin = y;
    if (y > yMax) yMax = y;
  }
  if (!(yMax > yMin) || !(xMax > xMin)) return mask;

  const bandCount = Math.min(1024, Math.max(1, vertexCount));
  const bandScale = bandCount / (yMax - yMin);
  const bandOf = (y: number) => Math.min(bandCount - 1, Math.max(0, Math.floor((y - yMin) * bandScale)));

  // Compressed rows: bandStarts[b]..bandStarts[b+1] index into bandEdges, the edges whose y-span meets band b.
  const bandStarts = new Uint32Array(bandCount + 1);
  for (let v = 0; v < vertexCount; v++) {
    const w = (v + 1) % vertexCount;
    const first = bandOf(Math.min(polygon[2 * v + 1], polygon[2 * w + 1]));
    const last = bandOf(Math.max(polygon[2 * v + 1], polygon[2 * w + 1]));
    for (let b = first; b <= last; b++) bandStarts[b + 1]++;
  }
  for (let b = 0; b < bandCount; b++) bandStarts[b + 1] += bandStarts[b];
  const bandEdges = new Uint32Array(bandStarts[bandCount]);
  const cursor = bandStarts.slice(0, bandCount);
  for (let v = 0; v < vertexCount; v++) {
    const w = (v + 1) % vertexCount;
    const first = bandOf(Math.min(polygon[2 * v + 1], polygon[2 * w + 1]));
    const last = bandOf(Math.max(polygon[2 * v + 1], polygon[2 * w + 1]));
    for (let b = first; b <= last; b++) bandEdges[cursor[b]++] = v;
  }

  const px = new Float64Array(vertexCount);
  const py = new Float64Array(vertexCount);
  for (let v = 0; v < vertexCount; v++) {
    px[v] = polygon[2 * v];
    py[v] = polygon[2 * v + 1];
  }

  for (let i = 0; i < count; i++) {
    const x = xy[2 * i];
    const y = xy[2 * i + 1];
    if (!(x >= xMin && x <= xMax && y >= yMin && y <= yMax)) continue;
    const band = bandOf(y);
    let inside = false;
    for (let e = bandStarts[band], end = bandStarts[band + 1]; e < end; e++) {
      const v = bandEdges[e];
      const w = v + 1 === vertexCount ? 0 : v + 1;
      const yv = py[v];
      const yw = py[w];
      // Half-open in y, so that a vertex exactly at the point's height is counted once.
      if (yv > y !== yw > y && x < px[v] + ((y - yv) * (px[w] - px[v])) / (yw - yv)) inside = !inside;
    }
    if (inside) mask[i] = 1;
  }
  return mask;
}

/** The selection after a brush: the new mask alone ('replace'), or its union with the current one ('add'). */
export function combineSelection(current: Uint8Array, brushed: Uint8Array, mode: SelectMode): Uint8Array {
  if (mode === 'replace' || current.length !== brushed.length) return brushed;
  const combined = new Uint8Array(brushed.length);
  for (let i = 0; i < brushed.length; i++) combined[i] = current[i] | brushed[i];
  return combined;
}

export function countSelected(selection: Uint8Array): number {
  let count = 0;
  for (let i = 0; i < selection.length; i++) count += selection[i];
  return count;
}

/** Indices of the selected points, ascending. */
export function selectedIndices(selection: Uint8Array): Uint32Array {
  const indices = new Uint32Array(countSelected(selection));
  let next = 0;
  for (let i = 0; i < selection.length; i++) if (selection[i]) indices[next++] = i;
  return indices;
}

/**
 * Cells whose projected centre falls in a screen rectangle (pixels, top-left origin).
 * `positions` are the centres in the view's common space (N*3), `pixelProjection` the viewport's column-major
 * 4x4 common-to-pixel matrix. On a globe, `cameraPosition` (common space, globe centre at the origin) hides the far
 * side: a point P on the sphere faces a camera C exactly when P·C > |P|². Pass null on a flat map.
 */
export function selectProjectedInRectangle(
  positions: Float32Array,
  pixelProjection: ArrayLike<number>,
  cameraPosition: readonly [number, number, number] | null,
  rect: Rectangle,
  out?: Uint8Array,
): Uint8Array {
  const count = Math.floor(positions.length / 3);
  const mask = maskFor(count, out);
  const m = pixelProjection;
  for (let i = 0; i < count; i++) {
    const x = positions[3 * i];
    const y = positions[3 * i + 1];
    const z = positions[3 * i + 2];
    if (cameraPosition) {
      const facing = x * cameraPosition[0] + y * cameraPosition[1] + z * cameraPosition[2];
      if (facing <= x * x + y * y + z * z) continue;
    }
    const w = m[3] * x + m[7] * y + m[11] * z + m[15];
    if (!(w > 0)) continue;
    const sx = (m[0] * x + m[4] * y + m[8] * z + m[12]) / w;
    const sy = (m[1] * x + m[5] * y + m[9] * z + m[13]) / w;
    if (sx >= rect.xMin && sx <= rect.xMax && sy >= rect.yMin && sy <= rect.yMax) mask[i] = 1;
  }
  return mask;
}

/** Drops lasso vertices closer than `minDistance` to the last kept one: pointer events come faster than they matter. */
export function simplifyPath(points: readonly (readonly [number, number])[], minDistance: number): [number, number][] {
  const kept: [number, number][] = [];
  const minSquared = minDistance * minDistance;
  for (const [x, y] of points) {
    const last = kept[kept.length - 1];
    if (!last || (x - last[0]) ** 2 + (y - last[1]) ** 2 >= minSquared) kept.push([x, y]);
  }
  return kept;
}
