// Yearly-maximum-temperature percentile grids (ECMWF's sis-temperature-statistics, or the sample's
// stand-in), decoded from any container (NetCDF-3, NetCDF-4/HDF5, Zarr) into one shape: a 2-D
// field in degrees C on 1-D latitudes and longitudes, at one chosen time.
import { decodeCfTimes } from '../data/cf-time.ts';
import { axisOfDimension } from '../data/layout.ts';
import { kelvinToCelsius } from './units.ts';
import { ProductError } from '../errors.ts';

/** A problem with a percentile file or store; the message says which file and what to change. */
export class PercentileSourceError extends ProductError {
  readonly kind = 'percentile-source';
}

/** The study's time of the percentile files (their projections start then). */
export const STUDY_PERCENTILE_TIME = new Date('2020-01-01T00:00:00Z');

const VARIABLE_PATTERN = /^p(\d{1,2})_Tmax_Yearly$/;

/** The files' variable name for a percentile, e.g. 99 -> p99_Tmax_Yearly. */
export function percentileVariableName(percentile: number): string {
  return `p${percentile}_Tmax_Yearly`;
}

/** The percentile a variable holds, or undefined when its name is not pNN_Tmax_Yearly. */
export function percentileOfVariable(name: string): number | undefined {
  const match = VARIABLE_PATTERN.exec(name);
  return match ? Number(match[1]) : undefined;
}

/** One percentile's thresholds on its own grid. */
export interface PercentileField {
  percentile: number;
  /** Latitudes as the file has them (either order). */
  lat: Float64Array;
  /** Longitudes as the file has them, in either convention. */
  lon: Float64Array;
  /** (lat, lon) row-major, degrees C; NaN where the file has no value. */
  values: Float32Array;
  /** The time read; null when the variable has no time axis. */
  time: Date | null;
  /** Where it came from (file name or store), for messages. */
  source: string;
}

/** Attribute values after reading: numbers, strings, or lists of either. */
export type AttributeValue = number | string | readonly number[] | readonly string[];

/** One array of a container, read whole (these grids are small). */
export interface RawArray {
  dims: readonly string[];
  shape: readonly number[];
  data: ArrayLike<number> | ArrayLike<bigint>;
  attributes: Readonly<Record<string, AttributeValue>>;
}

/** A container's arrays by name: what each format's reader provides. */
export interface RawDataset {
  /** For messages: a file name, path or URL. */
  location: string;
  /** Names of the arrays it holds. */
  names: readonly string[];
  read(name: string): Promise<RawArray>;
}

export interface ReadPercentilesOptions {
  /** The time to read from files with a time axis; matched by UTC day. */
  time: Date;
  /** Only these percentiles (default: every pNN_Tmax_Yearly the container holds). */
  percentiles?: readonly number[];
}

/** Every (or each requested) pNN_Tmax_Yearly of the container, at the chosen time. */
export async function readPercentileFields(dataset: RawDataset, options: ReadPercentilesOptions): Promise<PercentileField[]> {
  const available = dataset.names.filter((name) => percentileOfVariable(name) !== undefined);
  const wanted = options.percentiles ? available.filter((name) => options.percentiles!.includes(percentileOfVariable(name)!)) : available;
  if (wanted.length === 0) {
    const asked = options.percentiles ? options.percentiles.map(percentileVariableName).join(', ') : 'any pNN_Tmax_Yearly';
    throw new PercentileSourceError(`${dataset.location} has no ${asked} variable (it has: ${dataset.names.join(', ') || 'no variables'})`);
  }
  return Promise.all(wanted.map((name) => decodeField(dataset, name, options.time)));
}

/** Fields from several files or stores, each percentile once, sorted by percentile. */
export function mergePercentileFields(fields: readonly PercentileField[]): PercentileField[] {
  const seen = new Map<number, string>();
  for (const field of fields) {
    const earlier = seen.get(field.percentile);
    if (earlier) throw new PercentileSourceError(`p${field.percentile} comes from both ${earlier} and ${field.source}; give each percentile once`);
    seen.set(field.percentile, field.source);
  }
  return [...fields].sort((a, b) => a.percentile - b.percentile);
}

async function decodeField(dataset: RawDataset, name: string, time: Date): Promise<PercentileField> {
  const where = `${dataset.location}: ${name}`;
  const variable = await dataset.read(name);
  if (variable.dims.length !== variable.shape.length) throw new PercentileSourceError(`${where} does not name its dimensions`);
  const axisIndex = (axis: 'latitude' | 'longitude' | 'time') => variable.dims.findIndex((dim) => axisOfDimension(dim) === axis);
  const latAxis = axisIndex('latitude');
  const lonAxis = axisIndex('longitude');
  if (latAxis < 0 || lonAxis < 0) {
    throw new PercentileSourceError(`${where} has dimensions (${variable.dims.join(', ')}); it needs lat and lon`);
  }
  const timeAxis = axisIndex('time');
  variable.dims.forEach((dim, axis) => {
    if (axis !== latAxis && axis !== lonAxis && axis !== timeAxis && variable.shape[axis] !== 1) {
      throw new PercentileSourceError(`${where} has an extra dimension '${dim}' of length ${variable.shape[axis]}; only length 1 can be read unambiguously`);
    }
  });
  const lat = await readCoordinate(dataset, variable.dims[latAxis], variable.shape[latAxis], where);
  const lon = await readCoordinate(dataset, variable.dims[lonAxis], variable.shape[lonAxis], where);
  const timeIndex = timeAxis < 0 ? 0 : await findTime(dataset, variable.dims[timeAxis], time, where);

  const strides = variable.shape.map((_, axis) => variable.shape.slice(axis + 1).reduce((a, b) => a * b, 1));
  const unpack = unpacker(variable.attributes, where);
  const values = new Float32Array(lat.length * lon.length);
  const base = timeAxis < 0 ? 0 : timeIndex * strides[timeAxis];
  for (let i = 0; i < lat.length; i++) {
    for (let j = 0; j < lon.length; j++) {
      values[i * lon.length + j] = unpack(Number(variable.data[base + i * strides[latAxis] + j * strides[lonAxis]]));
    }
  }
  return {
    percentile: percentileOfVariable(name)!,
    lat,
    lon,
    values,
    time: timeAxis < 0 ? null : new Date(Date.UTC(time.getUTCFullYear(), time.getUTCMonth(), time.getUTCDate())),
    source: dataset.location,
  };
}

async function readCoordinate(dataset: RawDataset, dim: string, length: number, where: string): Promise<Float64Array> {
  if (!dataset.names.includes(dim)) throw new PercentileSourceError(`${where}: the coordinate variable '${dim}' is missing`);
  const coordinate = await dataset.read(dim);
  if (coordinate.data.length !== length) throw new PercentileSourceError(`${where}: '${dim}' has ${coordinate.data.length} values for a dimension of ${length}`);
  return Float64Array.from(coordinate.data as ArrayLike<number | bigint>, Number);
}

/** Index of the time on the same UTC day as `time`: the files' times are yearly, their hour varies. */
async function findTime(dataset: RawDataset, dim: string, time: Date, where: string): Promise<number> {
  if (!dataset.names.includes(dim)) throw new PercentileSourceError(`${where}: the time coordinate '${dim}' is missing`);
  const coordinate = await dataset.read(dim);
  const times = decodeCfTimes(coordinate.data, { units: firstValue(coordinate.attributes.units), calendar: firstValue(coordinate.attributes.calendar) }, dim);
  const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
  const wanted = day(time.getTime());
  const index = Array.from(times).findIndex((ms) => day(ms) === wanted);
  if (index < 0) {
    throw new PercentileSourceError(`${where} has no time on ${wanted}; its times are ${Array.from(times, day).join(', ')}. Choose one of them`);
  }
  return index;
}

function firstValue(value: AttributeValue | undefined): number | string | undefined {
  return typeof value === 'object' ? value[0] : value;
}

const CELSIUS_UNITS = new Set(['degrees_c', 'degree_c', 'degc', 'deg_c', '°c', 'celsius', 'c']);
const KELVIN_UNITS = new Set(['k', 'kelvin', 'degrees_k', 'degk']);

/** CF unpacking (missing values to NaN, then scale and offset) and Kelvin to degrees C when needed. */
function unpacker(attributes: Readonly<Record<string, AttributeValue>>, where: string): (raw: number) => number {
  const numbers = (name: string): number[] => {
    const value = attributes[name];
    return (typeof value === 'object' ? [...value] : [value]).filter((v): v is number => typeof v === 'number');
  };
  const missing = [...numbers('_FillValue'), ...numbers('missing_value')];
  const scale = numbers('scale_factor')[0] ?? 1;
  const offset = numbers('add_offset')[0] ?? 0;
  const units = firstValue(attributes.units);
  const unitName = typeof units === 'string' ? units.trim().toLowerCase() : undefined;
  if (unitName !== undefined && !CELSIUS_UNITS.has(unitName) && !KELVIN_UNITS.has(unitName)) {
    throw new PercentileSourceError(`${where} is in '${units}'; expected degrees C (or K)`);
  }
  const toCelsius = unitName !== undefined && KELVIN_UNITS.has(unitName) ? kelvinToCelsius : (value: number) => value;
  return (raw) => (Number.isNaN(raw) || missing.includes(raw) ? Number.NaN : toCelsius(raw * scale + offset));
}
