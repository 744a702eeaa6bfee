// A model converted before the graph cut its own patches (test/fixtures/models/tiny-global-v1.onnx,
// written by version 0.1.0's converter) runs through today's runtime and gives Microsoft's encoding.
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { GRAPH_INPUTS_KEY, GRAPH_INPUTS_VERSION } from './graph.ts';
import { currentGraph } from './graph-upgrade.ts';
import { buildUntrainedModel } from './untrained.ts';
import { readModel } from './model-files.node.ts';
import { readModelMetadata } from './onnx/proto.ts';
import { encodeBatch } from './runtime.ts';
import { createNodeSession } from './session.node.ts';
import { fixtureBatch, maxAbsDifference, readFixtureArray } from './test-fixture.node.ts';

const VERSION_1_MODEL = resolve(import.meta.dirname, '../../test/fixtures/models/tiny-global-v1.onnx');

describe('models converted before the band inputs', () => {
  it('upgrades a version-1 model, which then matches Aurora’s encoding on every backend and tiling', async () => {
    const model = await readModel(VERSION_1_MODEL);
    expect(readModelMetadata(model.onnx)[GRAPH_INPUTS_KEY]).toBeUndefined();
    const upgraded = currentGraph(model.onnx);
    expect(readModelMetadata(upgraded)[GRAPH_INPUTS_KEY]).toBe(GRAPH_INPUTS_VERSION);
    expect(currentGraph(model.onnx)).toBe(upgraded);
    const batch = await fixtureBatch();
    const expected = (await readFixtureArray('expected/encoding.npy')).data;
    for (const backend of ['node-cpu', 'wasm'] as const) {
      const session = await createNodeSession(model.onnx, { backend, threads: 1 });
      try {
        for (const tileRows of [1, 4]) {
          const result = await encodeBatch(session, model.sidecar.config, batch, { tileRows });
          expect(maxAbsDifference(result.latents, expected)).toBeLessThanOrEqual(1e-4);
        }
        const region = await encodeBatch(session, model.sidecar.config, batch, { region: { kind: 'box', south: -20, north: 30, west: -50, east: 70 } });
        expect(Array.from(region.patchIndices)).toEqual([8, 9, 15, 16, 17, 23]);
      } finally {
        await session.release();
      }
    }
  });

  it('leaves a current model as it is', () => {
    const { onnx } = buildUntrainedModel('aurora-0.25-small', 0, 'test');
    expect(currentGraph(onnx)).toBe(onnx);
  });
});
