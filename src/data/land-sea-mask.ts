// Land fractions of patches whose latents come without inputs (a latent store): the mean of a land-sea
// mask at each patch's grid points, as the study's `reduce_mask` does (4 x 4 points at 0.25 degrees).
// The mask is the real ERA5 one the product ships (assets/era5/static-0.25deg.zarr) or any static
// store a person gives, in either layout, with or without a time dimension.
import * as zarr from 'zarrita';
import { packingOf } from './dataset.ts';
import { GridMismatchError, MissingVariableError, UnsupportedEncodingError } from './errors.ts';
import { patchRowCol, PATCH_SIZE, type PatchGrid } from './geometry.ts';
import { planGrid, type GridPlan } from './grid.ts';
import { axisOfDimension, LAYOUTS, LAYOUT_NAMES } from './layout.ts';
import type { ZarrSource } from './store.ts';

/** The shipped real ERA5 0.25-degree static fields, relative to the repository (the CLI). */
export const ERA5_STATIC_STORE = 'assets/era5/static-0.25deg.zarr';
/** The same store as the app serves it (prepare-assets copies it into public/). */
export const ERA5_STATIC_STORE_ON_SITE = '/era5/static-0.25deg.zarr';

export interface LandSeaMask {
  /** The mask's grid (latitudes decreasing, longitudes in [0, 360)) and its mapping to the stored order. */
  plan: GridPlan;
  /** The mask, 0..1, (latitude, longitude) in the store's order. */
  values: Float64Array;
  /** Where the mask came from, for messages. */
  location: string;
}

/** Reads the land-sea mask of a static store ('land_sea_mask' or 'lsm'); other dimensions (a time) are read at their first index. */
export async function readLandSeaMask(source: ZarrSource): Promise<LandSeaMask> {
  const names = LAYOUT_NAMES.map((layout) => LAYOUTS[layout].static.lsm);
  let array: zarr.Array<zarr.DataType, zarr.Readable> | undefined;
  for (const name of names) array ??= await source.openArray(name);
  if (!array) throw new MissingVariableError('The static land-sea mask', source.location, `it has neither '${names.join("' nor '")}'`);
  const name = array.path.split('/').pop() ?? names[0];
  const fromAttributes = array.attrs._ARRAY_DIMENSIONS;
  const dims = array.dimensionNames ?? (Array.isArray(fromAttributes) ? fromAttributes.map(String) : []);
  const latDim = dims.findIndex((dim) => axisOfDimension(dim) === 'latitude');
  const lonDim = dims.findIndex((dim) => axisOfDimension(dim) === 'longitude');
  if (latDim < 0 || lonDim < 0 || dims.length !== array.shape.length) {
    throw new MissingVariableError(`The static land-sea mask '${name}' with latitude and longitude dimensions`, source.location, `its dimensions are (${dims.join(', ')})`);
  }
  if (!array.is('number')) throw new UnsupportedEncodingError(name, 'dtype', array.dtype);
  const selection = dims.map((_, i) => (i === latDim || i === lonDim ? null : 0));
  const { data } = await zarr.get(array, selection);
  const { scale, offset, missing } = packingOf(array);
  const height = array.shape[latDim];
  const width = array.shape[lonDim];
  const values = new Float64Array(height * width);
  const transposed = lonDim < latDim;
  for (let i = 0; i < height; i++) {
    for (let j = 0; j < width; j++) {
      const raw = Number(data[transposed ? j * height + i : i * width + j]);
      values[i * width + j] = missing.includes(raw) ? Number.NaN : raw * scale + offset;
    }
  }
  const coordinate = async (dim: number) => {
    const coordinateArray = await source.openArray(dims[dim]);
    if (!coordinateArray) throw new MissingVariableError(`The coordinate '${dims[dim]}' of the land-sea mask`, source.location, 'the store has no variable of that name');
    return Float64Array.from((await zarr.get(coordinateArray)).data as ArrayLike<number>, Number);
  };
  return { plan: planGrid(await coordinate(latDim), await coordinate(lonDim)), values, location: source.location };
}

/**
 * The land fraction of each patch: the mean, in float64, of the mask at the patch's PATCH_SIZE x
 * PATCH_SIZE grid points. The mask must hold those points (a 0.25-degree mask serves 0.25- and
 * 1-degree patches alike).
 */
export function patchLandFractions(grid: PatchGrid, patchIndices: ArrayLike<number>, mask: LandSeaMask): Float64Array {
  const { plan } = mask;
  const width = plan.storeWidth;
  const rowOf = locator(plan.lat, 'latitude', mask.location);
  const columnOf = locator(plan.lon, 'longitude', mask.location);
  const storeRow = (latitude: number) => {
    const row = rowOf(latitude);
    return plan.storeLatDescending ? row : plan.storeHeight - 1 - row;
  };
  const storeColumn = (longitude: number) => plan.storeColumn[columnOf(longitude)];
  const out = new Float64Array(patchIndices.length);
  for (let p = 0; p < patchIndices.length; p++) {
    const { row, col } = patchRowCol(grid, patchIndices[p]);
    const firstRow = (row - grid.firstPatchRow) * PATCH_SIZE;
    const firstCol = col * PATCH_SIZE;
    let sum = 0;
    for (let i = 0; i < PATCH_SIZE; i++) {
      const offset = storeRow(grid.lat[firstRow + i]) * width;
      for (let j = 0; j < PATCH_SIZE; j++) sum += mask.values[offset + storeColumn(grid.lon[firstCol + j])];
    }
    out[p] = sum / (PATCH_SIZE * PATCH_SIZE);
  }
  return out;
}

/** Index of a coordinate value in a regular axis, or GridMismatchError when no grid point is there. */
function locator(axis: Float64Array, name: 'latitude' | 'longitude', location: string): (value: number) => number {
  const step = (axis[axis.length - 1] - axis[0]) / (axis.length - 1);
  return (value) => {
    let index = Math.round((value - axis[0]) / step);
    if (name === 'longitude') index = ((index % axis.length) + axis.length) % axis.length;
    if (!(index >= 0 && index < axis.length) || Math.abs(axis[index] - value) > Math.abs(step) * 1e-3) {
      throw new GridMismatchError(
        `the land-sea mask of ${location} has no grid point at ${name} ${value}; give a static store on the patches' grid (or a finer one that holds its points)`,
      );
    }
    return index;
  };
}
