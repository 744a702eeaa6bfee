// Turns GraphFeeds into the named, shaped tensors of the graph (graph.ts GRAPH_IO) for any
// onnxruntime flavour (node or web); both re-export onnxruntime-common's Tensor and session types.
import type { InferenceSession, Tensor } from 'onnxruntime-web';
import { GRAPH_IO } from './graph.ts';
import type { EncoderSession, GraphFeeds } from './runtime.ts';

type TensorConstructor = new (type: 'float32' | 'int32', data: Float32Array | Int32Array, dims: readonly number[]) => Tensor;

export interface WrapOptions {
  /** The tile budget of this session (gpu-tiles.ts for WebGPU); left out, encodeBatch's default. */
  maxTilePatches?(levelCount: number): number;
}

export function wrapSession(session: InferenceSession, TensorClass: TensorConstructor, backend: string, options: WrapOptions = {}): EncoderSession {
  let runMilliseconds = 0;
  // The time and level encodings and the longitude table are the same for every tile of a batch: their tensors are kept.
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
      const { levelCount: c, bandRows: r, bandColumns: columns, patchSize: p } = feeds;
      const d = feeds.levels.length / c;
      const bandPlane = r * p * columns * p;
      const floats = (data: Float32Array, dims: number[]) => new TensorClass('float32', data, dims);
      const indices = (data: Int32Array) => new TensorClass('int32', data, [data.length]);
      const inputs = {
        [GRAPH_IO.surfaceBand]: floats(feeds.surfaceBand, [feeds.surfaceBand.length / bandPlane, r, p, columns, p]),
        [GRAPH_IO.atmosBand]: floats(feeds.atmosBand, [c, feeds.atmosBand.length / (c * bandPlane), r, p, columns, p]),
        [GRAPH_IO.bandPatches]: indices(feeds.bandPatches),
        [GRAPH_IO.latitudeEncoding]: floats(feeds.latitudeEncoding, [r, d / 2]),
        [GRAPH_IO.longitudeEncoding]: constantTensor(feeds.longitudeEncoding, [columns, d / 2]),
        [GRAPH_IO.scaleEncoding]: floats(feeds.scaleEncoding, [feeds.scaleEncoding.length / d, d]),
        [GRAPH_IO.scaleIndex]: indices(feeds.scaleIndex),
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
