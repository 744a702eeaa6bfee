import { describe, expect, it } from 'vitest';
import { readNpyFile } from '../io/npy.node.ts';
import { ATMOSPHERIC_VARIABLES, AURORA_LEVELS, STATIC_VARIABLES, SURFACE_VARIABLES } from './batch.ts';
import { openEra5Dataset } from './dataset.ts';
import { loadBatch } from './load-batch.ts';
import { expectBatchMatches, expectedFromFixture } from './testing/fixture-batch.ts';
import { MemoryStore } from './memory-store.ts';
import { openZarrSource } from './store.ts';
import { ZarrV2Writer, type ArraySpec, type CompressorConfig } from './zarr-writer.ts';

// The fixture's raw arrays rewritten in the CDS layout, to check that the same batch comes out:
// latitudes ascending, longitudes in [-180, 180), levels descending, GRIB short names, dims
// valid_time / isobaricInhPa, one variable stored (longitude, latitude), a mix of codecs, static
// fields in a separate store without consolidated metadata.
const FIXTURE = 'test/fixtures/aurora-encoder/tiny-global';
const H = 17;
const W = 32;
const LEVELS_DESCENDING = [...AURORA_LEVELS].reverse();
// CDS column j holds longitude -180 + 11.25 j, which is the fixture's column (j + 16) mod 32.
const fixtureColumn = (j: number) => (j + 16) % W;
// CDS row i holds latitude -90 + 11.25 i, the fixture's row 16 - i.
const fixtureRow = (i: number) => H - 1 - i;

const SHORT_NAMES = {
  surface: { '2t': 't2m', '10u': 'u10', '10v': 'v10', msl: 'msl' },
  static: { lsm: 'lsm', z: 'z', slt: 'slt' },
  atmos: { z: 'z', u: 'u', v: 'v', t: 't', q: 'q' },
} as const;

const CODECS: CompressorConfig[] = [
  { id: 'zlib', level: 4 },
  { id: 'gzip', level: 5 },
  { id: 'zstd', level: 3 },
  { id: 'blosc', cname: 'zstd', clevel: 5, shuffle: 1, blocksize: 0 },
  { id: 'blosc', cname: 'lz4', clevel: 5, shuffle: 2, blocksize: 0 },
];
let codecTurn = 0;
const nextCodec = (): CompressorConfig | null => (codecTurn++ % 6 === 5 ? null : CODECS[codecTurn % CODECS.length]);

async function fixtureArray(name: string): Promise<Float32Array> {
  const npy = await readNpyFile(`${FIXTURE}/inputs/${name}.npy`);
  if (npy.dtype !== '<f4') throw new Error(`${name}: expected float32`);
  return npy.data;
}

/** (planes, lat, lon) fixture planes into CDS order; `transposed` stores (lon, lat) instead. */
function toCds(source: Float32Array, planes: number, planeOf: (p: number) => number, transposed = false): Float32Array {
  const out = new Float32Array(planes * H * W);
  for (let p = 0; p < planes; p++) {
    for (let i = 0; i < H; i++) {
      for (let j = 0; j < W; j++) {
        const value = source[(planeOf(p) * H + fixtureRow(i)) * W + fixtureColumn(j)];
        out[transposed ? (p * W + j) * H + i : (p * H + i) * W + j] = value;
      }
    }
  }
  return out;
}

async function writeCoordinates(writer: ZarrV2Writer, withTime: boolean): Promise<void> {
  const lat = Float64Array.from({ length: H }, (_, i) => -90 + 11.25 * i);
  const lon = Float64Array.from({ length: W }, (_, j) => -180 + 11.25 * j);
  await writer.writeArray({ name: 'latitude', dims: ['latitude'], shape: [H], chunks: [H], dtype: '<f8', compressor: null, fillValue: Number.NaN, attributes: { units: 'degrees_north' } }, lat);
  await writer.writeArray({ name: 'longitude', dims: ['longitude'], shape: [W], chunks: [W], dtype: '<f8', compressor: null, fillValue: Number.NaN, attributes: { units: 'degrees_east' } }, lon);
  if (!withTime) return;
  // CDS files count seconds since 1970: 2022-08-07T00 and T06.
  await writer.writeArray(
    { name: 'valid_time', dims: ['valid_time'], shape: [2], chunks: [2], dtype: '<i8', compressor: null, fillValue: null, attributes: { units: 'seconds since 1970-01-01', calendar: 'proleptic_gregorian' } },
    new BigInt64Array([1659830400n, 1659852000n]),
  );
  await writer.writeArray(
    { name: 'isobaricInhPa', dims: ['isobaricInhPa'], shape: [13], chunks: [13], dtype: '<f8', compressor: null, fillValue: Number.NaN, attributes: { units: 'hPa' } },
    Float64Array.from(LEVELS_DESCENDING),
  );
}

async function buildCdsStores(): Promise<{ dynamic: MemoryStore; statics: MemoryStore }> {
  const dynamic = new MemoryStore();
  const writer = new ZarrV2Writer(dynamic.sink, { Conventions: 'CF-1.7' });
  await writeCoordinates(writer, true);
  for (const v of SURFACE_VARIABLES) {
    const spec: ArraySpec = { name: SHORT_NAMES.surface[v], dims: ['valid_time', 'latitude', 'longitude'], shape: [2, H, W], chunks: [1, H, W], dtype: '<f4', compressor: nextCodec(), fillValue: Number.NaN };
    const data = toCds(await fixtureArray(`surf_${v}`), 2, (p) => p);
    await writer.createArray(spec);
    for (let t = 0; t < 2; t++) await writer.writeChunk(spec, [t, 0, 0], data.subarray(t * H * W, (t + 1) * H * W));
  }
  for (const v of ATMOSPHERIC_VARIABLES) {
    // u is stored with longitude before latitude, to check that dimension order is read, not assumed.
    const transposed = v === 'u';
    const spec: ArraySpec = {
      name: SHORT_NAMES.atmos[v],
      dims: transposed ? ['valid_time', 'isobaricInhPa', 'longitude', 'latitude'] : ['valid_time', 'isobaricInhPa', 'latitude', 'longitude'],
      shape: transposed ? [2, 13, W, H] : [2, 13, H, W],
      chunks: transposed ? [1, 13, W, H] : [1, 13, H, W],
      dtype: '<f4',
      compressor: nextCodec(),
      fillValue: Number.NaN,
    };
    // Plane p = (step, descending-level position); the fixture's level order is ascending.
    const data = toCds(await fixtureArray(`atmos_${v}`), 2 * 13, (p) => Math.floor(p / 13) * 13 + (12 - (p % 13)), transposed);
    await writer.createArray(spec);
    for (let t = 0; t < 2; t++) await writer.writeChunk(spec, [t, 0, 0, 0], data.subarray(t * 13 * H * W, (t + 1) * 13 * H * W));
  }
  await writer.close();

  const statics = new MemoryStore();
  const staticWriter = new ZarrV2Writer(statics.sink);
  await writeCoordinates(staticWriter, false);
  for (const v of STATIC_VARIABLES) {
    // Earth Data Hub's invariant fields keep a time axis of length 1.
    const spec: ArraySpec = { name: SHORT_NAMES.static[v], dims: ['valid_time', 'latitude', 'longitude'], shape: [1, H, W], chunks: [1, H, W], dtype: '<f4', compressor: nextCodec(), fillValue: Number.NaN };
    await staticWriter.writeArray(spec, toCds(await fixtureArray(`static_${v}`), 1, () => 0));
  }
  await staticWriter.close();
  statics.entries.delete('.zmetadata'); // no consolidated metadata: per-array metadata must do
  return { dynamic, statics };
}

describe('loadBatch on the same data in the CDS layout', () => {
  it('gives the same batch as the WeatherBench2 fixture', async () => {
    const { dynamic, statics } = await buildCdsStores();
    const source = await openZarrSource(dynamic, 'memory://cds');
    const staticSource = await openZarrSource(statics, 'memory://cds-static');
    expect(staticSource.consolidated).toBe(false);
    const dataset = await openEra5Dataset(source, { staticSource });
    expect(dataset.layout.name).toBe('cds');
    expect(dataset.grid.storeLatDescending).toBe(false);
    const batch = await loadBatch(dataset, new Date('2022-08-07T06:00:00Z'));
    expectBatchMatches(batch, await expectedFromFixture());
  });

  it('reads a band of patch rows from the ascending-latitude store', async () => {
    const { dynamic, statics } = await buildCdsStores();
    const dataset = await openEra5Dataset(await openZarrSource(dynamic, 'memory://cds'), { staticSource: await openZarrSource(statics, 'memory://cds-static') });
    // 10 S .. 10 N: the patch rows holding latitudes 0 .. -33.75 (row 2) and 45 .. 11.25 (row 1).
    const band = await loadBatch(dataset, new Date('2022-08-07T06:00:00Z'), { region: { south: -10, north: 10 } });
    expect(band.rowOffset).toBe(4);
    expect(band.fullHeight).toBe(16);
    expect(Array.from(band.lat)).toEqual([45, 33.75, 22.5, 11.25, 0, -11.25, -22.5, -33.75]);
    const expected = await expectedFromFixture();
    const rows = 8;
    const plane = rows * W;
    for (const v of SURFACE_VARIABLES) {
      for (let t = 0; t < 2; t++) {
        const want = expected[`surface.${v}`].subarray(t * 16 * W + 4 * W, t * 16 * W + 12 * W);
        expect(Array.from(band.surface[v].subarray(t * plane, (t + 1) * plane))).toEqual(Array.from(want));
      }
    }
    expect(Array.from(band.static.lsm)).toEqual(Array.from(expected['static.lsm'].subarray(4 * W, 12 * W)));
  });
});
