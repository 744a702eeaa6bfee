// CF-conventions time decoding ("hours since 1959-01-01", "nanoseconds since ...") for the
// calendars whose dates are ordinary UTC dates: standard/gregorian (after 1582) and proleptic_gregorian.
import { TimeEncodingError } from './errors.ts';

const UNIT_MILLISECONDS: Readonly<Record<string, number>> = {
  nanoseconds: 1e-6,
  microseconds: 1e-3,
  milliseconds: 1,
  seconds: 1e3,
  minutes: 60e3,
  hours: 3600e3,
  days: 86400e3,
};
const UNIT_ALIASES: Readonly<Record<string, string>> = {
  ns: 'nanoseconds',
  us: 'microseconds',
  ms: 'milliseconds',
  s: 'seconds',
  sec: 'seconds',
  secs: 'seconds',
  min: 'minutes',
  mins: 'minutes',
  h: 'hours',
  hr: 'hours',
  hrs: 'hours',
  d: 'days',
};
const GREGORIAN_CALENDARS = new Set(['standard', 'gregorian', 'proleptic_gregorian']);
/** The first day of the Gregorian calendar: before it, CF's 'standard' calendar is Julian. */
const GREGORIAN_START_MS = Date.UTC(1582, 9, 15);

export interface CfTimeUnits {
  /** Length of one unit in milliseconds. */
  unitMs: number;
  /** The reference date, milliseconds since 1970-01-01T00:00Z. */
  epochMs: number;
}

/** Parses CF units "UNIT since YYYY-MM-DD[ T]hh:mm[:ss[.fff]][Z|±hh[:mm]]". */
export function parseCfTimeUnits(units: string, variable = 'time'): CfTimeUnits {
  const match = /^\s*(\w+)\s+since\s+(\d{1,4})-(\d{1,2})-(\d{1,2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2})(\.\d+)?)?)?\s*(Z|UTC|[+-]\d{1,2}(?::?\d{2})?)?\s*$/i.exec(
    units,
  );
  if (!match) throw new TimeEncodingError(variable, `units '${units}' are not of the CF form 'hours since 1959-01-01'`);
  const [, rawUnit, year, month, day, hour = '0', minute = '0', second = '0', fraction = '', zone = 'Z'] = match;
  const unit = UNIT_ALIASES[rawUnit.toLowerCase()] ?? rawUnit.toLowerCase();
  const unitMs = Object.hasOwn(UNIT_MILLISECONDS, unit) ? UNIT_MILLISECONDS[unit] : undefined;
  if (unitMs === undefined) {
    throw new TimeEncodingError(variable, `unit '${rawUnit}' is not supported (use days, hours, minutes, seconds, ... nanoseconds)`);
  }
  const reference = new Date(Date.UTC(2000, 0, 1, Number(hour), Number(minute), Number(second)));
  // setUTCFullYear, not Date.UTC: Date.UTC reads years 0..99 as 1900..1999 ("days since 0001-01-01").
  reference.setUTCFullYear(Number(year), Number(month) - 1, Number(day));
  const utcMs = reference.getTime() + (fraction ? Number(fraction) * 1000 : 0);
  return { unitMs, epochMs: utcMs - zoneOffsetMs(zone) };
}

/**
 * Decodes CF time values to UTC milliseconds since 1970. int64 values stay exact down to the
 * millisecond (nanoseconds since an epoch do not fit a double's 53 bits).
 */
export function decodeCfTimes(
  values: ArrayLike<number> | ArrayLike<bigint>,
  attributes: { units?: unknown; calendar?: unknown },
  variable = 'time',
): Float64Array {
  if (typeof attributes.units !== 'string') {
    throw new TimeEncodingError(variable, "it has no 'units' attribute (expected e.g. 'hours since 1959-01-01')");
  }
  const calendar = typeof attributes.calendar === 'string' ? attributes.calendar.toLowerCase() : 'standard';
  if (!GREGORIAN_CALENDARS.has(calendar)) {
    throw new TimeEncodingError(variable, `calendar '${calendar}' is not supported (only standard, gregorian and proleptic_gregorian)`);
  }
  const { unitMs, epochMs } = parseCfTimeUnits(attributes.units, variable);
  const out = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = epochMs + toMilliseconds(values[i], unitMs);
  if (calendar !== 'proleptic_gregorian' && out.some((ms) => ms < GREGORIAN_START_MS)) {
    throw new TimeEncodingError(variable, `calendar '${calendar}' is Julian before 1582-10-15 and the store has earlier dates`);
  }
  return out;
}

function toMilliseconds(value: number | bigint, unitMs: number): number {
  if (typeof value === 'number') return value * unitMs;
  if (unitMs >= 1) return Number(value) * unitMs;
  // Sub-millisecond units: divide in integers first, so that 1e18-sized nanosecond counts stay exact.
  const perMs = BigInt(Math.round(1 / unitMs));
  const whole = value / perMs;
  return Number(whole) + Number(value - whole * perMs) / Number(perMs);
}

function zoneOffsetMs(zone: string): number {
  if (/^(Z|UTC)$/i.test(zone)) return 0;
  const match = /^([+-])(\d{1,2}):?(\d{2})?$/.exec(zone);
  if (!match) return 0;
  const sign = match[1] === '-' ? -1 : 1;
  return sign * (Number(match[2]) * 3600e3 + Number(match[3] ?? '0') * 60e3);
}

/** CF time values with their units, as a store writes them. */
export interface CfEncodedTimes {
  units: string;
  calendar: 'proleptic_gregorian';
  values: BigInt64Array;
}

/** The units encodeCfTimes tries, coarsest first: the first in which every time is a whole number. */
const ENCODING_UNITS = ['hours', 'minutes', 'seconds', 'milliseconds'] as const;

/**
 * Encodes UTC instants (milliseconds since 1970) as int64 CF values "UNIT since EPOCH", in the coarsest
 * unit that holds every time exactly (as xarray chooses). The one encoder of CF time, for every store we write.
 */
export function encodeCfTimes(timesMs: ArrayLike<number>, epoch = '1970-01-01 00:00:00'): CfEncodedTimes {
  const { epochMs } = parseCfTimeUnits(`hours since ${epoch}`);
  const offsets = Array.from(timesMs, (ms) => ms - epochMs);
  const bad = offsets.findIndex((offset) => !Number.isInteger(offset));
  if (bad >= 0) throw new TimeEncodingError('time', `${timesMs[bad]} is not a whole number of milliseconds since 1970`);
  const unit = ENCODING_UNITS.find((name) => offsets.every((offset) => offset % UNIT_MILLISECONDS[name] === 0)) ?? 'milliseconds';
  return {
    units: `${unit} since ${epoch}`,
    calendar: 'proleptic_gregorian',
    values: BigInt64Array.from(offsets, (offset) => BigInt(offset / UNIT_MILLISECONDS[unit])),
  };
}
