// From a store's latitude and longitude coordinates to Aurora's grid: latitudes decreasing,
// longitudes increasing in [0, 360), cropped to whole patches. The plan maps every output row and
// column back to the store, so that any store order is read without assuming it.
import { GridShapeError, IrregularGridError, RegionError } from './errors.ts';
import { convertLongitude, createPatchGrid, heldPatchRows, patchBounds, patchColumns, PATCH_SIZE } from './geometry.ts';

export interface GridPlan {
  /** Output latitudes (cropped), strictly decreasing. */
  lat: Float64Array;
  /** Output longitudes, strictly increasing in [0, 360). */
  lon: Float64Array;
  /** Latitudes in the store. */
  storeHeight: number;
  storeWidth: number;
  /** Whether the store's latitudes decrease (ERA5, WB2) or increase (many CDS conversions). */
  storeLatDescending: boolean;
  /** Store column of each output column. */
  storeColumn: Int32Array;
}

/** A band of whole patch rows of the output grid, and the store rows holding it. */
export interface RowBand {
  /** First output row (a multiple of PATCH_SIZE) and the row after the last. */
  start: number;
  end: number;
  /** The same rows in the store: [storeStart, storeEnd), in store order. */
  storeStart: number;
  storeEnd: number;
}

/** Relative tolerance on grid spacing: coordinates stored as float32 are not exact. */
const SPACING_TOLERANCE = 1e-4;

export function planGrid(storeLat: ArrayLike<number>, storeLon: ArrayLike<number>): GridPlan {
  const latStep = regularStep(storeLat, 'latitude');
  for (let i = 0; i < storeLat.length; i++) {
    if (!(Math.abs(storeLat[i]) <= 90)) throw new IrregularGridError('latitude', `${storeLat[i]} is not a latitude in [-90, 90]`);
  }
  const storeLatDescending = latStep < 0;
  const height = storeLat.length;
  const remainder = height % PATCH_SIZE;
  if (remainder > 1) {
    throw new GridShapeError(
      `${height} latitudes leave ${remainder} rows over; Aurora needs a multiple of ${PATCH_SIZE}, or one more ` +
        '(as ERA5 has 721, of which the southernmost row is dropped)',
    );
  }
  const croppedHeight = height - remainder;
  const lat = new Float64Array(croppedHeight);
  for (let i = 0; i < croppedHeight; i++) lat[i] = storeLat[storeLatDescending ? i : height - 1 - i];

  const width = storeLon.length;
  if (width % PATCH_SIZE !== 0) throw new GridShapeError(`${width} longitudes are not a multiple of ${PATCH_SIZE}`);
  const lon360 = Float64Array.from({ length: width }, (_, j) => convertLongitude(storeLon[j], '0..360'));
  const storeColumn = Int32Array.from({ length: width }, (_, j) => j).sort((a, b) => lon360[a] - lon360[b]);
  const lon = Float64Array.from(storeColumn, (j) => lon360[j]);
  regularStep(storeLon, 'longitude');
  regularStep(lon, 'longitude', ' once converted to [0, 360) and sorted (a regional grid must not straddle 0 E)');
  return { lat, lon, storeHeight: height, storeWidth: width, storeLatDescending, storeColumn };
}

/** Every row of the output grid. */
export function fullBand(plan: GridPlan): RowBand {
  return bandOfRows(plan, 0, plan.lat.length);
}

/**
 * The whole patch rows whose bounds overlap a latitude range: what a region needs, so that only
 * the chunks holding those rows are read.
 */
export function bandForLatitudes(plan: GridPlan, south: number, north: number): RowBand {
  if (!(south <= north)) throw new RegionError(`Latitude range: south (${south}) is north of north (${north})`);
  const grid = createPatchGrid(plan.lat, plan.lon);
  let first = -1;
  let last = -1;
  for (let row = 0; row < heldPatchRows(grid); row++) {
    const bounds = patchBounds(grid, row * patchColumns(grid));
    if (bounds.south < north && bounds.north > south) {
      if (first < 0) first = row;
      last = row;
    }
  }
  if (first < 0) throw new RegionError(`Latitudes ${south} .. ${north} hold no patch of this grid`);
  return bandOfRows(plan, first * PATCH_SIZE, (last + 1) * PATCH_SIZE);
}

/** Output rows start .. end - 1 (whole patch rows) and the store rows holding them. */
export function bandOfRows(plan: GridPlan, start: number, end: number): RowBand {
  if (plan.storeLatDescending) return { start, end, storeStart: start, storeEnd: end };
  return { start, end, storeStart: plan.storeHeight - end, storeEnd: plan.storeHeight - start };
}

/** Store row of an output row inside a band, relative to the band's first store row. */
export function storeRowInBand(plan: GridPlan, band: RowBand, row: number): number {
  return plan.storeLatDescending ? row - band.start : band.end - 1 - row;
}

/** The constant step of a coordinate (negative when it decreases); IrregularGridError when the spacing varies. */
export function regularStep(values: ArrayLike<number>, axis: 'latitude' | 'longitude', context = ''): number {
  if (values.length < 2) throw new IrregularGridError(axis, `it has ${values.length} value(s)${context}`);
  const step = (values[values.length - 1] - values[0]) / (values.length - 1);
  if (step === 0 || !Number.isFinite(step)) throw new IrregularGridError(axis, `its values do not change${context}`);
  for (let i = 1; i < values.length; i++) {
    const gap = values[i] - values[i - 1];
    if (Math.abs(gap - step) > Math.abs(step) * SPACING_TOLERANCE) {
      throw new IrregularGridError(
        axis,
        `the spacing between ${values[i - 1]} and ${values[i]} is ${gap}, not the mean spacing ${step}${context}`,
      );
    }
  }
  return step;
}
