// Test helper: the tiny-global fixture store rewritten as Zarr v3 with sharding, as zarr-python 3
// writes it: consolidated metadata in the root zarr.json, dimension_names, and each variable's shards
// holding several inner chunks (bytes + gzip), the shard index at the end (bytes + crc32c).
import { gzipSync } from 'node:zlib';
import * as zarr from 'zarrita';
import { FileStore } from '../store.node.ts';
import type { Sink } from '../zarr-writer.ts';
import { FIXTURE } from './fixture-batch.ts';

/** Inner chunk of a variable's shard: one time, one level, the whole grid; a shard holds every level of one time. */
function innerChunk(shape: readonly number[]): number[] {
  return shape.map((size, d) => (d < shape.length - 2 ? 1 : size));
}

export async function writeShardedFixture(sink: Sink): Promise<void> {
  const source = new FileStore(`${FIXTURE}/era5.zarr`);
  const consolidated = JSON.parse(new TextDecoder().decode(await source.get('/.zmetadata'))).metadata as Record<string, Record<string, unknown>>;
  const names = Object.keys(consolidated)
    .filter((key) => key.endsWith('/.zarray'))
    .map((key) => key.slice(0, -'/.zarray'.length));
  const encoder = new TextEncoder();
  const arrays: Record<string, unknown> = {};
  for (const name of names) {
    const zarray = consolidated[`${name}/.zarray`];
    const { _ARRAY_DIMENSIONS: dims, ...attributes } = consolidated[`${name}/.zattrs`] as { _ARRAY_DIMENSIONS: string[] };
    const array = await zarr.open.v2(zarr.root(source).resolve(name), { kind: 'array' });
    const { data } = await zarr.get(array);
    const shape = zarray.shape as number[];
    const dataType = zarray.dtype === '<i8' ? 'int64' : 'float32';
    const coordinate = shape.length === 1;
    // A shard: every level and the whole grid of one time (the fixture's own chunk); inner chunks of one level.
    const shardShape = coordinate ? shape : shape.map((size, d) => (d === 0 && dims[0] === 'time' ? 1 : size));
    const meta = {
      zarr_format: 3,
      node_type: 'array',
      shape,
      data_type: dataType,
      chunk_grid: { name: 'regular', configuration: { chunk_shape: shardShape } },
      chunk_key_encoding: { name: 'default', configuration: { separator: '/' } },
      fill_value: dataType === 'int64' ? 0 : 'NaN',
      codecs: coordinate
        ? [{ name: 'bytes', configuration: { endian: 'little' } }]
        : [
            {
              name: 'sharding_indexed',
              configuration: {
                chunk_shape: innerChunk(shardShape),
                codecs: [{ name: 'bytes', configuration: { endian: 'little' } }, { name: 'gzip', configuration: { level: 5 } }],
                index_codecs: [{ name: 'bytes', configuration: { endian: 'little' } }, { name: 'crc32c' }],
                index_location: 'end',
              },
            },
          ],
      attributes,
      dimension_names: dims,
    };
    arrays[name] = meta;
    await sink(`${name}/zarr.json`, encoder.encode(JSON.stringify(meta)));
    const bytes = new Uint8Array((data as Float32Array | BigInt64Array).buffer.slice(0));
    if (coordinate) {
      await sink(`${name}/c/0`, bytes);
      continue;
    }
    const shards = shape[0] / shardShape[0];
    const perShard = bytes.byteLength / shards;
    for (let s = 0; s < shards; s++) {
      await sink(`${name}/c/${[s, ...shardShape.slice(1).map(() => 0)].join('/')}`, shard(bytes.subarray(s * perShard, (s + 1) * perShard), shardShape, innerChunk(shardShape)));
    }
  }
  await sink('zarr.json', encoder.encode(JSON.stringify({ zarr_format: 3, node_type: 'group', attributes: {}, consolidated_metadata: { kind: 'inline', must_understand: false, metadata: arrays } })));
}

/** A shard of C-ordered values: its inner chunks gzipped one after another, then the index (offset, length per chunk) and its CRC32C. */
function shard(values: Uint8Array, shardShape: readonly number[], inner: readonly number[]): Uint8Array {
  // Inner chunks are whole trailing planes here, so each is one contiguous run of the shard's values.
  const count = shardShape.reduce((a, b, d) => a * (b / inner[d]), 1);
  const size = values.byteLength / count;
  const parts = Array.from({ length: count }, (_, k) => new Uint8Array(gzipSync(values.subarray(k * size, (k + 1) * size))));
  const index = new BigUint64Array(count * 2);
  let offset = 0;
  parts.forEach((part, k) => {
    index[2 * k] = BigInt(offset);
    index[2 * k + 1] = BigInt(part.byteLength);
    offset += part.byteLength;
  });
  const indexBytes = new Uint8Array(index.buffer);
  const out = new Uint8Array(offset + indexBytes.byteLength + 4);
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.byteLength;
  }
  out.set(indexBytes, at);
  new DataView(out.buffer).setUint32(at + indexBytes.byteLength, crc32c(indexBytes), true);
  return out;
}

/** CRC-32C (Castagnoli), as the crc32c codec appends it. */
function crc32c(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (const byte of bytes) {
    crc ^= byte;
    for (let k = 0; k < 8; k++) crc = crc & 1 ? (crc >>> 1) ^ 0x82f63b78 : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}
