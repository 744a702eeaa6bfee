// Temperature and humidity on pressure levels, in physical units, read through the dataset's fields
// and layout tables: what study 3 makes its K-index of. Relative humidity when the store has it
// (`r` in the CDS layout, `relative_humidity` in WeatherBench2's), else specific humidity, from
// which the study derives it.
import { HISTORY_STEPS, type NormalisedBatch } from './batch.ts';
import { fieldLevels, fieldTimes, FieldOpener, levelIndex, type Era5Dataset, type Field } from './dataset.ts';
import { MissingVariableError } from './errors.ts';
import { bandOfRows, type GridPlan } from './grid.ts';
import { normalisationFigures, normalisationKey } from './normalisation.ts';
import { detectLayout, LAYOUTS, type Layout, type LayoutName } from './layout.ts';
import { readLevelPlanes, rowBandOf, timeIndexOf, type LatitudeRange } from './load-batch.ts';
import type { ZarrSource } from './store.ts';

/** Where the humidity comes from: the store's relative humidity, or its specific humidity. */
export type HumidityField =
  | {
      kind: 'relative';
      field: Field;
      /** Multiplies the stored values into percent: 1 for '%', 100 for a fraction. */
      toPercent: number;
      /** Whether the store said its units; ERA5's `r` is in percent, which is assumed when it does not. */
      unitsStated: boolean;
    }
  | { kind: 'specific'; field: Field };

export interface HumidityFields {
  source: ZarrSource;
  layout: Layout;
  grid: GridPlan;
  /** Pressure levels of the temperature field (hPa), store order. */
  levels: Float64Array;
  /** Times of the temperature field, milliseconds since 1970 UTC, store order. */
  times: Float64Array;
  temperature: Field;
  humidity: HumidityField;
}

/** Relative humidity of an opened ERA5 dataset when its store has it, else the specific humidity Aurora reads. */
export async function humidityFieldsOf(dataset: Era5Dataset): Promise<HumidityFields> {
  const { atmosSource: source, layout, levels } = dataset;
  const times = fieldTimes(dataset.atmos.t);
  const grid = dataset.atmos.t.grid;
  const relative = await new FieldOpener(layout, [[source, grid]]).openIfPresent(source, layout.relativeHumidity, 'atmos');
  return { source, layout, grid, levels, times, temperature: dataset.atmos.t, humidity: relative ? relativeHumidity(relative) : { kind: 'specific', field: dataset.atmos.q } };
}

/**
 * The same fields from a store of pressure levels alone (no surface or static variables, as Earth
 * Data Hub serves its levels): the layout is told by the temperature variable's name.
 */
export async function openHumidityFields(source: ZarrSource, options: { layout?: LayoutName } = {}): Promise<HumidityFields> {
  const layout = LAYOUTS[options.layout ?? (await detectLayout(source, 'atmos t'))];
  const opener = new FieldOpener(layout);
  const temperature = await opener.open(source, layout.atmos.t, 'atmospheric variable t', 'atmos');
  const relative = await opener.openIfPresent(source, layout.relativeHumidity, 'atmos');
  const humidity = relative ? relativeHumidity(relative) : { kind: 'specific' as const, field: await opener.open(source, layout.atmos.q, 'atmospheric variable q (no relative humidity either)', 'atmos') };
  return {
    source,
    layout,
    grid: temperature.grid,
    levels: await fieldLevels(temperature, source),
    times: fieldTimes(temperature),
    temperature,
    humidity,
  };
}

/** Temperature and humidity at some pressure levels and one time, on whole patch rows of the grid. */
export interface HumidityLevels {
  time: Date;
  levelsHpa: number[];
  /** Kelvin, one (rows x W) plane per level. */
  temperatureK: Float64Array[];
  humidity: { kind: 'relative'; percent: Float64Array[]; unitsStated: boolean } | { kind: 'specific'; kgPerKg: Float64Array[] };
  /** Latitudes of the rows read (decreasing) and every longitude in [0, 360). */
  lat: Float64Array;
  lon: Float64Array;
  /** First row read in the full cropped grid, and that grid's rows: for global patch indices. */
  rowOffset: number;
  fullHeight: number;
}

export interface ReadHumidityOptions {
  /** Output rows to read (whole patch rows, e.g. a batch's), or else the patch rows of a latitude range; all rows when neither. */
  rows?: { start: number; end: number };
  region?: LatitudeRange;
  signal?: AbortSignal;
}

export async function readHumidityLevels(fields: HumidityFields, time: Date, levelsHpa: readonly number[], options: ReadHumidityOptions = {}): Promise<HumidityLevels> {
  const levelIndices = levelsHpa.map((level) => levelIndex(fields, level));
  const absent = levelsHpa.filter((_, k) => levelIndices[k] < 0);
  if (absent.length > 0) {
    throw new MissingVariableError(`'${fields.temperature.name}' at ${absent.join(', ')} hPa`, fields.source.location, `the store has ${Array.from(fields.levels).join(', ')} hPa`);
  }
  const timeIndex = timeIndexOf(fields.times, time);
  const band = options.rows ? bandOfRows(fields.grid, options.rows.start, options.rows.end) : rowBandOf(fields, options.region);
  const when = new Date(fields.times[timeIndex]);
  const read = (field: Field) => readLevelPlanes(field, levelIndices, levelsHpa, timeIndex, when, band, options.signal);
  const [temperatureK, humidityPlanes] = await Promise.all([read(fields.temperature), read(fields.humidity.field)]);
  const { humidity } = fields;
  return {
    time: when,
    levelsHpa: [...levelsHpa],
    temperatureK,
    humidity:
      humidity.kind === 'relative'
        ? { kind: 'relative', percent: humidityPlanes.map((plane) => (humidity.toPercent === 1 ? plane : plane.map((value) => value * humidity.toPercent))), unitsStated: humidity.unitsStated }
        : { kind: 'specific', kgPerKg: humidityPlanes },
    lat: fields.grid.lat.slice(band.start, band.end),
    lon: Float64Array.from(fields.grid.lon),
    rowOffset: band.start,
    fullHeight: fields.grid.lat.length,
  };
}

function relativeHumidity(field: Field): HumidityField {
  const units = field.array.attrs.units;
  if (typeof units !== 'string') return { kind: 'relative', field, toPercent: 1, unitsStated: false };
  const fraction = ['1', '0-1', '(0 - 1)', 'fraction', 'dimensionless', ''].includes(units.trim().toLowerCase());
  return { kind: 'relative', field, toPercent: fraction ? 100 : 1, unitsStated: true };
}

/**
 * Temperature and specific humidity at some levels from a batch (its later step, de-normalised):
 * what a store without relative humidity gives, without reading the store again.
 */
export function humidityLevelsFromBatch(batch: NormalisedBatch, levelsHpa: readonly number[]): HumidityLevels {
  const plane = batch.lat.length * batch.lon.length;
  const channels = batch.levels.length;
  const later = HISTORY_STEPS - 1;
  const planesOf = (variable: 't' | 'q') =>
    levelsHpa.map((level) => {
      const c = batch.levels.indexOf(level);
      if (c < 0) throw new MissingVariableError(`'${variable}' at ${level} hPa`, 'the batch', `the batch has ${batch.levels.join(', ')} hPa`);
      const { location, scale } = normalisationFigures(normalisationKey(variable, level));
      const offset = (later * channels + c) * plane;
      return Float64Array.from(batch.atmos[variable].subarray(offset, offset + plane), (value) => value * scale + location);
    });
  return {
    time: batch.time,
    levelsHpa: [...levelsHpa],
    temperatureK: planesOf('t'),
    humidity: { kind: 'specific', kgPerKg: planesOf('q') },
    lat: batch.lat,
    lon: batch.lon,
    rowOffset: batch.rowOffset,
    fullHeight: batch.fullHeight,
  };
}
