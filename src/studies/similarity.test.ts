import { beforeAll, describe, expect, it } from 'vitest';
import { initNodeProbeBackend } from '../probes/backend.node.ts';
import { linearCka } from '../probes/cka.ts';
import { featureMatrix, selectRows } from '../probes/matrix.ts';
import { seededRandom } from '../probes/random.ts';
import { compareLevels, compareTimes, levelsRepresentation } from './similarity.ts';

beforeAll(async () => {
  await initNodeProbeBackend();
});

const N = 300;
const D = 6;
const TIME = new Date('2022-08-07T06:00Z');

function gaussian(seed: number, rows = N): Float32Array {
  const random = seededRandom(seed);
  return Float32Array.from({ length: rows * D }, () => random.normal());
}

/** Level 1 is level 0 with its features permuted and scaled (an orthogonal map and a scale): CKA 1. Level 2 is unrelated. */
function levels(seed: number): Map<number, Float32Array> {
  const base = gaussian(seed);
  const permuted = base.map((_, n) => 3 * base[Math.floor(n / D) * D + ((n % D) + 2) % D]);
  return new Map([
    [0, base],
    [1, permuted],
    [2, gaussian(seed + 100)],
  ]);
}

describe('similarity of latent spaces', () => {
  const indices = Int32Array.from({ length: N }, (_, p) => 10 + p);
  const a = levelsRepresentation('model A', TIME, indices, levels(1));

  it("compares a model's levels with each other: 1 on the diagonal and for a rotated, scaled level; low for an unrelated one; each row with its noise floor", async () => {
    const matrix = await compareLevels(a, a, { a: [0, 1, 2], b: [0, 1, 2] });
    expect(matrix.rowLabels).toEqual(['surface', 'atmos 1', 'atmos 2']);
    expect(matrix.patches).toBe(N);
    const at = (i: number, j: number) => matrix.values[i * 3 + j];
    for (let i = 0; i < 3; i++) expect(at(i, i)).toBeCloseTo(1, 5);
    expect(at(0, 1)).toBeCloseTo(1, 5);
    expect(at(0, 2)).toBeLessThan(0.1);
    // Independent Gaussian features score about D / N at random, as the shuffled floor does.
    for (const floor of matrix.floor) {
      expect(floor).toBeGreaterThan(0);
      expect(floor).toBeLessThan(0.1);
    }
  });

  it('compares two sources on the patches both have', async () => {
    // B has the patches of rows 50.. of A, and its level 0 is A's level 0 there, plus a little noise.
    const shared = Int32Array.from({ length: N - 50 }, (_, k) => 50 + k);
    const aLevel0 = a.level(0);
    const noise = seededRandom(7);
    const bLevel0 = selectRows(aLevel0, shared).data.map((v) => v + 0.05 * noise.normal());
    const bIndices = Int32Array.from(shared, (row) => indices[row]);
    const b = levelsRepresentation('model B', TIME, bIndices, new Map([[0, bLevel0]]));
    const matrix = await compareLevels(a, b, { a: [0, 2], b: [0] });
    expect(matrix.patches).toBe(N - 50);
    expect(matrix.values[0]).toBeCloseTo(await linearCka(selectRows(aLevel0, shared), featureMatrix(bLevel0, N - 50, D)), 10);
    expect(matrix.values[0]).toBeGreaterThan(0.99);
    expect(matrix.values[1]).toBeLessThan(0.1);
    await expect(compareLevels(a, levelsRepresentation('later', new Date('2022-08-07T12:00Z'), indices, levels(1)), { a: [0], b: [0] })).rejects.toThrow(/compare the same time/);
  });

  it('compares one level across times', async () => {
    const later = levelsRepresentation('model A', new Date('2022-08-07T12:00Z'), indices, levels(1));
    const other = levelsRepresentation('model A', new Date('2022-08-08T00:00Z'), indices, levels(2));
    const matrix = await compareTimes([a, later, other], 0);
    expect(matrix.rowLabels).toEqual(['2022-08-07T06:00', '2022-08-07T12:00', '2022-08-08T00:00']);
    expect(matrix.values[1]).toBeCloseTo(1, 5);
    expect(matrix.values[2]).toBeLessThan(0.1);
  });
});
