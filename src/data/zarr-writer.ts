// A small Zarr v2 writer: consolidated metadata as xarray writes it (.zgroup, .zattrs, .zmetadata,
// _ARRAY_DIMENSIONS), chunks compressed with numcodecs. Pure: it hands keys and bytes to a sink,
// so that it writes to disk in Node (the sample builder) or to memory (tests).
import { bloscEncodeLz4 } from './codecs/blosc.ts';

export type V2Dtype = '<f4' | '<f8' | '<i8' | '<i4' | '<i2' | '|u1';
export type ChunkData = Float32Array | Float64Array | BigInt64Array | Int32Array | Int16Array | Uint8Array;

/** numcodecs compressor configurations, as they appear in .zarray. */
export type CompressorConfig =
  | { id: 'blosc'; cname: 'lz4' | 'zstd' | 'blosclz'; clevel: number; shuffle: 0 | 1 | 2; blocksize: number }
  | { id: 'zstd'; level: number }
  | { id: 'gzip'; level: number }
  | { id: 'zlib'; level: number };

export interface ArraySpec {
  name: string;
  dims: readonly string[];
  shape: readonly number[];
  chunks: readonly number[];
  dtype: V2Dtype;
  compressor: CompressorConfig | null;
  /** Written as .zarray fill_value: NaN for floats, null for coordinates without one. */
  fillValue: number | null;
  attributes?: Record<string, unknown>;
}

export type Sink = (key: string, bytes: Uint8Array) => Promise<void>;

export class ZarrV2Writer {
  private readonly metadata: Record<string, unknown> = { '.zgroup': { zarr_format: 2 } };
  private readonly encoder = new TextEncoder();

  constructor(
    private readonly sink: Sink,
    attributes: Record<string, unknown> = {},
  ) {
    this.metadata['.zattrs'] = attributes;
  }

  /** Declares an array; write its chunks with `writeChunk`. */
  async createArray(spec: ArraySpec): Promise<void> {
    const zarray = {
      chunks: spec.chunks,
      compressor: spec.compressor,
      dtype: spec.dtype,
      fill_value: spec.fillValue === null ? null : Number.isNaN(spec.fillValue) ? 'NaN' : spec.fillValue,
      filters: null,
      order: 'C',
      shape: spec.shape,
      zarr_format: 2,
    };
    const zattrs = { _ARRAY_DIMENSIONS: spec.dims, ...spec.attributes };
    this.metadata[`${spec.name}/.zarray`] = zarray;
    this.metadata[`${spec.name}/.zattrs`] = zattrs;
    await this.writeJson(`${spec.name}/.zarray`, zarray);
    await this.writeJson(`${spec.name}/.zattrs`, zattrs);
  }

  /** Writes one chunk (C order, the full chunk shape even at the array's edge). */
  async writeChunk(spec: ArraySpec, coords: readonly number[], data: ChunkData): Promise<void> {
    const expected = spec.chunks.reduce((a, b) => a * b, 1);
    if (data.length !== expected) throw new RangeError(`${spec.name}: chunk has ${data.length} values, expected ${expected}`);
    const raw = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    const bytes = spec.compressor ? await compress(spec.compressor, raw, data.BYTES_PER_ELEMENT) : raw;
    await this.sink(`${spec.name}/${coords.join('.')}`, bytes);
  }

  /** Writes a whole array that fits one chunk. */
  async writeArray(spec: ArraySpec, data: ChunkData): Promise<void> {
    await this.createArray(spec);
    await this.writeChunk(spec, spec.shape.map(() => 0), data);
  }

  /** Writes the group metadata and the consolidated .zmetadata; call last. */
  async close(): Promise<void> {
    await this.writeJson('.zgroup', this.metadata['.zgroup']);
    await this.writeJson('.zattrs', this.metadata['.zattrs']);
    await this.writeJson('.zmetadata', { metadata: this.metadata, zarr_consolidated_format: 1 });
  }

  private async writeJson(key: string, value: unknown): Promise<void> {
    await this.sink(key, this.encoder.encode(JSON.stringify(value, null, 2)));
  }
}

async function compress(config: CompressorConfig, raw: Uint8Array, typesize: number): Promise<Uint8Array> {
  switch (config.id) {
    case 'blosc': {
      // Blosc with LZ4 in TypeScript (codecs/blosc.ts): any chunk size (numcodecs' WebAssembly heap stops
      // at 2 GB, under two copies of a 0.25-degree chunk of float64 latents) and the values' own width.
      if (config.cname === 'lz4' && config.shuffle !== 2) return bloscEncodeLz4(raw, { typesize, shuffle: config.shuffle === 0 ? 0 : 1, blocksize: config.blocksize > 0 ? config.blocksize : undefined });
      // numcodecs.js shuffles with a fixed item size of 4 bytes: still lossless for other widths.
      const { default: Blosc } = await import('numcodecs/blosc');
      return Blosc.fromConfig(config).encode(raw);
    }
    case 'zstd': {
      const { default: Zstd } = await import('numcodecs/zstd');
      return Zstd.fromConfig(config).encode(raw);
    }
    case 'gzip': {
      const { default: GZip } = await import('numcodecs/gzip');
      return GZip.fromConfig(config).encode(raw);
    }
    case 'zlib': {
      const { default: Zlib } = await import('numcodecs/zlib');
      return Zlib.fromConfig(config).encode(raw);
    }
  }
}
