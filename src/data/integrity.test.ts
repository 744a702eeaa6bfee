import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { openEra5Dataset } from './dataset.ts';
import { ChunkTooLargeError, DamagedChunkError, DataError, InvalidShapeError } from './errors.ts';
import { SHAPE_LIMITS } from './integrity.ts';
import { loadBatch } from './load-batch.ts';
import { FileStore } from './store.node.ts';
import { openZarrSource, type AbsoluteKey, type KeyValueReader } from './store.ts';
import { BATCH_TIME, FIXTURE } from './testing/fixture-batch.ts';

const STORE = `${FIXTURE}/era5.zarr`;

/**
 * The fixture store with some keys replaced: a Uint8Array is served as it is, anything else as JSON
 * merged over the key's own JSON. Without .zmetadata, so that each array's own metadata is read.
 */
function fixtureWith(replaced: Record<string, Uint8Array | Record<string, unknown>>): KeyValueReader {
  const files = new FileStore(STORE);
  return {
    async get(key: AbsoluteKey) {
      if (key === '/.zmetadata') return undefined;
      const replacement = replaced[key.slice(1)];
      if (replacement instanceof Uint8Array) return replacement;
      const bytes = await files.get(key);
      if (!replacement || !bytes) return bytes;
      return new TextEncoder().encode(JSON.stringify({ ...JSON.parse(new TextDecoder().decode(bytes)), ...replacement }));
    },
  };
}

async function failure(promise: Promise<unknown>): Promise<DataError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof DataError) return error;
    throw error;
  }
  throw new Error('expected a failure');
}

const fixtureChunk = async (key: string) => new Uint8Array(await readFile(`${STORE}/${key}`));

describe('chunk integrity', () => {
  it('refuses a chunk that decodes to another size than its metadata says, naming the chunk and both sizes', async () => {
    // A valid Blosc stream, but of the 17 float32 latitudes: 17 values, not 1 x 17 x 32.
    const source = await openZarrSource(fixtureWith({ '2m_temperature/1.0.0': await fixtureChunk('latitude/0') }), 'wrong-size-store');
    const dataset = await openEra5Dataset(source);
    let reports = 0;
    const error = await failure(loadBatch(dataset, BATCH_TIME, { onProgress: () => void (reports += 1) }));
    // The batch stops at its first failure: nothing of it runs, or reports, once it has failed.
    const reportsAtFailure = reports;
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(reports).toBe(reportsAtFailure);
    expect(error).toBeInstanceOf(DamagedChunkError);
    const damaged = error as DamagedChunkError;
    expect(damaged.variable).toBe('2m_temperature');
    expect(damaged.chunkKey).toBe('1.0.0');
    expect(damaged.damage).toMatchObject({ kind: 'wrong-size', expected: { values: 544, bytes: 2176 }, actual: { values: 17, bytes: 68 } });
    expect(error.message).toBe(
      "Chunk 1.0.0 of '2m_temperature' in wrong-size-store decodes to 17 values (68 bytes), but its metadata says 544 (1 x 17 x 32, 2,176 bytes): " +
        'the store is damaged, or its metadata is wrong. Nothing was computed from it. Copy the store (or this chunk) again from its source, or use another copy.',
    );
  });

  it('names a truncated chunk and the decoder error, saying the store is damaged', async () => {
    const whole = await fixtureChunk('2m_temperature/1.0.0');
    const source = await openZarrSource(fixtureWith({ '2m_temperature/1.0.0': whole.subarray(0, Math.floor(whole.byteLength / 2)) }), 'truncated-store');
    const error = await failure(loadBatch(await openEra5Dataset(source), BATCH_TIME));
    expect(error).toBeInstanceOf(DamagedChunkError);
    expect((error as DamagedChunkError).damage.kind).toBe('undecodable');
    expect(error.message).toMatch(/^Chunk 1\.0\.0 of '2m_temperature' in truncated-store cannot be decoded \(blosc: the chunk has 840 bytes, but its Blosc header says 1,681: it was cut short\): the store is damaged, e\.g\. a truncated or corrupted chunk\. Nothing was computed from it\./);
  });

  it('refuses uncompressed bytes that are not a whole number of values, and not as many', async () => {
    const source = await openZarrSource(
      fixtureWith({ 'land_sea_mask/.zarray': { compressor: null }, 'land_sea_mask/0.0': new Uint8Array(17 * 32 * 4 - 2) }),
      'odd-bytes-store',
    );
    const error = await failure(loadBatch(await openEra5Dataset(source), BATCH_TIME));
    expect(error).toBeInstanceOf(DamagedChunkError);
    expect(error.message).toMatch(/^Chunk 0\.0 of 'land_sea_mask' in odd-bytes-store decodes to 543 values \(2,172 bytes\), but its metadata says 544 \(17 x 32, 2,176 bytes\)/);
  });
});

describe('shapes refused from the metadata, before anything is allocated', () => {
  it('refuses a coordinate of 10^12 values, naming the limit', async () => {
    const source = await openZarrSource(fixtureWith({ 'latitude/.zarray': { shape: [1e12], chunks: [17] } }), 'huge-coordinate');
    const error = await failure(openEra5Dataset(source));
    expect(error).toBeInstanceOf(InvalidShapeError);
    expect(error.message).toBe(
      "'latitude' in huge-coordinate cannot be read: it has 1,000,000,000,000 values, over the limit of 10,000,000 a coordinate may have here. " +
        "Nothing was read from it. The store's metadata is wrong, or this is not a store of the ERA5 grids this product reads.",
    );
  });

  it('refuses a negative dimension when the array is opened', async () => {
    const source = await openZarrSource(fixtureWith({ '2m_temperature/.zarray': { shape: [2, -17, 32] } }), 'negative-store');
    const error = await failure(openEra5Dataset(source));
    expect(error).toBeInstanceOf(InvalidShapeError);
    expect(error.message).toMatch(/^'2m_temperature' in negative-store cannot be read: its shape \[2, -17, 32\] holds -17; every entry must be a whole number of at least 0\./);
  });

  it('refuses a variable whose shape disagrees with its coordinates', async () => {
    const source = await openZarrSource(fixtureWith({ '2m_temperature/.zarray': { shape: [24, 1e6, 1e6] } }), 'giant-store');
    const error = await failure(openEra5Dataset(source));
    expect(error).toBeInstanceOf(InvalidShapeError);
    expect(error.message).toMatch(
      /^'2m_temperature' in giant-store cannot be read: its latitude dimension 'latitude' has 1,000,000 values, but the coordinate 'latitude' has 17 \(shape \[24, 1000000, 1000000\] over \(time, latitude, longitude\)\)/,
    );
    // Along time and level too: a field with more times than the time coordinate.
    const moreTimes = await openZarrSource(fixtureWith({ 'temperature/.zarray': { shape: [3, 13, 17, 32] } }), 'more-times');
    expect((await failure(openEra5Dataset(moreTimes))).message).toMatch(/'temperature' .* its time dimension 'time' has 3 values, but the coordinate 'time' has 2/);
  });

  it('refuses a chunk too large to decode and a grid too large to hold, naming the limits', async () => {
    const bigChunk = await openZarrSource(fixtureWith({ '2m_temperature/.zarray': { chunks: [1, 100_000, 100_000] } }), 'big-chunk');
    const error = await failure(openEra5Dataset(bigChunk));
    expect(error).toBeInstanceOf(ChunkTooLargeError);
    expect(error.message).toMatch(/chunks of 1 × 100000 × 100000 float32 = 40\.00 GB each, uncompressed; this product decodes chunks of at most 512 MiB/);
    expect(SHAPE_LIMITS.gridPoints).toBe(6_483_600);
    const bigGrid = await openZarrSource(fixtureWith({ 'latitude/.zarray': { shape: [3601] }, 'longitude/.zarray': { shape: [7200] } }), 'big-grid');
    expect((await failure(openEra5Dataset(bigGrid))).message).toMatch(/the grid has 3,601 x 7,200 points, over the limit of 6,483,600 \(Aurora's finest grid, 0\.1 degree\)/);
  });

  it('still opens and reads the fixture store as it is', async () => {
    const source = await openZarrSource(fixtureWith({}), 'fixture');
    const batch = await loadBatch(await openEra5Dataset(source), BATCH_TIME);
    expect(batch.surface['2t'].every(Number.isFinite)).toBe(true);
  });
});
