// The untrained control of the full aurora-0.25 configuration: deterministic, marked untrained,
// Aurora's initialisation statistics, and it runs.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../main.ts';
import { readModel } from '../../encoder/model-files.node.ts';
import { initialWeights } from '../../encoder/init.ts';
import { PRESETS } from '../../encoder/config.ts';
import { DEFAULT_MODEL_FILE } from '../../encoder/untrained.ts';
import { encodeBatch } from '../../encoder/runtime.ts';
import { createNodeSession } from '../../encoder/session.node.ts';
import type { NormalisedBatch } from '../../data/batch.ts';

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'init-model-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

// Buffer.equals: vitest's deep equality is far too slow for millions of elements.
const sameBytes = (a: ArrayBufferView, b: ArrayBufferView) =>
  Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
const std = (data: Float32Array) => Math.sqrt(data.reduce((sum, x) => sum + x * x, 0) / data.length);

/** An 8 x 8 grid (4 patches) of smooth synthetic normalised fields. */
function syntheticBatch(): NormalisedBatch {
  const h = 8;
  const w = 8;
  const field = (planes: number, phase: number) => Float32Array.from({ length: planes * h * w }, (_, i) => Math.sin(i * 0.37 + phase));
  const levels = [50, 500, 1000];
  return {
    time: new Date('2022-08-07T06:00Z'),
    stepTimes: [new Date('2022-08-07T00:00Z'), new Date('2022-08-07T06:00Z')],
    lat: Float64Array.from({ length: h }, (_, i) => 90 - i * 22.5),
    lon: Float64Array.from({ length: w }, (_, j) => j * 45),
    levels,
    surface: { '2t': field(2, 0), '10u': field(2, 1), '10v': field(2, 2), msl: field(2, 3) },
    static: { lsm: field(1, 4), z: field(1, 5), slt: field(1, 6) },
    atmos: { z: field(2 * 3, 7), u: field(2 * 3, 8), v: field(2 * 3, 9), t: field(2 * 3, 10), q: field(2 * 3, 11) },
    rowOffset: 0,
    fullHeight: h,
  };
}

describe('init-model', () => {
  it('is the default model path the README documents', () => {
    expect(`models/${DEFAULT_MODEL_FILE}`).toBe('models/aurora-0.25-untrained-seed0.onnx');
  });

  it('draws weights as Aurora initialises them, deterministically per seed', () => {
    const config = PRESETS['aurora-0.25-small'];
    const a = initialWeights(config, 0);
    const b = initialWeights(config, 0);
    const c = initialWeights(config, 1);
    const linear = a.get('encoder.level_agg.layers.0.1.net.0.weight')!.data;
    expect(sameBytes(b.get('encoder.level_agg.layers.0.1.net.0.weight')!.data, linear)).toBe(true);
    expect(sameBytes(c.get('encoder.level_agg.layers.0.1.net.0.weight')!.data, linear)).toBe(false);
    expect(std(linear)).toBeCloseTo(0.02, 3);
    expect(a.get('encoder.pos_embed.bias')!.data.every((x) => x === 0)).toBe(true);
    expect(a.get('encoder.surf_norm.weight')!.data.every((x) => x === 1)).toBe(true);
    const patch = a.get('encoder.surf_token_embeds.weights.2t')!.data;
    const bound = 1 / Math.sqrt(2 * 16);
    expect(patch.every((x) => Math.abs(x) <= bound)).toBe(true);
    expect(std(patch)).toBeCloseTo(bound / Math.sqrt(3), 2);
  });

  it('writes an UNTRAINED aurora-0.25 model that runs', async () => {
    const out = join(dir, 'untrained.onnx');
    expect(await main(['init-model', '--preset', 'aurora-0.25', '--seed', '0', '--out', out])).toBe(0);
    const { onnx, sidecar } = await readModel(out);
    expect(sidecar).toMatchObject({ trained: false, preset: 'aurora-0.25', seed: 0, source: null, config: PRESETS['aurora-0.25'] });
    expect(sidecar.description).toMatch(/UNTRAINED/);
    const again = join(dir, 'again.onnx');
    expect(await main(['init-model', '--preset', 'aurora-0.25', '--seed', '0', '--out', again])).toBe(0);
    expect(sameBytes(await readFile(again), onnx)).toBe(true);

    const session = await createNodeSession(onnx, { backend: 'node-cpu' });
    try {
      const result = await encodeBatch(session, sidecar.config, syntheticBatch());
      expect(result.latents.length).toBe(4 * 4 * 512);
      expect(result.latents.every(Number.isFinite)).toBe(true);
      const tiled = await encodeBatch(session, sidecar.config, syntheticBatch(), { tileRows: 1 });
      expect(sameBytes(tiled.latents, result.latents)).toBe(true);
    } finally {
      await session.release();
    }
  });

  it('rejects an unknown preset and a bad seed', async () => {
    expect(await main(['init-model', '--preset', 'aurora-9', '--seed', '0', '--out', join(dir, 'x.onnx')])).toBe(2);
    expect(await main(['init-model', '--preset', 'aurora-0.25', '--seed', '-1', '--out', join(dir, 'x.onnx')])).toBe(2);
  });
});
