// Our block-by-block Blosc against c-blosc itself: numcodecs' WebAssembly build of c-blosc decodes our
// frames, we decode its frames (every inner compressor we read, shuffled or not, split or not) and the
// chunks xarray wrote (test/fixtures/latent-store), byte for byte.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
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

  it('long overlapping matches repeat their last bytes (written by hand from the format)', () => {
    // "abc", then a match at distance 3 of 4 + 15 + 81 = 100 bytes; "z", then a match at distance 1 of 4 + 15 + 21 = 40 bytes; "!" last.
    const block = Uint8Array.of(0x3f, 97, 98, 99, 3, 0, 81, 0x1f, 122, 1, 0, 21, 0x10, 33);
    const decoded = new Uint8Array(3 + 100 + 1 + 40 + 1);
    expect(lz4DecodeBlock(block, decoded)).toBe(decoded.length);
    expect(new TextDecoder().decode(decoded)).toBe(`${'abc'.repeat(34)}a${'z'.repeat(41)}!`);
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

/**
 * Frames from Debian's c-blosc (libblosc1, through python3-numcodecs on /usr/bin/python3, which the test
 * command installs with python3-zarr): every inner compressor it has, no shuffle, byte and bit shuffle,
 * its own block size and a small one, 4- and 8-byte values. Each frame is a line 'cname shuffle
 * blocksize typesize base64'; the raw bytes are the first line.
 */
function debianCBloscFrames(): { raw: Uint8Array; frames: { cname: string; shuffle: number; blocksize: number; typesize: number; frame: Uint8Array }[] } | undefined {
  if (!existsSync(PYTHON)) return undefined;
  const script = [
    'import base64, numpy, numcodecs',
    'from numcodecs import Blosc',
    'x = numpy.sin(numpy.arange(20011) / 50) + 0.01 * numpy.random.default_rng(0).standard_normal(20011)',
    'raw = x.astype("<f8").tobytes()',
    'print(base64.b64encode(raw).decode())',
    'for cname in numcodecs.blosc.list_compressors():',
    '  for shuffle in (0, 1, 2):',
    '    for blocksize in (0, 4096):',
    '      for typesize, dtype in ((8, "<f8"), (4, "<f4")):',
    '        frame = Blosc(cname=cname, clevel=5, shuffle=shuffle, blocksize=blocksize).encode(numpy.frombuffer(raw[: len(raw) // typesize * typesize], dtype=dtype))',
    '        print(cname, shuffle, blocksize, typesize, base64.b64encode(bytes(frame)).decode())',
  ].join('\n');
  const run = spawnSync(PYTHON, ['-c', script], { encoding: 'utf8', maxBuffer: 1 << 28 });
  if (run.status !== 0) return undefined;
  const [rawLine, ...lines] = run.stdout.trim().split('\n');
  return {
    raw: new Uint8Array(Buffer.from(rawLine, 'base64')),
    frames: lines.map((line) => {
      const [cname, shuffle, blocksize, typesize, frame] = line.split(' ');
      return { cname, shuffle: Number(shuffle), blocksize: Number(blocksize), typesize: Number(typesize), frame: new Uint8Array(Buffer.from(frame, 'base64')) };
    }),
  };
}

const PYTHON = '/usr/bin/python3';
const BLOCK_BY_BLOCK = new Set(['lz4', 'lz4hc', 'zlib']);

describe("Debian's c-blosc (libblosc1 through python3-numcodecs)", () => {
  const made = debianCBloscFrames();
  it.skipIf(made === undefined)('its lz4, lz4hc and zlib frames decode block by block to its bytes; zstd, blosclz, snappy and bit shuffle get a typed error naming them, and numcodecs decodes them whole', async () => {
    const { raw, frames } = made ?? { raw: new Uint8Array(0), frames: [] };
    expect(new Set(frames.map((entry) => entry.cname))).toEqual(new Set(['blosclz', 'lz4', 'lz4hc', 'snappy', 'zlib', 'zstd']));
    let blockByBlock = 0;
    for (const { cname, shuffle, blocksize, typesize, frame } of frames) {
      const what = `${cname} shuffle ${shuffle} blocksize ${blocksize} typesize ${typesize}`;
      const expected = raw.subarray(0, raw.length - (raw.length % typesize));
      // c-blosc stores a frame that does not compress as it is (whatever its compressor): read in place.
      const stored = (frame[2] & 0x2) !== 0;
      if (stored || (BLOCK_BY_BLOCK.has(cname) && shuffle !== 2)) {
        expectSameBytes(decodeWhole(frame), expected, what);
        blockByBlock += stored ? 0 : 1;
        continue;
      }
      let error: unknown;
      try {
        openBloscFrame(frame);
      } catch (caught) {
        error = caught;
      }
      expect(error, what).toBeInstanceOf(BloscUnsupportedError);
      expect((error as Error).message, what).toContain(shuffle === 2 && BLOCK_BY_BLOCK.has(cname) ? 'bit shuffle' : cname);
      // What the reader falls back to (zarrita's numcodecs), byte for byte; snappy is not in its build, and opening such a store is refused by name (store.ts).
      if (cname !== 'snappy') expectSameBytes(await cBlosc().decode(frame), expected, `numcodecs: ${what}`);
    }
    // At least every byte-shuffled frame of the three (the unshuffled may be stored).
    expect(blockByBlock).toBeGreaterThanOrEqual(12);
  });
});
