// Models converted before the graph cut its own patches (version 1: no GRAPH_INPUTS_KEY in their
// metadata) took each patch's values, one-hot level columns and encodings, built in JavaScript, and
// gave their latents patch-major. They run unchanged behind a front end that gives them today's
// inputs and output (graph.ts GRAPH_IO): the same band inputs, the patches cut by the same nodes
// (patchInputsFromBands), the one-hot columns appended, the output transposed to level-major. No
// user has to convert a model again, and the runtime has one way to feed every model.
import { AURORA_LEVELS } from '../data/batch.ts';
import { EncoderError } from './runtime.ts';
import { GRAPH_INPUTS_KEY, GRAPH_INPUTS_VERSION, GRAPH_IO, patchInputsFromBands } from './graph.ts';
import { readModelConfig } from './model.ts';
import { GraphBuilder } from './onnx/builder.ts';
import { AttributeType, decodeModel, encodeModel, readModelMetadata, type ValueInfoMessage } from './onnx/proto.ts';

/** The version-1 graph's inputs that the front end computes. */
const VERSION_1_INPUTS = { surfacePatches: 'surface_patches', atmosPatches: 'atmos_patches', positionScale: 'pos_scale_encoding' } as const;

const upgraded = new WeakMap<Uint8Array, Uint8Array>();

/**
 * `onnx` with GRAPH_IO's inputs and output: a current model as it is, a version-1 model of this
 * product upgraded (once per array), a model of another producer as it is (onnxruntime names what
 * it lacks).
 */
export function currentGraph(onnx: Uint8Array): Uint8Array {
  const metadata = readModelMetadata(onnx);
  const version = metadata[GRAPH_INPUTS_KEY];
  if (version === GRAPH_INPUTS_VERSION || metadata.config === undefined) return onnx;
  if (version !== undefined) {
    throw new EncoderError(`the model's graph takes inputs of layout ${version}, which this version of latent-explorer does not know (it runs layout ${GRAPH_INPUTS_VERSION}); update latent-explorer, or convert the model with this version`);
  }
  let done = upgraded.get(onnx);
  if (!done) {
    done = upgradeVersion1(onnx);
    upgraded.set(onnx, done);
  }
  return done;
}

function upgradeVersion1(onnx: Uint8Array): Uint8Array {
  const config = readModelConfig(onnx);
  if (!config) throw new EncoderError('the model records no readable configuration; convert it again');
  const model = decodeModel(onnx);
  const graph = model.graph;
  // '/' never occurs in the names graph.ts writes, so the front end's names cannot meet the model's.
  const g = new GraphBuilder('bands/');
  const inputs = patchInputsFromBands(g, config);
  // The one-hot level columns: the first C rows and columns of an identity as large as Aurora's levels.
  const levels = AURORA_LEVELS.length;
  const identity = new Float32Array(levels * levels);
  for (let level = 0; level < levels; level++) identity[level * levels + level] = 1;
  const levelCount = g.node('Shape', [inputs.levels], 'level_count', { start: 0, end: 1 });
  const oneHot = g.node('Slice', [g.constant('identity', [levels, levels], identity), g.int64s('starts', [0, 0]), g.node('Concat', [levelCount, levelCount], 'one_hot_ends', { axis: 0 })], 'one_hot');
  const oneHotShape = g.node('Concat', [g.node('Shape', [inputs.atmosPatches], 'patch_levels', { start: 0, end: 2 }), levelCount], 'one_hot_shape', { axis: 0 });
  const atmosWithOneHot = g.node('Concat', [inputs.atmosPatches, g.node('Expand', [oneHot, oneHotShape], 'one_hot_patches')], 'atmos_patches_one_hot', { axis: 2 });
  const renamed = new Map<string, string>([
    [VERSION_1_INPUTS.surfacePatches, inputs.surfacePatches],
    [VERSION_1_INPUTS.atmosPatches, atmosWithOneHot],
    [VERSION_1_INPUTS.positionScale, inputs.positionScale],
    [GRAPH_IO.latents, 'bands/latents_by_patch'],
  ]);
  const front = g.parts();
  const taken = new Set([...graph.node.flatMap((node) => node.output), ...graph.initializer.map((tensor) => tensor.name)]);
  const clash = front.input.find((input) => taken.has(input.name));
  if (clash) throw new EncoderError(`the model already has a value named ${clash.name}; convert it again`);
  const nodes = graph.node.map((node) => ({
    ...node,
    input: node.input.map((name) => renamed.get(name) ?? name),
    output: node.output.map((name) => renamed.get(name) ?? name),
  }));
  const [oldOutput] = graph.output as ValueInfoMessage[];
  const [patchDim, levelDim, widthDim] = oldOutput.type.tensorType.shape.dim;
  graph.node = [
    ...front.node,
    ...nodes,
    {
      name: 'bands/latents',
      opType: 'Transpose',
      input: ['bands/latents_by_patch'],
      output: [GRAPH_IO.latents],
      attribute: [{ name: 'perm', type: AttributeType.INTS, ints: [1, 0, 2] }],
    },
  ];
  graph.initializer = [...graph.initializer, ...front.initializer];
  graph.input = front.input;
  graph.output = [{ ...oldOutput, type: { tensorType: { ...oldOutput.type.tensorType, shape: { dim: [levelDim, patchDim, widthDim] } } } }];
  model.metadataProps = [...model.metadataProps, { key: GRAPH_INPUTS_KEY, value: GRAPH_INPUTS_VERSION }];
  return encodeModel(model);
}
