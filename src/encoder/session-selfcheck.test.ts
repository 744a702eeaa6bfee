// The self-check on the tiny-global fixture: a stub GPU session that returns wrong numbers (as
// onnxruntime-web's JSEP build did at large tiles, silently) is caught on its first tile, and the encode
// finishes on WASM with Microsoft's latents.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NormalisedBatch } from '../data/batch.ts';
import type { EncoderConfig } from './config.ts';
import { convertCheckpoint, readModel } from './model-files.node.ts';
import { encodeBatch, type EncoderSession, type GraphFeeds } from './runtime.ts';
import { GpuMismatchError, guardGpuSession, samplePatches, SELF_CHECK_TOLERANCE, type SelfCheckResult } from './session-fallback.ts';
import { createNodeSession } from './session.node.ts';
import { FLOAT16_TOLERANCE } from './graph-float16.ts';
import { FIXTURE_CHECKPOINT, FIXTURE_HEADS, fixtureBatch, maxAbsDifference, readFixtureArray } from './test-fixture.node.ts';

let dir: string;
let onnx: Uint8Array;
let config: EncoderConfig;
let batch: NormalisedBatch;
let expected: Float32Array;
/** A correct session standing in for the GPU's kernels. */
let kernels: EncoderSession;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'selfcheck-test-'));
  const out = join(dir, 'tiny.onnx');
  await convertCheckpoint({ checkpoint: FIXTURE_CHECKPOINT, out, numHeads: FIXTURE_HEADS });
  const model = await readModel(out);
  onnx = model.onnx;
  config = model.sidecar.config;
  kernels = await createNodeSession(onnx, { backend: 'node-cpu', threads: 1 });
  batch = await fixtureBatch();
  expected = (await readFixtureArray('expected/encoding.npy')).data;
});

afterAll(async () => {
  await kernels?.release();
  await rm(dir, { recursive: true, force: true });
});

/**
 * A GPU that is right on tiles of up to `rightUpTo` patches and, beyond, adds `error` to every patch
 * from `rightUpTo` on: the pattern of a kernel that overflows a dispatch bound.
 */
function stubGpu(rightUpTo: number, error: number, tilePatches: number, log: string[]): EncoderSession {
  return {
    backend: 'WebGPU (stub)',
    maxTilePatches: () => tilePatches,
    async run(feeds: GraphFeeds) {
      log.push(`gpu ${feeds.patches}`);
      const output = await kernels.run(feeds);
      // (latent levels, patches, D): each level's rows of the patches from `rightUpTo` on.
      const d = config.embedDim;
      for (let level = 0; level < config.latentLevels; level++) {
        for (let k = rightUpTo; k < feeds.patches; k++) for (let i = 0; i < d; i++) output[(level * feeds.patches + k) * d + i] += error;
      }
      return output;
    },
    async release() {
      log.push('gpu released');
    },
  };
}

function wasmReference(log: string[]): () => Promise<EncoderSession> {
  return async () => {
    const wasm = await createNodeSession(onnx, { backend: 'wasm', threads: 1 });
    log.push('wasm created');
    return {
      backend: wasm.backend,
      run: (feeds) => {
        log.push(`wasm ${feeds.patches}`);
        return wasm.run(feeds);
      },
      release: () => wasm.release(),
    };
  };
}

describe('the GPU self-check', () => {
  it('catches wrong latents on the first tile, and the encode finishes on WASM with the right ones', async () => {
    const log: string[] = [];
    const reasons: unknown[] = [];
    const session = guardGpuSession(stubGpu(20, 7.9, 32, log), wasmReference(log), { onFallback: (error) => reasons.push(error) });
    try {
      const result = await encodeBatch(session, config, batch);
      expect(maxAbsDifference(result.latents, expected)).toBeLessThanOrEqual(1e-4);
      expect(result.backend).toMatch(/WASM/);
      // The tile ran on the GPU and, for the check, on WASM; then all of it again on WASM, in WASM's tiles.
      expect(log).toEqual(['gpu 32', 'wasm created', 'wasm 32', 'gpu released', 'wasm 32']);
      expect(reasons).toHaveLength(1);
      const mismatch = reasons[0] as GpuMismatchError;
      expect(mismatch).toBeInstanceOf(GpuMismatchError);
      expect(mismatch.kind).toBe('gpu-mismatch');
      expect(mismatch.maxAbsDifference).toBeCloseTo(7.9, 3);
      expect(mismatch.patch).toBeGreaterThanOrEqual(20);
      expect(mismatch.message).toMatch(/WebGPU \(stub\) returned wrong latents: on 32 of a 32-patch tile, checked against onnxruntime-web WASM.*differ by up to 7\.9e\+0/);
    } finally {
      await session.release();
    }
  });

  it('passes a right GPU, checking each larger tile once and no tile twice', async () => {
    const log: string[] = [];
    const checks: SelfCheckResult[] = [];
    const session = guardGpuSession(stubGpu(Number.POSITIVE_INFINITY, 0, 16, log), wasmReference(log), {
      onFallback: (error) => {
        throw error;
      },
      onChecked: (result) => checks.push(result),
    });
    try {
      // A warm-up-like one-row tile, then the whole grid in tiles of 16 patches (two rows).
      const mask = new Uint8Array(32).fill(1, 0, 8);
      await encodeBatch(session, config, batch, { region: { kind: 'mask', mask } });
      const result = await encodeBatch(session, config, batch);
      expect(maxAbsDifference(result.latents, expected)).toBeLessThanOrEqual(1e-4);
      expect(result.backend).toBe('WebGPU (stub)');
      expect(log).toEqual(['gpu 8', 'wasm created', 'wasm 8', 'gpu 16', 'wasm 16', 'gpu 16']);
      expect(checks.map((check) => check.tilePatches)).toEqual([8, 16]);
      expect(checks.every((check) => check.maxAbsDifference <= SELF_CHECK_TOLERANCE)).toBe(true);
    } finally {
      await session.release();
    }
  });

  it('catches a GPU that is right on small tiles and wrong on a larger one later', async () => {
    const log: string[] = [];
    const reasons: unknown[] = [];
    const session = guardGpuSession(stubGpu(12, 0.01, 32, log), wasmReference(log), { onFallback: (error) => reasons.push(error) });
    try {
      const mask = new Uint8Array(32).fill(1, 0, 8);
      await encodeBatch(session, config, batch, { region: { kind: 'mask', mask } });
      expect(reasons).toEqual([]);
      const result = await encodeBatch(session, config, batch);
      expect(maxAbsDifference(result.latents, expected)).toBeLessThanOrEqual(1e-4);
      expect((reasons[0] as GpuMismatchError).maxAbsDifference).toBeCloseTo(0.01, 4);
    } finally {
      await session.release();
    }
  });

  it('holds a float16 variant to its own allowance: 0.01 off passes, 0.1 off moves to the float32 reference', async () => {
    for (const [error, fallsBack] of [[0.01, false], [0.1, true]] as const) {
      const log: string[] = [];
      const reasons: unknown[] = [];
      const checks: SelfCheckResult[] = [];
      const session = guardGpuSession(stubGpu(0, error, 32, log), wasmReference(log), { tolerance: FLOAT16_TOLERANCE, onFallback: (reason) => reasons.push(reason), onChecked: (check) => checks.push(check) });
      try {
        const result = await encodeBatch(session, config, batch);
        expect(maxAbsDifference(result.latents, expected)).toBeCloseTo(fallsBack ? 0 : error, 3);
        expect(reasons.length).toBe(fallsBack ? 1 : 0);
        if (fallsBack) expect((reasons[0] as GpuMismatchError).message).toMatch(/differ by up to 1\.0e-1 .*allowed 5e-2\)/);
        else expect(checks[0].maxAbsDifference).toBeCloseTo(error, 3);
      } finally {
        await session.release();
      }
    }
  });

  it('samples a large tile from its first patch to its last', () => {
    const sample = samplePatches(5_041, 64);
    expect(sample.length).toBe(64);
    expect(sample[0]).toBe(0);
    expect(sample[63]).toBe(5_040);
    expect(new Set(sample).size).toBe(64);
    expect(Array.from(samplePatches(5, 64))).toEqual([0, 1, 2, 3, 4]);
  });
});
