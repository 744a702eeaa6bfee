// Conservative regridding of the real 0.25-degree static fields to a coarser regular grid: area
// averages (land-sea mask, geopotential) and area-weighted majority (soil type, a category).
// Cells are centred on grid points, half a spacing either side, clipped at the poles.

const DEG = Math.PI / 180;

export interface RegularGrid {
  /** Latitudes, decreasing. */
  lat: Float64Array;
  /** Longitudes in [0, 360), increasing, covering the globe. */
  lon: Float64Array;
}

interface Overlap {
  index: number;
  weight: number;
}

/** The global grid with `step` degrees spacing: latitudes 90 .. -90, longitudes 0 .. 360 - step. */
export function globalGrid(step: number): RegularGrid {
  const rows = Math.round(180 / step) + 1;
  const cols = Math.round(360 / step);
  return {
    lat: Float64Array.from({ length: rows }, (_, i) => 90 - i * step),
    lon: Float64Array.from({ length: cols }, (_, j) => j * step),
  };
}

/** For each target row, the source rows overlapping it and the overlap area (in sin latitude). */
function latitudeOverlaps(source: Float64Array, target: Float64Array): Overlap[][] {
  const halfSource = Math.abs(source[1] - source[0]) / 2;
  const halfTarget = Math.abs(target[1] - target[0]) / 2;
  return Array.from(target, (t) => {
    const north = Math.min(90, t + halfTarget);
    const south = Math.max(-90, t - halfTarget);
    const overlaps: Overlap[] = [];
    source.forEach((s, index) => {
      const top = Math.min(north, s + halfSource, 90);
      const bottom = Math.max(south, s - halfSource, -90);
      if (top > bottom) overlaps.push({ index, weight: Math.sin(top * DEG) - Math.sin(bottom * DEG) });
    });
    return overlaps;
  });
}

/** For each target column, the source columns overlapping it (wrapping around 360) and the overlap in degrees. */
function longitudeOverlaps(source: Float64Array, target: Float64Array): Overlap[][] {
  const halfSource = (source[1] - source[0]) / 2;
  const halfTarget = (target[1] - target[0]) / 2;
  return Array.from(target, (t) => {
    const overlaps: Overlap[] = [];
    source.forEach((s, index) => {
      // The source cell's nearest copy to the target cell (s, s - 360 or s + 360).
      const centre = s + 360 * Math.round((t - s) / 360);
      const overlap = Math.min(t + halfTarget, centre + halfSource) - Math.max(t - halfTarget, centre - halfSource);
      if (overlap > 1e-9) overlaps.push({ index, weight: overlap });
    });
    return overlaps;
  });
}

function regrid(source: RegularGrid, target: RegularGrid, combine: (cells: Overlap[]) => number): Float32Array {
  const rows = latitudeOverlaps(source.lat, target.lat);
  const cols = longitudeOverlaps(source.lon, target.lon);
  const W = source.lon.length;
  const out = new Float32Array(target.lat.length * target.lon.length);
  const cells: Overlap[] = [];
  for (let i = 0; i < rows.length; i++) {
    for (let j = 0; j < cols.length; j++) {
      cells.length = 0;
      for (const row of rows[i]) for (const col of cols[j]) cells.push({ index: row.index * W + col.index, weight: row.weight * col.weight });
      out[i * cols.length + j] = combine(cells);
    }
  }
  return out;
}

/** Area-weighted mean of the source cells each target cell covers. */
export function areaAverage(source: RegularGrid, values: Float32Array, target: RegularGrid): Float32Array {
  return regrid(source, target, (cells) => {
    let sum = 0;
    let weight = 0;
    for (const cell of cells) {
      sum += values[cell.index] * cell.weight;
      weight += cell.weight;
    }
    return sum / weight;
  });
}

/** The category covering the largest area of each target cell. */
export function areaMajority(source: RegularGrid, values: Float32Array, target: RegularGrid): Float32Array {
  const areas = new Map<number, number>();
  return regrid(source, target, (cells) => {
    areas.clear();
    for (const cell of cells) areas.set(values[cell.index], (areas.get(values[cell.index]) ?? 0) + cell.weight);
    let best = Number.NaN;
    let bestArea = -1;
    for (const [category, area] of areas) {
      if (area > bestArea || (area === bestArea && category < best)) {
        best = category;
        bestArea = area;
      }
    }
    return best;
  });
}
