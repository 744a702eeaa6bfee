import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openEra5Dataset } from './dataset.ts';
import {
  DataError,
  GridMismatchError,
  GridShapeError,
  HttpStatusError,
  IrregularGridError,
  MissingPreviousStepError,
  MissingVariableError,
  NonFiniteInputError,
  NotZarrError,
  RegionError,
  StoreUnreachableError,
  TimeNotInStoreError,
  UnsupportedEncodingError,
} from './errors.ts';
import { bandForLatitudes, planGrid } from './grid.ts';
import { columnsOf, loadBatch } from './load-batch.ts';
import { MemoryStore } from './memory-store.ts';
import { FileStore, openSource } from './store.node.ts';
import { openHttpSource, openZarrSource, type AbsoluteKey, type KeyValueReader } from './store.ts';
import { FIXTURE } from './testing/fixture-batch.ts';
import { ZarrV2Writer } from './zarr-writer.ts';

const STORE = `${FIXTURE}/era5.zarr`;

/** The fixture store with some keys hidden (and so without consolidated metadata, which lists them). */
function fixtureWithout(hidden: (key: string) => boolean): KeyValueReader {
  const files = new FileStore(STORE);
  return {
    get: (key: AbsoluteKey) => (key === '/.zmetadata' || hidden(key.slice(1)) ? Promise.resolve(undefined) : files.get(key)),
  };
}

/** Rejects with the error a promise rejects with, so that its fields can be checked. */
async function failure(promise: Promise<unknown>): Promise<DataError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof DataError) return error;
    throw error;
  }
  throw new Error('expected a failure');
}

describe('store errors over HTTP', () => {
  let server: Server;
  let base: string;
  const answers: Record<string, { status: number; body: string }> = {
    private: { status: 403, body: 'Forbidden' },
    nothing: { status: 404, body: 'Not found' },
    webpage: { status: 200, body: '<!doctype html><html><body>Welcome</body></html>' },
  };
  beforeAll(async () => {
    server = createServer((request, response) => {
      const answer = answers[(request.url ?? '').split('/')[1]] ?? answers.nothing;
      response.writeHead(answer.status, { 'content-type': 'text/html' }).end(answer.body);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('reports an unreachable URL', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const error = await failure(openHttpSource(`http://127.0.0.1:${port}/era5.zarr`));
    expect(error).toBeInstanceOf(StoreUnreachableError);
    expect(error.message).toMatch(/Could not reach http:\/\/127\.0\.0\.1:\d+\/era5\.zarr\/\.zmetadata/);
  });

  it('reports 403 as access denied', async () => {
    const error = await failure(openHttpSource(`${base}/private/era5.zarr`));
    expect(error).toBeInstanceOf(HttpStatusError);
    expect((error as HttpStatusError).status).toBe(403);
    expect(error.message).toMatch(/HTTP 403: access denied/);
  });

  it('reports 404 on every metadata key as nothing there', async () => {
    const error = await failure(openHttpSource(`${base}/nothing/era5.zarr`));
    expect(error).toBeInstanceOf(HttpStatusError);
    expect((error as HttpStatusError).status).toBe(404);
    expect(error.message).toMatch(/nothing at this address/);
  });

  it('reports a web page as not a Zarr store', async () => {
    const error = await failure(openHttpSource(`${base}/webpage/era5.zarr`));
    expect(error).toBeInstanceOf(NotZarrError);
    expect(error.message).toMatch(/\.zmetadata is not JSON metadata \(it starts with "<!doctype html>/);
  });
});

describe('dataset and batch errors', () => {
  it('names a missing variable, the names looked for under the layout given, and how to map it', async () => {
    const source = await openZarrSource(fixtureWithout((key) => key.startsWith('specific_humidity/')), 'fixture-without-q');
    const error = await failure(openEra5Dataset(source, { layout: 'wb2' }));
    expect(error).toBeInstanceOf(MissingVariableError);
    expect(error.message).toMatch(/^specific humidity on pressure levels \(atmos\.q\) is not in fixture-without-q: none of 'specific_humidity' is there/);
    expect(error.message).toContain('--var q=NAME');
  });

  it('names every family of names looked for when no layout is given', async () => {
    const source = await openZarrSource(fixtureWithout((key) => key.startsWith('2m_temperature/')), 'fixture-without-2t');
    const error = await failure(openEra5Dataset(source));
    expect(error).toBeInstanceOf(MissingVariableError);
    expect(error.message).toMatch(/2 m temperature \(2t\) is not in fixture-without-2t: none of '2m_temperature', 't2m', '2t' is there/);
  });

  it('gives the nearest available times for a time not in the store', async () => {
    const dataset = await openEra5Dataset(await openSource(STORE));
    const error = await failure(loadBatch(dataset, new Date('2022-08-08T00:00:00Z')));
    expect(error).toBeInstanceOf(TimeNotInStoreError);
    expect(error.message).toBe('2022-08-08T00:00Z is not in the store. Nearest available times: 2022-08-07T00:00Z, 2022-08-07T06:00Z.');
  });

  it('reports a missing previous step', async () => {
    const dataset = await openEra5Dataset(await openSource(STORE));
    const error = await failure(loadBatch(dataset, new Date('2022-08-07T00:00:00Z')));
    expect(error).toBeInstanceOf(MissingPreviousStepError);
    expect(error.message).toMatch(/its previous step 2022-08-06T18:00Z is not/);
  });

  it('reports NaN in the inputs with where it is', async () => {
    // A missing chunk reads as the fill value, NaN: the whole 06:00 2 m temperature field.
    const source = await openZarrSource(fixtureWithout((key) => key === '2m_temperature/1.0.0'), 'fixture-with-gap');
    const dataset = await openEra5Dataset(source);
    const error = await failure(loadBatch(dataset, new Date('2022-08-07T06:00:00Z')));
    expect(error).toBeInstanceOf(NonFiniteInputError);
    const gap = error as NonFiniteInputError;
    expect(gap.count).toBe(16 * 32);
    expect(gap.first).toEqual({ variable: '2t', time: new Date('2022-08-07T06:00:00Z'), level: undefined, lat: 90, lon: 0 });
    expect(error.message).toMatch(/512 missing or non-finite value\(s\).* in '2t' at 2022-08-07T06:00Z, first at lat 90\.00, lon 0\.00/);
  });

  it('names a region that holds no patch, or whose bounds are reversed, as a region to fix', () => {
    // A 10-degree grid of 16 x 36 points: patches of 4 x 4 points, none centred between 21 and 22 E.
    const plan = planGrid(Array.from({ length: 16 }, (_, i) => 80 - i * 10), Array.from({ length: 36 }, (_, j) => j * 10));
    expect(() => bandForLatitudes(plan, 40, 10)).toThrow(RegionError);
    expect(() => bandForLatitudes(plan, 40, 10)).toThrow('Latitude range: south (40) is north of north (10): widen the region');
    expect(() => columnsOf(plan, { south: -70, north: 80, west: 21, east: 22 })).toThrow(RegionError);
    expect(() => columnsOf(plan, { south: -70, north: 80, west: 21, east: 22 })).toThrow('Longitudes 21 .. 22 hold no patch centre of this grid: widen the region');
  });

  it('refuses a grid that is not a regular lat-lon grid', () => {
    const lon = Array.from({ length: 8 }, (_, j) => j * 45);
    expect(() => planGrid([90, 60, 45, 0, -45, -60, -90, -90.5], lon)).toThrow(IrregularGridError);
    const lat = Array.from({ length: 9 }, (_, i) => 90 - i * 22.5);
    expect(() => planGrid(lat, [0, 90, 180, 270, 10, 20, 30, 40])).toThrow(/longitude coordinate is not a regular grid/);
    // A regional grid across 0 E is regular as stored but not once put in [0, 360) order.
    expect(() => planGrid(lat, [-20, -10, 0, 10, 20, 30, 40, 50])).toThrow(/once converted to \[0, 360\) and sorted/);
  });

  it('refuses a grid size Aurora cannot patch, saying why', () => {
    const lat = Array.from({ length: 19 }, (_, i) => 90 - i * 10);
    const lon = Array.from({ length: 36 }, (_, j) => j * 10);
    expect(() => planGrid(lat, lon)).toThrow(GridShapeError);
    expect(() => planGrid(lat, lon)).toThrow(/19 latitudes leave 3 rows over/);
    expect(() => planGrid(lat.slice(0, 17), lon.slice(0, 30))).toThrow(/30 longitudes are not a multiple of 4/);
  });

  it('refuses static fields on another grid', async () => {
    const statics = new MemoryStore();
    const writer = new ZarrV2Writer(statics.sink);
    const lat = Float64Array.from({ length: 17 }, (_, i) => 90 - i * 11.25);
    const lon = Float64Array.from({ length: 32 }, (_, j) => 1 + j * 11.25);
    await writer.writeArray({ name: 'latitude', dims: ['latitude'], shape: [17], chunks: [17], dtype: '<f8', compressor: null, fillValue: null }, lat);
    await writer.writeArray({ name: 'longitude', dims: ['longitude'], shape: [32], chunks: [32], dtype: '<f8', compressor: null, fillValue: null }, lon);
    for (const name of ['land_sea_mask', 'geopotential_at_surface', 'soil_type']) {
      await writer.writeArray({ name, dims: ['latitude', 'longitude'], shape: [17, 32], chunks: [17, 32], dtype: '<f4', compressor: null, fillValue: Number.NaN }, new Float32Array(17 * 32));
    }
    await writer.close();
    const error = await failure(openEra5Dataset(await openSource(STORE), { staticSource: await openZarrSource(statics, 'shifted-statics') }));
    expect(error).toBeInstanceOf(GridMismatchError);
    expect(error.message).toMatch(/longitudes differ \(0 against 1 in the static store\)/);
  });
});

describe('encoding errors', () => {
  async function storeWithArray(zarray: Record<string, unknown>): Promise<KeyValueReader> {
    const store = new MemoryStore();
    const json = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));
    await store.sink('.zgroup', json({ zarr_format: 2 }));
    await store.sink('x/.zarray', json({ chunks: [4], compressor: null, dtype: '<f4', fill_value: 'NaN', filters: null, order: 'C', shape: [4], zarr_format: 2, ...zarray }));
    return store;
  }

  it('names an unsupported codec', async () => {
    const source = await openZarrSource(await storeWithArray({ compressor: { id: 'snappy' } }), 'snappy-store');
    const error = await failure(source.openArray('x'));
    expect(error).toBeInstanceOf(UnsupportedEncodingError);
    expect(error.message).toMatch(/'x' uses the codec 'snappy'.*Supported: blosc \(lz4, zstd\), zstd, gzip, zlib/);
  });

  it('names an unsupported dtype', async () => {
    const source = await openZarrSource(await storeWithArray({ dtype: '<M8[ns]' }), 'datetime-store');
    const error = await failure(source.openArray('x'));
    expect(error).toBeInstanceOf(UnsupportedEncodingError);
    expect(error.message).toMatch(/'x' uses the dtype '<M8\[ns\]'/);
  });

  it('reports a local path with no store', async () => {
    const error = await failure(openSource('test/fixtures/no-such-store.zarr'));
    expect(error).toBeInstanceOf(NotZarrError);
    expect(error.message).toMatch(/there is no directory at this path/);
  });
});
