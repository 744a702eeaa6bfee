// The converted fixture checkpoint, run by onnxruntime, against the output of Microsoft's own
// Perceiver3DEncoder (test/fixtures/aurora-encoder/tiny-global/expected/encoding.npy).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { MESSAGE_LOOK_INTERVAL_MS } from '../errors.ts';
import type { NormalisedBatch } from '../data/batch.ts';
import { convertCheckpoint, readModel } from './model-files.node.ts';
import { encodeBatch, EncoderError, type EncoderSession, type EncodeResult } from './runtime.ts';
import { createNodeSession } from './session.node.ts';
import { FIXTURE_CHECKPOINT, FIXTURE_HEADS, fixtureBatch, maxAbsDifference, readFixtureArray } from './test-fixture.node.ts';
import { buildModel, type ModelSidecar } from './model.ts';
import { loadEncoderWeights } from './checkpoint/encoder-weights.ts';
import { openCheckpoint } from './checkpoint/open.ts';
import { memorySource } from './checkpoint/source.ts';
import { readFile } from 'node:fs/promises';

let dir: string;
let sidecar: ModelSidecar;
let session: EncoderSession;
let batch: NormalisedBatch;
let expected: Float32Array;
let full: EncodeResult;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'encoder-test-'));
  const out = join(dir, 'tiny.onnx');
  await convertCheckpoint({ checkpoint: FIXTURE_CHECKPOINT, out, numHeads: FIXTURE_HEADS });
  const model = await readModel(out);
  sidecar = model.sidecar;
  session = await createNodeSession(model.onnx, { backend: 'node-cpu', threads: 1 });
  batch = await fixtureBatch();
  expected = (await readFixtureArray('expected/encoding.npy')).data;
  full = await encodeBatch(session, sidecar.config, batch);
});

afterAll(async () => {
  await session?.release();
  await rm(dir, { recursive: true, force: true });
});

describe('encoder on the tiny-global fixture', () => {
  it('writes a sidecar describing the converted checkpoint', () => {
    expect(sidecar.trained).toBe(true);
    expect(sidecar.config).toMatchObject({ embedDim: 64, numHeads: 4, headDim: 16, latentLevels: 4, depth: 1, patchSize: 4, historySize: 2 });
    expect(sidecar.source?.sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('matches Aurora’s encoding within 1e-4', () => {
    // Aurora's output is (1, latent_levels * L, D), level-major then patch: the same memory layout.
    expect(full.latents.length).toBe(expected.length);
    expect(maxAbsDifference(full.latents, expected)).toBeLessThanOrEqual(1e-4);
    expect(Array.from(full.patchIndices)).toEqual(Array.from({ length: 32 }, (_, i) => i));
  });

  it('matches Aurora with the plain (uncomposed) attention path too', async () => {
    const checkpoint = await openCheckpoint(memorySource(new Uint8Array(await readFile(FIXTURE_CHECKPOINT))));
    const { config, weights } = await loadEncoderWeights(checkpoint, { numHeads: FIXTURE_HEADS });
    const provenance = { kind: 'checkpoint', file: 'encoder.ckpt', sha256: '', format: 'torch' } as const;
    const plain = buildModel('plain', config, weights, provenance, 'test', { plainFirstLayer: true });
    const plainSession = await createNodeSession(plain.onnx, { backend: 'node-cpu', threads: 1 });
    try {
      const result = await encodeBatch(plainSession, config, batch);
      expect(maxAbsDifference(result.latents, expected)).toBeLessThanOrEqual(1e-4);
    } finally {
      await plainSession.release();
    }
  });

  it('gives the same output for tiles of 1 row, 2 rows and all rows', async () => {
    for (const tileRows of [1, 2, 4]) {
      const tiled = await encodeBatch(session, sidecar.config, batch, { tileRows });
      expect(maxAbsDifference(tiled.latents, full.latents)).toBeLessThanOrEqual(1e-6);
    }
    const split = await encodeBatch(session, sidecar.config, batch, { maxTilePatches: 3 });
    expect(maxAbsDifference(split.latents, full.latents)).toBeLessThanOrEqual(1e-6);
  });

  it("runs one tile at a time and builds the next tiles' inputs during a run without touching that run's own", async () => {
    let inFlight = false;
    let runs = 0;
    const watched: EncoderSession = {
      backend: session.backend,
      run: async (feeds) => {
        expect(inFlight).toBe(false);
        inFlight = true;
        const inputs = [feeds.surfaceBand, feeds.atmosBand, feeds.bandPatches, feeds.scaleIndex];
        const before = inputs.map((input) => input.slice());
        const output = await session.run(feeds);
        // A turn of the event loop, as a GPU's answer takes: the encode builds the next tiles meanwhile.
        await new Promise((resolve) => setTimeout(resolve, 5));
        if (inputs.some((input, i) => maxAbsDifference(input, before[i]) !== 0)) throw new Error("a run's inputs changed while it ran");
        runs++;
        inFlight = false;
        return output;
      },
      release: async () => undefined,
    };
    const tiled = await encodeBatch(watched, sidecar.config, batch, { tileRows: 1 });
    expect(runs).toBe(4);
    expect(maxAbsDifference(tiled.latents, full.latents)).toBeLessThanOrEqual(1e-6);
  });

  it('encodes a region as the matching slice of the full encoding', async () => {
    // Patch centres: rows at 73.125, 28.125, -16.875, -61.875 N; columns at 16.875 + 45k E. The box
    // holds rows 1 and 2 and crosses the 0/360 meridian: columns 7 (331.875), 0 and 1.
    const region = await encodeBatch(session, sidecar.config, batch, { region: { kind: 'box', south: -20, north: 30, west: -50, east: 70 } });
    const columns = full.patchColumns;
    const selected = Array.from(region.patchIndices);
    expect(selected.map((index) => Math.floor(index / columns))).toEqual([1, 1, 1, 2, 2, 2]);
    expect(selected.map((index) => index % columns)).toEqual([0, 1, 7, 0, 1, 7]);
    const d = region.embedDim;
    const patches = selected.length;
    for (let level = 0; level < region.latentLevels; level++) {
      selected.forEach((index, k) => {
        const actual = region.latents.subarray((level * patches + k) * d, (level * patches + k + 1) * d);
        const reference = full.latents.subarray((level * 32 + index) * d, (level * 32 + index + 1) * d);
        expect(maxAbsDifference(actual, reference)).toBeLessThanOrEqual(1e-6);
      });
    }
  });

  it('encodes the patches of a mask, reports progress and streams tiles', async () => {
    const mask = new Uint8Array(32);
    mask[5] = mask[30] = 1;
    const progress: number[] = [];
    const tiles: number[] = [];
    const result = await encodeBatch(session, sidecar.config, batch, {
      region: { kind: 'mask', mask },
      tileRows: 1,
      onProgress: (p) => progress.push(p.donePatches),
      onTile: (tile) => tiles.push(...tile.patchIndices),
    });
    expect(Array.from(result.patchIndices)).toEqual([5, 30]);
    expect(progress).toEqual([0, 1, 2]);
    expect(tiles).toEqual([5, 30]);
  });

  it('stops when aborted', async () => {
    const controller = new AbortController();
    const run = encodeBatch(session, sidecar.config, batch, { tileRows: 1, signal: controller.signal, onTile: () => controller.abort() });
    await expect(run).rejects.toThrow('The encode was cancelled.');
  });

  it("stops within a tile when the cancel comes as a message while each tile holds the thread (a browser WASM session's run)", async () => {
    const controller = new AbortController();
    const tileLatents = sidecar.config.latentLevels * sidecar.config.embedDim;
    let tilesRun = 0;
    let tilesAtAbort: number | null = null;
    let totalTiles = 0;
    // Answers at once like a WASM session in a worker, which runs the tile synchronously: no task can run meanwhile.
    // The clock the cancellation points read moves 30 ms per tile and only then, so the test counts tiles, not time.
    let now = Date.now() + MESSAGE_LOOK_INTERVAL_MS;
    const clock = vi.spyOn(Date, 'now').mockImplementation(() => now);
    const blocking: EncoderSession = {
      backend: 'blocking stand-in',
      run: async (feeds) => {
        now += 30;
        tilesRun++;
        return new Float32Array(feeds.patches * tileLatents);
      },
      release: async () => undefined,
    };
    const run = encodeBatch(blocking, sidecar.config, batch, {
      tileRows: 1,
      signal: controller.signal,
      onProgress: (progress) => {
        totalTiles = progress.totalTiles;
        if (progress.doneTiles !== 1) return;
        // The page's cancel reaches a worker as a task, which runs only when the thread is free.
        setTimeout(() => {
          tilesAtAbort = tilesRun;
          controller.abort();
        }, 0);
      },
    });
    try {
      await expect(run).rejects.toThrow('The encode was cancelled.');
    } finally {
      clock.mockRestore();
    }
    expect(tilesAtAbort).not.toBeNull();
    expect(tilesRun).toBe(tilesAtAbort);
    expect(tilesRun).toBeLessThan(totalTiles);
  });

  it('rejects an empty region', async () => {
    await expect(encodeBatch(session, sidecar.config, batch, { region: { kind: 'box', south: 10, north: 11, west: 0, east: 1 } })).rejects.toThrow(EncoderError);
  });
});
