// Picking on the CPU: which point is under the pointer in the scatter, which cell under it on the globe or map.
// deck.gl's own picking draws the pickable layers again into an offscreen buffer and reads a pixel back, which
// waits for every frame still being drawn; with software WebGL that wait is seconds. These indexes answer in
// microseconds from the same arrays the views draw, built once per set of points.
import { convertLongitude } from '../data/geometry.ts';

/** Points of a scatter in data space, bucketed on a uniform grid. */
export interface PointIndex {
  /**
   * The point nearest (x, y) within `radiusX` and `radiusY` data units (an ellipse: the axes scale apart),
   * or null. Of points equally near, the later one, which is drawn on top.
   */
  nearest(x: number, y: number, radiusX: number, radiusY: number): number | null;
}

/** Buckets hold about this many points each when points spread evenly. */
const POINTS_PER_BUCKET = 4;

/** Indexes `xy` (x0, y0, x1, y1, ...); points with a non-finite coordinate are never found. */
export function createPointIndex(xy: Float32Array): PointIndex {
  const count = xy.length >> 1;
  let xMin = Infinity;
  let xMax = -Infinity;
  let yMin = Infinity;
  let yMax = -Infinity;
  for (let i = 0; i < count; i++) {
    const x = xy[2 * i];
    const y = xy[2 * i + 1];
    if (!Number.isFinite(x) || !Number.isFinite(y)) continue;
    xMin = Math.min(xMin, x);
    xMax = Math.max(xMax, x);
    yMin = Math.min(yMin, y);
    yMax = Math.max(yMax, y);
  }
  if (xMin > xMax) return { nearest: () => null };
  const side = Math.max(1, Math.round(Math.sqrt(count / POINTS_PER_BUCKET)));
  const width = (xMax - xMin) / side || 1;
  const height = (yMax - yMin) / side || 1;
  const column = (x: number) => Math.min(side - 1, Math.max(0, Math.floor((x - xMin) / width)));
  const row = (y: number) => Math.min(side - 1, Math.max(0, Math.floor((y - yMin) / height)));

  // Compressed rows: the points of bucket b are members[starts[b]] up to members[starts[b + 1]].
  const bucketOf = new Int32Array(count).fill(-1);
  const starts = new Int32Array(side * side + 1);
  for (let i = 0; i < count; i++) {
    const x = xy[2 * i];
    const y = xy[2 * i + 1];
    if (!Number.isFinite(x) || !Number.isFinite(y)) continue;
    bucketOf[i] = row(y) * side + column(x);
    starts[bucketOf[i] + 1]++;
  }
  for (let b = 0; b < side * side; b++) starts[b + 1] += starts[b];
  const members = new Int32Array(starts[side * side]);
  const filled = starts.slice(0, side * side);
  for (let i = 0; i < count; i++) if (bucketOf[i] >= 0) members[filled[bucketOf[i]]++] = i;

  return {
    nearest(x, y, radiusX, radiusY) {
      if (!(radiusX > 0 && radiusY > 0) || x + radiusX < xMin || x - radiusX > xMax || y + radiusY < yMin || y - radiusY > yMax) return null;
      let best: number | null = null;
      let bestDistance = 1;
      for (let r = row(y - radiusY); r <= row(y + radiusY); r++) {
        for (let c = column(x - radiusX); c <= column(x + radiusX); c++) {
          const bucket = r * side + c;
          for (let m = starts[bucket]; m < starts[bucket + 1]; m++) {
            const i = members[m];
            const distance = ((xy[2 * i] - x) / radiusX) ** 2 + ((xy[2 * i + 1] - y) / radiusY) ** 2;
            if (distance < bestDistance || (distance === bestDistance && best !== null && i > best)) {
              best = i;
              bestDistance = distance;
            }
          }
        }
      }
      return best;
    },
  };
}

/** Cells of the globe (see PatchTable.cellBounds), bucketed by whole degrees of latitude and longitude. */
export interface CellIndex {
  /** The cell that contains (lon, lat), longitude in either convention, or null. Of overlapping cells, the later one. */
  cellAt(lon: number, lat: number): number | null;
}

const LON_BUCKETS = 360;
const LAT_BUCKETS = 180;

export function createCellIndex(cellBounds: Float32Array): CellIndex {
  const count = cellBounds.length >> 2;
  const lonSpan = (i: number) => {
    const width = cellBounds[4 * i + 3] - cellBounds[4 * i + 2];
    return width < 0 ? width + 360 : width;
  };
  const latRange = (i: number): [number, number] => [
    Math.max(0, Math.floor(cellBounds[4 * i] + 90)),
    Math.min(LAT_BUCKETS - 1, Math.ceil(cellBounds[4 * i + 1] + 90) - 1),
  ];
  const visit = (i: number, each: (bucket: number) => void) => {
    const [r0, r1] = latRange(i);
    const west = Math.floor(cellBounds[4 * i + 2]);
    const columns = Math.min(LON_BUCKETS, Math.ceil(cellBounds[4 * i + 2] + lonSpan(i)) - west);
    for (let r = r0; r <= r1; r++) for (let c = 0; c < columns; c++) each(r * LON_BUCKETS + convertLongitude(west + c, '0..360'));
  };
  const starts = new Int32Array(LON_BUCKETS * LAT_BUCKETS + 1);
  for (let i = 0; i < count; i++) visit(i, (bucket) => starts[bucket + 1]++);
  for (let b = 0; b < LON_BUCKETS * LAT_BUCKETS; b++) starts[b + 1] += starts[b];
  const members = new Int32Array(starts[LON_BUCKETS * LAT_BUCKETS]);
  const filled = starts.slice(0, LON_BUCKETS * LAT_BUCKETS);
  for (let i = 0; i < count; i++) visit(i, (bucket) => (members[filled[bucket]++] = i));

  return {
    cellAt(lon, lat) {
      if (!(lat >= -90 && lat <= 90) || !Number.isFinite(lon)) return null;
      const east = convertLongitude(lon, '0..360');
      const bucket = Math.min(LAT_BUCKETS - 1, Math.floor(lat + 90)) * LON_BUCKETS + Math.min(LON_BUCKETS - 1, Math.floor(east));
      for (let m = starts[bucket + 1] - 1; m >= starts[bucket]; m--) {
        const i = members[m];
        if (lat < cellBounds[4 * i] || lat > cellBounds[4 * i + 1]) continue;
        let offset = east - cellBounds[4 * i + 2];
        if (offset < 0) offset += 360;
        if (offset <= lonSpan(i)) return i;
      }
      return null;
    },
  };
}
