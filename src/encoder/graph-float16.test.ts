// The float16 variant: float32 -> float16 rounding, checked on values whose binary16 bits IEEE 754
// fixes (1, the largest normal, the smallest normal and subnormal, ties to even, overflow); the
// variant's graph (float16 weights and arithmetic between casts, float32 inputs and output); and its
// error against Microsoft's float32 encoding of the tiny-global fixture on onnxruntime-node's CPU.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_PRECISION_BOUND, FLOAT16, FLOAT16_FIXTURE_ERROR, float16Bytes, float16Graph, modelInPrecision, PRECISION_KEY, precisionLabel } from './graph-float16.ts';
import { GRAPH_IO } from './graph.ts';
import { convertCheckpoint, readModel } from './model-files.node.ts';
import { DataType, decodeModel, readModelMetadata } from './onnx/proto.ts';
import { encodeBatch } from './runtime.ts';
import { createNodeSession } from './session.node.ts';
import { FIXTURE_CHECKPOINT, FIXTURE_HEADS, fixtureBatch, maxAbsDifference, readFixtureArray } from './test-fixture.node.ts';

let dir: string;
let onnx: Uint8Array;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'float16-test-'));
  const out = join(dir, 'tiny.onnx');
  await convertCheckpoint({ checkpoint: FIXTURE_CHECKPOINT, out, numHeads: FIXTURE_HEADS });
  onnx = (await readModel(out)).onnx;
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('float16Bytes', () => {
  it('rounds as IEEE 754 binary16 does', () => {
    const cases: Array<[number, number]> = [
      [0, 0x0000],
      [-0, 0x8000],
      [1, 0x3c00],
      [-2, 0xc000],
      [65504, 0x7bff], // largest normal
      [-65504, 0xfbff],
      [65519, 0x7bff], // just under the tie with 65536: down
      [65520, 0x7c00], // rounds up past it: Infinity
      [2 ** -14 - 2 ** -24, 0x03ff], // largest subnormal
      [2 ** -14 - 2 ** -25, 0x0400], // a tie between it and the smallest normal: to even (up)
      [2 ** -14, 0x0400], // smallest normal
      [2 ** -24, 0x0001], // smallest subnormal
      [2 ** -25, 0x0000], // half of it: a tie, to even (zero)
      [3 * 2 ** -25, 0x0002], // 1.5 x the smallest: a tie, to even (2)
      [1 + 2 ** -11, 0x3c00], // halfway between 1 and the next half: to even (1)
      [1 + 3 * 2 ** -11, 0x3c02], // halfway between the next two: to even
      [0.1, 0x2e66],
      [Number.POSITIVE_INFINITY, 0x7c00],
    ];
    const bits = new Uint16Array(float16Bytes(Float32Array.from(cases, ([value]) => value)).buffer);
    expect([...bits].map((half) => half.toString(16))).toEqual(cases.map(([, expected]) => expected.toString(16)));
    const [nan] = new Uint16Array(float16Bytes(Float32Array.of(Number.NaN)).buffer);
    expect(nan & 0x7c00).toBe(0x7c00);
    expect(nan & 0x3ff).not.toBe(0);
  });
});

describe('float16Graph', () => {
  it('rounds every float weight to float16 and computes in float16 between casts of the float inputs and the output', () => {
    const float32 = decodeModel(onnx);
    const variant = decodeModel(float16Graph(onnx));
    const graph = variant.graph;
    // The same inputs and output, of the same types: the runtime feeds it as it feeds the float32 graph.
    expect(graph.input).toEqual(float32.graph.input);
    expect(graph.output).toEqual(float32.graph.output);
    // Every float32 weight is now float16, with 2 bytes a value, and nothing else changed type.
    expect(graph.initializer.map((tensor) => tensor.name)).toEqual(float32.graph.initializer.map((tensor) => tensor.name));
    graph.initializer.forEach((tensor, k) => {
      const before = float32.graph.initializer[k];
      expect(tensor.dataType).toBe(before.dataType === DataType.FLOAT ? DataType.FLOAT16 : before.dataType);
      if (before.dataType === DataType.FLOAT) expect(tensor.rawData?.length).toBe((before.rawData?.length ?? 0) / 2);
    });
    // One cast in per float input, first; one cast out of the latents, last; every other cast is float16 or not to a float.
    const floatInputs = float32.graph.input.filter((input) => input.type.tensorType.elemType === DataType.FLOAT).map((input) => input.name);
    const castTo = (index: number) => graph.node[index].attribute.find((attribute) => attribute.name === 'to')?.i;
    floatInputs.forEach((name, k) => {
      expect(graph.node[k]).toMatchObject({ opType: 'Cast', input: [name], output: [`${name}/float16`] });
      expect(castTo(k)).toBe(DataType.FLOAT16);
    });
    const last = graph.node.length - 1;
    expect(graph.node[last]).toMatchObject({ opType: 'Cast', input: [`${GRAPH_IO.latents}/float16`], output: [GRAPH_IO.latents] });
    expect(castTo(last)).toBe(DataType.FLOAT);
    graph.node.slice(floatInputs.length, last).forEach((node, k) => {
      if (node.opType === 'Cast') expect(castTo(floatInputs.length + k)).not.toBe(DataType.FLOAT);
      // No node inside reads a float32 input directly.
      for (const name of node.input) expect(floatInputs).not.toContain(name);
    });
    expect(graph.node.length).toBe(float32.graph.node.length + floatInputs.length + 1);
    expect(readModelMetadata(float16Graph(onnx))[PRECISION_KEY]).toBe(FLOAT16);
  });

  it('is what float16 asks for, and names itself in a session', () => {
    expect(modelInPrecision(onnx, 'float32')).toBe(onnx);
    expect(precisionLabel(onnx)).toBe('');
    expect(precisionLabel(modelInPrecision(onnx, 'float16'))).toBe(', float16');
  });

  it(`is within ${FLOAT16_FIXTURE_ERROR} (measured) of Aurora's tiny-global encoding on onnxruntime-node's CPU, past the ${DEFAULT_PRECISION_BOUND} a default needs`, async () => {
    const model = await readModel(join(dir, 'tiny.onnx'));
    const session = await createNodeSession(modelInPrecision(onnx, 'float16'), { backend: 'node-cpu', threads: 1 });
    try {
      expect(session.backend).toMatch(/float16$/);
      const result = await encodeBatch(session, model.sidecar.config, await fixtureBatch());
      const error = maxAbsDifference(result.latents, (await readFixtureArray('expected/encoding.npy')).data);
      expect(error).toBeLessThanOrEqual(FLOAT16_FIXTURE_ERROR);
      // Why float16 is not the default (issue 13): should this fail, the variant may be made the default.
      expect(error).toBeGreaterThan(DEFAULT_PRECISION_BOUND);
    } finally {
      await session.release();
    }
  });
});
