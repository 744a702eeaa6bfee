import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { initNodeProbeBackend } from './backend.node.ts';
import { weightedGram } from './gram.ts';
import { featureMatrix } from './matrix.ts';
import { installMatrixKernel, matrixKernel, tfjsKernel, type MatrixKernel } from './matrix-kernel.ts';

let nodeKernel: MatrixKernel;
beforeAll(async () => {
  await initNodeProbeBackend();
  nodeKernel = matrixKernel();
});
afterEach(() => installMatrixKernel(nodeKernel));

// Rows (1, 2, 0), (0, 1, 3), (2, 0, 1); their Gram matrix X^T X, by hand.
const base = [1, 2, 0, 0, 1, 3, 2, 0, 1];
const baseGram = [5, 2, 2, 2, 5, 3, 2, 3, 10];
// Every layout: one column per block, blocks that do not divide D, one block; one row per chunk, several.
const layouts = [
  { blockCols: 1, chunkRows: 1 },
  { blockCols: 2, chunkRows: 2 },
  { blockCols: 128, chunkRows: 2048 },
];

// Node's kernel (onnxruntime-node) and the browser's (tfjs) alike.
describe.each(['node', 'tfjs'] as const)('weightedGram on the %s kernel', (kernel) => {
  beforeEach(() => installMatrixKernel(kernel === 'tfjs' ? tfjsKernel : nodeKernel));

  it.each(layouts)('computes X^T X, the column sums and the weight total (%o)', async (layout) => {
    const result = await weightedGram(featureMatrix(Float32Array.from(base), 3, 3), layout);
    expect(Array.from(result.gram)).toEqual(baseGram);
    expect(Array.from(result.weightedSums)).toEqual([3, 3, 4]);
    expect(result.weightTotal).toBe(3);
  });

  it.each(layouts)('centres, weights and selects rows (%o)', async (layout) => {
    // Rows 2 then 0, centred on (1, 1, 1): 0.5 (1, -1, 0)(1, -1, 0)^T + 1 (0, 1, -1)(0, 1, -1)^T.
    const result = await weightedGram(featureMatrix(Float32Array.from(base), 3, 3), {
      ...layout,
      centre: Float64Array.of(1, 1, 1),
      rowWeights: [1, 2, 0.5],
      rowIndices: [2, 0],
    });
    expect(Array.from(result.gram)).toEqual([0.5, -0.5, 0, -0.5, 1.5, -1, 0, -1, 1]);
    expect(Array.from(result.weightedSums)).toEqual([0.5, 0.5, -1]);
    expect(result.weightTotal).toBe(1.5);
  });

  it('accumulates across chunks and tiles that do not divide the rows', async () => {
    // 35 rows cycling through the three: 11 G + (1, 2, 0)(1, 2, 0)^T + (0, 1, 3)(0, 1, 3)^T.
    const data = Float32Array.from({ length: 35 * 3 }, (_, i) => base[i % 9]);
    const result = await weightedGram(featureMatrix(data, 35, 3), { chunkRows: 20, blockCols: 2 });
    expect(Array.from(result.gram)).toEqual([56, 24, 22, 24, 60, 36, 22, 36, 119]);
  });
});
