import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { readNpyFile, writeNpyFile } from '../io/npy.node.ts';
import { isNpyDtype } from '../io/npy.ts';
import { initNodeProbeBackend } from './backend.node.ts';
import { ckaMatrix, columnShuffled, linearCka } from './cka.ts';
import { crossGram } from './gram.ts';
import { featureMatrix, type FeatureMatrix } from './matrix.ts';
import { seededRandom } from './random.ts';

const PYTHON = '/usr/bin/python3';
const CROSS_CHECK = 'test/cross-check/linear_cka.py';

beforeAll(async () => {
  await initNodeProbeBackend();
});

function randomMatrix(rows: number, cols: number, seed: number): FeatureMatrix {
  const random = seededRandom(seed);
  return featureMatrix(Float32Array.from({ length: rows * cols }, () => random.normal()), rows, cols);
}

/** y = tanh(x W) + noise: related to x, not by any linear map. */
function relatedMatrix(x: FeatureMatrix, cols: number, seed: number): FeatureMatrix {
  const random = seededRandom(seed);
  const w = Float64Array.from({ length: x.cols * cols }, () => random.normal() / Math.sqrt(x.cols));
  const out = new Float32Array(x.rows * cols);
  for (let i = 0; i < x.rows; i++) {
    for (let j = 0; j < cols; j++) {
      let sum = 0;
      for (let k = 0; k < x.cols; k++) sum += x.data[i * x.cols + k] * w[k * cols + j];
      out[i * cols + j] = Math.tanh(sum) + 0.3 * random.normal();
    }
  }
  return featureMatrix(out, x.rows, cols);
}

/** A random D x D orthogonal matrix: Gram-Schmidt on Gaussian columns. */
function randomOrthogonal(d: number, seed: number): Float64Array {
  const random = seededRandom(seed);
  const q = Float64Array.from({ length: d * d }, () => random.normal());
  for (let c = 0; c < d; c++) {
    for (let p = 0; p < c; p++) {
      let dot = 0;
      for (let r = 0; r < d; r++) dot += q[r * d + c] * q[r * d + p];
      for (let r = 0; r < d; r++) q[r * d + c] -= dot * q[r * d + p];
    }
    let norm = 0;
    for (let r = 0; r < d; r++) norm += q[r * d + c] ** 2;
    for (let r = 0; r < d; r++) q[r * d + c] /= Math.sqrt(norm);
  }
  return q;
}

function transform(x: FeatureMatrix, q: Float64Array, scale: number, shift: number): FeatureMatrix {
  const d = x.cols;
  const out = new Float32Array(x.rows * d);
  for (let i = 0; i < x.rows; i++) {
    for (let j = 0; j < d; j++) {
      let sum = 0;
      for (let k = 0; k < d; k++) sum += x.data[i * d + k] * q[k * d + j];
      out[i * d + j] = scale * sum + shift;
    }
  }
  return featureMatrix(out, x.rows, d);
}

describe('linear CKA', () => {
  it('is 1/sqrt(2) on a case worked by hand', async () => {
    // X: (1,0), (0,1), (-1,0), (0,-1), centred already; Y: 1, 1, -1, -1 (plus 5, which centring removes).
    // X^T X = diag(2, 2), norm 2 sqrt 2; Y^T Y = 4; Y^T X = (2, 2), squared norm 8: CKA = 8 / (2 sqrt 2 * 4).
    const x = featureMatrix(Float32Array.of(1, 0, 0, 1, -1, 0, 0, -1), 4, 2);
    const y = featureMatrix(Float32Array.of(6, 6, 4, 4), 4, 1);
    expect(await linearCka(x, y)).toBeCloseTo(Math.SQRT1_2, 12);
  });

  it('is the squared correlation for one feature each', async () => {
    // x = 1, 2, 3 and y = 1, 0, 2: centred (-1, 0, 1) and (0, -1, 1), correlation 1/2.
    const x = featureMatrix(Float32Array.of(1, 2, 3), 3, 1);
    const y = featureMatrix(Float32Array.of(1, 0, 2), 3, 1);
    expect(await linearCka(x, y)).toBeCloseTo(0.25, 12);
  });

  it("equals numpy's kernel (HSIC) form on random representations", async (context) => {
    const hasNumpy = existsSync(PYTHON) && spawnOk(PYTHON, ['-c', 'import numpy']);
    if (!hasNumpy) {
      context.skip(`${PYTHON} with numpy is not installed (apt-get install python3-numpy)`);
      return;
    }
    const x = randomMatrix(150, 12, 1);
    const pairs: [FeatureMatrix, FeatureMatrix][] = [
      [x, relatedMatrix(x, 7, 2)],
      [x, randomMatrix(150, 9, 3)],
      [x, columnShuffled(x, 4)],
    ];
    const dir = await mkdtemp(join(tmpdir(), 'cka-'));
    try {
      const paths: string[] = [];
      for (const [k, [a, b]] of pairs.entries()) {
        for (const [name, m] of [['x', a], ['y', b]] as const) {
          const path = join(dir, `${name}${k}.npy`);
          await writeNpyFile(path, { data: m.data, shape: [m.rows, m.cols] });
          paths.push(path);
        }
      }
      const expected = execFileSync(PYTHON, [CROSS_CHECK, ...paths], { encoding: 'utf8' }).trim().split('\n').map(Number);
      expect(expected).toHaveLength(pairs.length);
      for (const [k, [a, b]] of pairs.entries()) expect(await linearCka(a, b)).toBeCloseTo(expected[k], 6);
      // The related pair is well above the unrelated ones.
      expect(expected[0]).toBeGreaterThan(0.5);
      expect(expected[1]).toBeLessThan(0.2);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('is invariant to orthogonal transforms and isotropic scaling (and a shift), on random data', async () => {
    const x = randomMatrix(400, 16, 5);
    const y = relatedMatrix(x, 10, 6);
    const reference = await linearCka(x, y);
    const rotated = transform(x, randomOrthogonal(16, 7), 1, 0);
    const scaled = transform(x, randomOrthogonal(16, 8), 37.5, -4);
    expect(await linearCka(rotated, y)).toBeCloseTo(reference, 5);
    expect(await linearCka(scaled, y)).toBeCloseTo(reference, 5);
    expect(await linearCka(x, transform(y, randomOrthogonal(10, 9), 0.01, 3))).toBeCloseTo(reference, 5);
    expect(await linearCka(x, rotated)).toBeCloseTo(1, 5);
    // Not invariant to a non-isotropic scaling: stretch one feature of x.
    const stretched = featureMatrix(x.data.map((v, i) => (i % 16 === 0 ? 20 * v : v)), 400, 16);
    expect(Math.abs((await linearCka(stretched, y)) - reference)).toBeGreaterThan(0.01);
  });

  it('computes a matrix of representations, each pair once, with 1 on the diagonal', async () => {
    const a = randomMatrix(200, 8, 10);
    const b = relatedMatrix(a, 6, 11);
    const c = randomMatrix(200, 5, 12);
    const progress: number[] = [];
    const matrix = await ckaMatrix([a, b, c], [a, b, c], { control: { onProgress: (fraction) => progress.push(fraction) } });
    expect(matrix.rows).toBe(3);
    expect(matrix.cols).toBe(3);
    for (let i = 0; i < 3; i++) {
      expect(matrix.values[i * 3 + i]).toBeCloseTo(1, 6);
      for (let j = 0; j < 3; j++) expect(matrix.values[i * 3 + j]).toBe(matrix.values[j * 3 + i]);
    }
    expect(matrix.values[1]).toBeCloseTo(await linearCka(a, b), 12);
    expect(progress.at(-1)).toBe(1);
    expect(progress.every((fraction, k) => k === 0 || fraction >= progress[k - 1])).toBe(true);
  });

  it('has a column-shuffled noise floor near 0 that falls with more rows', async () => {
    const small = randomMatrix(100, 16, 13);
    const large = randomMatrix(3000, 16, 14);
    const floorSmall = await linearCka(small, columnShuffled(small, 1));
    const floorLarge = await linearCka(large, columnShuffled(large, 1));
    expect(floorSmall).toBeGreaterThan(0);
    expect(floorLarge).toBeLessThan(floorSmall);
    // E[CKA] of independent Gaussian features is about D / N: 0.16 and 0.005 here.
    expect(floorSmall).toBeLessThan(0.4);
    expect(floorLarge).toBeLessThan(0.02);
    // Every column keeps its values.
    const shuffled = columnShuffled(small, 2);
    const column = (m: FeatureMatrix, j: number) => Array.from({ length: m.rows }, (_, i) => m.data[i * m.cols + j]).sort((p, q) => p - q);
    expect(column(shuffled, 3)).toEqual(column(small, 3));
    expect(Array.from(columnShuffled(small, 2).data)).toEqual(Array.from(shuffled.data));
  });

  it("finds the atmospheric levels of Microsoft's untrained encoder near-identical, as numpy does", async () => {
    // Aurora's Perceiver3DEncoder with seeded random weights (the tiny-global fixture): tokens are
    // (surface + 3 atmospheric latent levels) x 32 patches x 64, level-major. Expected values: numpy's
    // ||Y^T X||_F^2 / (||X^T X||_F ||Y^T Y||_F) on the centred float64 levels. The app's Similarity tab
    // tells readers why an untrained encoder's levels read CKA 1 (similarity-in-app.ts UNTRAINED_LEVELS_NOTE).
    const encoding = await readNpyFile('test/fixtures/aurora-encoder/tiny-global/expected/encoding.npy');
    if (!isNpyDtype(encoding, '<f4')) throw new Error(`the fixture's encoding is ${encoding.dtype}, not float32`);
    const level = (index: number) => featureMatrix(encoding.data.slice(index * 32 * 64, (index + 1) * 32 * 64), 32, 64);
    const numpy: [number, number, number][] = [
      [0, 1, 0.4822895],
      [1, 2, 0.9999701],
      [1, 3, 0.9999503],
      [2, 3, 0.9999334],
    ];
    for (const [i, j, expected] of numpy) expect(await linearCka(level(i), level(j))).toBeCloseTo(expected, 5);
  });

  it('refuses representations of different rows, and one without variance', async () => {
    await expect(linearCka(randomMatrix(10, 2, 1), randomMatrix(11, 2, 2))).rejects.toThrow(/same rows/);
    await expect(linearCka(featureMatrix(new Float32Array(20).fill(3), 10, 2), randomMatrix(10, 2, 2))).rejects.toThrow(/no variance/);
  });
});

describe('crossGram', () => {
  it('is the centred X^T Y, by hand, across chunks', async () => {
    // Rows x: (1, 2), (3, 0), (2, 1); y: (1), (0), (2). Centred on (2, 1) and 1: x' (-1, 1), (1, -1), (0, 0); y' 0, -1, 1.
    const x = featureMatrix(Float32Array.of(1, 2, 3, 0, 2, 1), 3, 2);
    const y = featureMatrix(Float32Array.of(1, 0, 2), 3, 1);
    for (const chunkRows of [1, 2, 2048]) {
      expect(Array.from(await crossGram(x, y, { centreX: Float64Array.of(2, 1), centreY: Float64Array.of(1), chunkRows }))).toEqual([-1, 1]);
    }
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
