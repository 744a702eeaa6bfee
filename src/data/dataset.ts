// An ERA5 dataset opened for Aurora: layout detected, every variable found, coordinates decoded
// and the grid planned, so that a missing variable or a bad grid is reported when the store is
// opened, before any batch is read.
import * as zarr from 'zarrita';
import {
  ATMOSPHERIC_VARIABLES,
  AURORA_LEVELS,
  STATIC_VARIABLES,
  STEP_HOURS,
  SURFACE_VARIABLES,
  type AtmosphericVariable,
  type StaticVariable,
  type SurfaceVariable,
} from './batch.ts';
import { decodeCfTimes } from './cf-time.ts';
import { GridMismatchError, InvalidShapeError, IrregularGridError, MissingVariableError, UnsupportedEncodingError } from './errors.ts';
import { checkCoordinateLength, checkGridSize } from './integrity.ts';
import { planGrid, type GridPlan } from './grid.ts';
import { metadataNumber } from './metadata-json.ts';
import { axisOfDimension, detectLayout, LAYOUTS, type Axis, type Layout, type LayoutName } from './layout.ts';
import type { ZarrArray, ZarrSource } from './store.ts';

/** CF packing: physical = raw * scale + offset; raw values in `missing` are gaps. */
export interface Packing {
  scale: number;
  offset: number;
  missing: readonly number[];
}

/** One variable of the store, with where its axes are. */
export interface Field {
  /** The store's name for it. */
  name: string;
  array: ZarrArray;
  /** Dimension names in the array's order. */
  dims: readonly string[];
  /** Position of each known axis in `dims`. */
  axes: Partial<Record<Axis, number>>;
  packing: Packing;
  /** The grid of the store it comes from (the static store may differ in order and convention). */
  grid: GridPlan;
}

export interface Era5Dataset {
  layout: Layout;
  source: ZarrSource;
  /** Where the static fields come from: `source` itself, or a separate store. */
  staticSource: ZarrSource;
  /** The output grid (lat decreasing, lon in [0, 360), cropped) and its mapping to the store. */
  grid: GridPlan;
  /** Pressure levels of the store in hPa, in store order. */
  levels: Float64Array;
  /** Times of the store, milliseconds since 1970 UTC, in store order. */
  times: Float64Array;
  surface: Record<SurfaceVariable, Field>;
  static: Record<StaticVariable, Field>;
  atmos: Record<AtmosphericVariable, Field>;
}

export interface OpenDatasetOptions {
  /** Layout to assume; detected from the variable names when left out. */
  layout?: LayoutName;
  /** A separate store with the static fields (the CDS layout's usual case). */
  staticSource?: ZarrSource;
}

export async function openEra5Dataset(source: ZarrSource, options: OpenDatasetOptions = {}): Promise<Era5Dataset> {
  const layout = LAYOUTS[options.layout ?? (await detectLayout(source))];
  const staticSource = options.staticSource ?? source;
  const opener = new FieldOpener(layout);

  const field = (store: ZarrSource, name: string, role: string, kind: FieldKind) => opener.open(store, name, role, kind);
  const surface = await mapVariables(SURFACE_VARIABLES, (v) => field(source, layout.surface[v], `surface variable ${v}`, 'surface'));
  const atmos = await mapVariables(ATMOSPHERIC_VARIABLES, (v) => field(source, layout.atmos[v], `atmospheric variable ${v}`, 'atmos'));
  const statics = await mapVariables(STATIC_VARIABLES, (v) => field(staticSource, layout.static[v], `static variable ${v}`, 'static'));
  const grid = surface['2t'].grid;
  if (staticSource !== source) checkSameGrid(grid, statics.lsm.grid);

  const times = await fieldTimes(surface['2t'], source, layout);
  const levels = await fieldLevels(atmos.z, source, layout);
  for (const field of [...Object.values(surface), ...Object.values(atmos)]) checkAlongCoordinate(field, source, 'time', times.length);
  for (const field of Object.values(atmos)) checkAlongCoordinate(field, source, 'level', levels.length);
  return { layout, source, staticSource, grid, levels, times, surface, static: statics, atmos };
}

/** What a field holds: its axes besides latitude and longitude follow from it. */
export type FieldKind = 'surface' | 'atmos' | 'static';

/**
 * Opens the variables of one layout as Fields, planning each store's grid once: the one way any
 * variable of a store (Aurora's, or another a study reads, such as relative humidity) is opened.
 */
export class FieldOpener {
  private readonly gridPlans: Map<ZarrSource, GridPlan>;
  /** `planned`: stores whose grid is known already (an opened dataset's), so that it is not read again. */
  constructor(
    readonly layout: Layout,
    planned: Iterable<[ZarrSource, GridPlan]> = [],
  ) {
    this.gridPlans = new Map(planned);
  }

  async open(store: ZarrSource, name: string, role: string, kind: FieldKind): Promise<Field> {
    return this.fieldOf(store, name, (await openVariable(store, this.layout, name, role)).array, kind);
  }

  /** The field when the store has the variable, else undefined. */
  async openIfPresent(store: ZarrSource, name: string, kind: FieldKind): Promise<Field | undefined> {
    const array = await store.openArray(name);
    return array ? this.fieldOf(store, name, array, kind) : undefined;
  }

  private async fieldOf(store: ZarrSource, name: string, array: ZarrArray, kind: FieldKind): Promise<Field> {
    const dims = dimensionsOf(array, name);
    const axes = axesOf(dims);
    const grid = await this.gridOf(store, dims, axes, name);
    checkDimensions(array, name, dims, axes, kind);
    const field: Field = { name, array, dims, axes, packing: packingOf(array), grid };
    checkAlongCoordinate(field, store, 'latitude', grid.storeHeight);
    checkAlongCoordinate(field, store, 'longitude', grid.storeWidth);
    return field;
  }

  private async gridOf(store: ZarrSource, dims: readonly string[], axes: Partial<Record<Axis, number>>, name: string): Promise<GridPlan> {
    const known = this.gridPlans.get(store);
    if (known) return known;
    const latName = dims[requireAxis(axes, 'latitude', name, dims)];
    const lonName = dims[requireAxis(axes, 'longitude', name, dims)];
    const lat = await openCoordinate(store, this.layout, latName, 'latitude coordinate');
    const lon = await openCoordinate(store, this.layout, lonName, 'longitude coordinate');
    checkGridSize(store.location, lat.shape[0], lon.shape[0]);
    const plan = planGrid((await coordinateValues(lat, latName)).values, (await coordinateValues(lon, lonName)).values);
    this.gridPlans.set(store, plan);
    return plan;
  }
}

/** The times along a field's time axis, milliseconds since 1970 UTC, in store order. */
export async function fieldTimes(field: Field, store: ZarrSource, layout: Layout): Promise<Float64Array> {
  const times = await readTimes(store, layout, field.dims[requireAxis(field.axes, 'time', field.name, field.dims)]);
  checkAlongCoordinate(field, store, 'time', times.length);
  return times;
}

/** The pressure levels (hPa) along a field's level axis, in store order. */
export async function fieldLevels(field: Field, store: ZarrSource, layout: Layout): Promise<Float64Array> {
  const levels = await readLevels(store, layout, field.dims[requireAxis(field.axes, 'level', field.name, field.dims)]);
  checkAlongCoordinate(field, store, 'level', levels.length);
  return levels;
}

/** Refuses a field whose length along `axis` is not its coordinate's: it would be read at the wrong places. */
function checkAlongCoordinate(field: Field, store: ZarrSource, axis: Axis, coordinateLength: number): void {
  const index = field.axes[axis];
  if (index === undefined) return;
  const length = field.array.shape[index];
  if (length !== coordinateLength) {
    const dim = field.dims[index];
    throw new InvalidShapeError(
      field.name,
      store.location,
      `its ${axis} dimension '${dim}' has ${length.toLocaleString('en-US')} values, but the coordinate '${dim}' has ${coordinateLength.toLocaleString('en-US')} ` +
        `(shape [${field.array.shape.join(', ')}] over (${field.dims.join(', ')}))`,
    );
  }
}

/** The store's times and, for each, whether its previous 6-hourly step is there too (for a calendar). */
export interface TimeListing {
  times: Date[];
  hasPreviousStep: boolean[];
}

export function listTimes(dataset: Era5Dataset): TimeListing {
  const sorted = Float64Array.from(dataset.times).sort();
  const present = new Set(sorted);
  return {
    times: Array.from(sorted, (ms) => new Date(ms)),
    hasPreviousStep: Array.from(sorted, (ms) => present.has(ms - STEP_HOURS * 3600e3)),
  };
}

/** Store index of a pressure level (hPa), or -1. */
export function levelIndex(dataset: { levels: Float64Array }, levelHpa: number): number {
  return dataset.levels.findIndex((level) => Math.abs(level - levelHpa) < 1e-6);
}

/** Aurora's levels that the store lacks. */
export function missingLevels(dataset: Era5Dataset): number[] {
  return AURORA_LEVELS.filter((level) => levelIndex(dataset, level) < 0);
}

async function openVariable(store: ZarrSource, layout: Layout, name: string, role: string): Promise<{ name: string; array: ZarrArray }> {
  const array = await store.openArray(name);
  if (!array) throw new MissingVariableError(name, layout.name, store.location, role);
  return { name, array };
}

async function mapVariables<K extends string>(keys: readonly K[], open: (key: K) => Promise<Field>): Promise<Record<K, Field>> {
  const fields = await Promise.all(keys.map(open));
  return Object.fromEntries(keys.map((key, i) => [key, fields[i]])) as Record<K, Field>;
}

function dimensionsOf(array: ZarrArray, name: string): string[] {
  const fromAttributes = array.attrs._ARRAY_DIMENSIONS;
  const dims = array.dimensionNames ?? (Array.isArray(fromAttributes) ? fromAttributes.map(String) : undefined);
  if (!dims || dims.length !== array.shape.length) {
    throw new IrregularGridError(
      'latitude',
      `variable '${name}' does not name its dimensions (no _ARRAY_DIMENSIONS or dimension_names), so its latitude and longitude axes are unknown`,
    );
  }
  return dims;
}

function axesOf(dims: readonly string[]): Partial<Record<Axis, number>> {
  const axes: Partial<Record<Axis, number>> = {};
  dims.forEach((dim, i) => {
    const axis = axisOfDimension(dim);
    if (axis) axes[axis] = i;
  });
  return axes;
}

function requireAxis(axes: Partial<Record<Axis, number>>, axis: Axis, name: string, dims: readonly string[]): number {
  const index = axes[axis];
  if (index === undefined) {
    throw new IrregularGridError(
      axis === 'longitude' ? 'longitude' : 'latitude',
      `variable '${name}' has dimensions (${dims.join(', ')}) and none of them is a ${axis} dimension`,
    );
  }
  return index;
}

/** Dimensions other than the expected ones must have length 1 (read at index 0). */
function checkDimensions(array: ZarrArray, name: string, dims: readonly string[], axes: Partial<Record<Axis, number>>, kind: FieldKind): void {
  const needed: Axis[] = kind === 'static' ? ['latitude', 'longitude'] : kind === 'surface' ? ['time', 'latitude', 'longitude'] : ['time', 'level', 'latitude', 'longitude'];
  for (const axis of needed) requireAxis(axes, axis, name, dims);
  dims.forEach((dim, i) => {
    const axis = axisOfDimension(dim);
    const used = axis !== undefined && needed.includes(axis);
    // Static fields do not change: a time axis of any length is read at its first time.
    if (!used && array.shape[i] !== 1 && !(kind === 'static' && axis === 'time')) {
      throw new IrregularGridError(
        'latitude',
        `variable '${name}' has an extra dimension '${dim}' of length ${array.shape[i]}; only length 1 can be read unambiguously`,
      );
    }
  });
  if (array.is('bigint')) throw new UnsupportedEncodingError(name, 'dtype', array.dtype);
}

/** CF packing of a variable from its attributes (scale_factor, add_offset, _FillValue, missing_value). */
export function packingOf(array: ZarrArray): Packing {
  const attrs = array.attrs;
  const scale = metadataNumber(attrs.scale_factor) ?? 1;
  const offset = metadataNumber(attrs.add_offset) ?? 0;
  const missing = [attrs._FillValue, attrs.missing_value].flat().map(metadataNumber).filter((value) => value !== undefined);
  if (typeof array.fillValue === 'number' && !Number.isNaN(array.fillValue) && (scale !== 1 || offset !== 0)) missing.push(array.fillValue);
  return { scale, offset, missing };
}

/** A coordinate variable, refused before it is read whole when it is not 1-D or too long. */
async function openCoordinate(store: ZarrSource, layout: Layout, name: string, role: string): Promise<ZarrArray> {
  const { array } = await openVariable(store, layout, name, role);
  checkCoordinateLength(name, store.location, array.shape);
  return array;
}

async function coordinateValues(array: ZarrArray, name: string): Promise<{ values: Float64Array; attributes: zarr.Attributes }> {
  const { data } = await zarr.get(array);
  if (!isNumericArray(data)) throw new UnsupportedEncodingError(name, 'dtype', array.dtype);
  const { scale, offset } = packingOf(array);
  return { values: Float64Array.from(data as ArrayLike<number | bigint>, (value) => Number(value) * scale + offset), attributes: array.attrs };
}

async function readTimes(store: ZarrSource, layout: Layout, name: string): Promise<Float64Array> {
  const array = await openCoordinate(store, layout, name, 'time coordinate');
  const { data } = await zarr.get(array);
  if (!isNumericArray(data)) throw new UnsupportedEncodingError(name, 'dtype', array.dtype);
  return decodeCfTimes(data as ArrayLike<number> | ArrayLike<bigint>, array.attrs, name);
}

async function readLevels(store: ZarrSource, layout: Layout, name: string): Promise<Float64Array> {
  const { values, attributes } = await coordinateValues(await openCoordinate(store, layout, name, 'pressure-level coordinate'), name);
  const units = typeof attributes.units === 'string' ? attributes.units.trim() : '';
  // Some stores give pressure in Pa (50000) rather than hPa (500).
  return units === 'Pa' ? values.map((value) => value / 100) : values;
}

function checkSameGrid(dynamic: GridPlan, statics: GridPlan): void {
  const tolerance = 1e-4;
  for (const [axis, a, b] of [
    ['latitudes', dynamic.lat, statics.lat],
    ['longitudes', dynamic.lon, statics.lon],
  ] as const) {
    if (a.length !== b.length) throw new GridMismatchError(`${a.length} ${axis} against ${b.length} in the static store`);
    const i = a.findIndex((value, k) => Math.abs(value - b[k]) > tolerance);
    if (i >= 0) throw new GridMismatchError(`${axis} differ (${a[i]} against ${b[i]} in the static store)`);
  }
}

function isNumericArray(data: unknown): boolean {
  return ArrayBuffer.isView(data) && !(data instanceof DataView);
}
