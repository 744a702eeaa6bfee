// The CLI path end to end: convert the fixture checkpoint, read the fixture's Zarr store through the
// data layer, encode, and compare with Microsoft's own encoder output.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as zarr from 'zarrita';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { main } from '../main.ts';
import { isNpyDtype, readNpy } from '../../io/npy.ts';
import { FileStore } from '../../data/store.node.ts';
import { FIXTURE_CHECKPOINT, FIXTURE_DIR, maxAbsDifference, readFixtureArray } from '../../encoder/test-fixture.node.ts';
import { FLOAT16_FIXTURE_ERROR } from '../../encoder/graph-float16.ts';

let dir: string;
let model: string;
const store = join(FIXTURE_DIR, 'era5.zarr');

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'encode-cli-'));
  model = join(dir, 'tiny.onnx');
  expect(await main(['convert', '--checkpoint', FIXTURE_CHECKPOINT, '--out', model, '--num-heads', '4'])).toBe(0);
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('latent-explorer encode', () => {
  it('writes Aurora’s output layout to .npy, within 1e-4 of Aurora', async () => {
    const out = join(dir, 'x.npy');
    expect(await main(['encode', '--store', store, '--time', '2022-08-07T06:00', '--model', model, '--out', out])).toBe(0);
    const array = readNpy(new Uint8Array(await readFile(out)));
    const expected = await readFixtureArray('expected/encoding.npy');
    expect(array.shape).toEqual([1, 128, 64]);
    if (!isNpyDtype(array, '<f4')) throw new Error(`expected float32, got ${array.dtype}`);
    expect(maxAbsDifference(array.data, expected.data)).toBeLessThanOrEqual(1e-4);
  });

  it('writes a region across 0 E to a latent Zarr store, longitudes in -180..180 so that they stay evenly spaced', async () => {
    const out = join(dir, 'latents.zarr');
    const args = ['encode', '--store', store, '--time', '2022-08-07T06:00', '--region=-20,30,-50,70', '--model', model, '--out', out];
    expect(await main(args)).toBe(0);
    const root = zarr.root(new FileStore(out));
    const read = async (name: string) => (await zarr.get(await zarr.open.v2(root.resolve(name), { kind: 'array' }))).data;
    expect(Array.from((await read('lat')) as Float64Array)).toEqual([28.125, -16.875]);
    expect(Array.from((await read('lon')) as Float64Array)).toEqual([-28.125, 16.875, 61.875]);
    expect(Array.from((await read('level')) as BigInt64Array)).toEqual([0n, 1n, 2n]);
    const surface = (await zarr.open.v2(root.resolve('surface_latent'), { kind: 'array' })).shape;
    expect(surface).toEqual([1, 64, 2, 3]);
    // The 17 x 32 fixture grid has 4 x 8 patches of 45 degrees; -28.125 E is column 7, 16.875 E column 0.
    const expected = (await readFixtureArray('expected/encoding.npy')).data;
    const surfaceData = (await read('surface_latent')) as Float32Array;
    // surface_latent[0, e, 0, 0] is the surface token of patch 15 (row 1, column 7); [0, e, 0, 1] of patch 8 (row 1, column 0).
    for (const [column, patch] of [[0, 15], [1, 8]]) {
      const values = Float32Array.from({ length: 64 }, (_, e) => surfaceData[e * 6 + column]);
      expect(maxAbsDifference(values, expected.subarray(patch * 64, (patch + 1) * 64))).toBeLessThanOrEqual(1e-4);
    }
    const atmos = (await read('atmos_latent')) as Float32Array;
    // atmos_latent[0, e, 2, 1, 0]: third atmospheric latent (token level 3) of patch 23 (row 2, column 7).
    const atmosColumn = Float32Array.from({ length: 64 }, (_, e) => atmos[((e * 3 + 2) * 2 + 1) * 3]);
    expect(maxAbsDifference(atmosColumn, expected.subarray((3 * 32 + 23) * 64, (3 * 32 + 24) * 64))).toBeLessThanOrEqual(1e-4);
  });

  it('refuses two times for one .npy and a bad --out', async () => {
    expect(await main(['encode', '--store', store, '--time', '2022-08-07T06:00,2022-08-07T12:00', '--model', model, '--out', join(dir, 'y.npy')])).toBe(2);
    expect(await main(['encode', '--store', store, '--time', '2022-08-07T06:00', '--model', model, '--out', join(dir, 'y.csv')])).toBe(2);
    expect(await main(['encode', '--store', store, '--time', '2022-08-07T06:00', '--model', model, '--out', join(dir, 'y.npy'), '--backend', 'cuda'])).toBe(2);
    expect(await main(['encode', '--store', store, '--time', '2022-08-07T06:00', '--model', model, '--out', join(dir, 'y.npy'), '--precision', 'bfloat16'])).toBe(2);
  });

  it('--precision float16 encodes with the float16 variant on each backend, prints its difference from float32 and why it is not the default', async () => {
    const expected = (await readFixtureArray('expected/encoding.npy')).data;
    for (const backend of ['cpu', 'wasm']) {
      const out = join(dir, `float16-${backend}.npy`);
      const lines: string[] = [];
      const spy = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => lines.push(String(chunk)) > 0);
      try {
        expect(await main(['encode', '--store', store, '--time', '2022-08-07T06:00', '--model', model, '--out', out, '--backend', backend, '--precision', 'float16'])).toBe(0);
      } finally {
        spy.mockRestore();
      }
      const said = lines.join('');
      expect(said).toMatch(/float16 is an option, not the default: on Aurora's tiny-global fixture its latents are 3\.2e-3 \(max abs\) off/);
      expect(said).toMatch(/model tiny on .*, float16\n/);
      const difference = /float16: max abs difference (\S+) against float32 on the CPU, on 32 patches of a 32-patch tile/.exec(said);
      expect(Number(difference?.[1])).toBeGreaterThan(0);
      expect(Number(difference?.[1])).toBeLessThanOrEqual(FLOAT16_FIXTURE_ERROR);
      const array = readNpy(new Uint8Array(await readFile(out)));
      if (!isNpyDtype(array, '<f4')) throw new Error(`expected float32, got ${array.dtype}`);
      const error = maxAbsDifference(array.data, expected);
      expect(error).toBeGreaterThan(1e-4);
      expect(error).toBeLessThanOrEqual(FLOAT16_FIXTURE_ERROR);
    }
    // A latent store says its latents come from the float16 variant.
    const store16 = join(dir, 'float16.zarr');
    const spy = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      expect(await main(['encode', '--store', store, '--time', '2022-08-07T06:00', '--model', model, '--out', store16, '--precision', 'float16'])).toBe(0);
    } finally {
      spy.mockRestore();
    }
    const attributes = JSON.parse(await readFile(join(store16, '.zattrs'), 'utf8')) as Record<string, unknown>;
    expect(attributes.encoder_precision).toMatch(/^float16 variant/);
    const float32Attributes = JSON.parse(await readFile(join(dir, 'latents.zarr', '.zattrs'), 'utf8')) as Record<string, unknown>;
    expect(float32Attributes.encoder_precision).toBeUndefined();
  });

  it('--backend webgpu gives Aurora’s latents on a GPU (self-checked) or, without one, on the CPU and says why', async () => {
    const out = join(dir, 'gpu.npy');
    const lines: string[] = [];
    const spy = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      lines.push(String(chunk));
      return true;
    });
    try {
      expect(await main(['encode', '--store', store, '--time', '2022-08-07T06:00', '--model', model, '--out', out, '--backend', 'webgpu'])).toBe(0);
    } finally {
      spy.mockRestore();
    }
    const said = lines.join('');
    expect(said).toMatch(/WebGPU adapter: |--backend webgpu: .*; encoding on the CPU/);
    const array = readNpy(new Uint8Array(await readFile(out)));
    if (!isNpyDtype(array, '<f4')) throw new Error(`expected float32, got ${array.dtype}`);
    expect(maxAbsDifference(array.data, (await readFixtureArray('expected/encoding.npy')).data)).toBeLessThanOrEqual(1e-4);
  });

  it('encodes a time listed five times once, saying so', async () => {
    const written: string[] = [];
    const spy = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => written.push(String(chunk)) > 0);
    const out = join(dir, 'once.npy');
    try {
      expect(await main(['encode', '--store', store, '--time', Array(5).fill('2022-08-07T06:00').join(','), '--model', model, '--out', out])).toBe(0);
    } finally {
      spy.mockRestore();
    }
    expect(written.join('')).toMatch(/--time lists 2022-08-07T06:00 more than once; each time is used once/);
    expect(readNpy(new Uint8Array(await readFile(out))).shape).toEqual([1, 128, 64]);
  });
});
