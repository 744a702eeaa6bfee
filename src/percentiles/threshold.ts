// A patch's percentile threshold: the mean of the percentile grid points within half a patch of its
// centre, i.e. inside the patch's bounds (src/data/geometry.ts patchBounds, which span the patch's
// grid points plus half a grid spacing: +-0.5 degrees around the centre for Aurora's 1-degree
// patches at 0.25 degrees). Longitudes are compared after conversion, so that a patch centred at
// 359.6 E (ERA5's convention) finds the percentile points at -0.4 E (the files' convention): the
// study lost every patch west of Greenwich by comparing them unconverted.
import { convertLongitude, type PatchBounds } from '../data/geometry.ts';
import type { PercentileField } from './percentile-field.ts';

/**
 * Slack on the bounds, in degrees: points exactly on a patch edge count (for both neighbours), also
 * when the coordinates went through float32 (0.1-degree grids stored as float32 are off by ~1e-6).
 */
const EDGE_TOLERANCE_DEGREES = 1e-5;

/**
 * One threshold per patch: the mean of the field's non-missing points inside the patch's bounds;
 * NaN when there is none (the patch is outside the percentile region).
 */
export function patchThresholds(field: PercentileField, bounds: readonly PatchBounds[]): Float64Array {
  const width = field.lon.length;
  return Float64Array.from(bounds, (patch) => {
    const rows = indicesWhere(field.lat, (lat) => lat >= patch.south - EDGE_TOLERANCE_DEGREES && lat <= patch.north + EDGE_TOLERANCE_DEGREES);
    const span = patch.east - patch.west;
    // Degrees east of the patch's western edge, in [0, 360): inside when at most the patch's width.
    const cols = indicesWhere(field.lon, (lon) => {
      const east = convertLongitude(lon - patch.west + EDGE_TOLERANCE_DEGREES, '0..360');
      return east <= span + 2 * EDGE_TOLERANCE_DEGREES;
    });
    let sum = 0;
    let count = 0;
    for (const i of rows) {
      for (const j of cols) {
        const value = field.values[i * width + j];
        if (Number.isNaN(value)) continue;
        sum += value;
        count++;
      }
    }
    return count === 0 ? Number.NaN : sum / count;
  });
}

function indicesWhere(values: Float64Array, keep: (value: number) => boolean): number[] {
  const out: number[] = [];
  for (let i = 0; i < values.length; i++) if (keep(values[i])) out.push(i);
  return out;
}
