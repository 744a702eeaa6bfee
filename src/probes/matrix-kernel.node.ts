// The probes' matrix kernel in Node: one ONNX MatMul on onnxruntime-node's CPU provider (MLAS), on one
// thread, since the CLI's sweep lanes are the parallelism. Measured on a 2-core AMD EPYC (sessions 14-15,
// load 1-3): PCA's 64,800 x 512 covariance in 0.95 s against tfjs-wasm's 1.93 s (bench:probes), and X v or
// X^T u on 48,600 x 512 in 14-20 ms with nothing packed first, where tfjs takes 12-15 ms after packing each
// new matrix for 0.4-0.8 s. X is passed in place at every product, never copied into the kernel.
import * as ort from 'onnxruntime-node';
import { GraphBuilder } from '../encoder/onnx/builder.ts';
import type { FeatureMatrix } from './matrix.ts';
import type { HeldMatrixProducts, MatrixKernel } from './matrix-kernel.ts';

export async function onnxMatrixKernel(): Promise<MatrixKernel> {
  const graph = new GraphBuilder();
  const a = graph.input('a', ['m', 'k'], 'left operand');
  const b = graph.input('b', ['k', 'n'], 'right operand');
  graph.output(graph.node('MatMul', [a, b], 'product'), ['m', 'n'], 'a times b');
  const model = graph.encode({ graphName: 'matmul', doc: 'the probes matrix kernel', producer: 'aurora-latent-explorer', version: '1', metadata: {} });
  const session = await ort.InferenceSession.create(model, { executionProviders: ['cpu'], intraOpNumThreads: 1, interOpNumThreads: 1, executionMode: 'sequential' });
  const multiply = async (left: Float32Array, right: Float32Array, m: number, k: number, n: number): Promise<Float32Array> => {
    const { product } = await session.run({ a: new ort.Tensor('float32', left, [m, k]), b: new ort.Tensor('float32', right, [k, n]) });
    return product.data as Float32Array;
  };
  const hold = (x: FeatureMatrix): HeldMatrixProducts => ({
    times: (v) => multiply(x.data, v, x.rows, x.cols, 1),
    transposedTimes: (u) => multiply(u, x.data, 1, x.rows, x.cols),
    dispose: () => {},
  });
  return { name: 'onnxruntime-node (MLAS, one thread)', multiply, hold };
}
