// Turns GraphFeeds into the named, shaped tensors of the graph (graph.ts GRAPH_IO) for any
// onnxruntime flavour (node or web); both re-export onnxruntime-common's Tensor and session types.
import type { InferenceSession, Tensor } from 'onnxruntime-web';
import { GRAPH_IO } from './graph.ts';
import type { EncoderSession, GraphFeeds } from './runtime.ts';

type TensorConstructor = new (type: 'float32', data: Float32Array, dims: readonly number[]) => Tensor;

export interface WrapOptions {
  /** The tile budget of this session (gpu-tiles.ts for WebGPU); left out, encodeBatch's default. */
  maxTilePatches?(levelCount: number): number;
}

export function wrapSession(session: InferenceSession, TensorClass: TensorConstructor, backend: string, options: WrapOptions = {}): EncoderSession {
  let runMilliseconds = 0;
  // The time and level encodings are the same for every tile of a batch: their tensors are kept.
  const constant = new WeakMap<Float32Array, Tensor>();
  const constantTensor = (data: Float32Array, dims: number[]) => {
    let tensor = constant.get(data);
    if (!tensor) {
      tensor = new TensorClass('float32', data, dims);
      constant.set(data, tensor);
    }
    return tensor;
  };
  return {
    backend,
    maxTilePatches: options.maxTilePatches,
    get runMilliseconds() {
      return runMilliseconds;
    },
    async run(feeds: GraphFeeds) {
      const { patches: n, levelCount: c } = feeds;
      const d = feeds.levels.length / c;
      const tensor = (data: Float32Array, dims: number[]) => new TensorClass('float32', data, dims);
      const inputs = {
        [GRAPH_IO.surfacePatches]: tensor(feeds.surfacePatches, [n, feeds.surfacePatches.length / n]),
        [GRAPH_IO.atmosPatches]: tensor(feeds.atmosPatches, [n, c, feeds.atmosPatches.length / (n * c)]),
        [GRAPH_IO.positionScale]: tensor(feeds.positionScale, [n, 2 * d]),
        [GRAPH_IO.time]: constantTensor(feeds.time, [1, 2 * d]),
        [GRAPH_IO.levels]: constantTensor(feeds.levels, [c, d]),
      };
      const started = performance.now();
      let data: Tensor['data'];
      try {
        const outputs = await session.run(inputs);
        data = await outputs[GRAPH_IO.latents].getData(true);
      } finally {
        runMilliseconds += performance.now() - started;
      }
      if (!(data instanceof Float32Array)) throw new Error(`the model's output is not float32`);
      return data;
    },
    release: () => session.release(),
  };
}
