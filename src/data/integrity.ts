// A store that lies is refused by name, never computed on. Shapes are checked from the metadata when
// an array is opened, before anything is allocated for it; every chunk is checked after decoding
// against what the metadata says it holds (values and their type). The limits are named here, once.
import * as zarr from 'zarrita';
import { ChunkTooLargeError, DamagedChunkError, InvalidShapeError } from './errors.ts';
import { isRecord } from './store.ts';

export const SHAPE_LIMITS = {
  /**
   * Bytes of one decoded chunk. numcodecs' WebAssembly Blosc decodes 512 MiB and fails from about
   * 768 MiB ("memory access out of bounds"; the issue's 1.3 GB chunk: "table index is out of
   * bounds"), measured in Node 20 with numcodecs 0.3.2: its heap holds the chunk compressed and decoded.
   */
  chunkBytes: 512 * 2 ** 20,
  /**
   * Bytes of one chunk read block by block (latent-chunks.ts: a latent store's one chunk per time is
   * 796 MB of float64 at 0.25 degree): what a Blosc frame holds (2^31 - 1 bytes) and a typed array
   * of a browser allocates in one piece.
   */
  blockwiseChunkBytes: 2 ** 31 - 1,
  /** Values of a coordinate read whole (hourly times over 1,000 years are under 9 million). */
  coordinateLength: 10_000_000,
  /** Points of a grid: Aurora's finest, 0.1 degree (1,801 x 3,600). */
  gridPoints: 1801 * 3600,
} as const;

/** What the metadata of an array declares, in either Zarr format. */
export interface DeclaredArray {
  shape: readonly number[];
  /** The shape of one decoded chunk (the inner chunk of a sharded v3 array). */
  chunkShape: readonly number[];
  /** The shape of one stored object when it is a shard of several chunks. */
  shardShape: readonly number[] | undefined;
  bytesPerElement: number;
  /** The key of a chunk, for messages (e.g. "1.0.0" or "c/1/0/0"). */
  chunkKey: (coords: readonly number[]) => string;
  /** The key, under the array's path, of a stored object: a chunk, or a shard (coordinates in shards) when the array is sharded. */
  storedKey: (coords: readonly number[]) => string;
}

/**
 * Reads and checks the shape declarations of `meta` (.zarray or an array's zarr.json): every dimension
 * a whole number >= 0, every chunk dimension a whole number >= 1, a chunk within `chunkLimitBytes`
 * (SHAPE_LIMITS.chunkBytes for a chunk decoded whole).
 */
export function declaredArray(variable: string, location: string, meta: Record<string, unknown>, format: 2 | 3, chunkLimitBytes: number = SHAPE_LIMITS.chunkBytes): DeclaredArray {
  const refuse = (detail: string) => new InvalidShapeError(variable, location, detail);
  const shape = wholeNumbers(meta.shape, 0, 'shape', refuse);
  let chunkShape: number[];
  let shardShape: number[] | undefined;
  let bytesPerElement: number;
  let chunkKey: (coords: readonly number[]) => string;
  let storedKey: (coords: readonly number[]) => string;
  if (format === 2) {
    chunkShape = wholeNumbers(meta.chunks, 1, 'chunk shape', refuse);
    bytesPerElement = Number(/(\d+)$/.exec(String(meta.dtype))?.[1] ?? 1);
    const separator = typeof meta.dimension_separator === 'string' ? meta.dimension_separator : '.';
    chunkKey = (coords) => (coords.length === 0 ? '0' : coords.join(separator));
    storedKey = chunkKey;
  } else {
    const grid = isRecord(meta.chunk_grid) && isRecord(meta.chunk_grid.configuration) ? meta.chunk_grid.configuration.chunk_shape : undefined;
    chunkShape = wholeNumbers(grid, 1, 'chunk shape', refuse);
    const sharding = (Array.isArray(meta.codecs) ? meta.codecs : []).find((codec) => isRecord(codec) && codec.name === 'sharding_indexed');
    if (isRecord(sharding) && isRecord(sharding.configuration)) {
      shardShape = chunkShape;
      chunkShape = wholeNumbers(sharding.configuration.chunk_shape, 1, 'inner chunk shape of its shards', refuse);
    }
    bytesPerElement = Math.max(1, Number(/(\d+)$/.exec(String(meta.data_type))?.[1] ?? 8) / 8);
    const encoding = isRecord(meta.chunk_key_encoding) ? meta.chunk_key_encoding : {};
    const separator = isRecord(encoding.configuration) && typeof encoding.configuration.separator === 'string' ? encoding.configuration.separator : undefined;
    storedKey = encoding.name === 'v2' ? (coords) => (coords.length === 0 ? '0' : coords.join(separator ?? '.')) : (coords) => ['c', ...coords].join(separator ?? '/');
    chunkKey = shardShape !== undefined ? (coords) => `inner chunk (${coords.join(', ')})` : storedKey;
  }
  if (chunkShape.length !== shape.length || (shardShape && shardShape.length !== shape.length)) {
    throw refuse(`its chunk shape [${chunkShape.join(', ')}] has not as many dimensions as its shape [${shape.join(', ')}]`);
  }
  if (!Number.isSafeInteger(product(shape))) throw refuse(`its shape [${shape.join(', ')}] has more values than can be counted exactly (2^53)`);
  const chunkBytes = product(chunkShape) * bytesPerElement;
  // A chunk this large is real (stores chunked by many times), not a lie: refused by its size alone.
  if (chunkBytes > chunkLimitBytes) throw new ChunkTooLargeError(variable, chunkShape, dtypeName(format === 2 ? meta.dtype : meta.data_type), chunkBytes, chunkLimitBytes);
  return { shape, chunkShape, shardShape, bytesPerElement, chunkKey, storedKey };
}

/** Refuses a coordinate longer than SHAPE_LIMITS.coordinateLength before it is read whole. */
export function checkCoordinateLength(variable: string, location: string, shape: readonly number[]): void {
  if (shape.length !== 1) throw new InvalidShapeError(variable, location, `a coordinate must have one dimension, this one has shape [${shape.join(', ')}]`);
  if (shape[0] > SHAPE_LIMITS.coordinateLength) {
    throw new InvalidShapeError(variable, location, `it has ${formatCount(shape[0])} values, over the limit of ${formatCount(SHAPE_LIMITS.coordinateLength)} a coordinate may have here`);
  }
}

/** Refuses a grid larger than SHAPE_LIMITS.gridPoints, from the coordinates' declared lengths. */
export function checkGridSize(location: string, latitudes: number, longitudes: number): void {
  if (latitudes * longitudes > SHAPE_LIMITS.gridPoints) {
    throw new InvalidShapeError(
      'latitude x longitude',
      location,
      `the grid has ${formatCount(latitudes)} x ${formatCount(longitudes)} points, over the limit of ${formatCount(SHAPE_LIMITS.gridPoints)} (Aurora's finest grid, 0.1 degree)`,
    );
  }
}

/**
 * The array with every chunk it decodes checked: a chunk that fails to decode, or decodes to another
 * number or type of values than its metadata says, is a DamagedChunkError naming the variable and the
 * chunk key, and nothing is computed from it.
 */
export function withChunkIntegrity<A extends zarr.Array<zarr.DataType, zarr.Readable>>(array: A, variable: string, location: string, declared: DeclaredArray): A {
  const expectedValues = product(declared.chunkShape);
  const expectedShape = declared.chunkShape.join(' x ');
  const check = zarr.defineArrayExtension((inner) => ({
    async getChunk(coords: number[], ...rest: DropFirst<Parameters<typeof inner.getChunk>>) {
      let chunk: zarr.Chunk<zarr.DataType>;
      try {
        chunk = await inner.getChunk(coords, ...rest);
      } catch (error) {
        if (zarr.isZarritaError(error, 'CodecPipelineError')) {
          throw new DamagedChunkError(variable, location, declared.chunkKey(coords), { kind: 'undecodable', codec: (error.codec ?? 'unknown').replace(/^numcodecs\./, ''), cause: error.cause ?? error });
        }
        throw error;
      }
      const data = chunk.data as { length?: number; BYTES_PER_ELEMENT?: number };
      const values = typeof data.length === 'number' ? data.length : Number.NaN;
      const bytesPerElement = typeof data.BYTES_PER_ELEMENT === 'number' ? data.BYTES_PER_ELEMENT : declared.bytesPerElement;
      if (values !== expectedValues || bytesPerElement !== declared.bytesPerElement) {
        throw new DamagedChunkError(variable, location, declared.chunkKey(coords), {
          kind: 'wrong-size',
          expected: { values: expectedValues, bytes: expectedValues * declared.bytesPerElement, shape: expectedShape },
          actual: { values, bytes: values * bytesPerElement },
        });
      }
      return chunk;
    },
  }));
  return check(array);
}

type CodecEntry = Awaited<ReturnType<NonNullable<ReturnType<typeof zarr.registry.get>>>>;

/**
 * Blosc as zarrita registers it, with a check first: Blosc's 16-byte header says how many compressed
 * bytes follow (bytes 12-15), and numcodecs decodes a chunk cut short into garbage without a word.
 */
function withBloscLengthCheck(load: () => Promise<CodecEntry>): () => Promise<CodecEntry> {
  return async () => {
    const entry = await load();
    return {
      kind: entry.kind,
      fromConfig(config, meta) {
        const codec = entry.fromConfig(config, meta);
        return {
          kind: codec.kind,
          encode: (data: Uint8Array) => codec.encode(data),
          decode(data: Uint8Array, out?: Uint8Array) {
            const declared = data.byteLength >= 16 ? new DataView(data.buffer, data.byteOffset, 16).getUint32(12, true) : Number.NaN;
            if (!(declared <= data.byteLength)) {
              throw new Error(
                Number.isNaN(declared)
                  ? `the chunk has ${data.byteLength} bytes, fewer than Blosc's 16-byte header`
                  : `the chunk has ${data.byteLength.toLocaleString('en-US')} bytes, but its Blosc header says ${declared.toLocaleString('en-US')}: it was cut short`,
              );
            }
            return codec.decode(data, out);
          },
        };
      },
    };
  };
}

for (const id of ['blosc', 'numcodecs.blosc']) {
  const load = zarr.registry.get(id);
  if (load) zarr.registry.set(id, withBloscLengthCheck(load));
}

type DropFirst<T extends unknown[]> = T extends [unknown, ...infer Rest] ? Rest : never;

function wholeNumbers(value: unknown, minimum: number, what: string, refuse: (detail: string) => Error): number[] {
  if (!Array.isArray(value)) throw refuse(`its metadata has no ${what}`);
  const bad = value.find((n) => typeof n !== 'number' || !Number.isSafeInteger(n) || n < minimum);
  if (bad !== undefined) {
    throw refuse(`its ${what} [${value.map(String).join(', ')}] holds ${String(bad)}; every entry must be a whole number of at least ${minimum}`);
  }
  return value as number[];
}

function product(values: readonly number[]): number {
  return values.reduce((a, b) => a * b, 1);
}

/** A dtype as people name it: '<f4' (v2) is float32, v3 names are already words. */
function dtypeName(dtype: unknown): string {
  const v2 = /^[<>|]([fiu])(\d+)$/.exec(String(dtype));
  if (!v2) return String(dtype);
  const kind = v2[1] === 'f' ? 'float' : v2[1] === 'i' ? 'int' : 'uint';
  return `${kind}${Number(v2[2]) * 8}`;
}

function formatCount(count: number): string {
  return count.toLocaleString('en-US');
}
