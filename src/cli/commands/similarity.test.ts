// `latent-explorer similarity` on the embedded sample, spawned as a user runs it: a model against its
// untrained control, a latent store against the encoding it was written from, levels against each
// other, one level across times; mistakes named.
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../main.ts';

const run = promisify(execFile);
const CLI = new URL('../../../bin/latent-explorer.mjs', import.meta.url).pathname;
const SAMPLE_STORE = 'public/sample/era5-sample.zarr';
const REGION = '--region=-20,30,-40,40';
const TIME = '2022-08-07T06:00';

let dir: string;
let modelPath: string;
let storePath: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'similarity-'));
  modelPath = join(dir, 'small.onnx');
  storePath = join(dir, 'latents.zarr');
  expect(await main(['init-model', '--preset', 'aurora-0.25-small', '--seed', '0', '--out', modelPath])).toBe(0);
  expect(await main(['encode', '--store', SAMPLE_STORE, '--time', TIME, REGION, '--model', modelPath, '--out', storePath])).toBe(0);
}, 300_000);

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

interface Output {
  a: { kind: string };
  b: { kind: string } | null;
  times: string[];
  matrices: Array<{ title: string; patches: number; rows: string[]; columns: string[]; cka: number[][]; shuffled_floor: number[] }>;
}

const similarity = async (...args: string[]) => JSON.parse((await run(process.execPath, [CLI, 'similarity', '--store', SAMPLE_STORE, REGION, '--json', ...args])).stdout) as Output;

describe('latent-explorer similarity', () => {
  it('compares a model with its untrained control, level by level, above the noise floor', async () => {
    const output = await similarity('--a', modelPath, '--b', 'untrained:1', '--time', TIME, '--levels', '0,1');
    expect(output.b).toEqual({ kind: 'untrained', seed: 1 });
    const [matrix] = output.matrices;
    expect(matrix.rows).toEqual(['surface', 'atmos 1']);
    expect(matrix.columns).toEqual(['surface', 'atmos 1']);
    for (const value of matrix.cka.flat()) {
      expect(value).toBeGreaterThan(0);
      expect(value).toBeLessThanOrEqual(1 + 1e-9);
    }
    matrix.shuffled_floor.forEach((floor, i) => {
      expect(floor).toBeLessThan(0.1);
      expect(matrix.cka[i][i]).toBeGreaterThan(floor);
    });
  }, 300_000);

  it('finds a latent store the same as the encoding it was written from (CKA 1 at every level)', async () => {
    const output = await similarity('--a', storePath, '--b', modelPath, '--time', TIME);
    expect(output.a).toEqual({ kind: 'latent store', location: storePath });
    const [matrix] = output.matrices;
    expect(matrix.rows).toEqual(['surface', 'atmos 1', 'atmos 2', 'atmos 3']);
    matrix.cka.forEach((row, i) => expect(row[i]).toBeCloseTo(1, 6));
  }, 300_000);

  it("compares a source's levels with each other, and one level across times", async () => {
    const levels = await similarity('--a', storePath, '--time', TIME);
    const [matrix] = levels.matrices;
    matrix.cka.forEach((row, i) => row.forEach((value, j) => expect(value).toBeCloseTo(matrix.cka[j][i], 12)));
    const times = await similarity('--a', modelPath, '--times', '2022-08-07T06:00,2022-08-07T12:00', '--levels', '1');
    expect(times.matrices.map((entry) => entry.rows)).toEqual([['2022-08-07T06:00', '2022-08-07T12:00']]);
    expect(times.matrices[0].cka[0][1]).toBeGreaterThan(0.5);
  }, 300_000);

  it('names its mistakes', async () => {
    await expect(main(['similarity', '--a', modelPath, '--b', 'untrained', '--times', 'every:1'])).resolves.not.toBe(0);
    await expect(main(['similarity', '--a', modelPath, '--b', 'untrained'])).resolves.not.toBe(0);
    await expect(main(['similarity', '--a', storePath, '--levels', '7'])).resolves.not.toBe(0);
  });
});
