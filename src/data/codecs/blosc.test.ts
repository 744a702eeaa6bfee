// Our block-by-block Blosc against c-blosc itself: numcodecs' WebAssembly build of c-blosc decodes our
// frames, we decode its frames (every inner compressor we read, shuffled or not, split or not) and the
// chunks xarray wrote (test/fixtures/latent-store), byte for byte.
import { readFile } from 'node:fs/promises';
import Blosc from 'numcodecs/blosc';
import { describe, expect, it } from 'vitest';
import { BloscFrameError, BloscUnsupportedError, bloscEncodeLz4, openBloscFrame } from './blosc.ts';
import { lz4DecodeBlock, lz4EncodeBlock, lz4EncodeBound } from './lz4.ts';
import { seededRandom } from '../../probes/random.ts';

/** Byte equality without a per-element diff (vitest's toEqual on MB-sized arrays takes seconds). */
function expectSameBytes(actual: Uint8Array, expected: Uint8Array, what = ''): void {
  expect(Buffer.from(actual.buffer, actual.byteOffset, actual.byteLength).equals(Buffer.from(expected.buffer, expected.byteOffset, expected.byteLength)), what).toBe(true);
}

/** numcodecs' Blosc (c-blosc in WebAssembly) with a configuration. */
const cBlosc = (config: { cname?: string; shuffle?: number; blocksize?: number } = {}) => Blosc.fromConfig({ id: 'blosc', cname: 'lz4', clevel: 5, shuffle: 1, blocksize: 0, ...config });

/** Every block of a frame decoded and joined. */
function decodeWhole(frame: Uint8Array): Uint8Array {
  const opened = openBloscFrame(frame);
  const out = new Uint8Array(opened.nbytes);
  for (let index = 0; index < opened.blocks; index++) out.set(opened.decodeBlock(index), index * opened.blocksize);
  return out;
}

/** Bytes that compress partly, as latents do: float64 values of a smooth field plus noise. */
function latentLikeBytes(values: number, seed = 1): Uint8Array {
  const random = seededRandom(seed);
  const data = Float64Array.from({ length: values }, (_, i) => Math.sin(i / 50) + 0.01 * random.normal());
  return new Uint8Array(data.buffer);
}

const samples: Record<string, Uint8Array> = {
  empty: new Uint8Array(0),
  tiny: Uint8Array.of(1, 2, 3),
  zeros: new Uint8Array(300_000),
  repeating: Uint8Array.from({ length: 100_000 }, (_, i) => i % 7),
  noise: Uint8Array.from({ length: 70_001 }, () => Math.floor(Math.random() * 256)),
  latents: latentLikeBytes(200_003),
};

describe('LZ4 blocks', () => {
  it('round-trip every kind of input, overlapping matches included', () => {
    for (const [name, data] of Object.entries(samples)) {
      const encoded = new Uint8Array(lz4EncodeBound(data.length));
      const written = lz4EncodeBlock(data, encoded);
      const decoded = new Uint8Array(data.length);
      expect(lz4DecodeBlock(encoded.subarray(0, written), decoded), name).toBe(data.length);
      expectSameBytes(decoded, data, name);
    }
    expect(() => lz4DecodeBlock(Uint8Array.of(0x1f, 65, 5, 0), new Uint8Array(10))).toThrow(/offset 5 reaches before the block/);
  });
});

describe('Blosc frames', () => {
  it('numcodecs (c-blosc) decodes ours, shuffled or not, compressible or stored', async () => {
    for (const [name, data] of Object.entries(samples)) {
      for (const shuffle of [0, 1] as const) {
        for (const typesize of [1, 4, 8]) {
          const frame = bloscEncodeLz4(data, { typesize, shuffle, blocksize: 1 << 15 });
          expectSameBytes(await cBlosc().decode(frame), data, `${name} shuffle ${shuffle} typesize ${typesize}`);
          expectSameBytes(decodeWhole(frame), data, `ours: ${name} shuffle ${shuffle} typesize ${typesize}`);
        }
      }
    }
  });

  it('decodes c-blosc’s frames: lz4, lz4hc and zlib, byte shuffle or none, split or not', async () => {
    const data = samples.latents;
    for (const cname of ['lz4', 'lz4hc', 'zlib'] as const) {
      for (const shuffle of [0, 1]) {
        for (const blocksize of [0, 4096]) {
          const frame = await cBlosc({ cname, shuffle, blocksize }).encode(data);
          expectSameBytes(decodeWhole(frame), data, `${cname} shuffle ${shuffle} blocksize ${blocksize}`);
        }
      }
    }
  });

  it('decodes the chunks xarray wrote (c-blosc lz4, shuffled, float64) as numcodecs does', async () => {
    const frame = new Uint8Array(await readFile('test/fixtures/latent-store/europe/latents.zarr/atmos_latent/0.0.0.0.0'));
    const opened = openBloscFrame(frame);
    expect(opened.typesize).toBe(8);
    expect(opened.blocks).toBeGreaterThan(1);
    expectSameBytes(decodeWhole(frame), await cBlosc().decode(frame));
  });

  it('names what it does not read, and a frame cut short', async () => {
    const blosclz = await cBlosc({ cname: 'blosclz' }).encode(samples.repeating);
    expect(() => openBloscFrame(blosclz)).toThrow(BloscUnsupportedError);
    const bitshuffled = await cBlosc({ shuffle: 2 }).encode(samples.latents);
    expect(() => openBloscFrame(bitshuffled)).toThrow(/bit shuffle/);
    const frame = bloscEncodeLz4(samples.latents, { typesize: 8, shuffle: 1 });
    expect(() => openBloscFrame(frame.subarray(0, frame.length - 10))).toThrow(BloscFrameError);
    expect(() => openBloscFrame(frame.subarray(0, 10))).toThrow(/fewer than Blosc's 16-byte header/);
  });
});
