// Turns GraphFeeds into the named, shaped tensors of the graph (graph.ts GRAPH_IO) for any
// onnxruntime flavour (node or web); both re-export onnxruntime-common's Tensor and session types.
import type { InferenceSession, Tensor } from 'onnxruntime-web';
import { GRAPH_IO } from './graph.ts';
import type { EncoderSession, GraphFeeds } from './runtime.ts';

type TensorConstructor = new (type: 'float32', data: Float32Array, dims: readonly number[]) => Tensor;

export function wrapSession(session: InferenceSession, TensorClass: TensorConstructor, backend: string): EncoderSession {
  return {
    backend,
    async run(feeds: GraphFeeds) {
      const { patches: n, levelCount: c } = feeds;
      const d = feeds.levels.length / c;
      const tensor = (data: Float32Array, dims: number[]) => new TensorClass('float32', data, dims);
      const outputs = await session.run({
        [GRAPH_IO.surfacePatches]: tensor(feeds.surfacePatches, [n, feeds.surfacePatches.length / n]),
        [GRAPH_IO.atmosPatches]: tensor(feeds.atmosPatches, [n, c, feeds.atmosPatches.length / (n * c)]),
        [GRAPH_IO.positionScale]: tensor(feeds.positionScale, [n, 2 * d]),
        [GRAPH_IO.time]: tensor(feeds.time, [1, 2 * d]),
        [GRAPH_IO.levels]: tensor(feeds.levels, [c, d]),
      });
      const latents = outputs[GRAPH_IO.latents];
      const data = await latents.getData(true);
      if (!(data instanceof Float32Array)) throw new Error(`the model's output is ${latents.type}, expected float32`);
      return data;
    },
    release: () => session.release(),
  };
}
