import { describe, expect, it } from 'vitest';
import { decodeCfTimes, encodeCfTimes, parseCfTimeUnits } from './cf-time.ts';
import { TimeEncodingError } from './errors.ts';

const iso = (ms: number) => new Date(ms).toISOString();

describe('CF time decoding', () => {
  it('decodes int64 hours since a date, as xarray writes the fixture', () => {
    const ms = decodeCfTimes(new BigInt64Array([0n, 6n]), { units: 'hours since 2022-08-07 00:00:00', calendar: 'proleptic_gregorian' });
    expect(Array.from(ms, iso)).toEqual(['2022-08-07T00:00:00.000Z', '2022-08-07T06:00:00.000Z']);
  });

  it('decodes WeatherBench2-style hours since 1959-01-01 as float', () => {
    // 2022-08-07T06 is 557,502 hours after 1959-01-01 (23,229 days and 6 hours, per Python datetime).
    const ms = decodeCfTimes(new Float64Array([557502]), { units: 'hours since 1959-01-01' });
    expect(iso(ms[0])).toBe('2022-08-07T06:00:00.000Z');
  });

  it('decodes nanoseconds since the Unix epoch exactly from int64', () => {
    const ns = 1659852000000000000n; // 2022-08-07T06:00Z
    const ms = decodeCfTimes(new BigInt64Array([ns, ns + 1_500_000n]), { units: 'nanoseconds since 1970-01-01', calendar: 'standard' });
    expect(iso(ms[0])).toBe('2022-08-07T06:00:00.000Z');
    expect(ms[1] - ms[0]).toBeCloseTo(1.5, 12);
  });

  it('reads days, seconds, minutes, time zones and years below 100', () => {
    expect(iso(decodeCfTimes([1.25], { units: 'days since 2000-01-01T00:00:00Z' })[0])).toBe('2000-01-02T06:00:00.000Z');
    expect(iso(decodeCfTimes([90], { units: 'minutes since 2000-01-01 00:00 +01:00' })[0])).toBe('2000-01-01T00:30:00.000Z');
    expect(iso(decodeCfTimes([3600], { units: 'seconds since 1970-01-01' })[0])).toBe('1970-01-01T01:00:00.000Z');
    expect(parseCfTimeUnits('days since 0001-01-01').epochMs).toBe(-62135596800000);
  });

  it('refuses other calendars, bad units and a missing units attribute', () => {
    expect(() => decodeCfTimes([0], { units: 'days since 2000-01-01', calendar: '360_day' })).toThrow(/calendar '360_day' is not supported/);
    expect(() => decodeCfTimes([0], { units: 'fortnights since 2000-01-01' })).toThrow(TimeEncodingError);
    expect(() => decodeCfTimes([0], { units: 'hours' })).toThrow(/not of the CF form/);
    expect(() => decodeCfTimes([0], {})).toThrow(/no 'units' attribute/);
    expect(() => decodeCfTimes([0], { units: 'days since 1500-01-01', calendar: 'standard' })).toThrow(/Julian before 1582/);
    expect(iso(decodeCfTimes([0], { units: 'days since 1500-01-01', calendar: 'proleptic_gregorian' })[0])).toBe('1500-01-01T00:00:00.000Z');
  });
});

describe('CF time encoding', () => {
  it('writes int64 in the coarsest whole unit, which decodes back to the same instants', () => {
    const sixHourly = [Date.UTC(2022, 7, 7, 0), Date.UTC(2022, 7, 7, 6)];
    const hours = encodeCfTimes(sixHourly, '1959-01-01');
    // 2022-08-07T06 is 557,502 hours after 1959-01-01 (per Python datetime, as above).
    expect(hours).toEqual({ units: 'hours since 1959-01-01', calendar: 'proleptic_gregorian', values: BigInt64Array.of(557496n, 557502n) });
    expect(Array.from(decodeCfTimes(hours.values, hours), iso)).toEqual(sixHourly.map(iso));
    const halfHourly = [Date.UTC(2024, 6, 13, 18), Date.UTC(2024, 6, 13, 18, 30)];
    const minutes = encodeCfTimes(halfHourly);
    expect(minutes.units).toBe('minutes since 1970-01-01 00:00:00');
    expect(Array.from(decodeCfTimes(minutes.values, minutes), iso)).toEqual(halfHourly.map(iso));
  });
});
