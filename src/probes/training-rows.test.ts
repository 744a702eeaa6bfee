import { beforeAll, describe, expect, it } from 'vitest';
import { initNodeProbeBackend } from './backend.node.ts';
import { ProbeInputError } from './job.ts';
import { fitLogistic, MatrixProducts } from './logreg.ts';
import { featureMatrix } from './matrix.ts';
import { installMatrixKernel, matrixKernel, type MatrixKernel } from './matrix-kernel.ts';
import { TrainingRows } from './training-rows.ts';

beforeAll(async () => {
  await initNodeProbeBackend();
});

const source = featureMatrix(Float32Array.from({ length: 6 * 2 }, (_, i) => Math.sin(i)), 6, 2);

describe('TrainingRows', () => {
  it("keeps one selection: the same rows object gives the same copy and the kernel's products, other rows free them", async () => {
    const installed = matrixKernel();
    let held = 0;
    const counting: MatrixKernel = {
      name: 'counting',
      multiply: installed.multiply,
      hold(x) {
        held++;
        const products = installed.hold(x);
        return {
          times: (v) => products.times(v),
          transposedTimes: (u) => products.transposedTimes(u),
          dispose: () => {
            held--;
            products.dispose();
          },
        };
      },
    };
    await installMatrixKernel(counting);
    // The check before installing holds and frees a matrix of its own.
    expect(held).toBe(0);
    try {
      const training = new TrainingRows();
      const rows = Uint32Array.of(0, 2, 5);
      const first = training.select(source, rows);
      expect(Array.from(first.x.data)).toEqual(Array.from([0, 2, 5].flatMap((row) => [source.data[2 * row], source.data[2 * row + 1]])));
      expect(training.select(source, rows)).toBe(first);
      expect(held).toBe(1);
      // Equal values in another array are another selection (rows are compared as objects).
      const second = training.select(source, Uint32Array.of(0, 2, 5));
      expect(second).not.toBe(first);
      expect(held).toBe(1);
      training.dispose();
      expect(held).toBe(0);
    } finally {
      await installMatrixKernel(installed);
    }
  });

  it("a fit given another matrix's products says so", async () => {
    const products = new MatrixProducts(source);
    const other = featureMatrix(source.data.slice(), 6, 2);
    await expect(fitLogistic(other, Uint8Array.of(0, 1, 0, 1, 0, 1), { products })).rejects.toThrow(ProbeInputError);
    products.dispose();
  });
});
