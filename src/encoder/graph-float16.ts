// The float16 variant of an encoder graph, for GPUs with WebGPU's `shader-f16`: every float32 weight
// rounded to float16, and the graph computing in float16 between a Cast of each float input and a
// Cast of its output back to float32, so that the runtime feeds it as it feeds the float32 graph.
// Made from any model the runtime runs (graph-upgrade.ts first), so no model is converted twice.
// An option, never the default: on Aurora's tiny-global fixture it is FLOAT16_FIXTURE_ERROR off
// Microsoft's encoding, past the 1e-3 a default must meet (issue 13); where it runs, its first tile is
// checked against float32 and the figure shown (the CLI's encode --precision, bench:encoder:gpu).
import { Float16Array } from '@petamoriken/float16';
import { GRAPH_IO } from './graph.ts';
import { currentGraph } from './graph-upgrade.ts';
import { AttributeType, DataType, decodeModel, encodeModel, readModelMetadata, type NodeMessage } from './onnx/proto.ts';

/** The metadata key and value that mark a float16 variant. */
export const PRECISION_KEY = 'precision';
export const FLOAT16 = 'float16';

export const PRECISIONS = ['float32', FLOAT16] as const;
export type Precision = (typeof PRECISIONS)[number];

/**
 * Max abs difference between the float16 variant's latents and Microsoft's float32 encoding of the
 * tiny-global fixture (its checkpoint converted by this version), on onnxruntime-node's CPU, which
 * runs float16 nodes as float32 between casts back to float16: 3.16e-3, measured 2026-11-28
 * (graph-float16.test.ts holds it as a bound).
 */
export const FLOAT16_FIXTURE_ERROR = 3.2e-3;

/** The largest max abs error a default precision may have on the fixture (issue 13). */
export const DEFAULT_PRECISION_BOUND = 1e-3;

/**
 * The float16 variant's allowance against float32 in the self-check: about ten times its error on
 * onnxruntime's CPU (3.2e-3 on the fixture, 4.4e-3 on aurora-0.25's synthetic 1-degree globe, whose
 * latents reach 6.4, where float16's spacing is 3.9e-3); a GPU that also accumulates in float16 may be
 * a few times worse (not measured: no GPU), while a wrong kernel (7.9 off, seen) or a float16 overflow
 * (Infinity) is far past it.
 */
export const FLOAT16_TOLERANCE = 0.05;

/** Why float16 is not the default, with the fixture's figure. */
export const FLOAT16_NOT_DEFAULT = `float16 is an option, not the default: on Aurora's tiny-global fixture its latents are ${FLOAT16_FIXTURE_ERROR.toExponential(1)} (max abs) off Microsoft's float32 encoding on onnxruntime's CPU, past the ${DEFAULT_PRECISION_BOUND.toExponential(0)} a default must meet`;

/** `onnx` in `precision`: the model itself for float32, its float16 variant for float16. */
export function modelInPrecision(onnx: Uint8Array, precision: Precision): Uint8Array {
  return precision === FLOAT16 ? float16Graph(currentGraph(onnx)) : onnx;
}

/** ', float16' for a float16 variant, '' otherwise: the tail of a session's backend name. */
export function precisionLabel(onnx: Uint8Array): string {
  return readModelMetadata(onnx)[PRECISION_KEY] === FLOAT16 ? `, ${FLOAT16}` : '';
}

/**
 * The IEEE 754 binary16 bytes of `values` (little-endian), rounded to nearest, ties to even, as a GPU's
 * f32 -> f16 conversion; @petamoriken/float16 stands in for the Float16Array that Node 20 lacks.
 */
export function float16Bytes(values: Float32Array): Uint8Array {
  return new Uint8Array(new Float16Array(values).buffer);
}

function toFloat16Bytes(raw: Uint8Array): Uint8Array {
  // A copy: protobufjs may hand out a view of a larger (Node Buffer pool) array at any offset.
  return float16Bytes(new Float32Array(Uint8Array.from(raw).buffer));
}

const cast = (input: string, output: string, to: number): NodeMessage => ({
  name: `${output}/cast`,
  opType: 'Cast',
  input: [input],
  output: [output],
  attribute: [{ name: 'to', type: AttributeType.INT, i: to }],
});

/** The float16 variant of `onnx`, a model with GRAPH_IO's inputs and output (graph-upgrade.ts currentGraph). */
export function float16Graph(onnx: Uint8Array): Uint8Array {
  const model = decodeModel(onnx);
  const graph = model.graph;
  for (const tensor of graph.initializer) {
    if (tensor.dataType !== DataType.FLOAT) continue;
    if (!tensor.rawData) throw new Error(`internal: initializer ${tensor.name} has no raw data`);
    tensor.dataType = DataType.FLOAT16;
    tensor.rawData = toFloat16Bytes(tensor.rawData);
  }
  const renamed = new Map<string, string>();
  const casts: NodeMessage[] = [];
  for (const input of graph.input) {
    if (input.type.tensorType.elemType !== DataType.FLOAT) continue;
    renamed.set(input.name, `${input.name}/float16`);
    casts.push(cast(input.name, `${input.name}/float16`, DataType.FLOAT16));
  }
  const output = GRAPH_IO.latents;
  renamed.set(output, `${output}/float16`);
  graph.node = [
    ...casts,
    ...graph.node.map((node) => ({ ...node, input: node.input.map((name) => renamed.get(name) ?? name), output: node.output.map((name) => renamed.get(name) ?? name) })),
    cast(`${output}/float16`, output, DataType.FLOAT),
  ];
  model.metadataProps = [...model.metadataProps.filter((entry) => entry.key !== PRECISION_KEY), { key: PRECISION_KEY, value: FLOAT16 }];
  return encodeModel(model);
}
