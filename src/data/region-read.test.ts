// A region read on Earth Data Hub's chunking at 0.25 degrees fetches only what it needs: the chunks
// that hold the region's patches at the two history steps and the levels encoded, each once. The
// chunks needed are worked out here from the chunk grid, not by the reader; the reader must fetch
// no more than 1.5 times their bytes (it fetches exactly them), and say so beforehand.
import { beforeAll, describe, expect, it } from 'vitest';
import { openEra5Dataset, type Era5Dataset } from './dataset.ts';
import { estimateBatchFetch, loadBatch, type BatchProgress } from './load-batch.ts';
import { openZarrSource } from './store.ts';
import { axis, buildEra5Store, EDH_LEVELS, edhPressureLevels, edhSingleLevels, type Era5TestStore, type GridAndValues } from './testing/era5-stores.ts';

const TIME = new Date('2022-08-07T06:00Z');
/** Europe as the extremes study boxes it: 35..70 N, 10 W..40 E. */
const EUROPE = { south: 35, north: 70, west: -10, east: 40 };
const LEVELS = [500, 850, 1000];

// One value everywhere (1: finite once normalised), so that a chunk is the same bytes in every store.
const grid: GridAndValues = { lat: axis(721, 90, -0.25), lon: axis(1440, 0, 0.25), value: () => 1 };

let single: Era5TestStore;
let levels: Era5TestStore;
let dataset: Era5Dataset;

beforeAll(async () => {
  // Single levels uncompressed, so that their chunks (4320 x 64 x 64 float32, 70.8 MB) cost no decoding
  // here: the bytes counted are the bytes sent, whatever the codec.
  const singleSpec = edhSingleLevels(grid);
  single = await buildEra5Store({ ...singleSpec, variables: singleSpec.variables.map((variable) => ({ ...variable, compressor: null })) });
  levels = await buildEra5Store(edhPressureLevels(grid));
  dataset = await openEra5Dataset(await openZarrSource(single, 'memory://edh-single'), { atmosSource: await openZarrSource(levels, 'memory://edh-levels'), levels: LEVELS });
});

/**
 * The chunks a Europe batch needs, by hand. Patch rows 20..55 (grid rows 80..223) are those whose
 * bounds overlap 35..70 N; patch columns 350..359 and 0..39 (grid columns 1400..1439 and 0..159)
 * those whose centres (c + 0.375 degrees) lie in 350..360 or 0..40 E.
 */
function neededKeys(): { single: string[]; levels: string[] } {
  const hours = (TIME.getTime() - Date.UTC(1940, 0, 1)) / 3600e3;
  const timeChunk = Math.floor(hours / 4320);
  expect(Math.floor((hours - 6) / 4320)).toBe(timeChunk); // both steps in one time chunk
  const rows = (size: number) => [...new Set(Array.from({ length: 224 - 80 }, (_, k) => Math.floor((80 + k) / size)))];
  const columns = (size: number) => [...new Set([...Array.from({ length: 40 }, (_, k) => 1400 + k), ...Array.from({ length: 160 }, (_, k) => k)].map((column) => Math.floor(column / size)))];
  const singleKeys = ['t2m', 'u10', 'v10', 'msl', 'z', 'lsm', 'slt'].flatMap((name) => rows(64).flatMap((r) => columns(64).map((c) => `${name}/${timeChunk}.${r}.${c}`)));
  const levelKeys = ['z', 't', 'u', 'v', 'q'].flatMap((name) =>
    [hours - 6, hours].flatMap((t) => LEVELS.flatMap((level) => rows(256).flatMap((r) => columns(256).map((c) => `${name}/${t}.${EDH_LEVELS.indexOf(level)}.${r}.${c}`)))),
  );
  return { single: singleKeys, levels: levelKeys };
}

describe('a region read on Earth Data Hub chunking', () => {
  it('fetches the chunks the region needs, each once, and no more than 1.5 times their bytes', async () => {
    const needed = neededKeys();
    expect(needed.single).toHaveLength(7 * 3 * 5);
    expect(needed.levels).toHaveLength(5 * 2 * 3 * 1 * 2);
    const sizeOf = async (store: Era5TestStore, key: string) => (await store.get(`/${key}`))?.byteLength ?? 0;
    let neededBytes = 0;
    for (const key of needed.single) neededBytes += await sizeOf(single, key);
    for (const key of needed.levels) neededBytes += await sizeOf(levels, key);
    single.chunkReads.length = 0;
    levels.chunkReads.length = 0;

    const estimate = await estimateBatchFetch(dataset, TIME, EUROPE);
    expect(estimate.chunks).toBe(needed.single.length + needed.levels.length);
    let last: BatchProgress | undefined;
    const batch = await loadBatch(dataset, TIME, { region: EUROPE, onProgress: (progress) => (last = progress) });

    expect(single.chunkReads.map((read) => read.key).sort()).toEqual([...needed.single].sort());
    expect(levels.chunkReads.map((read) => read.key).sort()).toEqual([...needed.levels].sort());
    expect(last?.chunksFetched).toBe(estimate.chunks);
    expect(last?.bytesFetched).toBeLessThanOrEqual(1.5 * neededBytes);
    expect(last?.bytesFetched).toBe(neededBytes);
    // A latitude band alone would read all 23 columns of 64-point chunks: 4.6 times as many.

    // The batch holds the region's patch columns, and NaN elsewhere, which the encoder refuses to read.
    expect(batch.lonRange).toEqual({ west: -10, east: 40 });
    expect(batch.levels).toEqual(LEVELS);
    const width = 1440;
    expect(batch.surface['2t'][5 * width + 1400]).not.toBeNaN();
    expect(batch.surface['2t'][5 * width + 159]).not.toBeNaN();
    expect(batch.surface['2t'][5 * width + 160]).toBeNaN();
  });
});
