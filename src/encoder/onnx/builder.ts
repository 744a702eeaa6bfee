// A small builder for ONNX graphs: nodes get unique output names, float32 initializers are stored
// as raw little-endian bytes.
import { AttributeType, DataType, encodeModel, type AttributeMessage, type ModelMessage, type NodeMessage, type TensorMessage, type ValueInfoMessage } from './proto.ts';

export type AttributeValue = number | string | number[] | { float: number };
/** A dimension: a fixed extent or a named dynamic one. */
export type Dim = number | string;

/** Opset 17: LayerNormalization is native; Erf gives the exact GELU. */
export const OPSET = 17;
/** IR version 8 is the one that goes with opset 17. */
const IR_VERSION = 8;

export class GraphBuilder {
  private readonly nodes: NodeMessage[] = [];
  private readonly initializers: TensorMessage[] = [];
  private readonly inputs: ValueInfoMessage[] = [];
  private readonly outputs: ValueInfoMessage[] = [];
  private readonly used = new Set<string>();

  /** `prefix` starts every name but the inputs', so that the nodes can join another graph's. */
  constructor(private readonly prefix = '') {}

  private unique(base: string): string {
    let name = this.prefix + base;
    for (let i = 1; this.used.has(name); i++) name = `${this.prefix}${base}_${i}`;
    this.used.add(name);
    return name;
  }

  /** A graph input, named exactly `name` (float32 unless `elemType` says otherwise). */
  input(name: string, shape: Dim[], doc: string, elemType: number = DataType.FLOAT): string {
    if (this.used.has(name)) throw new Error(`internal: input ${name} declared twice`);
    this.used.add(name);
    this.inputs.push(valueInfo(name, shape, doc, elemType));
    return name;
  }

  output(value: string, shape: Dim[], doc: string): void {
    this.outputs.push(valueInfo(value, shape, doc));
  }

  /** A float32 constant. */
  constant(name: string, shape: number[], data: Float32Array): string {
    const expected = shape.reduce((a, b) => a * b, 1);
    if (data.length !== expected) throw new Error(`internal: ${name} has ${data.length} values for shape (${shape.join(', ')})`);
    const unique = this.unique(name);
    const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength).slice();
    this.initializers.push({ name: unique, dims: shape, dataType: DataType.FLOAT, rawData: bytes });
    return unique;
  }

  /** An int64 vector constant (shapes, axes). */
  int64s(name: string, values: number[]): string {
    const unique = this.unique(name);
    this.initializers.push({ name: unique, dims: [values.length], dataType: DataType.INT64, int64Data: values });
    return unique;
  }

  scalar(name: string, value: number): string {
    return this.constant(name, [], Float32Array.of(value));
  }

  /** Adds a node and returns the name of its (single) output. */
  node(opType: string, inputs: string[], name: string, attributes: Record<string, AttributeValue> = {}): string {
    const output = this.unique(name);
    this.nodes.push({
      name: output,
      opType,
      input: inputs,
      output: [output],
      attribute: Object.entries(attributes).map(([key, value]) => attribute(key, value)),
    });
    return output;
  }

  /** The graph's parts so far, to join them to another graph. */
  parts(): Pick<ModelMessage['graph'], 'node' | 'initializer' | 'input' | 'output'> {
    return { node: this.nodes, initializer: this.initializers, input: this.inputs, output: this.outputs };
  }

  encode(meta: { graphName: string; doc: string; producer: string; version: string; metadata: Record<string, string> }): Uint8Array {
    return encodeModel({
      irVersion: IR_VERSION,
      producerName: meta.producer,
      producerVersion: meta.version,
      docString: meta.doc,
      opsetImport: [{ domain: '', version: OPSET }],
      metadataProps: Object.entries(meta.metadata).map(([key, value]) => ({ key, value })),
      graph: { name: meta.graphName, docString: meta.doc, node: this.nodes, initializer: this.initializers, input: this.inputs, output: this.outputs },
    });
  }
}

function valueInfo(name: string, shape: Dim[], doc: string, elemType: number = DataType.FLOAT): ValueInfoMessage {
  return {
    name,
    docString: doc,
    type: {
      tensorType: {
        elemType,
        shape: { dim: shape.map((dim) => (typeof dim === 'number' ? { dimValue: dim } : { dimParam: dim })) },
      },
    },
  };
}

function attribute(name: string, value: AttributeValue): AttributeMessage {
  if (typeof value === 'number') return { name, type: AttributeType.INT, i: value };
  if (typeof value === 'string') return { name, type: AttributeType.STRING, s: new TextEncoder().encode(value) };
  if (Array.isArray(value)) return { name, type: AttributeType.INTS, ints: value };
  return { name, type: AttributeType.FLOAT, f: value.float };
}
