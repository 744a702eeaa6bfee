// The latent-store reader against the study-layout fixture written by xarray (test/fixtures/latent-store),
// against xarray itself where Debian's python3-xarray is installed, and against stores whose every value
// is a known function of its coordinates (any dimension order, chunking, dtype, latitude order and
// longitude convention), so that no expected value comes from the reader under test.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { IrregularGridError, LatentLayoutError, MissingChunkError, NotLatentStoreError, TimeNotInStoreError } from './errors.ts';
import { patchLandFractions, readLandSeaMask, ERA5_STATIC_STORE } from './land-sea-mask.ts';
import { openLatentStore, timeAxisNotices, type LatentStore } from './latent-store.ts';
import { MemoryStore } from './memory-store.ts';
import { FileStore, openReader, openSource } from './store.node.ts';
import type { AbsoluteKey, KeyValueReader } from './store.ts';
import { ZarrV2Writer, type ArraySpec, type ChunkData, type CompressorConfig } from './zarr-writer.ts';
import { readNpyFile } from '../io/npy.node.ts';
import { LAND_FRACTION_THRESHOLD } from '../probes/labels.ts';

const EUROPE = 'test/fixtures/latent-store/europe';
const EUROPE_STORE = join(EUROPE, 'latents.zarr');
const PYTHON = '/usr/bin/python3';

interface Reference {
  times: string[];
  patches: [number, number];
  embed: number;
  patch_lat: number[];
  patch_lon: number[];
  land_patches: number;
}
const reference = JSON.parse(await readFile(join(EUROPE, 'reference.json'), 'utf8')) as Reference;

describe('the study-layout fixture written by xarray', async () => {
  const store = await openLatentStore(new FileStore(EUROPE_STORE), EUROPE_STORE);

  it('gives its times, grid, levels and dtype', () => {
    expect(store.times.map((time) => time.toISOString())).toEqual(reference.times.map((time) => `${time.replace(' ', 'T')}.000Z`));
    expect(store.timeNotices).toEqual([]);
    expect(store.embedDim).toBe(reference.embed);
    expect(store.latentLevels).toBe(4);
    expect(store.atmosLevelLabels).toEqual([0, 1, 2]);
    expect(store.dtype).toBe('float64');
    const [rows, cols] = reference.patches;
    expect(store.patchIndices.length).toBe(rows * cols);
    // 71.625 N, 0.375 E is the centre of patch row 18, column 0 of ERA5's 0.25-degree grid (180 x 360 patches).
    expect(store.grid.totalPatchRows).toBe(180);
    expect(store.patchIndices[0]).toBe(18 * 360);
    expect(store.patchIndices[cols]).toBe(19 * 360);
    expect(Array.from(store.centreLat.filter((_, p) => p % cols === 0))).toEqual(reference.patch_lat);
    expect(Array.from(store.centreLon.subarray(0, cols))).toEqual(reference.patch_lon);
  });

  it('labels its patches with the shipped ERA5 land-sea mask as the study does (land_label.npy)', async () => {
    const mask = await readLandSeaMask(await openSource(ERA5_STATIC_STORE));
    const fractions = patchLandFractions(store.grid, store.patchIndices, mask);
    const expected = await readNpyFile(join(EUROPE, 'land_label.npy'));
    expect(expected.shape).toEqual(reference.patches);
    const labels = Array.from(fractions, (fraction) => (fraction >= LAND_FRACTION_THRESHOLD ? 1 : 0));
    expect(labels).toEqual(Array.from(expected.data as Uint8Array));
    expect(labels.reduce((a: number, b) => a + b, 0)).toBe(reference.land_patches);
  });

  it('reads each time and level as (patch, D) float32 equal to xarray’s values', async (context) => {
    if (!existsSync(PYTHON) || !spawnOk(PYTHON, ['-c', 'import xarray, zarr'])) {
      context.skip(`${PYTHON} with xarray and zarr is not installed (apt-get install python3-xarray python3-zarr)`);
      return;
    }
    // xarray: the variable at (time, level) transposed to (lat, lon, embed), i.e. (patch, D) row-major from the north-west.
    const script = [
      'import sys, numpy, xarray',
      'ds = xarray.open_zarr(sys.argv[1])',
      "s = ds.surface_latent.isel(time=int(sys.argv[2])).transpose('lat', 'lon', 'embed').values",
      "a = ds.atmos_latent.isel(time=int(sys.argv[2]), level=int(sys.argv[3])).transpose('lat', 'lon', 'embed').values",
      'sys.stdout.buffer.write(numpy.ascontiguousarray(s, dtype="<f4").tobytes() + numpy.ascontiguousarray(a, dtype="<f4").tobytes())',
    ].join('\n');
    for (const [time, level] of [[0, 0], [2, 2]]) {
      const bytes = execFileSync(PYTHON, ['-c', script, EUROPE_STORE, String(time), String(level)], { maxBuffer: 64 << 20 });
      const both = new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
      const half = both.length / 2;
      expect(await store.read(time, 0)).toEqual(both.subarray(0, half));
      expect(await store.read(time, level + 1)).toEqual(both.subarray(half));
    }
  });

  it('reports progress in chunks and bytes, and finds times', async () => {
    const progress: number[][] = [];
    await store.read(store.timeIndex(new Date('2024-07-14T00:00Z')), 1, { onProgress: (p) => progress.push([p.chunksRead, p.chunksTotal, p.bytesFetched]) });
    expect(progress).toEqual([[1, 1, 1222319]]);
    expect(() => store.timeIndex(new Date('2024-07-14T03:00Z'))).toThrow(TimeNotInStoreError);
  });

  it('names a missing chunk and the time it holds, rather than reading fill values', async () => {
    const files = new FileStore(EUROPE_STORE);
    const withGap: KeyValueReader = { get: (key: AbsoluteKey) => (key === '/surface_latent/1.0.0.0' ? Promise.resolve(undefined) : files.get(key)) };
    const gapped = await openLatentStore(withGap, 'gapped-store');
    await expect(gapped.read(0, 0)).resolves.toHaveLength(38 * 45 * 32);
    const error = await gapped.read(1, 0).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(MissingChunkError);
    expect((error as MissingChunkError).message).toMatch(/gapped-store has no chunk 'surface_latent\/1\.0\.0\.0' \(surface_latent at 2024-07-14T00:00Z\)/);
  });

  it('treats a 404 on one chunk over http as a missing chunk', async () => {
    const files = new FileStore(EUROPE_STORE);
    const server = createServer((request, response) => {
      const key = (request.url ?? '/').replace(/^\/store/, '') as AbsoluteKey;
      void (key === '/atmos_latent/2.0.0.0.0' ? Promise.resolve(undefined) : files.get(key)).then((bytes) =>
        bytes ? response.writeHead(200).end(bytes) : response.writeHead(404).end('Not found'),
      );
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/store`;
      const served = await openLatentStore(await openReader(url), url);
      await expect(served.read(2, 0)).resolves.toEqual(await store.read(2, 0));
      await expect(served.read(2, 3)).rejects.toThrow(/has no chunk 'atmos_latent\/2\.0\.0\.0\.0' \(atmos_latent at 2024-07-14T06:00Z, level 2\)/);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it('refuses an ERA5 store, naming what is missing and what it looks like', async () => {
    const era5 = 'test/fixtures/aurora-encoder/tiny-global/era5.zarr';
    const error = await openLatentStore(new FileStore(era5), era5).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(NotLatentStoreError);
    expect((error as Error).message).toMatch(/has no 'surface_latent'.*2m_temperature.*looks like an ERA5 store/);
  });
});

/** Value of a synthetic store at a global (time, embed, level, patch row, patch column): exact in float32. */
const known = (time: number, embed: number, level: number, row: number, col: number) => time * 100_000 + embed * 1000 + level * 200 + row * 10 + col;

interface SyntheticOptions {
  dims?: { surface: string[]; atmos: string[] };
  chunks?: Partial<Record<string, number>>;
  dtype?: '<f4' | '<f8';
  /** Patch-centre latitudes and longitudes as stored. */
  lat?: number[];
  lon?: number[];
  levels?: number[];
  timeValues?: number[];
  timeUnits?: string;
  withSurface?: boolean;
  compressor?: CompressorConfig | null;
}

/** Patch rows 0..2 of ERA5's 1-degree grid (centres 88.5, 84.5, 80.5 N) and columns 0..3 (1.5 .. 13.5 E). */
const DEFAULT_LAT = [88.5, 84.5, 80.5];
const DEFAULT_LON = [1.5, 5.5, 9.5, 13.5];
const EMBED = 3;

/** A latent store whose value at each element is `known(...)` of its position in the sorted patch grid. */
async function syntheticStore(options: SyntheticOptions = {}): Promise<MemoryStore> {
  const lat = options.lat ?? DEFAULT_LAT;
  const lon = options.lon ?? DEFAULT_LON;
  const levels = options.levels ?? [0, 1, 2];
  const timeValues = options.timeValues ?? [0, 6];
  const dims = options.dims ?? { surface: ['time', 'embed', 'lat', 'lon'], atmos: ['time', 'embed', 'level', 'lat', 'lon'] };
  const dtype = options.dtype ?? '<f8';
  // 'x': a dimension the layout does not know, in place of embed, with valid metadata.
  const sizes: Record<string, number> = { time: timeValues.length, embed: EMBED, x: EMBED, level: levels.length, lat: lat.length, lon: lon.length };
  // Rows north first, columns east of 0 first: the rank of each stored coordinate.
  const rowOf = lat.map((value) => [...lat].sort((a, b) => b - a).indexOf(value));
  const lon360 = lon.map((value) => (value + 360) % 360);
  const colOf = lon360.map((value) => [...lon360].sort((a, b) => a - b).indexOf(value));
  const store = new MemoryStore();
  const writer = new ZarrV2Writer(store.sink, { model: 'synthetic', model_sha256: 'abc123', checkpoint_sha256: 'def456', source_store: 'nowhere' });
  const coordinate = async (name: string, values: number[], attributes: Record<string, unknown> = {}, dtype: '<f8' | '<i8' = '<f8') => {
    const spec: ArraySpec = { name, dims: [name], shape: [values.length], chunks: [values.length], dtype, compressor: null, fillValue: null, attributes };
    await writer.writeArray(spec, dtype === '<i8' ? BigInt64Array.from(values, BigInt) : Float64Array.from(values));
  };
  await coordinate('lat', lat);
  await coordinate('lon', lon);
  await coordinate('embed', [0, 1, 2], {}, '<i8');
  await coordinate('level', levels, {}, '<i8');
  await coordinate('time', timeValues, { units: options.timeUnits ?? 'hours since 2022-08-07 00:00', calendar: 'proleptic_gregorian' }, '<i8');
  for (const [name, variableDims] of [['surface_latent', dims.surface], ['atmos_latent', dims.atmos]] as const) {
    if (name === 'surface_latent' && options.withSurface === false) continue;
    const shape = variableDims.map((dim) => sizes[dim]);
    const chunks = variableDims.map((dim) => Math.min(options.chunks?.[dim] ?? sizes[dim], sizes[dim]));
    const spec: ArraySpec = { name, dims: variableDims, shape, chunks, dtype, compressor: options.compressor === undefined ? { id: 'blosc', cname: 'lz4', clevel: 5, shuffle: 1, blocksize: 0 } : options.compressor, fillValue: Number.NaN };
    await writer.createArray(spec);
    const chunkCounts = shape.map((size, i) => Math.ceil(size / chunks[i]));
    for (const coords of grid(chunkCounts)) {
      const data = dtype === '<f8' ? new Float64Array(chunks.reduce((a, b) => a * b, 1)) : new Float32Array(chunks.reduce((a, b) => a * b, 1));
      for (const [k, local] of [...grid(chunks)].entries()) {
        const at = Object.fromEntries(variableDims.map((dim, i) => [dim, coords[i] * chunks[i] + local[i]]));
        if (variableDims.some((dim, i) => at[dim] >= shape[i])) continue; // past the edge of an edge chunk
        data[k] = known(at.time, at.embed, name === 'surface_latent' ? 0 : at.level + 1, rowOf[at.lat], colOf[at.lon]);
      }
      await writer.writeChunk(spec, coords, data as ChunkData);
    }
  }
  await writer.close();
  return store;
}

function* grid(counts: readonly number[]): Generator<number[]> {
  const total = counts.reduce((a, b) => a * b, 1);
  for (let k = 0; k < total; k++) {
    let rest = k;
    const out = new Array<number>(counts.length);
    for (let i = counts.length - 1; i >= 0; i--) {
      out[i] = rest % counts[i];
      rest = Math.floor(rest / counts[i]);
    }
    yield out;
  }
}

/** The (patch, D) matrix a read must return: rows north to south, columns west to east (in [0, 360)). */
function expectedBlock(time: number, level: number, rows = 3, cols = 4): Float32Array {
  return Float32Array.from({ length: rows * cols * EMBED }, (_, k) => {
    const patch = Math.floor(k / EMBED);
    return known(time, k % EMBED, level, Math.floor(patch / cols), patch % cols);
  });
}

describe('latent stores in any dimension order, chunking, dtype and orientation', () => {
  it('transposes dimensions in another order (not rejected)', async () => {
    const store = await openLatentStore(
      await syntheticStore({ dims: { surface: ['lat', 'time', 'lon', 'embed'], atmos: ['level', 'lon', 'embed', 'lat', 'time'] } }),
      'transposed',
    );
    expect(await store.read(1, 0)).toEqual(expectedBlock(1, 0));
    expect(await store.read(0, 3)).toEqual(expectedBlock(0, 3));
  });

  it('reads any chunking, float32, latitudes south first and a levels axis numbered 1..3', async () => {
    const store = await openLatentStore(
      await syntheticStore({ chunks: { time: 1, embed: 2, lat: 2, lon: 3, level: 2 }, dtype: '<f4', lat: [...DEFAULT_LAT].reverse(), levels: [1, 2, 3] }),
      'chunked',
    );
    expect(store.dtype).toBe('float32');
    expect(store.atmosLevelLabels).toEqual([1, 2, 3]);
    const progress: number[] = [];
    expect(await store.read(1, 2, { onProgress: (p) => progress.push(p.chunksTotal) })).toEqual(expectedBlock(1, 2));
    expect(progress[0]).toBe(2 * 2 * 2); // embed x lat x lon chunks of one time and one level chunk
    expect(await store.read(0, 0)).toEqual(expectedBlock(0, 0));
    expect(Array.from(store.centreLat)).toEqual(DEFAULT_LAT.flatMap((lat) => DEFAULT_LON.map(() => lat)));
  });

  it('reads chunks uncompressed, Blosc-zlib and zstd alike (block by block where it can, through zarrita otherwise)', async () => {
    const compressors: Array<CompressorConfig | null> = [null, { id: 'blosc', cname: 'zstd', clevel: 3, shuffle: 1, blocksize: 0 }, { id: 'zstd', level: 3 }, { id: 'zlib', level: 1 }];
    for (const compressor of compressors) {
      const store = await openLatentStore(await syntheticStore({ compressor, chunks: { embed: 2 } }), `compressor ${compressor?.id ?? 'none'}`);
      expect(await store.read(1, 0)).toEqual(expectedBlock(1, 0));
      expect(await store.read(0, 2)).toEqual(expectedBlock(0, 2));
    }
  });

  it('opens the study’s 0.25-degree chunks (796 MB of float64 a time for the atmosphere), which only block-by-block reads may hold', async () => {
    // Metadata and coordinates only: the global 0.25-degree patch grid, D = 512, one chunk per time.
    const memory = new MemoryStore();
    const writer = new ZarrV2Writer(memory.sink, {});
    const axis = (name: string, values: Float64Array | BigInt64Array, attributes: Record<string, unknown> = {}) =>
      writer.writeArray({ name, dims: [name], shape: [values.length], chunks: [values.length], dtype: values instanceof BigInt64Array ? '<i8' : '<f8', compressor: null, fillValue: null, attributes }, values);
    await axis('lat', Float64Array.from({ length: 180 }, (_, r) => 89.625 - r));
    await axis('lon', Float64Array.from({ length: 360 }, (_, c) => 0.375 + c));
    await axis('embed', BigInt64Array.from({ length: 512 }, (_, e) => BigInt(e)));
    await axis('level', BigInt64Array.of(0n, 1n, 2n));
    await axis('time', BigInt64Array.of(0n), { units: 'hours since 2024-07-14T06:00', calendar: 'proleptic_gregorian' });
    const latent = (name: string, dims: string[], shape: number[], compressor: CompressorConfig | null): ArraySpec => ({
      name, dims, shape, chunks: shape, dtype: '<f8', compressor, fillValue: Number.NaN,
    });
    await writer.createArray(latent('surface_latent', ['time', 'embed', 'lat', 'lon'], [1, 512, 180, 360], { id: 'blosc', cname: 'lz4', clevel: 5, shuffle: 1, blocksize: 0 }));
    await writer.createArray(latent('atmos_latent', ['time', 'embed', 'level', 'lat', 'lon'], [1, 512, 3, 180, 360], { id: 'zstd', level: 3 }));
    await writer.close();
    const store = await openLatentStore(memory, 'study-sized');
    expect(store.patchIndices.length).toBe(64_800);
    // Blosc-zstd is decoded whole, by zarrita, whose WebAssembly decoders stop short of 796 MB: said before anything is fetched.
    await expect(store.read(0, 1)).rejects.toThrow(/'atmos_latent' is stored in chunks of 1 × 512 × 3 × 180 × 360 float64 = 796.3 MB/);
    // Blosc-LZ4 is read block by block: its chunk is only missing here.
    await expect(store.read(0, 0)).rejects.toThrow(MissingChunkError);
  });

  it('reads one level of a many-block Blosc chunk in ranges of the blocks that hold it, and whole from a server that ignores Range', async () => {
    // 8 x 16 patches: one embed's level is 1 KB of float64, four Blosc blocks of 256 bytes.
    const lat = Array.from({ length: 8 }, (_, r) => 88.5 - 4 * r);
    const lon = Array.from({ length: 16 }, (_, c) => 1.5 + 4 * c);
    const memory = await syntheticStore({ lat, lon, chunks: { time: 1 }, compressor: { id: 'blosc', cname: 'lz4', clevel: 5, shuffle: 1, blocksize: 256 } });
    const chunkBytes = (key: string) => memory.entries.get(key)?.byteLength ?? 0;
    const ranged = await openLatentStore(memory, 'ranged');
    const opened = ranged.traffic.bytesFetched;
    expect(await ranged.read(1, 2)).toEqual(expectedBlock(1, 2, 8, 16));
    expect(ranged.traffic.bytesFetched - opened).toBeLessThan(chunkBytes('atmos_latent/1.0.0.0.0') / 2);
    expect(await ranged.read(0, 0)).toEqual(expectedBlock(0, 0, 8, 16));
    const whole = await openLatentStore({ get: (key) => memory.get(key) }, 'whole');
    expect(await whole.read(1, 2)).toEqual(expectedBlock(1, 2, 8, 16));

    const server = createServer((request, response) => {
      const key = (request.url ?? '/').replace(/^\/store/, '') as AbsoluteKey;
      void memory.get(key).then((bytes) => (bytes ? response.writeHead(200).end(bytes) : response.writeHead(404).end('Not found')));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/store`;
      const served = await openLatentStore(await openReader(url), url);
      const start = served.traffic.bytesFetched;
      expect(await served.read(1, 3)).toEqual(expectedBlock(1, 3, 8, 16));
      // The first chunk came whole to a range read, and then whole once more; later chunks come whole at once.
      expect(served.traffic.bytesFetched - start).toBe(2 * chunkBytes('atmos_latent/1.0.0.0.0'));
      expect(await served.read(0, 1)).toEqual(expectedBlock(0, 1, 8, 16));
      expect(served.traffic.bytesFetched - start).toBe(2 * chunkBytes('atmos_latent/1.0.0.0.0') + chunkBytes('atmos_latent/0.0.0.0.0'));
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it("reads a time's later levels with the first when told they come next: the same matrices, each block fetched once", async () => {
    // As above: each embed's level four Blosc blocks, the time's three levels one after another in its chunk.
    const lat = Array.from({ length: 8 }, (_, r) => 88.5 - 4 * r);
    const lon = Array.from({ length: 16 }, (_, c) => 1.5 + 4 * c);
    const memory = await syntheticStore({ lat, lon, chunks: { time: 1 }, compressor: { id: 'blosc', cname: 'lz4', clevel: 5, shuffle: 1, blocksize: 256 } });
    const fetched = async (store: LatentStore, level: number, levelsNext?: number[]) => {
      const before = store.traffic.bytesFetched;
      expect(await store.read(1, level, { levelsNext }), `level ${level}`).toEqual(expectedBlock(1, level, 8, 16));
      return store.traffic.bytesFetched - before;
    };
    const inTurn = await openLatentStore(memory, 'in turn');
    const alone = [await fetched(inTurn, 1), await fetched(inTurn, 2), await fetched(inTurn, 3)];
    const ahead = await openLatentStore(memory, 'ahead');
    const first = [await fetched(ahead, 1, [2, 3]), await fetched(ahead, 2, [3]), await fetched(ahead, 3, [])];
    const sum = (bytes: number[]) => bytes.reduce((a, b) => a + b, 0);
    expect(first[0]).toBeGreaterThan(alone[0]);
    // The later reads fetch the frame's header and block starts alone, the same for both.
    expect(first[1]).toBe(first[2]);
    expect(first[2]).toBeLessThan(alone[2]);
    expect(sum(first)).toBe(sum(alone));
  });

  it('names a chunk cut short, and computes nothing from it', async () => {
    const memory = await syntheticStore({ chunks: { time: 1 } });
    const key = 'surface_latent/1.0.0.0';
    const whole = memory.entries.get(key);
    if (!whole) throw new Error(`no ${key}`);
    memory.entries.set(key, whole.subarray(0, whole.length - 7));
    const store = await openLatentStore(memory, 'truncated');
    await expect(store.read(1, 0)).rejects.toThrow(/Chunk 1\.0\.0\.0 of 'surface_latent' in truncated cannot be decoded.*cut short/);
    await expect(store.read(0, 0)).resolves.toEqual(expectedBlock(0, 0));
  });

  it('places a regional store across 0 E in -180..180 as the encoder orders it, by global patch index', async () => {
    // Patch columns 88, 89, 0, 1 of the 1-degree grid (90 columns of 4 degrees): centres -6.5, -2.5, 1.5, 5.5 E.
    const store = await openLatentStore(await syntheticStore({ lon: [-6.5, -2.5, 1.5, 5.5] }), 'across-0');
    const block = await store.read(0, 0);
    expect(Array.from(store.patchIndices.subarray(0, 4))).toEqual([0, 1, 88, 89]);
    expect(Array.from(store.centreLon.subarray(0, 4))).toEqual([1.5, 5.5, 353.5, 357.5]);
    // Stored column 2 (1.5 E) is the westmost in [0, 360): rank 0 of the `known` values.
    expect(block).toEqual(expectedBlock(0, 0));
  });

  it('exposes the store’s attributes', async () => {
    const store = await openLatentStore(await syntheticStore(), 'attributed');
    expect(store.attributes).toMatchObject({ model: 'synthetic', modelSha256: 'abc123', checkpointSha256: 'def456', sourceData: 'nowhere' });
  });

  it('refuses irregular latitudes, naming them', async () => {
    const error = await openLatentStore(await syntheticStore({ lat: [88.5, 84.5, 79.5] }), 'irregular').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(IrregularGridError);
    expect((error as Error).message).toMatch(/latitude coordinate is not a regular grid: the spacing between 88.5 and 84.5 is -4, not the mean spacing -4.5 \(patch centres\)/);
  });

  it('refuses a store without surface_latent and a variable missing a dimension', async () => {
    await expect(openLatentStore(await syntheticStore({ withSurface: false }), 'atmos-only')).rejects.toThrow(NotLatentStoreError);
    const noEmbed = openLatentStore(await syntheticStore({ dims: { surface: ['time', 'x', 'lat', 'lon'], atmos: ['time', 'embed', 'level', 'lat', 'lon'] } }), 'no-embed');
    await expect(noEmbed).rejects.toThrow(LatentLayoutError);
  });

  it('refuses a variable that does not name its dimensions, naming it and what is missing', async () => {
    // As a writer that is not xarray may leave it: surface_latent without _ARRAY_DIMENSIONS, in its .zattrs and the consolidated metadata.
    const memory = await syntheticStore();
    const text = new TextDecoder();
    const json = (key: string) => JSON.parse(text.decode(memory.entries.get(key))) as Record<string, unknown>;
    const consolidated = json('.zmetadata') as { metadata: Record<string, Record<string, unknown>> };
    delete consolidated.metadata['surface_latent/.zattrs']._ARRAY_DIMENSIONS;
    const attributes = json('surface_latent/.zattrs');
    delete attributes._ARRAY_DIMENSIONS;
    memory.entries.set('.zmetadata', new TextEncoder().encode(JSON.stringify(consolidated)));
    memory.entries.set('surface_latent/.zattrs', new TextEncoder().encode(JSON.stringify(attributes)));
    const error = await openLatentStore(memory, 'unnamed-dims').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(LatentLayoutError);
    expect((error as LatentLayoutError).kind).toBe('latent-layout');
    expect((error as Error).message).toMatch(/^unnamed-dims is not in the study's latent-store layout: 'surface_latent' does not name its dimensions \(no _ARRAY_DIMENSIONS or dimension_names\)/);
  });

  it('decodes CF time in any units and warns about an irregular time axis', async () => {
    const store = await openLatentStore(await syntheticStore({ timeValues: [0, 1_000, 1_003], timeUnits: 'minutes since 2024-07-13T18:00' }), 'odd-times');
    expect(store.times.map((time) => time.toISOString())).toEqual(['2024-07-13T18:00:00.000Z', '2024-07-14T10:40:00.000Z', '2024-07-14T10:43:00.000Z']);
    expect(store.timeNotices.join('; ')).toMatch(/steps between its times vary.*2 of its times \(e\.g\. 2024-07-14T10:40Z\) are not at 00, 06, 12 or 18 UTC/);
    const hour = 3600e3;
    expect(timeAxisNotices(Float64Array.of(0, 6 * hour, 12 * hour))).toEqual([]);
    expect(timeAxisNotices(Float64Array.of(6 * hour, 0, 0)).join('; ')).toMatch(/lists 1970-01-01T00:00Z more than once.*not in order/);
  });
});

function spawnOk(command: string, args: string[]): boolean {
  try {
    execFileSync(command, args, { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
