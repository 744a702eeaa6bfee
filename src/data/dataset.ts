// An ERA5 dataset opened for Aurora: every variable found in the store that should hold it (one
// store, or Earth Data Hub's two, with static fields of their own or the product's), coordinates
// decoded, grids planned and levels chosen, so that a missing variable, a bad grid or an
// undecodable chunk size is reported when the stores are opened, before any batch is read.
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
import { findDataSpan } from './data-span.ts';
import { GridMismatchError, InvalidShapeError, IrregularGridError, LevelsError, MissingVariableError, UnsupportedEncodingError } from './errors.ts';
import { checkCoordinateLength, checkGridSize } from './integrity.ts';
import { planGrid, type GridPlan } from './grid.ts';
import { metadataNumber } from './metadata-json.ts';
import { axisOfDimension, LAYOUT_NAMES, LAYOUTS, type Axis, type Layout, type LayoutName } from './layout.ts';
import type { ZarrArray, ZarrSource } from './store.ts';
import { candidateNames, closestNames, describeVariable, variableGroup, type VariableKey, type VariableMapping } from './variables.ts';

/** CF packing: physical = raw * scale + offset; raw values in `missing` are gaps. */
export interface Packing {
  scale: number;
  offset: number;
  missing: readonly number[];
}

/** One variable of a store, with where its axes are. */
export interface Field {
  /** The store's name for it. */
  name: string;
  array: ZarrArray;
  /** Dimension names in the array's order. */
  dims: readonly string[];
  /** Position of each known axis in `dims`. */
  axes: Partial<Record<Axis, number>>;
  packing: Packing;
  /** The grid of the store it comes from (stores may differ in order and convention). */
  grid: GridPlan;
  /** The store it is read from. */
  source: ZarrSource;
  /** The times along its time axis (milliseconds since 1970 UTC, store order); undefined without one. */
  times: Float64Array | undefined;
}

/** Where the static fields come from. */
export type StaticOrigin = 'surface store' | 'atmospheric store' | 'static store' | 'default statics';

/** How a static field with a time axis is read: at each batch's time, falling back to its first time with data. */
export type StaticTimeRule = 'no time axis' | 'batch time' | 'batch time, else first with data';

export interface Era5Dataset {
  /** The naming family most of the variables were found under (each variable is found on its own). */
  layout: Layout;
  /** The store of the surface variables. */
  source: ZarrSource;
  /** The store of the atmospheric variables: `source`, or a store of its own (Earth Data Hub's pressure levels). */
  atmosSource: ZarrSource;
  /** The store of the static fields: one of the two above, a store of their own, or the product's ERA5 statics. */
  staticSource: ZarrSource;
  staticOrigin: StaticOrigin;
  staticTime: StaticTimeRule;
  /** The output grid (lat decreasing, lon in [0, 360), cropped) and its mapping to the surface store. */
  grid: GridPlan;
  /** Pressure levels of the atmospheric store in hPa, in store order. */
  levels: Float64Array;
  /** The levels a batch encodes (hPa), in Aurora's order: the store's among Aurora's 13, or those chosen. */
  batchLevels: number[];
  /** Times of the surface store that the atmospheric store has too, milliseconds since 1970 UTC, store order. */
  times: Float64Array;
  surface: Record<SurfaceVariable, Field>;
  static: Record<StaticVariable, Field>;
  atmos: Record<AtmosphericVariable, Field>;
  /** How the data are read where a person would not guess it (levels left out, statics' source and time): for the CLI and the app to state. */
  notes: string[];
}

/** The product's own static fields, for stores without them. */
export interface DefaultStatics {
  /** Opens them (a store of the 0.25-degree ERA5 fields that ship with the product). */
  open(): Promise<ZarrSource>;
  /** What they are, for the note that says they are used. */
  description: string;
}

export interface OpenDatasetOptions {
  /** Names to assume (one layout's) for every variable; each is found by every family's names when left out. */
  layout?: LayoutName;
  /** A store of its own for the atmospheric variables (Earth Data Hub's pressure levels). */
  atmosSource?: ZarrSource;
  /** A store of its own for the static fields. */
  staticSource?: ZarrSource;
  /** Store names for some of Aurora's variables (`--var 2t=t2m`). */
  variables?: VariableMapping;
  /** Pressure levels (hPa) to encode, a subset of Aurora's 13 that the store has; all of those it has when left out. */
  levels?: readonly number[];
  /** Used when no store has static fields and no static store is given. */
  defaultStatics?: DefaultStatics;
}

export async function openEra5Dataset(source: ZarrSource, options: OpenDatasetOptions = {}): Promise<Era5Dataset> {
  const atmosSource = options.atmosSource ?? source;
  const opener = new FieldOpener(LAYOUTS[options.layout ?? 'wb2']);
  const lookup: VariableLookup = { layout: options.layout, mapping: options.variables ?? {} };
  const required = (store: ZarrSource, key: VariableKey) => opener.require(store, key, lookup);

  const surface = await mapVariables(SURFACE_VARIABLES, (v) => required(source, `surface.${v}`), () =>
    noneOfGroup(lookup, source, 'surface', 'surface variables (2t, 10u, 10v, msl)', `${lookup.layout ? 'Leave out the layout to look for every family\'s names, or n' : 'N'}ame them (--var 2t=NAME, or the variable names under Advanced in the app); a store of pressure levels alone goes beside its single-level store as the atmospheric store (--atmos-store).`),
  );
  const atmos = await mapVariables(ATMOSPHERIC_VARIABLES, (v) => required(atmosSource, `atmos.${v}`), () =>
    atmosSource === source
      ? noneOfGroup(lookup, source, 'atmos', 'atmospheric variables (z, u, v, t, q on pressure levels)', 'If they are in a store of their own (as Earth Data Hub serves them), give it: --atmos-store in the CLI, or the Atmospheric store field in the app.')
      : Promise.resolve(undefined),
  );
  const grid = surface['2t'].grid;
  if (atmosSource !== source) checkSameGrid(grid, atmos.z.grid, 'atmospheric store');
  const statics = await openStatics(opener, lookup, source, atmosSource, grid, options);
  if (statics.origin !== 'default statics' && statics.source !== source) checkSameGrid(grid, statics.fields.lsm.grid, 'static store');

  const times = commonTimes(requireTimes(surface['2t']), requireTimes(atmos.z));
  const levels = await fieldLevels(atmos.z, atmosSource);
  for (const field of Object.values(atmos)) checkAlongCoordinate(field, 'level', levels.length);
  const batchLevels = chooseLevels(levels, options.levels, atmosSource.location);
  const staticTime = staticTimeRule(statics.fields.lsm, [source, atmosSource]);
  const notes = [...levelNotes(batchLevels, levels, options.levels !== undefined), ...staticNotes(statics, staticTime, options.defaultStatics)];
  return {
    layout: LAYOUTS[namingFamily([...Object.values(surface), ...Object.values(atmos)], surface['2t'].name)],
    source,
    atmosSource,
    staticSource: statics.source,
    staticOrigin: statics.origin,
    staticTime,
    grid,
    levels,
    batchLevels,
    times,
    surface,
    static: statics.fields,
    atmos,
    notes,
  };
}

/** What a field holds: its axes besides latitude and longitude follow from it. */
export type FieldKind = 'surface' | 'atmos' | 'static';

/** How Aurora's variables are looked for: one layout's names, or every family's; names a person gave win. */
export interface VariableLookup {
  layout?: LayoutName;
  mapping: VariableMapping;
}

/**
 * Opens variables as Fields, planning each store's grid and decoding each time axis once: the one
 * way any variable of a store (Aurora's, or another a study reads, such as relative humidity) is opened.
 */
export class FieldOpener {
  private readonly gridPlans: Map<ZarrSource, GridPlan>;
  private readonly timeAxes = new Map<ZarrSource, Map<string, Promise<Float64Array>>>();
  /** `layout`: names messages assume; `planned`: stores whose grid is known already (an opened dataset's), so that it is not read again. */
  constructor(
    readonly layout: Layout,
    planned: Iterable<[ZarrSource, GridPlan]> = [],
  ) {
    this.gridPlans = new Map(planned);
  }

  async open(store: ZarrSource, name: string, role: string, kind: FieldKind): Promise<Field> {
    const array = await store.openArray(name);
    if (!array) throw missingName(store, name, role);
    return this.fieldOf(store, name, array, kind);
  }

  /** The field when the store has the variable, else undefined. */
  async openIfPresent(store: ZarrSource, name: string, kind: FieldKind): Promise<Field | undefined> {
    const array = await store.openArray(name);
    return array ? this.fieldOf(store, name, array, kind) : undefined;
  }

  /**
   * Aurora's variable `key` in `store`: under the name a person mapped it to, else under the first
   * of its usual names that the store has with the axes the variable needs (so that `z` on pressure
   * levels is not taken for the surface geopotential); undefined when none is there.
   */
  async find(store: ZarrSource, key: VariableKey, lookup: VariableLookup): Promise<Field | undefined> {
    const mapped = lookup.mapping[key];
    const kind = variableGroup(key);
    if (mapped !== undefined) {
      const array = await store.openArray(mapped);
      if (!array) throw new MissingVariableError(describeVariable(key), store.location, `it has no variable '${mapped}', the name it was mapped to`, closestNames(mapped, store.arrayNames ?? []), MAPPING_FIX(key));
      return this.fieldOf(store, mapped, array, kind);
    }
    for (const name of candidateNames(key, lookup.layout)) {
      if (store.arrayNames && !store.arrayNames.includes(name)) continue;
      const array = await store.openArray(name);
      if (array && fitsKind(array, kind)) return this.fieldOf(store, name, array, kind);
    }
    return undefined;
  }

  /** As `find`, or a MissingVariableError naming the names tried and the store's closest ones. */
  async require(store: ZarrSource, key: VariableKey, lookup: VariableLookup): Promise<Field> {
    const field = await this.find(store, key, lookup);
    if (field) return field;
    const tried = lookup.mapping[key] === undefined ? candidateNames(key, lookup.layout) : [];
    const suggestions = closestNames(tried, store.arrayNames ?? []).filter((name) => !tried.includes(name));
    const listed = store.arrayNames === undefined ? ' (the store lists no variables: it has no consolidated metadata)' : '';
    throw new MissingVariableError(describeVariable(key), store.location, `none of ${tried.map((name) => `'${name}'`).join(', ')} is there with the axes it needs${listed}`, suggestions, MAPPING_FIX(key));
  }

  private async fieldOf(store: ZarrSource, name: string, array: ZarrArray, kind: FieldKind): Promise<Field> {
    const dims = dimensionsOf(array, name);
    const axes = axesOf(dims);
    checkDimensions(array, name, dims, axes, kind);
    const grid = await this.gridOf(store, dims, axes, name);
    // A static field's time axis of length 1 needs no coordinate (Earth Data Hub's invariants have none).
    const times = axes.time === undefined || (kind === 'static' && array.shape[axes.time] === 1) ? undefined : await this.timesOf(store, dims[axes.time]);
    const field: Field = { name, array, dims, axes, packing: packingOf(array), grid, source: store, times };
    checkAlongCoordinate(field, 'latitude', grid.storeHeight);
    checkAlongCoordinate(field, 'longitude', grid.storeWidth);
    if (times) checkAlongCoordinate(field, 'time', times.length);
    return field;
  }

  private timesOf(store: ZarrSource, name: string): Promise<Float64Array> {
    const axes = this.timeAxes.get(store) ?? new Map<string, Promise<Float64Array>>();
    this.timeAxes.set(store, axes);
    const known = axes.get(name) ?? readTimes(store, name);
    axes.set(name, known);
    return known;
  }

  private async gridOf(store: ZarrSource, dims: readonly string[], axes: Partial<Record<Axis, number>>, name: string): Promise<GridPlan> {
    const known = this.gridPlans.get(store);
    if (known) return known;
    const latName = dims[requireAxis(axes, 'latitude', name, dims)];
    const lonName = dims[requireAxis(axes, 'longitude', name, dims)];
    const lat = await openCoordinate(store, latName, 'latitude coordinate');
    const lon = await openCoordinate(store, lonName, 'longitude coordinate');
    checkGridSize(store.location, lat.shape[0], lon.shape[0]);
    const plan = planGrid((await coordinateValues(lat, latName)).values, (await coordinateValues(lon, lonName)).values);
    this.gridPlans.set(store, plan);
    return plan;
  }
}

const MAPPING_FIX = (key: VariableKey) =>
  `Name the store's variable for it: --var ${key.startsWith('atmos.z') || key.startsWith('static.z') ? key : key.slice(key.indexOf('.') + 1)}=NAME in the CLI, or the variable names under Advanced in the app.`;

/** The times along a field's time axis, milliseconds since 1970 UTC, in store order. */
export function fieldTimes(field: Field): Float64Array {
  return requireTimes(field);
}

/** The pressure levels (hPa) along a field's level axis, in store order. */
export async function fieldLevels(field: Field, store: ZarrSource): Promise<Float64Array> {
  const levels = await readLevels(store, field.dims[requireAxis(field.axes, 'level', field.name, field.dims)]);
  checkAlongCoordinate(field, 'level', levels.length);
  return levels;
}

/** Refuses a field whose length along `axis` is not its coordinate's: it would be read at the wrong places. */
function checkAlongCoordinate(field: Field, axis: Axis, coordinateLength: number): void {
  const index = field.axes[axis];
  if (index === undefined) return;
  const length = field.array.shape[index];
  if (length !== coordinateLength) {
    const dim = field.dims[index];
    throw new InvalidShapeError(
      field.name,
      field.source.location,
      `its ${axis} dimension '${dim}' has ${length.toLocaleString('en-US')} values, but the coordinate '${dim}' has ${coordinateLength.toLocaleString('en-US')} ` +
        `(shape [${field.array.shape.join(', ')}] over (${field.dims.join(', ')}))`,
    );
  }
}

/** Raw bytes of one chunk of an array (an inner chunk of a sharded one: what is decoded at once). */
export function chunkBytes(array: ZarrArray): number {
  return array.chunks.reduce((a, b) => a * b, 1) * bytesPerElement(array.dtype);
}

export function bytesPerElement(dtype: zarr.DataType): number {
  const bits = /(\d+)$/.exec(dtype);
  return bits ? Number(bits[1]) / 8 : 1;
}

function requireTimes(field: Field): Float64Array {
  if (!field.times) throw new IrregularGridError('latitude', `variable '${field.name}' has dimensions (${field.dims.join(', ')}) and none of them is a time dimension`);
  return field.times;
}

/** Times of `a` that `b` has too (within a second: times decoded from float units are not exact). */
function commonTimes(a: Float64Array, b: Float64Array): Float64Array {
  if (a === b) return a;
  const seconds = new Set(Array.from(b, (ms) => Math.round(ms / 1000)));
  return a.filter((ms) => seconds.has(Math.round(ms / 1000)));
}

/** Whether an array has the axes of its kind: pressure levels for atmospheric variables, none for the others. */
function fitsKind(array: ZarrArray, kind: FieldKind): boolean {
  const dims = array.dimensionNames ?? (Array.isArray(array.attrs._ARRAY_DIMENSIONS) ? array.attrs._ARRAY_DIMENSIONS.map(String) : []);
  const levelAxis = dims.findIndex((dim) => axisOfDimension(dim) === 'level');
  return kind === 'atmos' ? levelAxis >= 0 : levelAxis < 0 || array.shape[levelAxis] === 1;
}

interface StaticFields {
  fields: Record<StaticVariable, Field>;
  source: ZarrSource;
  origin: StaticOrigin;
}

/**
 * The static fields: from the static store when one is given; else from the surface store, then the
 * atmospheric one, when it has any of them (then it must have all); else the product's ERA5 statics
 * when they fit the grid.
 */
async function openStatics(opener: FieldOpener, lookup: VariableLookup, source: ZarrSource, atmosSource: ZarrSource, grid: GridPlan, options: OpenDatasetOptions): Promise<StaticFields> {
  const all = (store: ZarrSource) => mapVariables(STATIC_VARIABLES, (v) => opener.require(store, `static.${v}`, lookup));
  if (options.staticSource) return { fields: await all(options.staticSource), source: options.staticSource, origin: 'static store' };
  const candidates: [ZarrSource, StaticOrigin][] = atmosSource === source ? [[source, 'surface store']] : [[source, 'surface store'], [atmosSource, 'atmospheric store']];
  for (const [store, origin] of candidates) {
    const found = await Promise.all(STATIC_VARIABLES.map((v) => opener.find(store, `static.${v}`, lookup)));
    if (found.some((field) => field !== undefined)) return { fields: await all(store), source: store, origin };
  }
  const statics = 'The static fields (land-sea mask, surface geopotential, soil type)';
  const fix = 'Give a static store on the same grid: --static in the CLI, or the Static store field in the app.';
  if (!options.defaultStatics) throw new MissingVariableError(statics, source.location, 'no store given has them', [], fix, true);
  const defaults = await options.defaultStatics.open();
  const fields = await all(defaults);
  if (!sameGrid(grid, fields.lsm.grid)) {
    throw new MissingVariableError(
      statics,
      source.location,
      `no store given has them, and ${options.defaultStatics.description} are on a ${fields.lsm.grid.storeHeight} x ${fields.lsm.grid.storeWidth} grid, not the store's ${grid.storeHeight} x ${grid.storeWidth}`,
      [],
      fix,
      true,
    );
  }
  return { fields, source: defaults, origin: 'default statics' };
}

/** How static fields with a time axis are read: at the batch's time when their store has the batch's times. */
function staticTimeRule(lsm: Field, datasetStores: readonly ZarrSource[]): StaticTimeRule {
  if (!lsm.times || lsm.times.length === 1) return 'no time axis';
  return datasetStores.includes(lsm.source) ? 'batch time' : 'batch time, else first with data';
}

function staticNotes(statics: StaticFields, rule: StaticTimeRule, defaults: DefaultStatics | undefined): string[] {
  const notes: string[] = [];
  if (statics.origin === 'default statics' && defaults) notes.push(`Static fields: ${defaults.description}, as no store given has them.`);
  const count = statics.fields.lsm.times?.length ?? 0;
  if (rule === 'batch time') notes.push(`Static fields have a time axis (${count} times): each batch reads them at its own time.`);
  if (rule === 'batch time, else first with data') {
    notes.push(`Static fields have a time axis (${count} times) in the static store: each batch reads them at its own time where that store has it, else at the store's first time holding data.`);
  }
  return notes;
}

/** The levels a batch encodes: those chosen, or the store's among Aurora's 13, in Aurora's order. */
function chooseLevels(storeLevels: Float64Array, chosen: readonly number[] | undefined, location: string): number[] {
  const has = (level: number) => levelIndex({ levels: storeLevels }, level) >= 0;
  const storeList = `${Array.from(storeLevels).join(', ')} hPa`;
  if (chosen) {
    const unknown = chosen.filter((level) => !AURORA_LEVELS.some((known) => known === level));
    if (unknown.length > 0) throw new LevelsError(`${unknown.join(', ')} hPa ${unknown.length === 1 ? 'is' : 'are'} not among Aurora's 13 (${AURORA_LEVELS.join(', ')} hPa)`);
    const absent = chosen.filter((level) => !has(level));
    if (absent.length > 0) throw new LevelsError(`${absent.join(', ')} hPa ${absent.length === 1 ? 'is' : 'are'} not in ${location}, which has ${storeList}`);
    if (chosen.length === 0) throw new LevelsError('no level was chosen; choose at least one');
    return AURORA_LEVELS.filter((level) => chosen.includes(level));
  }
  const levels = AURORA_LEVELS.filter(has);
  if (levels.length === 0) throw new LevelsError(`${location} has ${storeList}, none of Aurora's 13 (${AURORA_LEVELS.join(', ')} hPa); Aurora's encoder knows only those`);
  return levels;
}

function levelNotes(batchLevels: readonly number[], storeLevels: Float64Array, chosen: boolean): string[] {
  if (batchLevels.length === AURORA_LEVELS.length) return [];
  const lacking = AURORA_LEVELS.filter((level) => levelIndex({ levels: storeLevels }, level) < 0);
  const why = chosen ? 'as chosen' : `the store lacks ${lacking.join(', ')} hPa`;
  return [`Pressure levels: ${batchLevels.length} of Aurora's 13 (${batchLevels.join(', ')} hPa), ${why}.`];
}

/** The layout whose names the fields mostly have, 2 m temperature's deciding: for messages. */
function namingFamily(fields: readonly Field[], twoMetre: string): LayoutName {
  const byTwoMetre = LAYOUT_NAMES.find((name) => LAYOUTS[name].surface['2t'] === twoMetre);
  if (byTwoMetre) return byTwoMetre;
  const score = (name: LayoutName) => fields.filter((field) => Object.values({ ...LAYOUTS[name].surface, ...LAYOUTS[name].atmos }).includes(field.name)).length;
  return score('cds') > score('wb2') ? 'cds' : 'wb2';
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

/** A listing of the times whose data exist (and whose previous step's data exist): what a batch can be made of. */
export interface UsableTimes extends TimeListing {
  /** Per time: it and its previous 6-hourly step are in the store, with data. */
  usable: boolean[];
  /** Whether the data were found by their chunks; when not (no probed time had any), `usable` is `hasPreviousStep`. */
  checked: boolean;
}

/**
 * The store's times, and which of them hold data for the surface and atmospheric fields (their
 * chunks exist, data-span.ts), not only a place on the time axis: ARCO's axis starts 40 years before
 * its data.
 */
export async function listUsableTimes(dataset: Era5Dataset, signal?: AbortSignal): Promise<UsableTimes> {
  const listing = listTimes(dataset);
  const fields = [dataset.surface['2t'], dataset.atmos.z];
  const spans = await Promise.all(fields.map((field) => findDataSpan(field, signal)));
  const ranges = spans.map((span, k) => span && { from: requireTimes(fields[k])[span.first], to: requireTimes(fields[k])[span.last] });
  if (ranges.some((range) => range === undefined)) return { ...listing, usable: [...listing.hasPreviousStep], checked: false };
  const withData = (ms: number) => ranges.every((range) => range !== undefined && ms >= range.from - 1000 && ms <= range.to + 1000);
  const usable = listing.times.map((time, i) => listing.hasPreviousStep[i] && withData(time.getTime()) && withData(time.getTime() - STEP_HOURS * 3600e3));
  return { ...listing, usable, checked: true };
}

/** Store index of a pressure level (hPa), or -1. */
export function levelIndex(dataset: { levels: Float64Array }, levelHpa: number): number {
  return dataset.levels.findIndex((level) => Math.abs(level - levelHpa) < 1e-6);
}

/** Aurora's levels that the store lacks. */
export function missingLevels(dataset: Era5Dataset): number[] {
  return AURORA_LEVELS.filter((level) => levelIndex(dataset, level) < 0);
}

/** A variable or coordinate the store lacks, with the store's closest names. */
function missingName(store: ZarrSource, name: string, role: string): MissingVariableError {
  return new MissingVariableError(`The ${role} '${name}'`, store.location, 'the store has no variable of that name', closestNames(name, store.arrayNames ?? []));
}

async function openNamed(store: ZarrSource, name: string, role: string): Promise<ZarrArray> {
  const array = await store.openArray(name);
  if (!array) throw missingName(store, name, role);
  return array;
}

/**
 * Opens every key's field; when some fail, throws the first key's failure in key order (not the
 * first to arrive), or `whenNone`'s error when it finds that the store has none of them at all.
 */
async function mapVariables<K extends string>(keys: readonly K[], open: (key: K) => Promise<Field>, whenNone?: () => Promise<Error | undefined>): Promise<Record<K, Field>> {
  const results = await Promise.allSettled(keys.map(open));
  const failed = results.find((result) => result.status === 'rejected');
  if (failed) {
    const none = results.every((result) => result.status === 'rejected' && result.reason instanceof MissingVariableError) ? await whenNone?.() : undefined;
    throw none ?? failed.reason;
  }
  return Object.fromEntries(keys.map((key, i) => [key, (results[i] as PromiseFulfilledResult<Field>).value])) as Record<K, Field>;
}

/** The error for a store that has none of a group's variables, saying where they might be. */
async function noneOfGroup(lookup: VariableLookup, store: ZarrSource, group: 'surface' | 'atmos', what: string, fix: string): Promise<Error | undefined> {
  const tried = (group === 'surface' ? SURFACE_VARIABLES.map((v) => `surface.${v}` as const) : ATMOSPHERIC_VARIABLES.map((v) => `atmos.${v}` as const)).flatMap((key) => candidateNames(key, lookup.layout));
  const names = store.arrayNames ?? [];
  const listed = names.length === 0 ? '' : `; it has ${names.slice(0, 12).join(', ')}${names.length > 12 ? `, ... (${names.length} in all)` : ''}`;
  return new MissingVariableError(`The ${what}`, store.location, `none is there under ${tried.map((name) => `'${name}'`).join(', ')}${listed}`, [], fix, true);
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
    // Static fields do not change: a time axis of any length is read at one time (openEra5Dataset's rule).
    if (!used && array.shape[i] !== 1 && !(kind === 'static' && axis === 'time')) {
      throw new IrregularGridError(
        'latitude',
        `variable '${name}' has an extra dimension '${dim}' of length ${array.shape[i]}; only length 1 can be read unambiguously`,
      );
    }
  });
  if (array.is('bigint')) throw new UnsupportedEncodingError(name, 'dtype', array.dtype);
}

export function packingOf(array: ZarrArray): Packing {
  const attrs = array.attrs;
  const scale = metadataNumber(attrs.scale_factor) ?? 1;
  const offset = metadataNumber(attrs.add_offset) ?? 0;
  const missing = [attrs._FillValue, attrs.missing_value].flat().map(metadataNumber).filter((value) => value !== undefined);
  if (typeof array.fillValue === 'number' && !Number.isNaN(array.fillValue) && (scale !== 1 || offset !== 0)) missing.push(array.fillValue);
  return { scale, offset, missing };
}

/** A coordinate variable, refused before it is read whole when it is not 1-D or too long. */
async function openCoordinate(store: ZarrSource, name: string, role: string): Promise<ZarrArray> {
  const array = await openNamed(store, name, role);
  checkCoordinateLength(name, store.location, array.shape);
  return array;
}

async function coordinateValues(array: ZarrArray, name: string): Promise<{ values: Float64Array; attributes: zarr.Attributes }> {
  const { data } = await zarr.get(array);
  if (!isNumericArray(data)) throw new UnsupportedEncodingError(name, 'dtype', array.dtype);
  const { scale, offset } = packingOf(array);
  return { values: Float64Array.from(data as ArrayLike<number | bigint>, (value) => Number(value) * scale + offset), attributes: array.attrs };
}

async function readTimes(store: ZarrSource, name: string): Promise<Float64Array> {
  const array = await openCoordinate(store, name, 'time coordinate');
  const { data } = await zarr.get(array);
  if (!isNumericArray(data)) throw new UnsupportedEncodingError(name, 'dtype', array.dtype);
  return decodeCfTimes(data as ArrayLike<number> | ArrayLike<bigint>, array.attrs, name);
}

async function readLevels(store: ZarrSource, name: string): Promise<Float64Array> {
  const { values, attributes } = await coordinateValues(await openCoordinate(store, name, 'pressure-level coordinate'), name);
  const units = typeof attributes.units === 'string' ? attributes.units.trim() : '';
  // Some stores give pressure in Pa (50000) rather than hPa (500).
  return units === 'Pa' ? values.map((value) => value / 100) : values;
}

const GRID_TOLERANCE = 1e-4;

function sameGrid(a: GridPlan, b: GridPlan): boolean {
  const close = (x: Float64Array, y: Float64Array) => x.length === y.length && x.every((value, k) => Math.abs(value - y[k]) <= GRID_TOLERANCE);
  return close(a.lat, b.lat) && close(a.lon, b.lon);
}

function checkSameGrid(surface: GridPlan, other: GridPlan, which: 'atmospheric store' | 'static store'): void {
  for (const [axis, a, b] of [
    ['latitudes', surface.lat, other.lat],
    ['longitudes', surface.lon, other.lon],
  ] as const) {
    if (a.length !== b.length) throw new GridMismatchError(`${a.length} ${axis} against ${b.length} in the ${which}`, which);
    const i = a.findIndex((value, k) => Math.abs(value - b[k]) > GRID_TOLERANCE);
    if (i >= 0) throw new GridMismatchError(`${axis} differ (${a[i]} against ${b[i]} in the ${which})`, which);
  }
}

function isNumericArray(data: unknown): boolean {
  return ArrayBuffer.isView(data) && !(data instanceof DataView);
}
