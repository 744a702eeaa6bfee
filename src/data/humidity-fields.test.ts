import { describe, expect, it } from 'vitest';
import { MissingVariableError, TimeNotInStoreError } from './errors.ts';
import { openHumidityFields, readHumidityLevels } from './humidity-fields.ts';
import { MemoryStore } from './memory-store.ts';
import { openZarrSource } from './store.ts';
import { ZarrV2Writer } from './zarr-writer.ts';

// A WeatherBench2-layout store of pressure levels with relative humidity as a fraction, latitudes
// ascending and longitudes in [-180, 180): the reader must give percent on Aurora's grid order.
const H = 8;
const W = 8;
const LEVELS = [500, 700, 850];
const lat = Float64Array.from({ length: H }, (_, i) => -70 + 20 * i); // -70 .. 70, ascending
const lon = Float64Array.from({ length: W }, (_, j) => -180 + 45 * j); // -180 .. 135
/** A value that names its place: level, latitude and longitude. */
const valueAt = (level: number, la: number, lo: number) => level + la / 100 + lo / 1e4;

async function buildStore(humidityUnits: string | undefined): Promise<MemoryStore> {
  const store = new MemoryStore();
  const writer = new ZarrV2Writer(store.sink);
  await writer.writeArray({ name: 'latitude', dims: ['latitude'], shape: [H], chunks: [H], dtype: '<f8', compressor: null, fillValue: Number.NaN }, lat);
  await writer.writeArray({ name: 'longitude', dims: ['longitude'], shape: [W], chunks: [W], dtype: '<f8', compressor: null, fillValue: Number.NaN }, lon);
  await writer.writeArray({ name: 'level', dims: ['level'], shape: [3], chunks: [3], dtype: '<i8', compressor: null, fillValue: null }, BigInt64Array.from(LEVELS, BigInt));
  await writer.writeArray(
    { name: 'time', dims: ['time'], shape: [1], chunks: [1], dtype: '<i8', compressor: null, fillValue: null, attributes: { units: 'hours since 2022-08-07', calendar: 'proleptic_gregorian' } },
    BigInt64Array.of(6n),
  );
  const planes = (scale: number) => Float32Array.from({ length: 3 * H * W }, (_, n) => scale * valueAt(LEVELS[Math.floor(n / (H * W))], lat[Math.floor(n / W) % H], lon[n % W]));
  const spec = (name: string, attributes: Record<string, unknown>) => ({
    name,
    dims: ['time', 'level', 'latitude', 'longitude'],
    shape: [1, 3, H, W],
    chunks: [1, 3, H, W],
    dtype: '<f4' as const,
    compressor: null,
    fillValue: Number.NaN,
    attributes,
  });
  await writer.writeArray(spec('temperature', { units: 'K' }), planes(1));
  await writer.writeArray(spec('relative_humidity', humidityUnits === undefined ? {} : { units: humidityUnits }), planes(0.001));
  await writer.close();
  return store;
}

describe('temperature and humidity on pressure levels', () => {
  it('reads the WeatherBench2 relative humidity, a fraction, as percent, on Aurora grid order, for a band of rows', async () => {
    const source = await openZarrSource(await buildStore('1'), 'memory://wb2-levels');
    const fields = await openHumidityFields(source);
    expect(fields.layout.name).toBe('wb2');
    expect(fields.humidity).toMatchObject({ kind: 'relative', toPercent: 100, unitsStated: true });
    // 0 .. 50 N: the patch row of latitudes 70 .. 10 (rows 0..3 once flipped).
    const levels = await readHumidityLevels(fields, new Date('2022-08-07T06:00Z'), [850, 500], { region: { south: 20, north: 50 } });
    expect(Array.from(levels.lat)).toEqual([70, 50, 30, 10]);
    expect(levels.rowOffset).toBe(0);
    expect(levels.fullHeight).toBe(8);
    expect(Array.from(levels.lon)).toEqual([0, 45, 90, 135, 180, 225, 270, 315]);
    if (levels.humidity.kind !== 'relative') throw new Error('expected relative humidity');
    // Row 1 (50 N), column 5 (225 E = -135): level 850 first, as asked.
    const at = 1 * W + 5;
    expect(levels.temperatureK[0][at]).toBeCloseTo(valueAt(850, 50, -135), 3);
    expect(levels.temperatureK[1][at]).toBeCloseTo(valueAt(500, 50, -135), 3);
    expect(levels.humidity.percent[0][at]).toBeCloseTo(0.1 * valueAt(850, 50, -135), 3);
  });

  it('takes relative humidity without units as percent, as ERA5 gives it, and says the units were not stated', async () => {
    const fields = await openHumidityFields(await openZarrSource(await buildStore(undefined), 'memory://wb2-levels'));
    expect(fields.humidity).toMatchObject({ kind: 'relative', toPercent: 1, unitsStated: false });
  });

  it('names a missing level and a missing time', async () => {
    const fields = await openHumidityFields(await openZarrSource(await buildStore('%'), 'memory://wb2-levels'));
    await expect(readHumidityLevels(fields, new Date('2022-08-07T06:00Z'), [500, 925])).rejects.toThrow(MissingVariableError);
    await expect(readHumidityLevels(fields, new Date('2022-08-07T06:00Z'), [500, 925])).rejects.toThrow(/925 hPa/);
    await expect(readHumidityLevels(fields, new Date('2022-08-07T12:00Z'), [500])).rejects.toThrow(TimeNotInStoreError);
  });
});
