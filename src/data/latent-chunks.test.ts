// Reading a selection into the (patch, D) matrix, block by block and staged a band at a time, against the
// matrix computed here from the values written (no reader involved), for every dimension order, dtype
// and compressor: bands of one index, of a few (Blosc blocks straddling two bands) and of the whole
// selection (one staged copy) must all give it bit for bit.
import { describe, expect, it } from 'vitest';
import { readSelection, streamedEncoding, type SelectionRead } from './latent-chunks.ts';
import { MemoryStore } from './memory-store.ts';
import { SharedBlocks } from './shared-blocks.ts';
import { openZarrSource } from './store.ts';
import { ZarrV2Writer, type ArraySpec, type CompressorConfig } from './zarr-writer.ts';

const SIZES: Record<string, number> = { time: 2, embed: 6, level: 3, lat: 5, lon: 7 };
/** The one index read along time and level. */
const PICKED: Record<string, number> = { time: 1, level: 2 };
/** Where rows and columns land: south first and a regional box across 0 E, so that neither is in storage order. */
const ROW_OF = [4, 3, 2, 1, 0];
const COLUMN_OF = [3, 4, 5, 6, 0, 1, 2];
const EMBED = SIZES.embed;
const COLUMNS = SIZES.lon;

/** Deterministic values with every float32 bit pattern of interest (signs, small and large exponents). */
function values(count: number, seed: number): Float64Array {
  let state = seed >>> 0;
  return Float64Array.from({ length: count }, () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return (state / 2 ** 32 - 0.5) * 2 ** ((state % 40) - 20);
  });
}

interface Case {
  dims: string[];
  dtype: '<f8' | '<f4';
  compressor: CompressorConfig | null;
  chunks?: Partial<Record<string, number>>;
}

/** Writes one variable of `dims` and returns it with the (patch, D) matrix its selection must give. */
async function written({ dims, dtype, compressor, chunks: chunking = {} }: Case, picked: Record<string, number> = PICKED) {
  const shape = dims.map((dim) => SIZES[dim]);
  const chunks = dims.map((dim) => Math.min(chunking[dim] ?? SIZES[dim], SIZES[dim]));
  const store = new MemoryStore();
  const writer = new ZarrV2Writer(store.sink, {});
  const spec: ArraySpec = { name: 'latent', dims, shape, chunks, dtype, compressor, fillValue: Number.NaN };
  await writer.createArray(spec);
  const whole = values(shape.reduce((a, b) => a * b, 1), 17);
  const expected = new Float32Array(SIZES.lat * SIZES.lon * EMBED);
  const strides = shape.map((_, dim) => shape.slice(dim + 1).reduce((a, b) => a * b, 1));
  whole.forEach((value, flat) => {
    const at = Object.fromEntries(dims.map((dim, i) => [dim, Math.floor(flat / strides[i]) % shape[i]]));
    if (dims.some((dim) => picked[dim] !== undefined && at[dim] !== picked[dim])) return;
    expected[(ROW_OF[at.lat] * COLUMNS + COLUMN_OF[at.lon]) * EMBED + at.embed] = value;
  });
  const chunkCounts = shape.map((size, i) => Math.ceil(size / chunks[i]));
  for (let k = 0; k < chunkCounts.reduce((a, b) => a * b, 1); k++) {
    const coords = chunkCounts.map((_, i) => Math.floor(k / chunkCounts.slice(i + 1).reduce((a, b) => a * b, 1)) % chunkCounts[i]);
    const data = new Float64Array(chunks.reduce((a, b) => a * b, 1));
    data.forEach((_, local) => {
      const position = chunks.map((size, i) => coords[i] * size + (Math.floor(local / chunks.slice(i + 1).reduce((a, b) => a * b, 1)) % size));
      if (position.every((p, i) => p < shape[i])) data[local] = whole[position.reduce((sum, p, i) => sum + p * strides[i], 0)];
    });
    await writer.writeChunk(spec, coords, dtype === '<f8' ? data : Float32Array.from(data));
  }
  await writer.close();
  const source = await openZarrSource(store, 'memory');
  const array = await source.openArray('latent', { chunks: 'blockwise' });
  if (!array) throw new Error('latent not written');
  return { array, source, expected };
}

type Written = Awaited<ReturnType<typeof written>>;

async function read(
  testCase: Case,
  options: { ranges: boolean; streamed: boolean; stagedValues?: number; picked?: Record<string, number>; shared?: SharedBlocks; readNext?: SelectionRead['readNext']; store?: Written },
): Promise<{ matrix: Float32Array; expected: Float32Array }> {
  const picked = options.picked ?? PICKED;
  const { array, source } = options.store ?? (await written(testCase, picked));
  const { expected } = await written(testCase, picked);
  const encoding = options.streamed ? await streamedEncoding(array, { ranges: options.ranges }) : undefined;
  if (options.streamed && testCase.compressor?.id !== 'zstd') expect(encoding).toBeDefined();
  const out = new Float32Array(expected.length);
  await readSelection({
    array,
    variable: 'latent',
    location: 'memory',
    encoding,
    selected: testCase.dims.map((dim) => picked[dim]),
    destination: (dim, index) => {
      const name = testCase.dims[dim];
      if (name === 'embed') return index;
      if (name === 'lat') return ROW_OF[index] * COLUMNS * EMBED;
      if (name === 'lon') return COLUMN_OF[index] * EMBED;
      return 0;
    },
    out,
    traffic: source.traffic,
    stagedValues: options.stagedValues,
    shared: options.shared,
    readNext: options.readNext,
  });
  return { matrix: out, expected };
}

const bits = (array: Float32Array) => new Uint32Array(array.buffer, array.byteOffset, array.length);

const ORDERS = [
  ['time', 'embed', 'lat', 'lon'], // the study's surface
  ['time', 'embed', 'level', 'lat', 'lon'], // the study's atmosphere
  ['lat', 'embed', 'time', 'lon'],
  ['time', 'lon', 'embed', 'lat'],
  ['level', 'lon', 'embed', 'lat', 'time'],
  ['time', 'lat', 'lon', 'embed'], // patch-major: scattered straight, nothing staged
];
// Blocks of 64 bytes: 8 float64 or 16 float32 values, so that blocks straddle embed planes (35 values) and bands.
const COMPRESSORS: Array<CompressorConfig | null> = [
  { id: 'blosc', cname: 'lz4', clevel: 5, shuffle: 1, blocksize: 64 },
  { id: 'blosc', cname: 'lz4', clevel: 5, shuffle: 0, blocksize: 0 },
  null,
  { id: 'zstd', level: 3 },
];
// One index a band, bands of a few indices cut within blocks, one band (the whole selection staged once).
const STAGED = [1, 80, 1 << 20];

describe('reading a selection into the (patch, D) matrix', () => {
  for (const dtype of ['<f8', '<f4'] as const) {
    it(`gives the written values in every dimension order, compressor and band size (${dtype})`, async () => {
      for (const dims of ORDERS) {
        for (const compressor of COMPRESSORS) {
          const testCase = { dims, dtype, compressor };
          const { matrix: throughZarrita, expected } = await read(testCase, { ranges: false, streamed: false });
          expect(bits(throughZarrita)).toEqual(bits(expected));
          for (const stagedValues of STAGED) {
            for (const ranges of [false, true]) {
              const { matrix } = await read(testCase, { ranges, streamed: true, stagedValues });
              expect(bits(matrix), `${dims.join(',')} ${compressor?.id ?? 'none'} staged ${stagedValues} ranges ${ranges}`).toEqual(bits(expected));
            }
          }
        }
      }
    });
  }

  it('gives them across chunks cut along embed, latitude and level', async () => {
    for (const dims of ORDERS.slice(0, 3)) {
      const testCase: Case = { dims, dtype: '<f8', compressor: COMPRESSORS[0], chunks: { embed: 4, lat: 3, level: 2 } };
      for (const stagedValues of STAGED) {
        const { matrix, expected } = await read(testCase, { ranges: true, streamed: true, stagedValues });
        expect(bits(matrix), `${dims.join(',')} staged ${stagedValues}`).toEqual(bits(expected));
      }
    }
  });

  it('reads the blocks two levels share once when the levels are read one after another, to the same values', async () => {
    // Blocks of 64 bytes against embed planes of 35 float64 values (280 bytes): most planes' first and last blocks hold another level's values.
    for (const dims of [ORDERS[1], ORDERS[4]]) {
      const testCase: Case = { dims, dtype: '<f8', compressor: COMPRESSORS[0] };
      const store = await written(testCase);
      const shared = new SharedBlocks();
      const fetched = (level: number, withShared: SharedBlocks | undefined) => async () => {
        const before = store.source.traffic.bytesFetched;
        const { matrix, expected } = await read(testCase, { ranges: true, streamed: true, picked: { ...PICKED, level }, shared: withShared, store });
        expect(bits(matrix), `${dims.join(',')} level ${level}`).toEqual(bits(expected));
        return store.source.traffic.bytesFetched - before;
      };
      const alone = [await fetched(0, undefined)(), await fetched(1, undefined)(), await fetched(2, undefined)()];
      const together = [await fetched(1, shared)(), await fetched(2, shared)(), await fetched(0, shared)()];
      const sum = (bytes: number[]) => bytes.reduce((a, b) => a + b, 0);
      expect(sum(together), dims.join(',')).toBeLessThan(sum(alone));
      if (dims === ORDERS[1]) {
        // The study's layout: each level after the first finds blocks the levels before it kept.
        expect(together[0]).toBe(alone[1]);
        expect(together[1]).toBeLessThan(alone[2]);
        expect(together[2]).toBeLessThan(alone[0]);
      }
      if (dims === ORDERS[1]) expect(shared.size, 'every block kept was taken').toBe(0);
      shared.clear();
    }
  });

  it("fetches the later levels' blocks with the first level when they are read next, to the same values", async () => {
    for (const dims of [ORDERS[1], ORDERS[4]]) {
      const testCase: Case = { dims, dtype: '<f8', compressor: COMPRESSORS[0] };
      const store = await written(testCase);
      const fetched = async (level: number, shared: SharedBlocks, readAhead: boolean) => {
        const before = store.source.traffic.bytesFetched;
        const readNext = readAhead ? { dim: dims.indexOf('level'), indices: [0, 1, 2].filter((next) => next > level) } : undefined;
        const { matrix, expected } = await read(testCase, { ranges: true, streamed: true, picked: { ...PICKED, level }, shared, readNext, store });
        expect(bits(matrix), `${dims.join(',')} level ${level}, later levels ${readAhead ? 'read ahead' : 'not'}`).toEqual(bits(expected));
        return store.source.traffic.bytesFetched - before;
      };
      const inTurn = new SharedBlocks();
      const together = [await fetched(0, inTurn, false), await fetched(1, inTurn, false), await fetched(2, inTurn, false)];
      const ahead = new SharedBlocks();
      const first = [await fetched(0, ahead, true), await fetched(1, ahead, true), await fetched(2, ahead, true)];
      const sum = (bytes: number[]) => bytes.reduce((a, b) => a + b, 0);
      expect(first[0], dims.join(',')).toBeGreaterThan(together[0]);
      expect(first[1]).toBeLessThan(together[1]);
      expect(first[2]).toBeLessThan(together[2]);
      // Each block is still fetched once: the later reads fetch only the frame's header and block starts.
      expect(sum(first)).toBe(sum(together));
      expect(first[1]).toBe(first[2]);
      // The study's layout; in the other, blocks hold both times too, and the other time's share of them is never read.
      if (dims === ORDERS[1]) expect(ahead.size, 'every block kept was taken').toBe(0);
    }
  });

  it('keeps no block of a frame whose blocks do not compress (their places tell no content from another)', async () => {
    // Unshuffled random float64 in blocks of 64 bytes: LZ4 finds nothing, and the frame is stored as it is.
    const testCase: Case = { dims: ORDERS[1], dtype: '<f8', compressor: { id: 'blosc', cname: 'lz4', clevel: 5, shuffle: 0, blocksize: 64 } };
    const store = await written(testCase);
    const shared = new SharedBlocks();
    for (const level of [0, 1]) {
      const { matrix, expected } = await read(testCase, { ranges: true, streamed: true, picked: { ...PICKED, level }, shared, store });
      expect(bits(matrix)).toEqual(bits(expected));
    }
    expect(shared.size).toBe(0);
  });
});
