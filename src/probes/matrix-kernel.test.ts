import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initNodeProbeBackend } from './backend.node.ts';
import { ProbeInputError } from './job.ts';
import { featureMatrix } from './matrix.ts';
import { installMatrixKernel, matrixKernel, tfjsKernel, type MatrixKernel } from './matrix-kernel.ts';
import { onnxMatrixKernel } from './matrix-kernel.node.ts';

beforeAll(async () => {
  await initNodeProbeBackend();
});

// Rows (1, 2, 0), (0, 1, 3); products worked by hand.
const x = featureMatrix(Float32Array.of(1, 2, 0, 0, 1, 3), 2, 3);

describe('the matrix kernels', () => {
  it('Node installs onnxruntime-node once it has passed the check', async () => {
    const backend = await initNodeProbeBackend();
    expect(backend.matrixKernel).toMatch(/^onnxruntime-node/);
    expect(matrixKernel().name).toBe(backend.matrixKernel);
  });

  it.each([
    ['onnxruntime-node', onnxMatrixKernel],
    ['tfjs', async () => tfjsKernel],
  ] as const)('%s: products worked by hand, and the float64 check', async (_, make) => {
    const kernel = await make();
    // (2 x 3) times (3 x 2), operands that are views into longer buffers.
    const b = Float32Array.of(9, 1, 0, 2, 1, 0, 3, 9).subarray(1, 7);
    expect(Array.from(await kernel.multiply(x.data, b, 2, 3, 2))).toEqual([5, 2, 2, 10]);
    const held = kernel.hold(x);
    expect(Array.from(await held.times(Float32Array.of(1, -1, 2)))).toEqual([-1, 5]);
    expect(Array.from(await held.transposedTimes(Float32Array.of(2, -1)))).toEqual([2, 3, -3]);
    held.dispose();
    const installed = matrixKernel();
    await expect(installMatrixKernel(kernel)).resolves.toBeUndefined();
    expect(matrixKernel()).toBe(kernel);
    await installMatrixKernel(installed);
  });

  it('refuses a kernel with one value off by about 1e-4 of the largest, naming it', async () => {
    const wrong: MatrixKernel = {
      name: 'slightly wrong',
      multiply: async (a, b, m, k, n) => (await tfjsKernel.multiply(a, b, m, k, n)).map((value, i) => (i === 3 ? value * (1 + 3e-5) + 1e-3 : value)),
      hold: tfjsKernel.hold,
    };
    const installed = matrixKernel();
    await expect(installMatrixKernel(wrong)).rejects.toThrow(ProbeInputError);
    await expect(installMatrixKernel(wrong)).rejects.toThrow(/slightly wrong matrix kernel computed a matrix product wrongly/);
    expect(matrixKernel(), 'the kernel before stays').toBe(installed);
  });

  it("tfjs's held products free their tensors", async () => {
    const before = tf.memory().numTensors;
    const held = tfjsKernel.hold(x);
    await held.times(Float32Array.of(1, 1, 1));
    expect(tf.memory().numTensors).toBe(before + 2);
    held.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
