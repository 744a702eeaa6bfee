// The percentile readers on files written by netCDF4-python (test/fixtures/percentiles/make-fixtures.py):
// expected values are that script's known inputs, worked out by hand here.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { detectNetcdfFormat, openNetcdf } from './netcdf.ts';
import { PercentileSourceError, readPercentileFields, STUDY_PERCENTILE_TIME, type PercentileField } from './percentile-field.ts';
import { readPercentileSources } from './sources.node.ts';

const FIXTURES = 'test/fixtures/percentiles';
const NETCDF4_P75 = join(FIXTURES, 'netcdf4/p75_Tmax_Yearly_rcp45_mean_v1.0.nc');
const NETCDF3_P90 = join(FIXTURES, 'netcdf3/p90_Tmax_Yearly_rcp45_mean_v1.0.nc');
const SAMPLE_STORE = 'public/sample/tmax-percentiles.zarr';
const LAT = [40, 40.5, 41];
const LON = [-1, -0.5, 0, 0.5];

/** value(i, j) = base + i + 0.25 j on the fixtures' 3 x 4 grid, row-major. */
function fixtureGrid(base: number): number[] {
  return LAT.flatMap((_, i) => LON.map((_, j) => base + i + 0.25 * j));
}

function expectValues(field: PercentileField, expected: number[]): void {
  expect(field.values.length).toBe(expected.length);
  field.values.forEach((value, k) => {
    if (Number.isNaN(expected[k])) expect(value, `point ${k}`).toBeNaN();
    else expect(value, `point ${k}`).toBeCloseTo(expected[k], 5);
  });
}

describe('NetCDF-4 (HDF5) percentile files', () => {
  it('reads the variable at 2020-01-01 with its 1-D lat/lon and the fill value as missing', async () => {
    const bytes = await readFile(NETCDF4_P75);
    expect(detectNetcdfFormat(bytes)).toBe('netcdf4');
    const [field] = await readPercentileFields(await openNetcdf(bytes, 'p75.nc'), { time: STUDY_PERCENTILE_TIME });
    expect(field.percentile).toBe(75);
    expect(Array.from(field.lat)).toEqual(LAT);
    expect(Array.from(field.lon)).toEqual(LON);
    expect(field.time?.toISOString()).toBe('2020-01-01T00:00:00.000Z');
    const expected = fixtureGrid(30);
    expected[2 * 4 + 3] = Number.NaN;
    expectValues(field, expected);
  });

  it('picks the later time when asked (ten degrees warmer in the fixture)', async () => {
    const dataset = await openNetcdf(await readFile(NETCDF4_P75), 'p75.nc');
    const [field] = await readPercentileFields(dataset, { time: new Date('2050-01-01T00:00:00Z') });
    expectValues(field, fixtureGrid(40));
  });

  it('names the times a file has when the chosen one is missing', async () => {
    const dataset = await openNetcdf(await readFile(NETCDF4_P75), 'p75.nc');
    const reading = readPercentileFields(dataset, { time: new Date('2030-01-01T00:00:00Z') });
    await expect(reading).rejects.toThrow(PercentileSourceError);
    await expect(reading).rejects.toThrow(/no time on 2030-01-01; its times are 2020-01-01, 2050-01-01/);
  });
});

describe('NetCDF-3 percentile files', () => {
  it('reads a packed classic file without a time axis', async () => {
    const bytes = await readFile(NETCDF3_P90);
    expect(detectNetcdfFormat(bytes)).toBe('netcdf3');
    const [field] = await readPercentileFields(await openNetcdf(bytes, 'p90.nc'), { time: STUDY_PERCENTILE_TIME });
    expect(field.percentile).toBe(90);
    expect(field.time).toBeNull();
    const expected = fixtureGrid(32);
    expected[0] = Number.NaN;
    expectValues(field, expected);
  });
});

describe('percentile sources on the command line', () => {
  it('reads a directory of CDS-named files, sorted by percentile', async () => {
    const fields = await readPercentileSources(join(FIXTURES, 'netcdf4'), { time: STUDY_PERCENTILE_TIME });
    expect(fields.map((field) => field.percentile)).toEqual([75, 99]);
    expect(fields[1].values[0]).toBeCloseTo(35, 5);
  });

  it('reads a comma-separated list of files of both formats', async () => {
    const fields = await readPercentileSources(`${NETCDF3_P90},${NETCDF4_P75}`, { time: STUDY_PERCENTILE_TIME });
    expect(fields.map((field) => field.percentile)).toEqual([75, 90]);
  });

  it('refuses a percentile given twice', async () => {
    await expect(readPercentileSources(`${NETCDF4_P75},${NETCDF4_P75}`, { time: STUDY_PERCENTILE_TIME })).rejects.toThrow(/p75 comes from both/);
  });

  it('reads the sample Zarr store: four nested percentiles over Europe, longitudes in [-180, 180)', async () => {
    const fields = await readPercentileSources(SAMPLE_STORE, { time: STUDY_PERCENTILE_TIME });
    expect(fields.map((field) => field.percentile)).toEqual([75, 90, 95, 99]);
    const [p75] = fields;
    expect(p75.lon[0]).toBe(-25);
    expect(p75.lon[p75.lon.length - 1]).toBe(45);
    expect(p75.values.length).toBe(p75.lat.length * p75.lon.length);
  });

  it('says what a non-NetCDF file is not, and what a file lacks', async () => {
    await expect(openNetcdf(new TextEncoder().encode('not a netcdf file'), 'notes.txt')).rejects.toThrow(/notes.txt is not a NetCDF file/);
    const dataset = await openNetcdf(await readFile(NETCDF3_P90), 'p90.nc');
    await expect(readPercentileFields(dataset, { time: STUDY_PERCENTILE_TIME, percentiles: [99] })).rejects.toThrow(/p90.nc has no p99_Tmax_Yearly variable/);
  });
});
